/**
 * The training history as the report sees it: one row per optimizer iteration, and one trace per
 * optimizer run. The driver (src/training/train.ts) writes richer rows; the report only reads the
 * fields below, so any row type with these fields (extra fields allowed) can be plotted.
 */

/** One iteration of one run. Non-finite or absent values are simply not plotted. */
export interface TraceRow {
  iteration: number;
  /** Work units spent so far (GNVPRO.md §4). */
  workUnits: number;
  /** Wall-clock milliseconds since the run started (validation excluded). */
  wallMs: number;
  /** Training loss (the data term; the objective the optimizer minimises may add regularisers). */
  loss: number;
  /** Training metric (mean relative error or accuracy). */
  trainMetric?: number | null;
  /** Validation loss. */
  valLoss?: number | null;
  /** Validation metric. */
  valMetric?: number | null;
}

/** How the metric of a task reads. */
export interface MetricInfo {
  /** Machine name, e.g. "relErr" or "accuracy". */
  name: string;
  /** Human label, e.g. "mean relative error". */
  label: string;
  /** True for accuracy, false for errors. */
  higherIsBetter: boolean;
}

export const REL_ERR: MetricInfo = { name: "relErr", label: "mean relative error", higherIsBetter: false };
export const ACCURACY: MetricInfo = { name: "accuracy", label: "accuracy", higherIsBetter: true };

/** One optimizer run on one seed. */
export interface Trace {
  /** Optimizer id, e.g. "gnvpro". */
  method: string;
  /** Display name, e.g. "GNvpro". */
  label: string;
  seed: number;
  rows: readonly TraceRow[];
}

function num(v: number | null | undefined): string {
  return v === null || v === undefined ? "" : String(v);
}

/** The rows as CSV with a header line (empty cells for absent values). */
export function traceToCsv(rows: readonly TraceRow[]): string {
  const head = "iteration,workUnits,wallMs,loss,trainMetric,valLoss,valMetric";
  const lines = rows.map((r) =>
    [r.iteration, r.workUnits, r.wallMs, r.loss, r.trainMetric, r.valLoss, r.valMetric].map(num).join(","),
  );
  return [head, ...lines].join("\n") + "\n";
}
