/**
 * Per-sample standardisation: every column (sample) of a column-major d×n matrix is shifted to mean
 * zero and divided by its standard deviation. This is the paper's per-image standardisation for
 * CIFAR-10 (each image's 3072 values) and per-pixel standardisation of the spectrum for Indian
 * Pines (each pixel's bands).
 *
 * It follows TensorFlow's `per_image_standardization`, which the reference code cites:
 *
 *     x ← (x − mean(x)) / max(std(x), 1/√d),      std with divisor d (population)
 *
 * The floor 1/√d keeps constant samples finite (they become all zeros).
 */

/** Standardise each of the n columns of the column-major d×n matrix Y in place; returns Y. */
export function standardizeColumnsInPlace(Y: Float64Array, d: number, n: number): Float64Array {
  checkShape("standardizeColumns", Y, d, n);
  const floor = 1 / Math.sqrt(d);
  for (let j = 0; j < n; j++) {
    const o = j * d;
    let mean = 0;
    for (let i = 0; i < d; i++) mean += Y[o + i];
    mean /= d;
    let ss = 0;
    for (let i = 0; i < d; i++) {
      const t = Y[o + i] - mean;
      ss += t * t;
    }
    const s = Math.max(Math.sqrt(ss / d), floor);
    for (let i = 0; i < d; i++) Y[o + i] = (Y[o + i] - mean) / s;
  }
  return Y;
}

/** A standardised copy of the column-major d×n matrix Y (see the module comment). */
export function standardizeColumns(Y: Float64Array, d: number, n: number): Float64Array {
  checkShape("standardizeColumns", Y, d, n);
  return standardizeColumnsInPlace(Float64Array.from(Y.subarray(0, d * n)), d, n);
}

function checkShape(op: string, Y: Float64Array, d: number, n: number): void {
  if (!Number.isInteger(d) || d < 1) throw new Error(`${op}: d must be a positive integer, got ${d}`);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${op}: n must be a non-negative integer, got ${n}`);
  if (Y.length !== d * n)
    throw new Error(`${op}: a ${d}×${n} matrix needs ${d * n} entries, got ${Y.length}`);
}
