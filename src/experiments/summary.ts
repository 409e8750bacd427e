/**
 * Metrics of a trained model on train/val/test in the data's original units (GNVPRO.md §6), and
 * the writers of DIR/summary.json and DIR/history.csv.
 */
import { lossValue } from "../objectives/losses.js";
import { accuracy, meanRelativeError, relativeFrobeniusError } from "../objectives/metrics.js";
import type { Iterate, Model } from "../model/model.js";
import type { Dataset, Part } from "./userdata.js";

/** Metrics of one iterate on one part of the data. */
export interface PartMetrics {
  n: number;
  /** mean loss (1/n) Σ ℓ(s_i, c_i): least squares in original units, or cross-entropy/logistic */
  loss: number;
  /** regression: mean relative error ‖s_i − c_i‖/‖c_i‖ (null if some c_i = 0) */
  relErr?: number | null;
  /** regression: ‖S − C‖_F / ‖C‖_F */
  relErrFro?: number | null;
  /** classification: fraction correct */
  accuracy?: number;
}

export interface PartSummary {
  last: PartMetrics | null;
  best: PartMetrics | null;
}

export interface Summary {
  optimizer: string;
  task: "regression" | "classification";
  experiment: string | null;
  /** where the data came from (says "SYNTHETIC" for the synthetic Indian Pines scene) */
  data: string;
  status: string;
  workUnits: number;
  wallSeconds: number;
  iterations: number;
  levels: number;
  train: PartSummary;
  val: PartSummary;
  test: PartSummary;
  /** the best-validation iterate (the last one when there is no validation data) */
  best: { level: number; iteration: number; workUnits: number };
  /** which iterate model.json uses by default */
  select: "best" | "last";
  backend: string;
  seed: number;
  settings: Record<string, unknown>;
}

function safe(f: () => number): number | null {
  try {
    const v = f();
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

/** Metrics of `model` (iterate `which`) on a part of the data set, in original units. */
export function partMetrics(
  model: Model,
  ds: Dataset,
  part: Part,
  which: "best" | "last",
): PartMetrics | null {
  if (part.n === 0) return null;
  const { q } = ds;
  if (ds.task === "regression") {
    const S = model.predict(part.Y, part.n, which);
    return {
      n: part.n,
      loss: lossValue("least-squares", S, part.C, q, part.n),
      relErr: safe(() => meanRelativeError(S, part.C, q, part.n)),
      relErrFro: safe(() => relativeFrobeniusError(S, part.C, q, part.n)),
    };
  }
  const S = model.scores(part.Y, part.n, which);
  return {
    n: part.n,
    loss: lossValue(ds.loss, S, part.C, q, part.n),
    accuracy: accuracy(S, part.C, q, part.n),
  };
}

export function allMetrics(model: Model, ds: Dataset): Pick<Summary, "train" | "val" | "test"> {
  // the best-validation iterate is often the last one: then its metrics are the last's (no second
  // forward pass over every part of the data)
  const hasBest = model.best !== null && !sameIterate(model.best, model.last, model.net);
  const one = (p: Part): PartSummary => {
    const last = partMetrics(model, ds, p, "last");
    return { last, best: hasBest ? partMetrics(model, ds, p, "best") : last };
  };
  return { train: one(ds.train), val: one(ds.val), test: one(ds.test) };
}

/** Same network, θ and W (element by element). */
function sameIterate(a: Iterate, b: Iterate, net: Model["net"]): boolean {
  if ((a.net ?? net) !== (b.net ?? net)) return false;
  const eq = (x: Float64Array, y: Float64Array) => {
    if (x === y) return true;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  };
  return eq(a.theta, b.theta) && eq(a.W, b.W);
}

/** History rows (plain objects of numbers, strings, booleans or null) as CSV with a header. */
export function historyCsv(rows: readonly Record<string, unknown>[]): string {
  const keys: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k);
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return "";
    if (typeof v === "number") return Number.isNaN(v) ? "nan" : String(v);
    if (typeof v === "boolean") return v ? "1" : "0";
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [keys.join(","), ...rows.map((r) => keys.map((k) => cell(r[k])).join(","))].join("\n") + "\n";
}

/** One line per part, for the terminal. */
export function formatSummary(s: Summary): string {
  const fmt = (m: PartMetrics | null): string => {
    if (m === null) return "—";
    const parts = [`loss ${m.loss.toExponential(3)}`];
    if (m.relErr !== undefined) parts.push(`relErr ${m.relErr === null ? "n/a" : m.relErr.toExponential(3)}`);
    if (m.relErrFro !== undefined && m.relErrFro !== null)
      parts.push(`relErrFro ${m.relErrFro.toExponential(3)}`);
    if (m.accuracy !== undefined) parts.push(`accuracy ${(100 * m.accuracy).toFixed(2)}%`);
    return parts.join(", ");
  };
  const lines = [
    `${s.optimizer} on ${s.experiment ?? "user data"} (${s.task}): ${s.status} after ${s.iterations} iterations, ${+s.workUnits.toFixed(2)} work units, ${s.wallSeconds.toFixed(2)} s`,
    `data: ${s.data}`,
    `best-validation iterate: ${s.levels > 1 ? `level ${s.best.level + 1}, ` : ""}iteration ${s.best.iteration} at ${+s.best.workUnits.toFixed(2)} WU (model uses the ${s.select} iterate)`,
  ];
  for (const p of ["train", "val", "test"] as const) {
    lines.push(`  ${p.padEnd(5)} last: ${fmt(s[p].last)}`);
    lines.push(`  ${"".padEnd(5)} best: ${fmt(s[p].best)}`);
  }
  return lines.join("\n") + "\n";
}
