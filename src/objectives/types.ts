/**
 * What an optimizer sees of a problem. Optimizers never reach into layers or VarPro internals;
 * they see objectives only through these contracts (GNVPRO.md §4).
 *
 * Work units (GNVPRO.md §4): one pass of the network over the training data counts 1. Every
 * objective increments its counter as it spends; optimizers read `work.units` and consult
 * `COST` before starting anything, so that a budget is never exceeded.
 */

/** Cost in work units of each operation (GNVPRO.md §4 table). */
export const COST = {
  /** objective value at a new point (forward pass, inner solve included) */
  value: 1,
  /** gradient at a point whose forward pass is cached */
  gradient: 1,
  /** Gauss–Newton Hessian times a vector: one JVP and one VJP */
  hessVec: 2,
} as const;

export class WorkCounter {
  private u = 0;
  /**
   * Units spent so far. Fractional passes (b/n per minibatch or block) accumulate round-off
   * (80 epochs of 1/n-sized steps sum to 80.00000000000001); the total is reported rounded to 1e-9
   * of a unit, far below any real cost, so budgets and reports read the exact figure.
   */
  get units(): number {
    return Math.round(this.u * 1e9) / 1e9;
  }
  add(units: number): void {
    if (!(units >= 0)) throw new Error(`WorkCounter.add: bad amount ${units}`);
    this.u += units;
  }
  /** For checkpoint restore only. */
  set(units: number): void {
    this.u = units;
  }
}

export interface Evaluation {
  /** Objective value (may be non-finite: optimizers treat that as a rejected trial). */
  value: number;
  /**
   * Least-squares objectives: the residual vector r with value = ½‖r‖². It lets a trust region
   * compute the actual reduction accurately as Σ ½(r − r₊)(r + r₊).
   */
  residual?: Float64Array;
}

/** A smooth objective over a parameter vector x, for full-batch methods (TR Gauss–Newton, L-BFGS). */
export interface SmoothObjective {
  readonly dim: number;
  readonly work: WorkCounter;
  /** Value at x: COST.value work units, free when x equals the cached point. Caches the pass. */
  evaluate(x: Float64Array): Evaluation;
  /**
   * Gradient at x: COST.gradient work units when x is the cached point (else COST.value more).
   * Makes x the linearisation point of hessVec.
   */
  gradient(x: Float64Array): Float64Array;
}

/** A smooth objective with a Gauss–Newton model. */
export interface GNObjective extends SmoothObjective {
  /** H_GN·v at the linearisation point set by the last gradient() call: COST.hessVec work units. */
  hessVec(v: Float64Array): Float64Array;
}

/** Minibatch access for stochastic methods (ADAM, SGD). */
export interface StochasticObjective {
  readonly dim: number;
  readonly work: WorkCounter;
  /** Number of training samples n. */
  readonly nSamples: number;
  /**
   * Value and gradient of the objective restricted to the samples `idx` (the data term averaged
   * over the batch, regularisers added in full). Costs 2·|idx|/n work units (forward + backward).
   */
  batchValueGradient(x: Float64Array, idx: Int32Array): { value: number; gradient: Float64Array };
}
