/**
 * Data sets for training: the user's own arrays (NPY or CSV files, samples as rows) and the common
 * in-memory form every source is brought to (samples as COLUMNS, split into train/val/test, in the
 * data's original units; preprocessing is fitted later on the training part).
 */
import { Rng } from "../util/rng.js";
import { selectColumns } from "../data/split.js";
import { readMatrix, type RowMatrix } from "../model/io.js";
import type { Task } from "./config.js";
import type { InputPreprocessing, LossName } from "./presets.js";

/** One part of a split: Y is d × n, C is q × n (column-major), in original units. */
export interface Part {
  Y: Float64Array;
  C: Float64Array;
  n: number;
}

export interface Dataset {
  task: Task;
  loss: LossName;
  /** input and output dimensions (q = classes for cross-entropy, 1 for logistic) */
  d: number;
  q: number;
  /** class labels in output order (classification): output k is label classes[k] */
  classes?: number[];
  /** per-sample input shape (e.g. [1, 28, 28] for images); [d] otherwise */
  inShape: number[];
  train: Part;
  val: Part;
  test: Part;
  /** Where the data came from, in words ("user data …", "generated …", "SYNTHETIC …", "real …"). */
  provenance: string;
  inputs: InputPreprocessing;
  centreTargets: boolean;
}

function checkFinite(m: RowMatrix, file: string, what: string): void {
  for (let k = 0; k < m.data.length; k++)
    if (!Number.isFinite(m.data[k]))
      throw new Error(
        `${what} ${file}: non-finite value (${m.data[k]}) at row ${Math.floor(k / m.cols) + 1}, column ${(k % m.cols) + 1}`,
      );
}

/**
 * Labels → one-hot columns. C (n × 1 integer labels, or n × k one-hot / probability rows) becomes
 * q × n one-hot (or probability) columns; returns the class labels in output order.
 */
export function labelsToOneHot(
  m: RowMatrix,
  file: string,
): { C: Float64Array; q: number; classes: number[] } {
  const n = m.rows;
  if (m.cols === 1) {
    const set = new Set<number>();
    for (let i = 0; i < n; i++) {
      const v = m.data[i];
      if (!Number.isInteger(v))
        throw new Error(`labels ${file}: row ${i + 1} holds ${v}, expected an integer class label`);
      set.add(v);
    }
    const classes = [...set].sort((a, b) => a - b);
    if (classes.length < 2)
      throw new Error(`labels ${file}: only one class (${classes[0]}); need at least 2`);
    const index = new Map(classes.map((c, k) => [c, k]));
    const q = classes.length;
    const C = new Float64Array(q * n);
    for (let i = 0; i < n; i++) C[index.get(m.data[i])! + i * q] = 1;
    return { C, q, classes };
  }
  const q = m.cols;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < q; k++) {
      const v = m.data[i * q + k];
      if (v < 0) throw new Error(`labels ${file}: row ${i + 1} has a negative entry; expected one-hot rows`);
      s += v;
    }
    if (Math.abs(s - 1) > 1e-8)
      throw new Error(
        `labels ${file}: row ${i + 1} sums to ${s}; one-hot (or probability) rows must sum to 1`,
      );
  }
  // row-major n × q is exactly column-major q × n
  return { C: Float64Array.from(m.data), q, classes: Array.from({ length: q }, (_, k) => k) };
}

/** Sizes of a split of n samples by fractions (train, val, test); test gets the remainder unless 0. */
export function splitSizes(n: number, split: readonly [number, number, number]): [number, number, number] {
  const nTrain = Math.round(split[0] * n);
  let nVal: number;
  let nTest: number;
  if (split[2] === 0) {
    nVal = n - nTrain;
    nTest = 0;
  } else if (split[1] === 0) {
    nVal = 0;
    nTest = n - nTrain;
  } else {
    nVal = Math.round(split[1] * n);
    nTest = n - nTrain - nVal;
  }
  if (nTrain <= 0)
    throw new Error(`setting "split": the training split is empty (${n} samples × ${split[0]} rounds to 0)`);
  if (nVal < 0 || nTest < 0)
    throw new Error(`setting "split": fractions ${split.join(",")} exceed the ${n} samples`);
  return [nTrain, nVal, nTest];
}

/** Salt of the split's random stream ("SPLT"). */
export const SPLIT_SALT = 0x53504c54;

/** A seeded random split of the columns of (Y, C) into train/val/test. */
export function splitColumns(
  Y: Float64Array,
  d: number,
  C: Float64Array,
  q: number,
  n: number,
  split: readonly [number, number, number],
  seed: number,
): { train: Part; val: Part; test: Part } {
  const [a, b, c] = splitSizes(n, split);
  // A stream of its own: data generators draw from Rng(seed) too, and a split that replays their
  // permutation would not be random with respect to the data (e.g. all of one class in validation).
  const perm = new Rng(seed ^ SPLIT_SALT).permutation(n);
  const part = (from: number, count: number): Part => {
    const idx = perm.subarray(from, from + count);
    return { Y: selectColumns(Y, d, idx), C: selectColumns(C, q, idx), n: count };
  };
  return { train: part(0, a), val: part(a, b), test: part(a + b, c) };
}

export interface UserDataOptions {
  y: string;
  c: string;
  task: Task;
  split: readonly [number, number, number];
  seed: number;
}

/**
 * Load the user's data: Y (n × d) and C (n × q targets, or n labels / n × k one-hot rows), samples
 * as rows; NPY or CSV by extension. Validates everything (files exist, same number of rows, all
 * finite, labels integers or one-hot) before anything is written anywhere.
 */
export function loadUserData(o: UserDataOptions): Dataset {
  const ym = readMatrix(o.y, "inputs");
  const cm = readMatrix(o.c, o.task === "classification" ? "labels" : "targets");
  return datasetFromRows(ym, cm, o.task, o.split, o.seed, { y: o.y, c: o.c });
}

/**
 * The same from matrices in memory (samples as rows). `names` label the two arrays in messages
 * and in the provenance.
 */
export function datasetFromRows(
  ym: RowMatrix,
  cm: RowMatrix,
  task: Task,
  split: readonly [number, number, number],
  seed: number,
  names: { y: string; c: string } = { y: "Y", c: "C" },
): Dataset {
  const what = task === "classification" ? "labels" : "targets";
  if (ym.rows === 0) throw new Error(`inputs ${names.y}: no samples (0 rows)`);
  if (ym.rows !== cm.rows)
    throw new Error(
      `inputs ${names.y} have ${ym.rows} rows but ${what} ${names.c} have ${cm.rows}: one sample per row in both`,
    );
  checkFinite(ym, names.y, "inputs");
  checkFinite(cm, names.c, what);
  const n = ym.rows;
  const d = ym.cols;
  let C: Float64Array;
  let q: number;
  let classes: number[] | undefined;
  if (task === "classification") {
    ({ C, q, classes } = labelsToOneHot(cm, names.c));
  } else {
    C = cm.data;
    q = cm.cols;
  }
  const parts = splitColumns(ym.data, d, C, q, n, split, seed);
  return {
    task,
    loss: task === "classification" ? "cross-entropy" : "least-squares",
    d,
    q,
    classes,
    inShape: [d],
    ...parts,
    provenance: `user data: inputs ${names.y}, ${what} ${names.c} (${n} samples)`,
    inputs: "standardize",
    centreTargets: task === "regression",
  };
}
