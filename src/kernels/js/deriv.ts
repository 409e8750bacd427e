/**
 * The activation-derivative sweeps of a dense layer's JVP and VJP (src/layers/dense.ts), in
 * TypeScript: the js backend's kernels, and the native backend's for sweeps too short to pay for an
 * addon call. σ′ is had from Z: 1 − Z² when `tanh` (Z is the layer's tanh output), else Z itself
 * (a stored derivative D). Browser-safe: no imports. No validation here (see ../validate.ts).
 */

/** X ← σ′ ⊙ (X + db1ᵀ) on the m×n column-major X (db null: no bias). */
export function derivScaleBias(
  m: number,
  n: number,
  X: Float64Array,
  Z: Float64Array,
  db: Float64Array | null,
  tanh: boolean,
): void {
  const len = m * n;
  if (db === null) {
    if (tanh)
      for (let q = 0; q < len; q++) {
        const z = Z[q];
        X[q] = (1 - z * z) * X[q];
      }
    else for (let q = 0; q < len; q++) X[q] *= Z[q];
    return;
  }
  for (let j = 0, o = 0; j < n; j++, o += m)
    for (let i = 0; i < m; i++) {
      const q = o + i;
      const z = Z[q];
      X[q] = (tanh ? 1 - z * z : z) * (X[q] + db[i]);
    }
}

/**
 * G ← σ′ ⊙ U on m×n column-major arrays and, when gb is not null, the bias gradient
 * gb ← beta·gb + G·1 (row sums of G; beta 0 or 1).
 */
export function derivScaleSum(
  m: number,
  n: number,
  U: Float64Array,
  Z: Float64Array,
  G: Float64Array,
  gb: Float64Array | null,
  beta: number,
  tanh: boolean,
): void {
  const len = m * n;
  if (tanh)
    for (let q = 0; q < len; q++) {
      const z = Z[q];
      G[q] = (1 - z * z) * U[q];
    }
  else for (let q = 0; q < len; q++) G[q] = Z[q] * U[q];
  if (gb === null) return;
  if (beta === 0) gb.fill(0, 0, m);
  for (let j = 0, o = 0; j < n; j++, o += m) for (let i = 0; i < m; i++) gb[i] += G[o + i];
}
