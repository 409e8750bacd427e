/**
 * The difficulty check of the synthetic hyperspectral scene: the linear softmax classifier on the
 * per-pixel standardised spectra (GNVPRO.md §5's sanity baseline), trained on the paper's
 * class-balanced split. It solves the cross-entropy inner problem of GNVPRO.md §2b with identity
 * features (src/objectives/inner-ce.ts) — the one place where src/data reaches into
 * src/objectives, so that the generator can record its own calibration in the manifest.
 */
import { solveInnerCE } from "../objectives/inner-ce.js";
import { prepareHsiClassification, type HsiScene, type HsiSet } from "./indian-pines.js";
import { oneHot } from "./split.js";

export interface LinearSoftmaxCalibration {
  /** Accuracies in [0, 1]. */
  train: number;
  val: number;
  test: number;
  alphaW: number;
  splitSeed: number;
  nTrain: number;
  nVal: number;
  nTest: number;
  /** Test-set confusion counts: confusion[true][predicted]. */
  confusion: number[][];
  /** Newton steps of the inner solver and whether it met its tolerance. */
  iterations: number;
  converged: boolean;
}

export interface CalibrationOptions {
  /** Seed of the class-balanced split (default 0). */
  seed?: number;
  /** Ridge weight α_W of the classifier (default 1e-3, the experiment's). */
  alphaW?: number;
  /** Gradient-norm tolerance of the inner Newton solve (default 1e-8). */
  tol?: number;
}

/** Fit the linear softmax classifier on the scene's paper split and report its accuracies. */
export function linearSoftmaxAccuracy(
  scene: HsiScene,
  opts: CalibrationOptions = {},
): LinearSoftmaxCalibration {
  const seed = opts.seed ?? 0;
  const alphaW = opts.alphaW ?? 1e-3;
  const data = prepareHsiClassification(scene, { seed });
  const d = data.d;
  const q = data.numClasses;
  const tr = data.train;
  const res = solveInnerCE(tr.Y, d, tr.n, oneHot(tr.labels, q), q, alphaW, {
    tol: opts.tol ?? 1e-8,
    maxIter: 100,
  });
  const confusion = Array.from({ length: q }, () => new Array<number>(q).fill(0));
  const acc = (set: HsiSet, record = false): number => {
    if (set.n === 0) return NaN;
    let hits = 0;
    const s = new Float64Array(q);
    for (let j = 0; j < set.n; j++) {
      for (let a = 0; a < q; a++) s[a] = res.W[a + q * d]; // bias column
      for (let i = 0; i < d; i++) {
        const y = set.Y[j * d + i];
        if (y === 0) continue;
        for (let a = 0; a < q; a++) s[a] += res.W[a + q * i] * y;
      }
      let best = 0;
      for (let a = 1; a < q; a++) if (s[a] > s[best]) best = a;
      if (best === set.labels[j]) hits++;
      if (record) confusion[set.labels[j]][best]++;
    }
    return hits / set.n;
  };
  return {
    train: acc(tr),
    val: acc(data.val),
    test: acc(data.test, true),
    alphaW,
    splitSeed: seed,
    nTrain: tr.n,
    nVal: data.val.n,
    nTest: data.test.n,
    confusion,
    iterations: res.iterations,
    converged: res.converged,
  };
}
