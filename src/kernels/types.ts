/**
 * The dense linear-algebra kernel interface (BLAS/LAPACK names and argument order).
 *
 * Every matrix is stored column-major in a typed array; a matrix argument is the typed array
 * whose element 0 is the matrix's (0,0) entry (pass `a.subarray(off)` for an offset view: no copy).
 * Leading dimensions follow BLAS: `lda >= max(1, rows)`.
 *
 * Two backends implement it: `native` (system OpenBLAS + LAPACKE through a Node-API addon) and
 * `js` (pure TypeScript, also usable in a browser bundle). Both validate their arguments and throw
 * an Error naming the operation and the shapes; neither returns a wrong answer silently.
 */
export type Trans = "N" | "T";
export type Uplo = "U" | "L";
export type Side = "L" | "R";
export type Diag = "N" | "U";

export interface BlasInfo {
  /** "openblas" for the native backend, "gnvpro-js" for the TypeScript one. */
  name: string;
  version: string;
  threads: number;
}

export interface Kernels {
  readonly name: "native" | "js";

  /** C ← α op(A) op(B) + β C, op(A) m×k, op(B) k×n, C m×n (float64). β = 0 ignores C's contents (NaN too). */
  dgemm(
    transA: Trans,
    transB: Trans,
    m: number,
    n: number,
    k: number,
    alpha: number,
    A: Float64Array,
    lda: number,
    B: Float64Array,
    ldb: number,
    beta: number,
    C: Float64Array,
    ldc: number,
  ): void;

  /** The float32 GEMM, same contract as dgemm. */
  sgemm(
    transA: Trans,
    transB: Trans,
    m: number,
    n: number,
    k: number,
    alpha: number,
    A: Float32Array,
    lda: number,
    B: Float32Array,
    ldb: number,
    beta: number,
    C: Float32Array,
    ldc: number,
  ): void;

  /**
   * Symmetric rank-k update. trans "N": C ← α A Aᵀ + β C with A n×k; trans "T": C ← α Aᵀ A + β C
   * with A k×n. Only the `uplo` triangle of the n×n matrix C is referenced and written.
   */
  dsyrk(
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
  ): void;

  /** Cholesky factorisation in place of the `uplo` triangle of the SPD n×n matrix A. Throws if A is not SPD. */
  dpotrf(uplo: Uplo, n: number, A: Float64Array, lda: number): void;

  /** Solve A X = B with A's Cholesky factor from dpotrf; B (n×nrhs) is overwritten by X. */
  dpotrs(
    uplo: Uplo,
    n: number,
    nrhs: number,
    A: Float64Array,
    lda: number,
    B: Float64Array,
    ldb: number,
  ): void;

  /** Triangular solve: op(A) X = α B (side "L", A m×m) or X op(A) = α B (side "R", A n×n); B m×n overwritten. */
  dtrsm(
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
  ): void;

  /**
   * Thin SVD A = U diag(S) Vᵀ of the m×n matrix A (A is destroyed). With p = min(m, n): S has p
   * entries in descending order, U is m×p (ldu ≥ m), VT is p×n (ldvt ≥ p).
   */
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
  ): void;

  /**
   * Banded SPD Cholesky (LAPACK band storage, `uplo` "U": AB[kd + i - j + j*ldab] = A(i,j) for
   * max(0, j-kd) ≤ i ≤ j; "L": AB[i - j + j*ldab] = A(i,j) for j ≤ i ≤ min(n-1, j+kd)); ldab ≥ kd+1.
   * AB is overwritten by the factor. Throws if not SPD.
   */
  dpbtrf(uplo: Uplo, n: number, kd: number, AB: Float64Array, ldab: number): void;
  /** Solve with the factor from dpbtrf; B (n×nrhs) overwritten. */
  dpbtrs(
    uplo: Uplo,
    n: number,
    kd: number,
    nrhs: number,
    AB: Float64Array,
    ldab: number,
    B: Float64Array,
    ldb: number,
  ): void;

  /**
   * General banded LU with partial pivoting (LAPACK band storage with room for fill:
   * AB[kl + ku + i - j + j*ldab] = A(i,j), ldab ≥ 2kl+ku+1). ipiv has n entries (1-based, as LAPACK).
   * Throws if A is singular.
   */
  dgbtrf(n: number, kl: number, ku: number, AB: Float64Array, ldab: number, ipiv: Int32Array): void;
  /** Solve A X = B with the factor from dgbtrf; B (n×nrhs) overwritten. */
  dgbtrs(
    trans: Trans,
    n: number,
    kl: number,
    ku: number,
    nrhs: number,
    AB: Float64Array,
    ldab: number,
    ipiv: Int32Array,
    B: Float64Array,
    ldb: number,
  ): void;

  /**
   * Fused bias + tanh + derivative, in place on the m×n column-major Z (leading dimension m):
   * Z ← tanh(Z + b1ᵀ) (b of length ≥ m; null = no bias) and, when D is not null, D ← 1 − tanh²
   * of the same argument (m×n, leading dimension m). Within 2 ulp of Math.tanh; ±0 keep their sign;
   * NaN in gives NaN in Z and D. D equals 1 − Z² up to rounding, and keeps its relative accuracy
   * where Z rounds to ±1 (it is formed as q(2 − q), q = 1 − |tanh|). Not BLAS: our own kernel
   * (native: AVX2+FMA when the CPU has it, else portable C; js: src/kernels/js/tanh.ts).
   */
  dtanhBias(m: number, n: number, Z: Float64Array, b: Float64Array | null, D: Float64Array | null): void;

  /**
   * Forward RK4 stage combination on a w×c column block (the antisymmetric ResNet's forward pass). Ya
   * and Ys are (w+1)×c with leading dimension w+1 (a row of ones last), k is w×c (leading dimension
   * w), next has leading dimension ldN = w or w+1 (then with a row of ones): mode 0 (after stage 1):
   * next = Ya + cN·k and Ys = Ya + cS·k, rows of ones written; mode 1 (stages 2 and 3): next += cN·k,
   * Ys = Ya + cS·k, its row of ones written; mode 2 (stage 4): next += cN·k (Ya and Ys unused, may be
   * null). Written arrays must not overlap each other or the read ones. Paths as rk4JvpStage.
   */
  rk4FwdStage(
    mode: 0 | 1 | 2,
    w: number,
    c: number,
    Ya: Float64Array | null,
    k: Float64Array,
    next: Float64Array,
    Ys: Float64Array | null,
    cN: number,
    cS: number,
    ldN: number,
  ): void;

  /**
   * Fused sweep of a linearised RK4 stage (the antisymmetric ResNet's JVP) over the first len entries
   * of each array: v = D ⊙ dk, then mode 0 (stage 1): next = cur + cN·v, dYs = cur + cS·v; mode 1
   * (stages 2 and 3): next += cN·v, dYs = cur + cS·v; mode 2 (stage 4): next += cN·v (cur and dYs
   * unused, may be null). The written arrays (next, dYs) must not overlap each other or the read
   * ones. Not BLAS: our own kernel (native: AVX2+FMA when the CPU has it, else portable C; short
   * sweeps and the js backend: src/kernels/js/rk4.ts). Results agree across paths to rounding.
   */
  rk4JvpStage(
    mode: 0 | 1 | 2,
    len: number,
    dk: Float64Array,
    D: Float64Array,
    cur: Float64Array | null,
    next: Float64Array,
    dYs: Float64Array | null,
    cN: number,
    cS: number,
  ): void;

  /**
   * Fused sweep of an adjoint RK4 stage over len entries: G = D ⊙ (cL·λ + cM·μ) (μ null: D ⊙ cL·λ).
   * G must not overlap λ, μ or D. Paths as rk4JvpStage.
   */
  rk4VjpStage(
    len: number,
    lam: Float64Array,
    mu: Float64Array | null,
    D: Float64Array,
    G: Float64Array,
    cL: number,
    cM: number,
  ): void;

  /**
   * The adjoint RK4 stage 1 over len entries: λ_new = λ + μ4 + μ3 + μ2 and G = D ⊙ (cL·λ + cM·μ2)
   * in one sweep. G and λ_new must not overlap each other or the read arrays. Paths as rk4JvpStage.
   */
  rk4VjpStage1(
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
  ): void;

  /**
   * A dense layer's JVP sweep on the m×n column-major X (leading dimension m): X ← σ′ ⊙ (X + db1ᵀ)
   * (db of length ≥ m, or null), with σ′ = 1 − Z² when `tanh` (Z the layer's tanh output), else σ′ = Z
   * (a stored derivative). Z (m×n) must not overlap X, db must not overlap X. Not BLAS: our own kernel
   * (native: AVX2+FMA when the CPU has it, else portable C; short sweeps and the js backend:
   * src/kernels/js/deriv.ts). Results agree across paths to rounding.
   */
  derivScaleBias(
    m: number,
    n: number,
    X: Float64Array,
    Z: Float64Array,
    db: Float64Array | null,
    tanh: boolean,
  ): void;

  /**
   * A dense layer's VJP sweep: G ← σ′ ⊙ U (m×n, σ′ as in derivScaleBias) and, when gb is not null,
   * the bias gradient gb ← beta·gb + G·1 (row sums; beta 0 or 1; gb of length ≥ m). G must not
   * overlap U, Z or gb. Paths as derivScaleBias.
   */
  derivScaleSum(
    m: number,
    n: number,
    U: Float64Array,
    Z: Float64Array,
    G: Float64Array,
    gb: Float64Array | null,
    beta: number,
    tanh: boolean,
  ): void;

  /**
   * Softmax cross-entropy over the n columns of the q×n blocks S (scores) and C (targets): returns
   * Σ_i [log Σ_a exp(s_ai − max_i) + max_i − c_iᵀ s_i] (not divided by n) and, when G is not null,
   * writes P ← softmax(s_i) and G ← P − C. P (q×n) is also the work array when G is null. A column
   * whose maximum is not finite gives NaN (sum, and its P, G columns). Native: a vectorised exp
   * (AVX2+FMA; within 2 ulp of Math.exp, 0 below e^−708.39 where Math.exp returns subnormals) or
   * libm's exp on the portable path; js: src/kernels/js/softmax.ts.
   */
  softmaxCE(
    q: number,
    n: number,
    S: Float64Array,
    C: Float64Array,
    P: Float64Array,
    G: Float64Array | null,
  ): number;

  /**
   * out_i ← scale · p_i ⊙ (v_i − p_iᵀ v_i) for every column of the q×n blocks: the per-sample
   * softmax cross-entropy Hessian diag(p) − ppᵀ applied to V. out may be V itself; no other
   * overlap. Native (one C path) or src/kernels/js/softmax.ts.
   */
  softmaxHessApply(
    q: number,
    n: number,
    P: Float64Array,
    V: Float64Array,
    out: Float64Array,
    scale: number,
  ): void;

  /** BLAS threads (the js backend is single-threaded and reports 1). */
  setThreads(n: number): void;
  info(): BlasInfo;
}
