/**
 * The pure-TypeScript kernel backend: validates every call (../validate.ts), then runs the
 * implementations in this folder. Browser-safe: no Node-only imports here or below.
 */
import type { Kernels } from "../types.js";
import * as v from "../validate.js";
import { gemm } from "./gemm.js";
import { syrk } from "./syrk.js";
import { potrf, potrs, trsm } from "./cholesky.js";
import { gesvd } from "./svd.js";
import { gbtrf, gbtrs, pbtrf, pbtrs } from "./banded.js";
import { tanhBias } from "./tanh.js";
import { rk4FwdStage, rk4JvpStage, rk4VjpStage, rk4VjpStage1 } from "./rk4.js";
import { derivScaleBias, derivScaleSum } from "./deriv.js";
import { softmaxCE, softmaxHessApply } from "./softmax.js";

export { gemm as gemmRaw } from "./gemm.js";
export { fastTanh, tanhBias as tanhBiasRaw } from "./tanh.js";

export const JS_VERSION = "1";

/** Throws the error of a factorisation whose LAPACK-style info is positive. */
export function throwNotSpd(op: string, n: number, info: number, what = "the matrix"): never {
  throw new Error(
    `${op}: ${what} (${n}×${n}) is not positive definite (leading minor of order ${info} is not positive)`,
  );
}
export function throwSingular(op: string, n: number, info: number): never {
  throw new Error(`${op}: the matrix (${n}×${n}) is singular (U(${info - 1}, ${info - 1}) is exactly zero)`);
}

export const jsKernels: Kernels = {
  name: "js",
  dgemm(tA, tB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc) {
    v.validateGemm("dgemm", Float64Array, tA, tB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
    gemm(tA, tB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
  },
  sgemm(tA, tB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc) {
    v.validateGemm("sgemm", Float32Array, tA, tB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
    gemm(tA, tB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
  },
  dsyrk(uplo, trans, n, k, alpha, A, lda, beta, C, ldc) {
    v.validateSyrk(uplo, trans, n, k, alpha, A, lda, beta, C, ldc);
    syrk(uplo, trans, n, k, alpha, A, lda, beta, C, ldc);
  },
  dpotrf(uplo, n, A, lda) {
    v.validatePotrf(uplo, n, A, lda);
    const info = potrf(uplo, n, A, lda);
    if (info > 0) throwNotSpd("dpotrf", n, info);
  },
  dpotrs(uplo, n, nrhs, A, lda, B, ldb) {
    v.validatePotrs(uplo, n, nrhs, A, lda, B, ldb);
    potrs(uplo, n, nrhs, A, lda, B, ldb);
  },
  dtrsm(side, uplo, transA, diag, m, n, alpha, A, lda, B, ldb) {
    v.validateTrsm(side, uplo, transA, diag, m, n, alpha, A, lda, B, ldb);
    trsm(side, uplo, transA, diag, m, n, alpha, A, lda, B, ldb);
  },
  dgesvd(m, n, A, lda, S, U, ldu, VT, ldvt) {
    v.validateGesvd(m, n, A, lda, S, U, ldu, VT, ldvt);
    gesvd(m, n, A, lda, S, U, ldu, VT, ldvt);
  },
  dpbtrf(uplo, n, kd, AB, ldab) {
    v.validatePbtrf(uplo, n, kd, AB, ldab);
    const info = pbtrf(uplo, n, kd, AB, ldab);
    if (info > 0) throwNotSpd("dpbtrf", n, info, `the band matrix (kd ${kd})`);
  },
  dpbtrs(uplo, n, kd, nrhs, AB, ldab, B, ldb) {
    v.validatePbtrs(uplo, n, kd, nrhs, AB, ldab, B, ldb);
    pbtrs(uplo, n, kd, nrhs, AB, ldab, B, ldb);
  },
  dgbtrf(n, kl, ku, AB, ldab, ipiv) {
    v.validateGbtrf(n, kl, ku, AB, ldab, ipiv);
    const info = gbtrf(n, kl, ku, AB, ldab, ipiv);
    if (info > 0) throwSingular("dgbtrf", n, info);
  },
  dgbtrs(trans, n, kl, ku, nrhs, AB, ldab, ipiv, B, ldb) {
    v.validateGbtrs(trans, n, kl, ku, nrhs, AB, ldab, ipiv, B, ldb);
    gbtrs(trans, n, kl, ku, nrhs, AB, ldab, ipiv, B, ldb);
  },
  dtanhBias(m, n, Z, b, D) {
    v.validateTanhBias(m, n, Z, b, D);
    tanhBias(m, n, Z, b, D);
  },
  rk4FwdStage(mode, w, c, Ya, k, next, Ys, cN, cS, ldN) {
    v.validateRk4FwdStage(mode, w, c, Ya, k, next, Ys, cN, cS, ldN);
    rk4FwdStage(mode, w, c, Ya, k, next, Ys, cN, cS, ldN);
  },
  rk4JvpStage(mode, len, dk, D, cur, next, dYs, cN, cS) {
    v.validateRk4JvpStage(mode, len, dk, D, cur, next, dYs, cN, cS);
    rk4JvpStage(mode, len, dk, D, cur, next, dYs, cN, cS);
  },
  rk4VjpStage(len, lam, mu, D, G, cL, cM) {
    v.validateRk4VjpStage(len, lam, mu, D, G, cL, cM);
    rk4VjpStage(len, lam, mu, D, G, cL, cM);
  },
  rk4VjpStage1(len, lam, mu4, mu3, mu2, D, G, lamNew, cL, cM) {
    v.validateRk4VjpStage1(len, lam, mu4, mu3, mu2, D, G, lamNew, cL, cM);
    rk4VjpStage1(len, lam, mu4, mu3, mu2, D, G, lamNew, cL, cM);
  },
  derivScaleBias(m, n, X, Z, db, tanh) {
    v.validateDerivScaleBias(m, n, X, Z, db, tanh);
    derivScaleBias(m, n, X, Z, db, tanh);
  },
  derivScaleSum(m, n, U, Z, G, gb, beta, tanh) {
    v.validateDerivScaleSum(m, n, U, Z, G, gb, beta, tanh);
    derivScaleSum(m, n, U, Z, G, gb, beta, tanh);
  },
  softmaxCE(q, n, S, C, P, G) {
    v.validateSoftmaxCE(q, n, S, C, P, G);
    return softmaxCE(q, n, S, C, P, G);
  },
  softmaxHessApply(q, n, P, V, out, scale) {
    v.validateSoftmaxHessApply(q, n, P, V, out, scale);
    softmaxHessApply(q, n, P, V, out, scale);
  },
  setThreads(n) {
    v.validateThreads(n);
  },
  info: () => ({ name: "gnvpro-js", version: JS_VERSION, threads: 1 }),
};
