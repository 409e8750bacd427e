/**
 * Small vector helpers shared by the objectives (level-1 loops only; every matrix product goes
 * through `kernels()`).
 */

/** Ẑ = [Z; 1ᵀ] ((m+1) × n) from the features Z (m × n): the row of ones carries the bias (GNVPRO.md §1). */
export function appendOnes(Z: Float64Array, m: number, n: number): Float64Array {
  if (Z.length < m * n) throw new Error(`appendOnes: features have ${Z.length} entries, expected ${m}×${n}`);
  const m1 = m + 1;
  const Zhat = new Float64Array(m1 * n);
  // element loop: a subarray view + set per sample costs ~90 ns of call overhead at small m
  for (let i = 0; i < n; i++) {
    const zo = i * m;
    const o = i * m1;
    for (let j = 0; j < m; j++) Zhat[o + j] = Z[zo + j];
    Zhat[o + m] = 1;
  }
  return Zhat;
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Euclidean norm, scaled to avoid overflow and underflow. */
export function nrm2(a: Float64Array): number {
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > scale) scale = v;
  }
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i] / scale;
    s += v * v;
  }
  return scale * Math.sqrt(s);
}

/** y ← y + a x */
export function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += a * x[i];
}

export function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

export function sameArray(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++)
    if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}

/** Fill the lower triangle of the n×n column-major matrix A from its upper triangle. */
export function symmetrizeFromUpper(A: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) for (let i = j + 1; i < n; i++) A[i + j * n] = A[j + i * n];
}

/** Check a typed array's length; throws naming the operation and the expected shape. */
export function expectLength(a: Float64Array, rows: number, cols: number, what: string): void {
  if (!(a instanceof Float64Array)) throw new Error(`${what}: expected a Float64Array`);
  if (a.length !== rows * cols)
    throw new Error(`${what}: expected ${rows}×${cols} = ${rows * cols} entries, got ${a.length}`);
}
