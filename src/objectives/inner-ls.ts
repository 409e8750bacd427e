/**
 * The least-squares inner problem of GNVPRO.md §2a: for fixed features Ẑ ((m+1) × n, last row ones),
 *
 *     W(θ) = argmin_W  (1/2n) ‖W Ẑ − C‖²_F + (α_W/2) ‖W‖²_F
 *     ⇔   W M = C Ẑᵀ / n,      M = Ẑ Ẑᵀ / n + α_W I        ((m+1) × (m+1), eq. 2a)
 *
 * Two routes, both returning an `InnerFactor` that applies M⁻¹ from the right to q × (m+1) blocks
 * (used by the reduced Jacobian, §3):
 *
 * - Cholesky (default): M = UᵀU (dpotrf), W = (C Ẑᵀ/n) U⁻¹ U⁻ᵀ by two triangular solves. Never an
 *   inverse. Used when a cheap estimate of cond₂(M) (power iteration for λ_max, inverse iteration
 *   with the factor for λ_min, 6 steps each) is ≤ `maxCondition` (default 1e8: the normal equations
 *   then lose at most ~8 of 16 digits, in the ill-conditioned directions only).
 * - SVD: Ẑ/√n = U Σ Vᵀ (dgesvd), W = (C V / √n) diag(σ_i / (σ_i² + α_W)) Uᵀ, which never squares the
 *   condition number; M⁻¹ = U diag(1 / (σ_i² + α_W)) Uᵀ. Used when Cholesky fails or the estimate
 *   exceeds `maxCondition`, or on request.
 *
 * α_W = 0 with a singular (or numerically singular) Gram matrix: the SVD route returns the
 * MINIMUM-NORM least-squares solution W = C Ẑ⁺, discarding singular values σ_i ≤ rcond · σ_1 with
 * rcond = max(m+1, n) · ε by default (the rank cutoff of LAPACK/NumPy), and M⁻¹ becomes the
 * pseudo-inverse M⁺ with the same cutoff. The reduced Jacobian built on M⁺ is then the derivative
 * along directions that keep the rank; `rank` in the result reports the deficiency.
 */
import { kernels } from "../kernels/index.js";
import { appendOnes, symmetrizeFromUpper } from "./dense.js";
import type { InnerFactor } from "./reduced-jacobian.js";

export interface InnerLSOptions {
  /** "auto" (default): Cholesky unless it fails or cond₂(M) is estimated above `maxCondition`. */
  method?: "auto" | "cholesky" | "svd";
  /** Largest estimated cond₂(M) that "auto" solves by Cholesky (default 1e8). */
  maxCondition?: number;
  /** α_W = 0 only: relative singular-value cutoff of the minimum-norm solution (default max(m+1, n)·ε). */
  rcond?: number;
}

export interface InnerLSResult {
  /** W, q × (m+1) column-major (last column: bias). */
  W: Float64Array;
  method: "cholesky" | "svd";
  /** numerical rank of Ẑ (m+1 unless α_W = 0 and singular values fell below the cutoff) */
  rank: number;
  /** cond₂(M): an estimate (lower bound) on the Cholesky route, exact on the SVD route (∞ if singular) */
  condition: number;
  /** Ẑ Ẑᵀ / n, (m+1) × (m+1), both triangles filled */
  gram: Float64Array;
  /** applies M⁻¹ (or M⁺) from the right */
  factor: InnerFactor;
}

const EPS = 2.220446049250313e-16;

/** Solve the least-squares inner problem for features Z (m × n, WITHOUT the row of ones). */
export function solveInnerLS(
  Z: Float64Array,
  m: number,
  n: number,
  C: Float64Array,
  q: number,
  alphaW: number,
  options: InnerLSOptions = {},
): InnerLSResult {
  return solveInnerLSHat(appendOnes(Z, m, n), m + 1, n, C, q, alphaW, options);
}

/** Solve the least-squares inner problem for Ẑ ((m+1) × n, last row ones). */
export function solveInnerLSHat(
  Zhat: Float64Array,
  m1: number,
  n: number,
  C: Float64Array,
  q: number,
  alphaW: number,
  options: InnerLSOptions = {},
): InnerLSResult {
  if (Zhat.length !== m1 * n)
    throw new Error(`solveInnerLS: features Ẑ must be ${m1}×${n}, got ${Zhat.length}`);
  if (C.length !== q * n) throw new Error(`solveInnerLS: targets C must be ${q}×${n}, got ${C.length}`);
  if (!(alphaW >= 0) || !Number.isFinite(alphaW))
    throw new Error(`solveInnerLS: α_W must be finite and ≥ 0, got ${alphaW}`);
  const method = options.method ?? "auto";
  if (method !== "auto" && method !== "cholesky" && method !== "svd")
    throw new Error(`solveInnerLS: unknown method "${String(method)}"`);
  const maxCondition = options.maxCondition ?? 1e8;
  const K = kernels();

  const gram = new Float64Array(m1 * m1);
  K.dsyrk("U", "N", m1, n, 1 / n, Zhat, m1, 0, gram, m1);
  symmetrizeFromUpper(gram, m1);

  if (method !== "svd") {
    const U = gram.slice();
    for (let j = 0; j < m1; j++) U[j + j * m1] += alphaW;
    let ok = true;
    try {
      K.dpotrf("U", m1, U, m1);
    } catch (e) {
      if (method === "cholesky")
        throw new Error(`solveInnerLS: Cholesky of M failed (${(e as Error).message}); use method "svd"`);
      ok = false;
    }
    if (ok) {
      for (let j = 0; j < m1; j++) if (!(U[j + j * m1] > 0)) ok = false;
      const condition = ok ? estimateCondition(gram, alphaW, U, m1) : Infinity;
      if (method === "cholesky" || (ok && condition <= maxCondition)) {
        const W = new Float64Array(q * m1);
        K.dgemm("N", "T", q, m1, n, 1 / n, C, q, Zhat, m1, 0, W, q);
        const factor = choleskyFactor(U, m1);
        factor.solveInPlace(W);
        return { W, method: "cholesky", rank: m1, condition, gram, factor };
      }
    }
  }
  return svdRoute(Zhat, m1, n, C, q, alphaW, gram, options.rcond);
}

/** X ← X M⁻¹ with M = UᵀU: X U⁻¹ then · U⁻ᵀ (X has q rows, any q = X.length / m1). */
function choleskyFactor(U: Float64Array, m1: number): InnerFactor {
  return {
    exact: true,
    solveInPlace(X: Float64Array): void {
      const rows = X.length / m1;
      if (rows === 0) return;
      const K = kernels();
      K.dtrsm("R", "U", "N", "N", rows, m1, 1, U, m1, X, rows);
      K.dtrsm("R", "U", "T", "N", rows, m1, 1, U, m1, X, rows);
    },
  };
}

function svdRoute(
  Zhat: Float64Array,
  m1: number,
  n: number,
  C: Float64Array,
  q: number,
  alphaW: number,
  gram: Float64Array,
  rcondOpt: number | undefined,
): InnerLSResult {
  const K = kernels();
  const p = Math.min(m1, n);
  const A = new Float64Array(m1 * n);
  const s = 1 / Math.sqrt(n);
  for (let k = 0; k < A.length; k++) A[k] = Zhat[k] * s;
  const sig = new Float64Array(p);
  const U = new Float64Array(m1 * p);
  const VT = new Float64Array(p * n);
  K.dgesvd(m1, n, A, m1, sig, U, m1, VT, p);
  const rcond = rcondOpt ?? Math.max(m1, n) * EPS;
  const cutoff = rcond * sig[0];
  // solution filter f_i = σ_i/(σ_i²+α) and inverse filter d_i = 1/(σ_i²+α); α = 0: cut at the threshold
  const f = new Float64Array(p);
  const d = new Float64Array(p);
  let rank = 0;
  for (let i = 0; i < p; i++) {
    if (sig[i] > cutoff) rank++;
    if (alphaW === 0 && !(sig[i] > cutoff)) continue;
    f[i] = sig[i] / (sig[i] * sig[i] + alphaW);
    d[i] = 1 / (sig[i] * sig[i] + alphaW);
  }
  // W = (C V / √n) diag(f) Uᵀ
  const T = new Float64Array(q * p);
  K.dgemm("N", "T", q, p, n, s, C, q, VT, p, 0, T, q);
  for (let i = 0; i < p; i++) for (let a = 0; a < q; a++) T[a + i * q] *= f[i];
  const W = new Float64Array(q * m1);
  K.dgemm("N", "T", q, m1, p, 1, T, q, U, m1, 0, W, q);
  const lmin = p < m1 ? alphaW : sig[p - 1] * sig[p - 1] + alphaW;
  const condition = lmin > 0 ? (sig[0] * sig[0] + alphaW) / lmin : Infinity;
  const factor: InnerFactor = {
    exact: true,
    solveInPlace(X: Float64Array): void {
      const rows = X.length / m1;
      if (rows === 0) return;
      const Kk = kernels();
      const XU = new Float64Array(rows * p);
      Kk.dgemm("N", "N", rows, p, m1, 1, X, rows, U, m1, 0, XU, rows);
      if (p < m1 && alphaW > 0) {
        // fewer samples than features: M = U Σ² Uᵀ + α I has the eigenvalue α on range(U)⊥, so
        // X M⁻¹ = X U diag(1/(σ²+α)) Uᵀ + (X − X U Uᵀ)/α
        Kk.dgemm("N", "T", rows, m1, p, -1 / alphaW, XU, rows, U, m1, 1 / alphaW, X, rows);
        for (let i = 0; i < p; i++) for (let a = 0; a < rows; a++) XU[a + i * rows] *= d[i];
        Kk.dgemm("N", "T", rows, m1, p, 1, XU, rows, U, m1, 1, X, rows);
        return;
      }
      for (let i = 0; i < p; i++) for (let a = 0; a < rows; a++) XU[a + i * rows] *= d[i];
      Kk.dgemm("N", "T", rows, m1, p, 1, XU, rows, U, m1, 0, X, rows);
    },
  };
  return { W, method: "svd", rank, condition, gram, factor };
}

/** Lower-bound estimate of cond₂(M), M = gram + αI = UᵀU: 6 power steps for λ_max, 6 inverse steps
 *  for λ_min (through the factor). Start vector (1, −½, 1, −½, …): not orthogonal to the usual extremes. */
function estimateCondition(gram: Float64Array, alphaW: number, U: Float64Array, m1: number): number {
  const K = kernels();
  let x = new Float64Array(m1);
  let y = new Float64Array(m1);
  const init = (): void => {
    for (let i = 0; i < m1; i++) x[i] = i % 2 === 0 ? 1 : -0.5;
  };
  const normalize = (v: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i] * v[i];
    const nv = Math.sqrt(s);
    if (nv > 0) for (let i = 0; i < v.length; i++) v[i] /= nv;
    return nv;
  };
  init();
  normalize(x);
  let lmax = 0;
  for (let it = 0; it < 6; it++) {
    K.dgemm("N", "N", m1, 1, m1, 1, gram, m1, x, m1, 0, y, m1);
    for (let i = 0; i < m1; i++) y[i] += alphaW * x[i];
    lmax = normalize(y);
    [x, y] = [y, x];
  }
  init();
  normalize(x);
  let invmin = 0;
  for (let it = 0; it < 6; it++) {
    y.set(x);
    K.dpotrs("U", m1, 1, U, m1, y, m1);
    invmin = normalize(y);
    [x, y] = [y, x];
  }
  return lmax * invmin;
}
