/**
 * The native kernel backend: validates every call (../validate.ts) and then calls the OpenBLAS /
 * LAPACKE addon on the caller's arrays. Products too small to amortise the call (see
 * NATIVE_GEMM_MIN_FLOPS) run in the TypeScript GEMM instead; small dgemms where OpenBLAS's set-up
 * dominates (smallGemmFits) run in the addon's own direct kernel (dgemmSmall) when the CPU has AVX2+FMA.
 */
import type { Kernels, Trans, Uplo } from "../types.js";
import * as v from "../validate.js";
import { gemm as jsGemm } from "../js/gemm.js";
import { syrk as jsSyrk } from "../js/syrk.js";
import { tanhBias as jsTanhBias } from "../js/tanh.js";
import { derivScaleBias as jsDerivBias, derivScaleSum as jsDerivSum } from "../js/deriv.js";
import { softmaxCE as jsSoftmaxCE, softmaxHessApply as jsSoftmaxHess } from "../js/softmax.js";
import {
  rk4FwdStage as jsRk4Fwd,
  rk4JvpStage as jsRk4Jvp,
  rk4VjpStage as jsRk4Vjp,
  rk4VjpStage1 as jsRk4Vjp1,
} from "../js/rk4.js";
import { throwNotSpd, throwSingular } from "../js/index.js";
import type { Addon } from "./addon.js";

/**
 * GEMMs with m·n·k below this run in TypeScript: the measured crossover (bench/kernels.ts, "crossover"
 * section; docs/DESIGN.md) where the addon call plus OpenBLAS's set-up beats the register-blocked TS kernel.
 */
export let NATIVE_GEMM_MIN_FLOPS = 6 * 6 * 6;

/** Override the small-product cut-off (the benchmark uses 0 to time the addon on every size). */
export function setNativeGemmMinFlops(flops: number): void {
  NATIVE_GEMM_MIN_FLOPS = flops;
}

/**
 * Whether the addon's direct small-matrix kernel (dgemmSmall, AVX2+FMA) beats OpenBLAS for this dgemm:
 * the measured rule of docs/DESIGN.md ("Small GEMMs"). 2 ≤ m ≤ 64 (a single row wastes 3 of 4 vector
 * lanes), and op(A) of at most 2048 entries (it is re-read for every 6 columns of C, so it should stay
 * in L1), or one row block (m ≤ 8) with a long k and op(B) of at most 400·400 entries, or at most 16
 * columns of C (op(A) read at most three times). When op(A) must first be copied (transposed, or m
 * not a multiple of 4), at least 32 columns so the copy is amortised, unless op(A) is tiny (k ≤ 8,
 * m ≤ 16). And, when op(A) is read in place, C of at most 100 columns with k ≤ 512: the weight-gradient
 * products G·[Y; 1]ᵀ of column blocks (32×33 from k = 225 in the classification ResNet) — measured
 * 1.04–1.99× faster than OpenBLAS over m 8–64, n 9–100, k 64–512, NN and NT (third session).
 */
export function smallGemmFits(tA: Trans, m: number, n: number, k: number): boolean {
  if (m < 2 || m > 64) return false;
  const copied = tA === "T" || m % 4 !== 0;
  if (copied && n < 32 && !(k <= 8 && m <= 16)) return false;
  return (
    m * k <= 2048 || (m <= 8 && k * n <= 160000) || (!copied && n <= 16) || (!copied && n <= 100 && k <= 512)
  );
}

/**
 * With the small kernel available, dgemms with m·n·k below this (and below NATIVE_GEMM_MIN_FLOPS) run
 * in TypeScript: measured through kernels().dgemm, TS ahead up to 3³ = 27, even at 4³, behind from
 * 105 on (docs/DESIGN.md, "Small GEMMs"). sgemm and dsyrk keep NATIVE_GEMM_MIN_FLOPS.
 */
export const NATIVE_SMALL_GEMM_MIN_FLOPS = 64;

let SMALL_GEMM = true;
/** Turn the direct small-matrix dgemm off or on (benchmarks and tests compare it with OpenBLAS). */
export function setNativeSmallGemm(on: boolean): void {
  SMALL_GEMM = on;
}

/**
 * dtanhBias sweeps with fewer than this many entries run in TypeScript (the addon call costs more than
 * the sweep there; measured crossover, docs/DESIGN.md "Fused bias + tanh").
 */
export let NATIVE_TANH_MIN_ENTRIES = 24;

/** Override the small-sweep cut-off (the benchmark uses 0 to time the addon on every size). */
export function setNativeTanhMinEntries(entries: number): void {
  NATIVE_TANH_MIN_ENTRIES = entries;
}

/**
 * RK4 stage sweeps shorter than this run in TypeScript: an addon call costs ≈ 0.43 µs with its five
 * array arguments, a TypeScript sweep ≈ 0.25 µs + 2.5 ns per entry; measured crossover ≈ 100–128
 * entries (docs/DESIGN.md, "RK4 stage sweeps").
 */
export let NATIVE_SWEEP_MIN_ENTRIES = 128;

/** Override the sweep cut-off (tests and benchmarks use 0 to run the addon on every length). */
export function setNativeSweepMinEntries(entries: number): void {
  NATIVE_SWEEP_MIN_ENTRIES = entries;
}

const T = (t: Trans): number => (t === "N" ? 0 : 1);
const UL = (u: Uplo): number => (u === "U" ? 0 : 1);

export function makeNativeKernels(addon: Addon): Kernels {
  const config = addon.config();
  const version = /OpenBLAS\s+([0-9][0-9.]*)/.exec(config)?.[1] ?? "unknown";
  // An empty call reports the best path; the portable one is slower than OpenBLAS, so only AVX2 is used.
  const empty = new Float64Array(1);
  const small = addon.dgemmSmall;
  const smallOk = small !== undefined && small(0, 0, 0, 0, 0, 1, empty, 1, empty, 1, 0, empty, 1, 0) === 2;
  return {
    name: "native",
    dgemm(tA, tB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc) {
      v.validateGemm("dgemm", Float64Array, tA, tB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
      const useSmall = smallOk && SMALL_GEMM;
      const tsBelow = useSmall
        ? Math.min(NATIVE_GEMM_MIN_FLOPS, NATIVE_SMALL_GEMM_MIN_FLOPS)
        : NATIVE_GEMM_MIN_FLOPS;
      if (m * n * k < tsBelow) jsGemm(tA, tB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
      else if (useSmall && smallGemmFits(tA, m, n, k))
        small(T(tA), T(tB), m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, 0);
      else addon.dgemm(T(tA), T(tB), m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
    },
    sgemm(tA, tB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc) {
      v.validateGemm("sgemm", Float32Array, tA, tB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
      if (m * n * k < NATIVE_GEMM_MIN_FLOPS) jsGemm(tA, tB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
      else addon.sgemm(T(tA), T(tB), m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
    },
    dsyrk(uplo, trans, n, k, alpha, A, lda, beta, C, ldc) {
      v.validateSyrk(uplo, trans, n, k, alpha, A, lda, beta, C, ldc);
      if (n * n * k < NATIVE_GEMM_MIN_FLOPS) jsSyrk(uplo, trans, n, k, alpha, A, lda, beta, C, ldc);
      else addon.dsyrk(UL(uplo), T(trans), n, k, alpha, A, lda, beta, C, ldc);
    },
    dpotrf(uplo, n, A, lda) {
      v.validatePotrf(uplo, n, A, lda);
      const info = addon.dpotrf(UL(uplo), n, A, lda);
      if (info > 0) throwNotSpd("dpotrf", n, info);
      if (info < 0) throw new Error(`dpotrf: LAPACK rejected argument ${-info} (n ${n}, lda ${lda})`);
    },
    dpotrs(uplo, n, nrhs, A, lda, B, ldb) {
      v.validatePotrs(uplo, n, nrhs, A, lda, B, ldb);
      const info = addon.dpotrs(UL(uplo), n, nrhs, A, lda, B, ldb);
      if (info !== 0) throw new Error(`dpotrs: LAPACK returned info ${info} (n ${n}, nrhs ${nrhs})`);
    },
    dtrsm(side, uplo, transA, diag, m, n, alpha, A, lda, B, ldb) {
      v.validateTrsm(side, uplo, transA, diag, m, n, alpha, A, lda, B, ldb);
      addon.dtrsm(
        side === "L" ? 0 : 1,
        UL(uplo),
        T(transA),
        diag === "N" ? 0 : 1,
        m,
        n,
        alpha,
        A,
        lda,
        B,
        ldb,
      );
    },
    dgesvd(m, n, A, lda, S, U, ldu, VT, ldvt) {
      v.validateGesvd(m, n, A, lda, S, U, ldu, VT, ldvt);
      const info = addon.dgesvd(m, n, A, lda, S, U, ldu, VT, ldvt);
      if (info > 0)
        throw new Error(`dgesvd: the SVD of the ${m}×${n} matrix did not converge (${info} superdiagonals)`);
      if (info < 0) throw new Error(`dgesvd: LAPACK rejected argument ${-info} (${m}×${n})`);
    },
    dpbtrf(uplo, n, kd, AB, ldab) {
      v.validatePbtrf(uplo, n, kd, AB, ldab);
      const info = addon.dpbtrf(UL(uplo), n, kd, AB, ldab);
      if (info > 0) throwNotSpd("dpbtrf", n, info, `the band matrix (kd ${kd})`);
      if (info < 0) throw new Error(`dpbtrf: LAPACK rejected argument ${-info} (n ${n}, kd ${kd})`);
    },
    dpbtrs(uplo, n, kd, nrhs, AB, ldab, B, ldb) {
      v.validatePbtrs(uplo, n, kd, nrhs, AB, ldab, B, ldb);
      const info = addon.dpbtrs(UL(uplo), n, kd, nrhs, AB, ldab, B, ldb);
      if (info !== 0) throw new Error(`dpbtrs: LAPACK returned info ${info} (n ${n}, kd ${kd})`);
    },
    dgbtrf(n, kl, ku, AB, ldab, ipiv) {
      v.validateGbtrf(n, kl, ku, AB, ldab, ipiv);
      const info = addon.dgbtrf(n, kl, ku, AB, ldab, ipiv);
      if (info > 0) throwSingular("dgbtrf", n, info);
      if (info < 0) throw new Error(`dgbtrf: LAPACK rejected argument ${-info} (n ${n}, kl ${kl}, ku ${ku})`);
    },
    dgbtrs(trans, n, kl, ku, nrhs, AB, ldab, ipiv, B, ldb) {
      v.validateGbtrs(trans, n, kl, ku, nrhs, AB, ldab, ipiv, B, ldb);
      const info = addon.dgbtrs(T(trans), n, kl, ku, nrhs, AB, ldab, ipiv, B, ldb);
      if (info !== 0) throw new Error(`dgbtrs: LAPACK returned info ${info} (n ${n}, kl ${kl}, ku ${ku})`);
    },
    dtanhBias(m, n, Z, b, D) {
      v.validateTanhBias(m, n, Z, b, D);
      if (m * n < NATIVE_TANH_MIN_ENTRIES || addon.dtanhBias === undefined) jsTanhBias(m, n, Z, b, D);
      else addon.dtanhBias(m, n, Z, b, D, 0);
    },
    rk4FwdStage(mode, w, c, Ya, k, next, Ys, cN, cS, ldN) {
      v.validateRk4FwdStage(mode, w, c, Ya, k, next, Ys, cN, cS, ldN);
      if (w * c < NATIVE_SWEEP_MIN_ENTRIES || addon.rk4FwdStage === undefined)
        jsRk4Fwd(mode, w, c, Ya, k, next, Ys, cN, cS, ldN);
      else addon.rk4FwdStage(mode, w, c, Ya, k, next, Ys, cN, cS, ldN, 0);
    },
    rk4JvpStage(mode, len, dk, D, cur, next, dYs, cN, cS) {
      v.validateRk4JvpStage(mode, len, dk, D, cur, next, dYs, cN, cS);
      if (len < NATIVE_SWEEP_MIN_ENTRIES || addon.rk4JvpStage === undefined)
        jsRk4Jvp(mode, len, dk, D, cur, next, dYs, cN, cS);
      else addon.rk4JvpStage(mode, len, dk, D, cur, next, dYs, cN, cS, 0);
    },
    rk4VjpStage(len, lam, mu, D, G, cL, cM) {
      v.validateRk4VjpStage(len, lam, mu, D, G, cL, cM);
      if (len < NATIVE_SWEEP_MIN_ENTRIES || addon.rk4VjpStage === undefined)
        jsRk4Vjp(len, lam, mu, D, G, cL, cM);
      else addon.rk4VjpStage(len, lam, mu, D, G, cL, cM, 0);
    },
    rk4VjpStage1(len, lam, mu4, mu3, mu2, D, G, lamNew, cL, cM) {
      v.validateRk4VjpStage1(len, lam, mu4, mu3, mu2, D, G, lamNew, cL, cM);
      if (len < NATIVE_SWEEP_MIN_ENTRIES || addon.rk4VjpStage1 === undefined)
        jsRk4Vjp1(len, lam, mu4, mu3, mu2, D, G, lamNew, cL, cM);
      else addon.rk4VjpStage1(len, lam, mu4, mu3, mu2, D, G, lamNew, cL, cM, 0);
    },
    derivScaleBias(m, n, X, Z, db, tanh) {
      v.validateDerivScaleBias(m, n, X, Z, db, tanh);
      if (m * n < NATIVE_SWEEP_MIN_ENTRIES || addon.derivScaleBias === undefined)
        jsDerivBias(m, n, X, Z, db, tanh);
      else addon.derivScaleBias(m, n, X, Z, db, tanh ? 1 : 0, 0);
    },
    derivScaleSum(m, n, U, Z, G, gb, beta, tanh) {
      v.validateDerivScaleSum(m, n, U, Z, G, gb, beta, tanh);
      if (m * n < NATIVE_SWEEP_MIN_ENTRIES || addon.derivScaleSum === undefined)
        jsDerivSum(m, n, U, Z, G, gb, beta, tanh);
      else addon.derivScaleSum(m, n, U, Z, G, gb, beta, tanh ? 1 : 0, 0);
    },
    softmaxCE(q, n, S, C, P, G) {
      v.validateSoftmaxCE(q, n, S, C, P, G);
      if (q * n < NATIVE_SWEEP_MIN_ENTRIES || addon.softmaxCE === undefined)
        return jsSoftmaxCE(q, n, S, C, P, G);
      return addon.softmaxCE(q, n, S, C, P, G, 0);
    },
    softmaxHessApply(q, n, P, V, out, scale) {
      v.validateSoftmaxHessApply(q, n, P, V, out, scale);
      if (q * n < NATIVE_SWEEP_MIN_ENTRIES || addon.softmaxHessApply === undefined)
        jsSoftmaxHess(q, n, P, V, out, scale);
      else addon.softmaxHessApply(q, n, P, V, out, scale);
    },
    setThreads(n) {
      v.validateThreads(n);
      addon.setThreads(n);
    },
    info: () => ({ name: "openblas", version, threads: addon.getThreads() }),
  };
}
