/**
 * Seeded splits of a data set into training, validation and test indices.
 *
 * - `classBalancedSplit`: the paper's Indian Pines rule (GNVPRO.md §6). For each class k with
 *   n_k samples, nb_k = min(n_k − holdBack, cap) samples are drawn at random (cap = ⌊5000/16⌋ = 312,
 *   holdBack = 10 by default); ⌊testFraction·nb_k⌋ of those go to the test set, the rest to
 *   training, and all the class's other samples to validation. The reference script draws the
 *   per-class indices from unshuffled labels but applies them to shuffled pixels, which makes its
 *   split effectively random; this is the class-balanced split it meant.
 * - `randomSplit`: a generic seeded split by counts or fractions.
 *
 * Every index set is returned sorted ascending, so the result depends only on the seed and the
 * labels, not on iteration order.
 */
import { Rng } from "../util/rng.js";

export interface SplitIndices {
  train: Int32Array;
  val: Int32Array;
  test: Int32Array;
}

export interface ClassBalancedOptions {
  /** Seed of the random draw. */
  seed: number;
  /** Number of classes K; labels must lie in 0..K−1 (default: max label + 1). */
  numClasses?: number;
  /** Samples of each class always left for validation (default 10). */
  holdBack?: number;
  /** Largest number of samples drawn per class (default ⌊5000/16⌋ = 312). */
  cap?: number;
  /** Fraction of the drawn samples that go to test (default 0.2; rounded down). */
  testFraction?: number;
}

export interface ClassBalancedSplit extends SplitIndices {
  /** Per class: [count, drawn nb, train, test, val]. */
  perClass: { count: number; drawn: number; train: number; test: number; val: number }[];
}

/**
 * The paper's class-balanced split. `labels[i]` is the class (0-based) of sample i; a negative label
 * excludes the sample from every set (e.g. background pixels).
 */
export function classBalancedSplit(
  labels: ArrayLike<number>,
  opts: ClassBalancedOptions,
): ClassBalancedSplit {
  const holdBack = opts.holdBack ?? 10;
  const cap = opts.cap ?? Math.floor(5000 / 16);
  const testFraction = opts.testFraction ?? 0.2;
  if (!Number.isInteger(holdBack) || holdBack < 0)
    throw new Error(`classBalancedSplit: holdBack must be a non-negative integer, got ${holdBack}`);
  if (!Number.isInteger(cap) || cap < 0)
    throw new Error(`classBalancedSplit: cap must be a non-negative integer, got ${cap}`);
  if (!(testFraction >= 0 && testFraction <= 1))
    throw new Error(`classBalancedSplit: testFraction must lie in [0, 1], got ${testFraction}`);
  let maxLabel = -1;
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!Number.isInteger(c)) throw new Error(`classBalancedSplit: label ${i} is not an integer (${c})`);
    if (c > maxLabel) maxLabel = c;
  }
  const K = opts.numClasses ?? maxLabel + 1;
  if (!Number.isInteger(K) || K < 1)
    throw new Error(`classBalancedSplit: numClasses must be a positive integer, got ${K}`);
  if (maxLabel >= K)
    throw new Error(`classBalancedSplit: label ${maxLabel} out of range for ${K} classes (0..${K - 1})`);
  const members: number[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < labels.length; i++) if (labels[i] >= 0) members[labels[i]].push(i);
  const rng = new Rng(opts.seed);
  const train: number[] = [];
  const val: number[] = [];
  const test: number[] = [];
  const perClass: ClassBalancedSplit["perClass"] = [];
  for (let k = 0; k < K; k++) {
    const idk = members[k];
    const nb = Math.max(0, Math.min(idk.length - holdBack, cap));
    const nTest = Math.floor(testFraction * nb);
    const perm = rng.permutation(idk.length);
    for (let j = 0; j < idk.length; j++) {
      const i = idk[perm[j]];
      if (j < nTest) test.push(i);
      else if (j < nb) train.push(i);
      else val.push(i);
    }
    perClass.push({ count: idk.length, drawn: nb, train: nb - nTest, test: nTest, val: idk.length - nb });
  }
  return { train: sorted(train), val: sorted(val), test: sorted(test), perClass };
}

export interface SplitSizes {
  train: number;
  val: number;
  test: number;
}

/**
 * A seeded random split of n samples. `sizes` holds either three non-negative integer counts with
 * sum ≤ n, or three fractions in [0, 1] with sum ≤ 1 (`mode: "fraction"`); fractions are turned into
 * counts by rounding val and test down and giving train the rest when the fractions sum to 1.
 * Samples not assigned (sum < n) are left out.
 */
export function randomSplit(
  n: number,
  sizes: SplitSizes,
  seed: number,
  mode: "count" | "fraction" = "count",
): SplitIndices {
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`randomSplit: n must be a non-negative integer, got ${n}`);
  const { train, val, test } = sizes;
  let counts: [number, number, number];
  if (mode === "fraction") {
    for (const [k, f] of Object.entries(sizes))
      if (!(f >= 0 && f <= 1)) throw new Error(`randomSplit: fraction ${k} must lie in [0, 1], got ${f}`);
    const sum = train + val + test;
    if (sum > 1 + 1e-12) throw new Error(`randomSplit: fractions sum to ${sum} > 1`);
    const nVal = Math.floor(val * n + 1e-9);
    const nTest = Math.floor(test * n + 1e-9);
    const nTrain = Math.abs(sum - 1) <= 1e-12 ? n - nVal - nTest : Math.floor(train * n + 1e-9);
    counts = [nTrain, nVal, nTest];
  } else {
    for (const [k, c] of Object.entries(sizes))
      if (!Number.isInteger(c) || c < 0)
        throw new Error(`randomSplit: count ${k} must be a non-negative integer, got ${c}`);
    if (train + val + test > n)
      throw new Error(`randomSplit: counts ${train}+${val}+${test} exceed n = ${n}`);
    counts = [train, val, test];
  }
  const perm = new Rng(seed).permutation(n);
  const a = counts[0];
  const b = a + counts[1];
  const c = b + counts[2];
  return {
    train: sorted(Array.from(perm.subarray(0, a))),
    val: sorted(Array.from(perm.subarray(a, b))),
    test: sorted(Array.from(perm.subarray(b, c))),
  };
}

/** Columns `idx` of the column-major d×n matrix Y, as a new d×|idx| matrix. */
export function selectColumns(Y: Float64Array, d: number, idx: ArrayLike<number>): Float64Array {
  const n = Y.length / d;
  const out = new Float64Array(d * idx.length);
  for (let j = 0; j < idx.length; j++) {
    const c = idx[j];
    if (!Number.isInteger(c) || c < 0 || c >= n)
      throw new Error(`selectColumns: column index ${c} out of range for a ${d}×${n} matrix`);
    out.set(Y.subarray(c * d, c * d + d), j * d);
  }
  return out;
}

/** Entries `idx` of a label vector. */
export function selectLabels(labels: ArrayLike<number>, idx: ArrayLike<number>): Int32Array {
  const out = new Int32Array(idx.length);
  for (let j = 0; j < idx.length; j++) {
    const c = idx[j];
    if (!Number.isInteger(c) || c < 0 || c >= labels.length)
      throw new Error(`selectLabels: index ${c} out of range for ${labels.length} labels`);
    out[j] = labels[c];
  }
  return out;
}

/** One-hot targets: a column-major q×n matrix with C[labels[j], j] = 1. */
export function oneHot(labels: ArrayLike<number>, q: number): Float64Array {
  const n = labels.length;
  const C = new Float64Array(q * n);
  for (let j = 0; j < n; j++) {
    const k = labels[j];
    if (!Number.isInteger(k) || k < 0 || k >= q)
      throw new Error(`oneHot: label ${k} of sample ${j} not in 0..${q - 1}`);
    C[j * q + k] = 1;
  }
  return C;
}

function sorted(a: number[]): Int32Array {
  return Int32Array.from(a).sort();
}
