/**
 * Preprocessing saved with a model, so that predictions take raw inputs and return outputs in the
 * data's original units.
 *
 * Inputs (d × n, samples as columns):
 *   - "none":        ŷ = y
 *   - "standardize": ŷ_k = (y_k − μ_k) / σ_k with the TRAINING set's per-feature mean and standard
 *                    deviation (σ_k = 1 for a constant feature)
 *   - "per-sample":  each sample standardised by its own mean and standard deviation, floored at
 *                    1/√d (src/data/standardize.ts; CIFAR-10 images, Indian Pines spectra)
 * Regression targets (q × n):
 *   - "none" or "centre": ĉ = c − μ_c with the training mean; predictions add μ_c back.
 */
import { standardizeColumns } from "../data/standardize.js";

export type InputTransform =
  { kind: "none" } | { kind: "standardize"; mean: number[]; std: number[] } | { kind: "per-sample" };

export type TargetTransform = { kind: "none" } | { kind: "centre"; mean: number[] };

export interface Preprocessing {
  inputs: InputTransform;
  targets: TargetTransform;
}

export const IDENTITY_PREPROCESSING: Preprocessing = { inputs: { kind: "none" }, targets: { kind: "none" } };

/** Per-row mean and standard deviation (population) of a d × n column-major matrix. */
export function rowStats(X: Float64Array, d: number, n: number): { mean: number[]; std: number[] } {
  if (n <= 0) throw new Error("rowStats: no samples");
  const mean = new Array<number>(d).fill(0);
  const m2 = new Array<number>(d).fill(0);
  for (let j = 0; j < n; j++) for (let i = 0; i < d; i++) mean[i] += X[i + j * d];
  for (let i = 0; i < d; i++) mean[i] /= n;
  for (let j = 0; j < n; j++)
    for (let i = 0; i < d; i++) {
      const t = X[i + j * d] - mean[i];
      m2[i] += t * t;
    }
  const std = m2.map((v) => Math.sqrt(v / n));
  return { mean, std };
}

/** The "standardize" transform fitted on training inputs (constant features keep σ = 1). */
export function fitStandardize(Y: Float64Array, d: number, n: number): InputTransform {
  const { mean, std } = rowStats(Y, d, n);
  const scale = 1e-12 * Math.max(1, ...mean.map(Math.abs));
  return { kind: "standardize", mean, std: std.map((s) => (s > scale ? s : 1)) };
}

/** The "centre" transform fitted on training targets. */
export function fitCentre(C: Float64Array, q: number, n: number): TargetTransform {
  return { kind: "centre", mean: rowStats(C, q, n).mean };
}

/** Apply an input transform to Y (d × n); returns a new array. */
export function applyInputs(t: InputTransform, Y: Float64Array, d: number, n: number): Float64Array {
  const out = new Float64Array(d * n);
  if (t.kind === "none") {
    out.set(Y.subarray(0, d * n));
  } else if (t.kind === "standardize") {
    if (t.mean.length !== d || t.std.length !== d)
      throw new Error(`preprocessing: standardisation has ${t.mean.length} features, the inputs have ${d}`);
    for (let j = 0; j < n; j++)
      for (let i = 0; i < d; i++) out[i + j * d] = (Y[i + j * d] - t.mean[i]) / t.std[i];
  } else {
    out.set(standardizeColumns(Y, d, n));
  }
  return out;
}

/**
 * The diagonal scaling of a per-feature input transform (dŷ/dy = diag(scale)), or null when the
 * transform is not a per-feature affine map ("per-sample").
 */
export function inputScale(t: InputTransform, d: number): Float64Array | null {
  if (t.kind === "none") return new Float64Array(d).fill(1);
  if (t.kind === "standardize") return Float64Array.from(t.std, (s) => 1 / s);
  return null;
}

/** Targets in model units: c − μ (returns a new array). */
export function applyTargets(t: TargetTransform, C: Float64Array, q: number, n: number): Float64Array {
  const out = Float64Array.from(C.subarray(0, q * n));
  if (t.kind === "centre") {
    if (t.mean.length !== q)
      throw new Error(`preprocessing: target mean has ${t.mean.length} entries, targets ${q}`);
    for (let j = 0; j < n; j++) for (let i = 0; i < q; i++) out[i + j * q] -= t.mean[i];
  }
  return out;
}

/** Outputs back in the data's units: s + μ (in place). */
export function invertTargets(t: TargetTransform, S: Float64Array, q: number, n: number): Float64Array {
  if (t.kind === "centre") for (let j = 0; j < n; j++) for (let i = 0; i < q; i++) S[i + j * q] += t.mean[i];
  return S;
}

/** Validate a preprocessing object read from a model file. */
export function checkPreprocessing(p: Preprocessing, d: number, q: number, where: string): void {
  const i = p.inputs;
  if (i.kind === "standardize") {
    if (i.mean.length !== d || i.std.length !== d)
      throw new Error(
        `${where}: input standardisation has ${i.mean.length}/${i.std.length} entries, expected ${d}`,
      );
    if (![...i.mean, ...i.std].every(Number.isFinite) || !i.std.every((s) => s > 0))
      throw new Error(`${where}: input standardisation has non-finite or non-positive entries`);
  } else if (i.kind !== "none" && i.kind !== "per-sample") {
    throw new Error(`${where}: unknown input preprocessing "${(i as { kind: string }).kind}"`);
  }
  const t = p.targets;
  if (t.kind === "centre") {
    if (t.mean.length !== q || !t.mean.every(Number.isFinite))
      throw new Error(`${where}: target mean has ${t.mean.length} entries, expected ${q} finite numbers`);
  } else if (t.kind !== "none") {
    throw new Error(`${where}: unknown target preprocessing "${(t as { kind: string }).kind}"`);
  }
}
