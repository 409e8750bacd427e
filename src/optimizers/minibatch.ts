/**
 * The epoch loop shared by ADAM and SGD (GNVPRO.md §5): each epoch draws a fresh permutation of the
 * training samples from the optimizer's own seeded generator (its state is part of the optimizer
 * state, so a resumed run draws the same batches) and applies an update rule per minibatch.
 *
 * Work units: a minibatch of b of the n samples costs 2b/n (forward + backward), so an epoch costs
 * 2. A minibatch starts only if it fits the budget; an epoch cut short by the budget ends the run.
 */
import type { StochasticObjective } from "../objectives/types.js";
import { Rng, type RngState } from "../util/rng.js";
import {
  allFinite,
  checkOption,
  emptyInfo,
  norm2,
  type BaseState,
  type StepInfo,
  type StepResult,
} from "./types.js";

export interface MinibatchOptions {
  learningRate: number;
  batchSize: number;
  /** maximum number of epochs (one iteration = one epoch) */
  maxIterations: number;
  seed: number;
}

export interface MinibatchState extends BaseState {
  /** minibatch updates done so far */
  t: number;
  rng: RngState;
  /** batch-size-weighted mean of the minibatch losses and gradients over the last epoch */
  meanLoss: number;
  meanGradNorm: number;
  batches: number;
}

export function checkMinibatchOptions(where: string, o: MinibatchOptions): void {
  checkOption(where, "learningRate", o.learningRate, (v) => v > 0 && Number.isFinite(v), "> 0");
  checkOption(where, "batchSize", o.batchSize, (v) => Number.isInteger(v) && v >= 1, "an integer ≥ 1");
  checkOption(
    where,
    "maxIterations",
    o.maxIterations,
    (v) => Number.isInteger(v) && v >= 0,
    "an integer ≥ 0",
  );
  checkOption(where, "seed", o.seed, Number.isFinite, "a finite number");
}

export function minibatchInfo(st: MinibatchState, lr: number): StepInfo {
  const info = emptyInfo(st.meanLoss, st.meanGradNorm);
  info.stepSize = lr;
  return info;
}

/**
 * One epoch. `update(x, g, t)` applies the rule in place to x (and the caller's moment buffers held
 * in `st`), t being the 1-based update count.
 */
export function runEpoch<S extends MinibatchState>(
  obj: StochasticObjective,
  prev: S,
  budget: number,
  o: MinibatchOptions,
  cloneBuffers: (st: S) => S,
  update: (st: S, g: Float64Array, t: number) => void,
): StepResult<S> {
  const st = cloneBuffers({ ...prev, x: Float64Array.from(prev.x) });
  if (st.status !== "running") return { state: st, info: minibatchInfo(st, o.learningRate) };
  const n = obj.nSamples;
  const b = Math.min(o.batchSize, n);
  const rng = Rng.fromState(prev.rng);
  const perm = rng.permutation(n);
  let lossSum = 0;
  const gSum = new Float64Array(obj.dim);
  let count = 0;
  let batches = 0;
  for (let start = 0; start < n; start += b) {
    const size = Math.min(b, n - start);
    const cost = (2 * size) / n;
    if (obj.work.units + cost > budget + 1e-9) {
      st.status = "budget";
      break;
    }
    const idx = perm.subarray(start, start + size);
    const { value, gradient } = obj.batchValueGradient(st.x, idx);
    if (!Number.isFinite(value) || !allFinite(gradient)) {
      st.status = "non-finite";
      break;
    }
    lossSum += value * size;
    for (let i = 0; i < gSum.length; i++) gSum[i] += gradient[i] * size;
    count += size;
    batches++;
    st.t += 1;
    update(st, gradient, st.t);
  }
  st.rng = rng.getState();
  st.batches = batches;
  if (count > 0) {
    st.meanLoss = lossSum / count;
    for (let i = 0; i < gSum.length; i++) gSum[i] /= count;
    st.meanGradNorm = norm2(gSum);
  }
  st.iteration = prev.iteration + 1;
  if (st.status === "running" && st.iteration >= o.maxIterations) st.status = "max-iterations";
  return { state: st, info: minibatchInfo(st, o.learningRate) };
}

export function baseMinibatchState(method: string, x0: Float64Array, o: MinibatchOptions): MinibatchState {
  return {
    method,
    iteration: 0,
    x: Float64Array.from(x0),
    status: o.maxIterations === 0 ? "max-iterations" : "running",
    t: 0,
    rng: new Rng(o.seed).getState(),
    meanLoss: NaN,
    meanGradNorm: NaN,
    batches: 0,
  };
}
