/**
 * Shared types of the outer optimizers (GNVPRO.md §4–5).
 *
 * Following optax/optimistix (STYLE.md): an optimizer is a pair of functions `init` and `step`
 * over an explicit state that is plain data (numbers, strings, booleans, null, arrays, plain
 * objects and Float64Arrays) — so a checkpoint is just the state serialised. Every exit is a
 * status code, never a print.
 */
import type { GNObjective, SmoothObjective, StochasticObjective } from "../objectives/types.js";

/** Why an optimizer stopped ("running" while it has not). */
export type Status =
  | "running"
  /** gradient norm ≤ max(gradAtol, gradRtol·‖g₀‖) */
  | "converged"
  /** the next piece of work would exceed the work-unit budget */
  | "budget"
  /** the iteration cap was reached */
  | "max-iterations"
  /** the trust radius fell below its minimum (or a line search found no acceptable step) */
  | "radius-collapsed"
  /** a line search found no point satisfying sufficient decrease, even along −g */
  | "line-search-failed"
  /** a non-finite value at an accepted point (value, gradient or H·v); the last good iterate is kept */
  | "non-finite"
  /** the training driver was interrupted (SIGINT or a callback); a checkpoint can resume it */
  | "interrupted";

export const TERMINAL_STATUSES: readonly Status[] = [
  "converged",
  "budget",
  "max-iterations",
  "radius-collapsed",
  "line-search-failed",
  "non-finite",
  "interrupted",
];

/**
 * What one optimizer iteration reports; the training driver turns it into a history row.
 * Fields that do not apply to a method are null.
 */
export interface StepInfo {
  /** objective value at the iterate after this step */
  loss: number;
  /** gradient norm at the iterate after this step */
  gradNorm: number;
  /** trust radius after the update (trust-region methods) */
  radius: number | null;
  /** Krylov (CG) iterations spent in this step (0 when the CG path was re-used) */
  krylovIterations: number | null;
  /** whether the trial step was accepted (trust region) or a line search succeeded */
  accepted: boolean | null;
  /** ratio actual/predicted reduction (trust region) */
  rho: number | null;
  /** length of the step taken or tried */
  stepNorm: number | null;
  /** line-search trials (L-BFGS) */
  lineSearchTrials: number | null;
  /** step size (L-BFGS line search, or the learning rate of ADAM/SGD) */
  stepSize: number | null;
  /** forcing term (relative Krylov tolerance) used in this step */
  forcing: number | null;
}

export function emptyInfo(loss: number, gradNorm: number): StepInfo {
  return {
    loss,
    gradNorm,
    radius: null,
    krylovIterations: null,
    accepted: null,
    rho: null,
    stepNorm: null,
    lineSearchTrials: null,
    stepSize: null,
    forcing: null,
  };
}

/** The common part of every optimizer state. */
export interface BaseState {
  /** which optimizer built this state (checked on resume) */
  method: string;
  /** completed iterations */
  iteration: number;
  /** the current iterate (always the last good one) */
  x: Float64Array;
  status: Status;
}

export interface StepResult<S extends BaseState> {
  state: S;
  info: StepInfo;
}

/**
 * An optimizer over objectives of type O with plain-data state S.
 * - `init` evaluates what the method needs at x0 (spending work units);
 * - `step` performs one iteration; when the returned state's status is not "running" the run is
 *   over and the state's x is the last good iterate;
 * - `prepareResume` re-establishes the objective's caches for a restored state (the driver resets
 *   the work counter afterwards so this costs nothing).
 */
export interface Optimizer<O, S extends BaseState> {
  readonly method: string;
  init(objective: O, x0: Float64Array, budget: number): S;
  step(objective: O, state: S, budget: number): StepResult<S>;
  prepareResume(objective: O, state: S): void;
  /** info describing the initial state (the history row of iteration 0) */
  initialInfo(state: S): StepInfo;
}

export type AnyObjective = SmoothObjective | GNObjective | StochasticObjective;

/**
 * Optional extension of the objective contracts: an objective whose work counter counts passes over
 * a subset of the data can declare the fraction b/n one of its passes is worth, so that an optimizer
 * running on it checks the budget with scaled costs (block-sampled GNvpro, GNVPRO.md §4).
 */
export interface WorkScaled {
  readonly workScale: number;
}

export function workScaleOf(obj: object): number {
  const s = (obj as Partial<WorkScaled>).workScale;
  return typeof s === "number" && s > 0 ? s : 1;
}

/**
 * Optional extension: an objective with internal state that affects its results (e.g. the warm
 * start of an iterative inner solve) can save and restore it, so that a resumed run is exact.
 */
export interface StatefulObjective {
  saveState(): unknown;
  loadState(state: unknown): void;
}

export function isStateful(obj: object): obj is StatefulObjective {
  const o = obj as Partial<StatefulObjective>;
  return typeof o.saveState === "function" && typeof o.loadState === "function";
}

/** Euclidean norm. */
export function norm2(v: Float64Array): number {
  // scaled to avoid overflow/underflow on extreme values
  let scale = 0;
  let ssq = 1;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]);
    if (a === 0) continue;
    if (!(a <= Number.MAX_VALUE)) return a === Infinity ? Infinity : NaN;
    if (scale < a) {
      ssq = 1 + ssq * (scale / a) * (scale / a);
      scale = a;
    } else ssq += (a / scale) * (a / scale);
  }
  return scale * Math.sqrt(ssq);
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** y ← y + α x */
export function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += alpha * x[i];
}

export function allFinite(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}

/** Throws a clear error when a numeric option is out of range. */
export function checkOption(
  where: string,
  name: string,
  value: number,
  ok: (v: number) => boolean,
  what: string,
): void {
  if (typeof value !== "number" || Number.isNaN(value) || !ok(value))
    throw new Error(`${where}: option ${name} must be ${what}, got ${value}`);
}
