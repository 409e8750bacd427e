/**
 * The high-level library API: train GNvpro (or a baseline) on your own arrays or on a paper
 * experiment, and use the model. Same capabilities as `gnvpro train` / `gnvpro predict`.
 *
 * ```ts
 * import { fit, predict } from "gnvpro";
 * const { model, summary } = await fit({ Y: inputsRows, C: targetRows, task: "regression", budget: 100 });
 * const out = predict(model, newInputsRows);   // n × q rows
 * ```
 *
 * Named `fit` so as not to clash with the low-level driver `train` (src/training/train.ts), which
 * runs one optimizer on one objective.
 */
import {
  resolveSettings,
  parseSettings,
  type PartialSettings,
  type PresetName,
  type Task,
} from "../experiments/config.js";
import { getPreset, presetSettings } from "../experiments/presets.js";
import { datasetFromRows } from "../experiments/userdata.js";
import { executeRun, prepareFromData, prepareRun, type RunResult } from "../experiments/run.js";
import type { RowMatrix } from "../model/io.js";
import { Model } from "../model/model.js";
import type { HistoryRow } from "../training/history.js";

/** A matrix with samples as rows: an array of rows, or row-major data with its shape. */
export type Rows = readonly (readonly number[])[] | RowMatrix;

/** Settings accepted by `fit` and `runExperiment` (the flags of `gnvpro train`, in camelCase). */
export type FitSettings = Omit<PartialSettings, "experiment" | "y" | "c" | "task" | "quiet" | "json">;

export interface FitOptions extends FitSettings {
  /** inputs, n × d (samples as rows) */
  Y: Rows;
  /** regression: targets n × q; classification: n integer labels (array or n × 1) or one-hot rows n × k */
  C: Rows | readonly number[];
  task: Task;
  /** called after every iteration with the history row (iteration, workUnits, loss, valMetric, …) */
  onIteration?: (row: HistoryRow) => void;
}

export interface FitResult {
  model: Model;
  summary: RunResult["summary"];
  history: HistoryRow[];
}

function toRowMatrix(x: Rows | readonly number[], what: string): RowMatrix {
  if (!Array.isArray(x)) {
    const m = x as RowMatrix;
    if (!(m.data instanceof Float64Array) || m.data.length !== m.rows * m.cols)
      throw new Error(`${what}: data must be a Float64Array of rows × cols = ${m.rows}×${m.cols} values`);
    return m;
  }
  const arr = x as readonly (number | readonly number[])[];
  if (arr.length > 0 && typeof arr[0] === "number")
    return { rows: arr.length, cols: 1, data: Float64Array.from(arr as readonly number[]) };
  const rows = arr as readonly (readonly number[])[];
  const cols = rows.length > 0 ? rows[0].length : 0;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => {
    if (!Array.isArray(r) || r.length !== cols)
      throw new Error(
        `${what}: row ${i + 1} has ${Array.isArray(r) ? r.length : "no"} entries, expected ${cols}`,
      );
    data.set(r, i * cols);
  });
  return { rows: rows.length, cols, data };
}

function fromRowMatrix(data: Float64Array, rows: number, cols: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < rows; i++) out.push(Array.from(data.subarray(i * cols, (i + 1) * cols)));
  return out;
}

/** Train on your own arrays. Inputs are standardised (and regression targets centred) with training statistics. */
export async function fit(o: FitOptions): Promise<FitResult> {
  const { Y, C, task, onIteration, ...rest } = o;
  const settingsIn = parseSettings({ ...rest, task, y: "Y", c: "C" }, "fit options");
  const s = resolveSettings(settingsIn, { quiet: true });
  const data = datasetFromRows(toRowMatrix(Y, "Y"), toRowMatrix(C, "C"), task, s.split, s.seed);
  const p = prepareFromData(s, null, data);
  const r = await executeRun(
    p,
    { out: s.out ?? null },
    { onRow: onIteration ? (row) => onIteration(row) : undefined },
  );
  return { model: r.model, summary: r.summary, history: r.history };
}

/** Run a paper experiment (GNVPRO.md §6) with optional overrides of its settings. */
export async function runExperiment(
  name: PresetName,
  overrides: FitSettings & { onIteration?: (row: HistoryRow) => void } = {},
): Promise<FitResult> {
  const { onIteration, ...rest } = overrides;
  const flags = parseSettings(rest, "runExperiment options");
  const s = resolveSettings(presetSettings(getPreset(name), flags.optimizer ?? "gnvpro"), flags, {
    quiet: true,
  });
  const p = await prepareRun(s);
  const r = await executeRun(
    p,
    { out: s.out ?? null },
    { onRow: onIteration ? (row) => onIteration(row) : undefined },
  );
  return { model: r.model, summary: r.summary, history: r.history };
}

/** Predictions for inputs (samples as rows): regression outputs or class probabilities, as rows. */
export function predict(model: Model, Y: Rows, which?: "best" | "last"): number[][] {
  const m = toRowMatrix(Y, "Y");
  if (m.cols !== model.info.d)
    throw new Error(`predict: inputs have ${m.cols} columns, the model takes ${model.info.d}`);
  return fromRowMatrix(model.predict(m.data, m.rows, which), m.rows, model.outputs);
}

/** Each sample's Jacobian d(outputs)/d(inputs) (regression models): an array of q × d matrices. */
export function jacobian(model: Model, Y: Rows, which?: "best" | "last"): number[][][] {
  const m = toRowMatrix(Y, "Y");
  if (m.cols !== model.info.d)
    throw new Error(`jacobian: inputs have ${m.cols} columns, the model takes ${model.info.d}`);
  const { q, d } = model.info;
  const J = model.jacobian(m.data, m.rows, which);
  const out: number[][][] = [];
  for (let i = 0; i < m.rows; i++) out.push(fromRowMatrix(J.subarray(i * q * d, (i + 1) * q * d), q, d));
  return out;
}

/** Load a model written by `gnvpro train` or `model.save(file)`. */
export function loadModel(file: string): Model {
  return Model.load(file);
}

export { Model };
export { PRESETS } from "../experiments/presets.js";
export type { Preset } from "../experiments/presets.js";
export type { Summary, PartMetrics } from "../experiments/summary.js";
export type { HistoryRow } from "../training/history.js";
export type { Task, PresetName, OptimizerName, PartialSettings } from "../experiments/config.js";
