/** The GEMM arguments in BLAS order, transposes as 0/1 (Kernels.dgemm's contract). */
export type AddonGemmArgs<T extends Float64Array | Float32Array> = [
  tA: number,
  tB: number,
  m: number,
  n: number,
  k: number,
  alpha: number,
  A: T,
  lda: number,
  B: T,
  ldb: number,
  beta: number,
  C: T,
  ldc: number,
];

/** The shape of the compiled addon (native/gnvpro_kernels.c); flags are small integers. */
export interface Addon {
  dgemm(...args: AddonGemmArgs<Float64Array>): void;
  sgemm(...args: AddonGemmArgs<Float32Array>): void;
  dsyrk(
    uplo: number,
    trans: number,
    n: number,
    k: number,
    alpha: number,
    A: Float64Array,
    lda: number,
    beta: number,
    C: Float64Array,
    ldc: number,
  ): void;
  dpotrf(uplo: number, n: number, A: Float64Array, lda: number): number;
  dpotrs(
    uplo: number,
    n: number,
    nrhs: number,
    A: Float64Array,
    lda: number,
    B: Float64Array,
    ldb: number,
  ): number;
  dtrsm(
    side: number,
    uplo: number,
    trans: number,
    diag: number,
    m: number,
    n: number,
    alpha: number,
    A: Float64Array,
    lda: number,
    B: Float64Array,
    ldb: number,
  ): void;
  dgesvd(
    m: number,
    n: number,
    A: Float64Array,
    lda: number,
    S: Float64Array,
    U: Float64Array,
    ldu: number,
    VT: Float64Array,
    ldvt: number,
  ): number;
  dpbtrf(uplo: number, n: number, kd: number, AB: Float64Array, ldab: number): number;
  dpbtrs(
    uplo: number,
    n: number,
    kd: number,
    nrhs: number,
    AB: Float64Array,
    ldab: number,
    B: Float64Array,
    ldb: number,
  ): number;
  dgbtrf(n: number, kl: number, ku: number, AB: Float64Array, ldab: number, ipiv: Int32Array): number;
  dgbtrs(
    trans: number,
    n: number,
    kl: number,
    ku: number,
    nrhs: number,
    AB: Float64Array,
    ldab: number,
    ipiv: Int32Array,
    B: Float64Array,
    ldb: number,
  ): number;
  /**
   * Fused bias + tanh (see Kernels.dtanhBias); path 0 = the best for this CPU, 1 = force the portable
   * scalar path. Returns the path used: 1 scalar, 2 AVX2+FMA. Absent from addons built before it.
   */
  dtanhBias?(
    m: number,
    n: number,
    Z: Float64Array,
    b: Float64Array | null,
    D: Float64Array | null,
    path: number,
  ): number;
  /**
   * Direct small-matrix dgemm (same arguments as dgemm, then path): C ← α op(A) op(B) + β C without
   * OpenBLAS. path 0 = the best for this CPU, 1 = force the portable path. Returns the path used:
   * 1 portable, 2 AVX2+FMA (also for m = 0 or n = 0, so an empty call tells the best path). Absent
   * from addons built before it.
   */
  dgemmSmall?(...args: [...AddonGemmArgs<Float64Array>, path: number]): number;
  /**
   * Softmax cross-entropy (see Kernels.softmaxCE), then path (0 best, 1 portable); returns the sum of
   * the losses (NaN for a non-finite column). Absent from addons built before it.
   */
  softmaxCE?(
    q: number,
    n: number,
    S: Float64Array,
    C: Float64Array,
    P: Float64Array,
    G: Float64Array | null,
    path: number,
  ): number;
  /** The per-sample softmax Hessian product (see Kernels.softmaxHessApply); one path. */
  softmaxHessApply?(
    q: number,
    n: number,
    P: Float64Array,
    V: Float64Array,
    out: Float64Array,
    scale: number,
  ): void;
  /**
   * The dense layer's derivative sweeps (see Kernels.derivScaleBias / derivScaleSum; tanh as 1/0),
   * then path (0 = the best for this CPU, 1 = force the portable path); return the path used (1
   * portable, 2 AVX2+FMA). Absent from addons built before them.
   */
  derivScaleBias?(
    m: number,
    n: number,
    X: Float64Array,
    Z: Float64Array,
    db: Float64Array | null,
    tanh: number,
    path: number,
  ): number;
  derivScaleSum?(
    m: number,
    n: number,
    U: Float64Array,
    Z: Float64Array,
    G: Float64Array,
    gb: Float64Array | null,
    beta: number,
    tanh: number,
    path: number,
  ): number;
  /**
   * The RK4 stage sweeps (see Kernels.rk4FwdStage, rk4JvpStage, rk4VjpStage, rk4VjpStage1), then path: 0 = the best
   * for this CPU, 1 = force the portable path. Return the path used (1 portable, 2 AVX2+FMA). Absent
   * from addons built before them.
   */
  rk4FwdStage?(
    mode: number,
    w: number,
    c: number,
    Ya: Float64Array | null,
    k: Float64Array,
    next: Float64Array,
    Ys: Float64Array | null,
    cN: number,
    cS: number,
    ldN: number,
    path: number,
  ): number;
  rk4JvpStage?(
    mode: number,
    len: number,
    dk: Float64Array,
    D: Float64Array,
    cur: Float64Array | null,
    next: Float64Array,
    dYs: Float64Array | null,
    cN: number,
    cS: number,
    path: number,
  ): number;
  rk4VjpStage?(
    len: number,
    lam: Float64Array,
    mu: Float64Array | null,
    D: Float64Array,
    G: Float64Array,
    cL: number,
    cM: number,
    path: number,
  ): number;
  rk4VjpStage1?(
    len: number,
    lam: Float64Array,
    mu4: Float64Array,
    mu3: Float64Array,
    mu2: Float64Array,
    D: Float64Array,
    G: Float64Array,
    lamNew: Float64Array,
    cL: number,
    cM: number,
    path: number,
  ): number;
  setThreads(n: number): void;
  getThreads(): number;
  config(): string;
}
