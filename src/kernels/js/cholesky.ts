/**
 * Pure-TypeScript Cholesky factorisation, Cholesky solve and triangular solve (column-major, no
 * validation here: the callers in ./index.ts validate first). Correct, not fast.
 */
import type { Diag, Side, Trans, Uplo } from "../types.js";
import { syrk } from "./syrk.js";

/** Block size of the blocked Cholesky (the trailing updates run in the blocked GEMM through syrk). */
const NB = 64;

/**
 * A = L Lᵀ (uplo "L") or A = Uᵀ U (uplo "U") in place of the uplo triangle; the other triangle is
 * untouched. Returns 0, or the 1-based order of the first leading minor that is not positive (as
 * LAPACK's info). Right-looking by blocks of NB (as LAPACK's dpotrf): factor the diagonal block,
 * triangular-solve the panel beside it, update the trailing triangle with syrk.
 */
export function potrf(uplo: Uplo, n: number, A: Float64Array, lda: number): number {
  if (n <= NB) return potrfUnblocked(uplo, n, A, lda);
  for (let k = 0; k < n; k += NB) {
    const kb = Math.min(NB, n - k);
    const n2 = n - k - kb;
    const A11 = A.subarray(k + k * lda);
    const info = potrfUnblocked(uplo, kb, A11, lda);
    if (info > 0) return k + info;
    if (n2 === 0) break;
    const A22 = A.subarray(k + kb + (k + kb) * lda);
    if (uplo === "U") {
      const A12 = A.subarray(k + (k + kb) * lda); // kb × n2
      trsm("L", "U", "T", "N", kb, n2, 1, A11, lda, A12, lda);
      syrk("U", "T", n2, kb, -1, A12, lda, 1, A22, lda);
    } else {
      const A21 = A.subarray(k + kb + k * lda); // n2 × kb
      trsm("R", "L", "T", "N", n2, kb, 1, A11, lda, A21, lda);
      syrk("L", "N", n2, kb, -1, A21, lda, 1, A22, lda);
    }
  }
  return 0;
}

function potrfUnblocked(uplo: Uplo, n: number, A: Float64Array, lda: number): number {
  if (uplo === "L") {
    for (let j = 0; j < n; j++) {
      const cj = j * lda;
      // column j of the trailing matrix minus the contributions of columns p < j
      for (let p = 0; p < j; p++) {
        const cp = p * lda;
        const ljp = A[cp + j];
        if (ljp === 0) continue;
        for (let i = j; i < n; i++) A[cj + i] -= A[cp + i] * ljp;
      }
      const d = A[cj + j];
      if (!(d > 0)) return j + 1;
      const ljj = Math.sqrt(d);
      A[cj + j] = ljj;
      const inv = 1 / ljj;
      for (let i = j + 1; i < n; i++) A[cj + i] *= inv;
    }
  } else {
    for (let j = 0; j < n; j++) {
      const cj = j * lda;
      // U(i, j) for i < j: (A(i, j) - Σ_{p<i} U(p, i) U(p, j)) / U(i, i)
      for (let i = 0; i < j; i++) {
        const ci = i * lda;
        let s = A[cj + i];
        for (let p = 0; p < i; p++) s -= A[ci + p] * A[cj + p];
        A[cj + i] = s / A[ci + i];
      }
      let d = A[cj + j];
      for (let p = 0; p < j; p++) d -= A[cj + p] * A[cj + p];
      if (!(d > 0)) return j + 1;
      A[cj + j] = Math.sqrt(d);
    }
  }
  return 0;
}

/** Solve A X = B with the factor from potrf; B (n×nrhs) overwritten. */
export function potrs(
  uplo: Uplo,
  n: number,
  nrhs: number,
  A: Float64Array,
  lda: number,
  B: Float64Array,
  ldb: number,
): void {
  if (uplo === "L") {
    trsm("L", "L", "N", "N", n, nrhs, 1, A, lda, B, ldb);
    trsm("L", "L", "T", "N", n, nrhs, 1, A, lda, B, ldb);
  } else {
    trsm("L", "U", "T", "N", n, nrhs, 1, A, lda, B, ldb);
    trsm("L", "U", "N", "N", n, nrhs, 1, A, lda, B, ldb);
  }
}

/** op(A) X = α B (side "L", A m×m) or X op(A) = α B (side "R", A n×n); B (m×n) overwritten by X. */
export function trsm(
  side: Side,
  uplo: Uplo,
  transA: Trans,
  diag: Diag,
  m: number,
  n: number,
  alpha: number,
  A: Float64Array,
  lda: number,
  B: Float64Array,
  ldb: number,
): void {
  if (m === 0 || n === 0) return;
  const unit = diag === "U";
  for (let j = 0; j < n; j++) {
    const cj = j * ldb;
    if (alpha === 0) for (let i = 0; i < m; i++) B[cj + i] = 0;
    else if (alpha !== 1) for (let i = 0; i < m; i++) B[cj + i] *= alpha;
  }
  if (alpha === 0) return;
  if (side === "L") {
    for (let j = 0; j < n; j++) {
      const x = j * ldb;
      if (uplo === "L" && transA === "N") {
        // forward substitution, column oriented
        for (let p = 0; p < m; p++) {
          const cp = p * lda;
          if (!unit) B[x + p] /= A[cp + p];
          const xp = B[x + p];
          if (xp !== 0) for (let i = p + 1; i < m; i++) B[x + i] -= A[cp + i] * xp;
        }
      } else if (uplo === "U" && transA === "N") {
        for (let p = m - 1; p >= 0; p--) {
          const cp = p * lda;
          if (!unit) B[x + p] /= A[cp + p];
          const xp = B[x + p];
          if (xp !== 0) for (let i = 0; i < p; i++) B[x + i] -= A[cp + i] * xp;
        }
      } else if (uplo === "L") {
        // Aᵀ is upper: backward substitution with dots down the columns of A
        for (let i = m - 1; i >= 0; i--) {
          const ci = i * lda;
          let s = B[x + i];
          for (let p = i + 1; p < m; p++) s -= A[ci + p] * B[x + p];
          B[x + i] = unit ? s : s / A[ci + i];
        }
      } else {
        // uplo "U", transA "T": Aᵀ is lower, forward substitution
        for (let i = 0; i < m; i++) {
          const ci = i * lda;
          let s = B[x + i];
          for (let p = 0; p < i; p++) s -= A[ci + p] * B[x + p];
          B[x + i] = unit ? s : s / A[ci + i];
        }
      }
    }
    return;
  }
  // side "R": X T = B with T = op(A) (n×n): B[:, j] = Σ_p X[:, p] T(p, j)
  const tUpper = (uplo === "U") === (transA === "N");
  const T =
    transA === "N" ? (p: number, j: number) => A[p + j * lda] : (p: number, j: number) => A[j + p * lda];
  const step = (j: number, p0: number, p1: number) => {
    const cj = j * ldb;
    for (let p = p0; p < p1; p++) {
      const t = T(p, j);
      if (t === 0) continue;
      const cp = p * ldb;
      for (let i = 0; i < m; i++) B[cj + i] -= B[cp + i] * t;
    }
    if (!unit) {
      const inv = 1 / T(j, j);
      for (let i = 0; i < m; i++) B[cj + i] *= inv;
    }
  };
  if (tUpper) for (let j = 0; j < n; j++) step(j, 0, j);
  else for (let j = n - 1; j >= 0; j--) step(j, j + 1, n);
}
