/**
 * Pure-TypeScript symmetric rank-k update (column-major, no validation here). Only the uplo triangle
 * of C is read and written.
 */
import type { Trans, Uplo } from "../types.js";

export function syrk(
  uplo: Uplo,
  trans: Trans,
  n: number,
  k: number,
  alpha: number,
  A: Float64Array,
  lda: number,
  beta: number,
  C: Float64Array,
  ldc: number,
): void {
  for (let j = 0; j < n; j++) {
    const cj = j * ldc;
    const i0 = uplo === "U" ? 0 : j;
    const i1 = uplo === "U" ? j + 1 : n;
    if (beta === 0) C.fill(0, cj + i0, cj + i1);
    else if (beta !== 1) for (let i = i0; i < i1; i++) C[cj + i] *= beta;
    if (alpha === 0 || k === 0) continue;
    if (trans === "N") {
      // C(:, j) += α Σ_p A(:, p) A(j, p)
      for (let p = 0; p < k; p++) {
        const ap = p * lda;
        const a = alpha * A[ap + j];
        if (a === 0) continue;
        for (let i = i0; i < i1; i++) C[cj + i] += A[ap + i] * a;
      }
    } else {
      // C(i, j) += α A(:, i)·A(:, j)
      const aj = j * lda;
      for (let i = i0; i < i1; i++) {
        const ai = i * lda;
        let s = 0;
        for (let p = 0; p < k; p++) s += A[ai + p] * A[aj + p];
        C[cj + i] += alpha * s;
      }
    }
  }
}
