/**
 * Pure-TypeScript kernels (column-major). PLACEHOLDER: straightforward loops, to be replaced by the
 * register-blocked GEMM and the factorizations of the foundation issue.
 */
import type { Kernels, Trans, Uplo } from "../types.js";

type Arr = Float64Array | Float32Array;

function gemmGeneric(
  tA: Trans,
  tB: Trans,
  m: number,
  n: number,
  k: number,
  alpha: number,
  A: Arr,
  lda: number,
  B: Arr,
  ldb: number,
  beta: number,
  C: Arr,
  ldc: number,
): void {
  for (let j = 0; j < n; j++) {
    const cj = j * ldc;
    if (beta === 0) for (let i = 0; i < m; i++) C[cj + i] = 0;
    else if (beta !== 1) for (let i = 0; i < m; i++) C[cj + i] *= beta;
    for (let p = 0; p < k; p++) {
      const b = alpha * (tB === "N" ? B[j * ldb + p] : B[p * ldb + j]);
      if (b === 0) continue;
      if (tA === "N") {
        const ap = p * lda;
        for (let i = 0; i < m; i++) C[cj + i] += A[ap + i] * b;
      } else {
        for (let i = 0; i < m; i++) C[cj + i] += A[i * lda + p] * b;
      }
    }
  }
}

function notYet(op: string): never {
  throw new Error(`js kernels: ${op} is not implemented yet`);
}

export const jsKernels: Kernels = {
  name: "js",
  dgemm: gemmGeneric,
  sgemm: gemmGeneric,
  dsyrk(uplo: Uplo, trans: Trans, n: number, k: number, alpha: number, A, lda, beta, C, ldc) {
    for (let j = 0; j < n; j++) {
      const i0 = uplo === "U" ? 0 : j;
      const i1 = uplo === "U" ? j : n - 1;
      for (let i = i0; i <= i1; i++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          s += trans === "N" ? A[p * lda + i] * A[p * lda + j] : A[i * lda + p] * A[j * lda + p];
        }
        C[j * ldc + i] = alpha * s + (beta === 0 ? 0 : beta * C[j * ldc + i]);
      }
    }
  },
  dpotrf: () => notYet("dpotrf"),
  dpotrs: () => notYet("dpotrs"),
  dtrsm: () => notYet("dtrsm"),
  dgesvd: () => notYet("dgesvd"),
  dpbtrf: () => notYet("dpbtrf"),
  dpbtrs: () => notYet("dpbtrs"),
  dgbtrf: () => notYet("dgbtrf"),
  dgbtrs: () => notYet("dgbtrs"),
  setThreads: () => {},
  info: () => ({ name: "gnvpro-js", version: "0.1.0", threads: 1 }),
};
