/**
 * The cheap sanity baselines of GNVPRO.md §5, always reported next to the optimizers:
 *
 * - regression: the mean predictor (every output is the training mean) and ridge regression on the
 *   (preprocessed) inputs — the least-squares inner solve of §2a on identity features, W = argmin
 *   (1/2n)‖W Ŷ − C‖² + (α/2)‖W‖², with α tuned on the validation set over a small grid;
 * - classification: the linear softmax (or, for q = 1, logistic) classifier on the inputs — the
 *   cross-entropy inner solve of §2b on identity features, α tuned the same way.
 *
 * They cost no work units (no network pass) and report the same metrics, in the data's original
 * units, as the optimizers.
 */
import { solveInnerCE } from "../objectives/inner-ce.js";
import { solveInnerLS } from "../objectives/inner-ls.js";
import { lossValue, type LossKind } from "../objectives/losses.js";
import { accuracy, meanRelativeError, relativeFrobeniusError } from "../objectives/metrics.js";
import { kernels } from "../kernels/index.js";

/** One part of a split, samples as columns: Y d × n (model units), C q × n (original units). */
export interface BaselinePart {
  Y: Float64Array;
  C: Float64Array;
  n: number;
}

export interface BaselineData {
  loss: LossKind;
  d: number;
  q: number;
  train: BaselinePart;
  val: BaselinePart;
  test: BaselinePart;
}

/** Metrics on one part, in the shape of the train summary's `PartMetrics` (src/experiments/summary.ts). */
export interface SplitMetrics {
  n: number;
  loss: number | null;
  relErr?: number | null;
  relErrFro?: number | null;
  accuracy?: number | null;
}

/** `{ last, best }` like the train summary; a baseline's last iterate is its best one. */
export interface SplitSummary {
  last: SplitMetrics | null;
  best: SplitMetrics | null;
}

export interface BaselineResult {
  optimizer: "mean" | "ridge" | "linear-softmax" | "linear-logistic";
  label: string;
  kind: "baseline";
  status: string;
  workUnits: number;
  wallSeconds: number;
  /** The regularisation chosen on the validation set (null: none). */
  alphaW: number | null;
  /** Validation metric for every α tried. */
  tuning: { alphaW: number; val: number | null }[];
  iterations: number;
  train: SplitSummary;
  val: SplitSummary;
  test: SplitSummary;
}

/** The α grid of ridge regression. */
export const BASELINE_ALPHAS = [1e-8, 1e-6, 1e-4, 1e-2, 1] as const;

/**
 * The α grid of the linear classifiers, solved from the largest α down, each solve warm-started
 * from the previous one (continuation: small α on nearly separable data is slow from scratch).
 */
export const CLASSIFIER_ALPHAS = [1e-1, 1e-2, 1e-3, 1e-4] as const;

function guard(f: () => number): number | null {
  try {
    const v = f();
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

/** Metrics of outputs S (q × n) against targets C, as every optimizer reports them. */
export function splitMetrics(
  loss: LossKind,
  S: Float64Array,
  C: Float64Array,
  q: number,
  n: number,
): SplitMetrics | null {
  if (n === 0) return null;
  const value = guard(() => lossValue(loss, S, C, q, n));
  if (loss === "least-squares")
    return {
      n,
      loss: value,
      relErr: guard(() => meanRelativeError(S, C, q, n)),
      relErrFro: guard(() => relativeFrobeniusError(S, C, q, n)),
    };
  return { n, loss: value, accuracy: guard(() => accuracy(S, C, q, n)) };
}

/** S = W [Y; 1ᵀ] for W q × (d+1). */
export function affineOutputs(
  W: Float64Array,
  q: number,
  Y: Float64Array,
  d: number,
  n: number,
): Float64Array {
  const S = new Float64Array(q * n);
  if (n === 0) return S;
  kernels().dgemm("N", "N", q, n, d, 1, W, q, Y, d, 0, S, q);
  for (let j = 0; j < n; j++) for (let i = 0; i < q; i++) S[i + j * q] += W[i + d * q];
  return S;
}

function allParts(
  data: BaselineData,
  predict: (Y: Float64Array, n: number) => Float64Array,
): { train: SplitSummary; val: SplitSummary; test: SplitSummary } {
  const { q, loss } = data;
  const m = (p: BaselinePart): SplitSummary => {
    const r = splitMetrics(loss, predict(p.Y, p.n), p.C, q, p.n);
    return { last: r, best: r };
  };
  return { train: m(data.train), val: m(data.val), test: m(data.test) };
}

/** The mean predictor: every output is the training mean of the targets. */
export function meanPredictor(data: BaselineData): BaselineResult {
  const t0 = performance.now();
  const { q, train } = data;
  if (train.n === 0) throw new Error("baseline mean: the training split is empty");
  const mu = new Float64Array(q);
  for (let j = 0; j < train.n; j++) for (let i = 0; i < q; i++) mu[i] += train.C[i + j * q];
  for (let i = 0; i < q; i++) mu[i] /= train.n;
  const predict = (_Y: Float64Array, n: number): Float64Array => {
    const S = new Float64Array(q * n);
    for (let j = 0; j < n; j++) S.set(mu, j * q);
    return S;
  };
  const parts = allParts(data, predict);
  return {
    optimizer: "mean",
    label: "mean predictor",
    kind: "baseline",
    status: "solved",
    workUnits: 0,
    wallSeconds: (performance.now() - t0) / 1000,
    alphaW: null,
    tuning: [],
    iterations: 0,
    ...parts,
  };
}

/**
 * Fit W on the training split for each α of the grid, pick the best validation metric (relative
 * error for regression, accuracy then loss for classification); without a validation split the
 * first α of `fallback` is used.
 */
function tuned(
  data: BaselineData,
  fit: (alpha: number, previous: Float64Array | null) => Float64Array,
  alphas: readonly number[],
): { W: Float64Array; alpha: number; tuning: { alphaW: number; val: number | null }[] } {
  const { d, q, loss } = data;
  const reg = loss === "least-squares";
  let best: { W: Float64Array; alpha: number; key: number } | null = null;
  const tuning: { alphaW: number; val: number | null }[] = [];
  let previous: Float64Array | null = null;
  for (const alpha of alphas) {
    let W: Float64Array;
    try {
      W = fit(alpha, previous);
      previous = W;
    } catch {
      tuning.push({ alphaW: alpha, val: null });
      continue;
    }
    if (data.val.n === 0) return { W, alpha, tuning: [{ alphaW: alpha, val: null }] };
    const m = splitMetrics(loss, affineOutputs(W, q, data.val.Y, d, data.val.n), data.val.C, q, data.val.n);
    const v = m === null ? null : reg ? m.relErr : m.accuracy;
    tuning.push({ alphaW: alpha, val: v ?? null });
    // lower key is better; ties in accuracy are broken by the validation loss
    const key = v === null || v === undefined ? Infinity : reg ? v : -v + 1e-9 * Math.tanh(m?.loss ?? 0);
    if (best === null || key < best.key) best = { W, alpha, key };
  }
  if (best === null) throw new Error(`baseline: every regularisation ${alphas.join(", ")} failed to solve`);
  return { W: best.W, alpha: best.alpha, tuning };
}

/** Ridge regression on the inputs (the least-squares inner solve on identity features). */
export function ridge(data: BaselineData, alphas: readonly number[] = BASELINE_ALPHAS): BaselineResult {
  if (data.loss !== "least-squares")
    throw new Error(`baseline ridge: needs a least-squares task, got ${data.loss}`);
  const t0 = performance.now();
  const { d, q, train } = data;
  if (train.n === 0) throw new Error("baseline ridge: the training split is empty");
  const { W, alpha, tuning } = tuned(data, (a) => solveInnerLS(train.Y, d, train.n, train.C, q, a).W, alphas);
  const parts = allParts(data, (Y, n) => affineOutputs(W, q, Y, d, n));
  return {
    optimizer: "ridge",
    label: "ridge",
    kind: "baseline",
    status: "solved",
    workUnits: 0,
    wallSeconds: (performance.now() - t0) / 1000,
    alphaW: alpha,
    tuning,
    iterations: 0,
    ...parts,
  };
}

/**
 * A solver of the cross-entropy / logistic inner problem on features Z (m × n): returns W q × (m+1);
 * W0 is a warm start (or null).
 */
export type InnerClassifierSolve = (
  Z: Float64Array,
  m: number,
  n: number,
  C: Float64Array,
  q: number,
  alphaW: number,
  W0: Float64Array | null,
) => Float64Array;

/** The linear softmax (q ≥ 2) or logistic (q = 1) classifier on the inputs. */
export function linearClassifier(
  data: BaselineData,
  alphas: readonly number[] = CLASSIFIER_ALPHAS,
  solve: InnerClassifierSolve = (Z, m, n, C, q, a, W0) =>
    // a baseline needs no implicit-differentiation accuracy: 1e-8 rather than the inner default 1e-10
    solveInnerCE(Z, m, n, C, q, a, {
      loss: q === 1 ? "logistic" : "cross-entropy",
      tol: 1e-8,
      maxIter: 100,
      W0,
    }).W,
): BaselineResult {
  if (data.loss === "least-squares")
    throw new Error("baseline linear classifier: needs a classification task");
  const t0 = performance.now();
  const { d, q, train } = data;
  if (train.n === 0) throw new Error("baseline linear classifier: the training split is empty");
  const descending = [...alphas].sort((a, b) => b - a);
  const { W, alpha, tuning } = tuned(
    data,
    (a, W0) => solve(train.Y, d, train.n, train.C, q, a, W0),
    descending,
  );
  const parts = allParts(data, (Y, n) => affineOutputs(W, q, Y, d, n));
  const logistic = data.loss === "logistic";
  return {
    optimizer: logistic ? "linear-logistic" : "linear-softmax",
    label: logistic ? "linear logistic" : "linear softmax",
    kind: "baseline",
    status: "solved",
    workUnits: 0,
    wallSeconds: (performance.now() - t0) / 1000,
    alphaW: alpha,
    tuning,
    iterations: 0,
    ...parts,
  };
}
