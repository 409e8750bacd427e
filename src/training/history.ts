/**
 * One row of the training history per optimizer iteration (row 0 = the starting point). Extends the
 * report's TraceRow (src/report/history.ts) with the optimizer's internals. Validation and training
 * metrics cost no work units and are excluded from wallMs.
 */
import type { Status } from "../optimizers/types.js";

export interface HistoryRow {
  iteration: number;
  /** multilevel training: the level (0-based); 0 otherwise */
  level: number;
  workUnits: number;
  wallMs: number;
  /** the objective value the optimizer sees (mean minibatch loss of the epoch for ADAM/SGD) */
  loss: number;
  gradNorm: number;
  trainMetric: number | null;
  valLoss: number | null;
  valMetric: number | null;
  radius: number | null;
  krylovIterations: number | null;
  forcing: number | null;
  accepted: boolean | null;
  rho: number | null;
  stepNorm: number | null;
  stepSize: number | null;
  lineSearchTrials: number | null;
  innerIterations: number | null;
  innerFlag: string | null;
  status: Status;
}

/** Rows equal in everything but wall time (what "the same history" means for reproducibility). */
export function sameHistory(a: readonly HistoryRow[], b: readonly HistoryRow[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const ra = { ...a[i], wallMs: 0 };
    const rb = { ...b[i], wallMs: 0 };
    for (const k of Object.keys(ra) as (keyof HistoryRow)[]) if (!Object.is(ra[k], rb[k])) return false;
    if (Object.keys(ra).length !== Object.keys(rb).length) return false;
  }
  return true;
}
