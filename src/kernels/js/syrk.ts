/**
 * Pure-TypeScript symmetric rank-k update (column-major, no validation here). Only the uplo triangle
 * of C is read and written. Column blocks of C: the off-diagonal rectangle of each block goes
 * straight to the blocked GEMM, the diagonal block is computed into a scratch square and its
 * triangle merged.
 */
import type { Trans, Uplo } from "../types.js";
import { gemm } from "./gemm.js";

const NB = 32;
const diagScratch = new Float64Array(NB * NB);

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
  if (n === 0) return;
  // op(A) is n×k: row i of op(A) starts at A[i] (trans "N") or A[i*lda] (trans "T")
  const tB: Trans = trans === "N" ? "T" : "N";
  const rowView = (i: number) => A.subarray(trans === "N" ? i : i * lda);
  for (let jb = 0; jb < n; jb += NB) {
    const nb = Math.min(NB, n - jb);
    const Bv = rowView(jb); // op(A)ᵀ restricted to columns jb..jb+nb
    // off-diagonal rectangle: rows [0, jb) for "U", rows [jb+nb, n) for "L"
    const r0 = uplo === "U" ? 0 : jb + nb;
    const rows = uplo === "U" ? jb : n - jb - nb;
    if (rows > 0)
      gemm(trans, tB, rows, nb, k, alpha, rowView(r0), lda, Bv, lda, beta, C.subarray(r0 + jb * ldc), ldc);
    // diagonal block
    gemm(trans, tB, nb, nb, k, alpha, Bv, lda, Bv, lda, 0, diagScratch, nb);
    for (let j = 0; j < nb; j++) {
      const cj = jb + (jb + j) * ldc;
      const i0 = uplo === "U" ? 0 : j;
      const i1 = uplo === "U" ? j + 1 : nb;
      for (let i = i0; i < i1; i++) {
        const v = diagScratch[i + j * nb];
        C[cj + i] = beta === 0 ? v : v + beta * C[cj + i];
      }
    }
  }
}
