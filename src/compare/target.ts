/**
 * "When did each method first reach what ADAM reaches?" — the comparison's headline figure
 * (GNVPRO.md §5–6): the best validation metric ADAM attains within its budget is the target; for
 * every method, the work units and wall time of the first history row whose validation metric is at
 * least as good.
 */
import type { TraceRow } from "../report/history.js";

export interface Reach {
  iteration: number;
  workUnits: number;
  wallMs: number;
}

function finite(v: number | null | undefined): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

/** Best validation metric over the rows (max when higherIsBetter, else min); null if none. */
export function bestValMetric(rows: readonly TraceRow[], higherIsBetter: boolean): number | null {
  let best: number | null = null;
  for (const r of rows) {
    const v = r.valMetric;
    if (!finite(v)) continue;
    if (best === null || (higherIsBetter ? v > best : v < best)) best = v;
  }
  return best;
}

/** The first row whose validation metric is at least as good as `target`, or null. */
export function firstReach(rows: readonly TraceRow[], target: number, higherIsBetter: boolean): Reach | null {
  if (!Number.isFinite(target)) throw new Error(`firstReach: target must be finite, got ${target}`);
  for (const r of rows) {
    const v = r.valMetric;
    if (!finite(v)) continue;
    if (higherIsBetter ? v >= target : v <= target) {
      return { iteration: r.iteration, workUnits: r.workUnits, wallMs: r.wallMs };
    }
  }
  return null;
}
