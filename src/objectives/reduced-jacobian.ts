/**
 * The reduced Jacobian of GNVPRO.md §3, in feature space: the derivative of the outputs
 * S(θ) = W(θ) Ẑ(θ) with respect to the features Z (the network's JVP/VJP wrap around it in
 * reduced.ts). For a feature direction δZ (m × n), δẐ = [δZ; 0ᵀ]:
 *
 *   (3.1)  H_W[δW] = −( 𝓗[W δẐ] Ẑᵀ + G δẐᵀ ) / n            implicit differentiation of ∇_W Φ = 0
 *          least squares (𝓗 = I, G = R = WẐ − C, H_W[V] = V M):  δW = −( W δẐ Ẑᵀ + R δẐᵀ ) / n · M⁻¹
 *   (3.2)  δS = δW Ẑ + W δẐ
 *
 * and the transpose for an output adjoint U (q × n) plus an optional direct adjoint X₀ of δW:
 *
 *   (3.3)  X = U Ẑᵀ + X₀,   Y = −H_W⁻¹[X] / n,
 *          δZ̄ = (Wᵀ U + Wᵀ 𝓗[Y Ẑ] + Yᵀ G)[rows 1..m]
 *
 * H_W⁻¹ is applied by the inner solver's factorisation at the solution (`InnerFactor`), the same
 * linear map in (3.1) and (3.3), so J_S and J_Sᵀ are exact adjoints (to round-off).
 *
 * Variants (§3): "full" (Golub–Pereyra) as above; "kaufman" drops the G δẐᵀ term (and Yᵀ G);
 * "none" drops dW/dθ altogether (δW = 0).
 *
 * The Gauss–Newton product (3.4) H_GN = J_Sᵀ (𝓗/n) J_S + α_W (dW/dθ)ᵀ(dW/dθ) (+ α_θ LᵀL in reduced.ts)
 * is (3.3) with U = 𝓗[δS]/n and X₀ = α_W δW. For least squares it is routed through (m+1)-sized
 * quantities: U Ẑᵀ = δW (ẐẐᵀ/n) + W (δẐ Ẑᵀ)/n and Wᵀ U = ((WᵀδW) Ẑ + (WᵀW) δẐ)/n, so the q × n
 * blocks are touched only by the two products with R.
 */
import { kernels } from "../kernels/index.js";
import { applyLossHessian, type LossPoint } from "./losses.js";

/** Applies H_W⁻¹ (the inner problem's Hessian inverse at the solution) to a q × (m+1) block in place. */
export interface InnerFactor {
  /** true when the solve is by a factorisation (exact adjoints); false for an iterative solve */
  readonly exact: boolean;
  solveInPlace(X: Float64Array): void;
}

export type JacobianVariant = "full" | "kaufman" | "none";

export const JACOBIAN_VARIANTS: readonly JacobianVariant[] = ["full", "kaufman", "none"];

/** Everything the reduced Jacobian needs at one point θ (after the forward pass and the inner solve). */
export interface JacobianPoint {
  readonly q: number;
  /** number of features (network outputs); Ẑ has m + 1 rows */
  readonly m: number;
  readonly n: number;
  /** Ẑ = [Z; 1ᵀ], (m+1) × n */
  readonly Zhat: Float64Array;
  /** W(θ), q × (m+1) */
  readonly W: Float64Array;
  /** loss derivatives at S = WẐ: G = gradScale · loss.grad, 𝓗 = per-sample Hessians */
  readonly loss: LossPoint;
  /** scale of loss.grad (default 1); least squares stores R/√n (the residual block) and passes √n */
  readonly gradScale?: number;
  /** H_W⁻¹ at W(θ) */
  readonly factor: InnerFactor;
  readonly alphaW: number;
  readonly variant: JacobianVariant;
  /** least squares only: Ẑ Ẑᵀ / n ((m+1)², both triangles), enables the routed GN product */
  readonly gram: Float64Array | null;
}

/** δW = dW/dZ [δZ] by (3.1). */
export function weightJvp(pt: JacobianPoint, dZ: Float64Array): Float64Array {
  return weightJvpWith(pt, dZ, null);
}

/** (3.1), reusing W_m δZ (q × n) when the caller has it. */
function weightJvpWith(pt: JacobianPoint, dZ: Float64Array, WdZ: Float64Array | null): Float64Array {
  const { q, m, n, Zhat, W, loss, variant } = pt;
  const m1 = m + 1;
  const rhs = new Float64Array(q * m1);
  if (variant === "none") return rhs;
  checkLen(dZ, m * n, "reduced Jacobian: feature direction δZ");
  const K = kernels();
  if (loss.hessDiag === null) {
    // W δẐ Ẑᵀ = W_m (δZ Ẑᵀ)
    const D = new Float64Array(m * m1);
    K.dgemm("N", "T", m, m1, n, 1, dZ, m, Zhat, m1, 0, D, m);
    K.dgemm("N", "N", q, m1, m, 1, W, q, D, m, 0, rhs, q);
  } else {
    const T = new Float64Array(q * n);
    if (WdZ !== null) applyLossHessian(loss, WdZ, T);
    else {
      K.dgemm("N", "N", q, n, m, 1, W, q, dZ, m, 0, T, q);
      applyLossHessian(loss, T, T);
    }
    K.dgemm("N", "T", q, m1, n, 1, T, q, Zhat, m1, 0, rhs, q);
  }
  if (variant === "full") K.dgemm("N", "T", q, m, n, pt.gradScale ?? 1, loss.grad, q, dZ, m, 1, rhs, q);
  for (let k = 0; k < rhs.length; k++) rhs[k] *= -1 / n;
  pt.factor.solveInPlace(rhs);
  return rhs;
}

/** J_S δZ: returns δW (3.1) and δS (3.2). */
export function outputsJvp(pt: JacobianPoint, dZ: Float64Array): { dW: Float64Array; dS: Float64Array } {
  const { q, m, n, Zhat, W } = pt;
  const m1 = m + 1;
  checkLen(dZ, m * n, "reduced Jacobian: feature direction δZ");
  const K = kernels();
  // δS = W_m δZ + δW Ẑ; W_m δZ also feeds (3.1)
  const dS = new Float64Array(q * n);
  K.dgemm("N", "N", q, n, m, 1, W, q, dZ, m, 0, dS, q);
  const dW = weightJvpWith(pt, dZ, dS);
  K.dgemm("N", "N", q, n, m1, 1, dW, q, Zhat, m1, 1, dS, q);
  return { dW, dS };
}

/** J_Sᵀ by (3.3): the feature adjoint (m × n) of an output adjoint U (q × n) and a δW adjoint X₀ (q × (m+1)). */
export function outputsVjp(pt: JacobianPoint, U: Float64Array | null, X0: Float64Array | null): Float64Array {
  if (U !== null) checkLen(U, pt.q * pt.n, "reduced Jacobian transpose: output adjoint U");
  return outputsVjpOwned(pt, U === null ? null : U.slice(), X0);
}

/** outputsVjp with an output adjoint U the callee may overwrite. */
function outputsVjpOwned(pt: JacobianPoint, U: Float64Array | null, X0: Float64Array | null): Float64Array {
  const { q, m, n, Zhat } = pt;
  const m1 = m + 1;
  const K = kernels();
  const X = new Float64Array(q * m1);
  const out = new Float64Array(m * n);
  if (U !== null) K.dgemm("N", "T", q, m1, n, 1, U, q, Zhat, m1, 0, X, q);
  if (X0 !== null) {
    checkLen(X0, q * m1, "reduced Jacobian transpose: weight adjoint X₀");
    for (let k = 0; k < X.length; k++) X[k] += X0[k];
  }
  weightVjpInto(pt, X, U, out, false);
  return out;
}

/**
 * out ← Wᵀ U + (dW/dZ)ᵀ [X] (accumulate false; U may be null) or out += (dW/dZ)ᵀ [X] (accumulate true,
 * U null): the δW part of (3.3), with the output adjoint's direct term folded into the same products.
 * X (q × (m+1)) and U (q × n) are consumed.
 */
function weightVjpInto(
  pt: JacobianPoint,
  X: Float64Array,
  U: Float64Array | null,
  out: Float64Array,
  accumulate: boolean,
): void {
  const { q, m, n, Zhat, W, loss, variant } = pt;
  const m1 = m + 1;
  const K = kernels();
  const direct = (beta: 0 | 1): void => {
    if (U !== null) K.dgemm("T", "N", m, n, q, 1, W, q, U, q, beta, out, m);
    else if (beta === 0) out.fill(0);
  };
  if (variant === "none") {
    if (!accumulate) direct(0);
    return;
  }
  // Y = −H_W⁻¹[X]/n
  const Y = X;
  pt.factor.solveInPlace(Y);
  for (let k = 0; k < Y.length; k++) Y[k] *= -1 / n;
  if (loss.hessDiag === null) {
    // Wᵀ U + W_mᵀ (Y Ẑ) = Wᵀ U + (W_mᵀ Y) Ẑ
    if (!accumulate) direct(0);
    const A = new Float64Array(m * m1);
    K.dgemm("T", "N", m, m1, q, 1, W, q, Y, q, 0, A, m);
    K.dgemm("N", "N", m, n, m1, 1, A, m, Zhat, m1, 1, out, m);
  } else {
    // Wᵀ (U + 𝓗[Y Ẑ]): one product with Wᵀ
    const T = new Float64Array(q * n);
    K.dgemm("N", "N", q, n, m1, 1, Y, q, Zhat, m1, 0, T, q);
    applyLossHessian(loss, T, T);
    if (U !== null) for (let k = 0; k < T.length; k++) T[k] += U[k];
    K.dgemm("T", "N", m, n, q, 1, W, q, T, q, accumulate ? 1 : 0, out, m);
  }
  if (variant === "full") K.dgemm("T", "N", m, n, q, pt.gradScale ?? 1, Y, q, loss.grad, q, 1, out, m);
}

/**
 * The Gauss–Newton product (3.4) in feature space: J_Sᵀ (𝓗/n) J_S δZ + α_W (dW/dZ)ᵀ (dW/dZ) δZ,
 * returned as a feature adjoint (m × n) for the network's VJP.
 */
export function gaussNewtonFeatures(pt: JacobianPoint, dZ: Float64Array): Float64Array {
  const { q, m, n, Zhat, W, loss, alphaW, gram } = pt;
  const m1 = m + 1;
  const K = kernels();
  if (loss.hessDiag === null && gram !== null) {
    checkLen(dZ, m * n, "Gauss–Newton product: feature direction δZ");
    const dW = weightJvp(pt, dZ);
    // X = U Ẑᵀ + α δW with U = δS/n:  δW·gram + W_m (δZ Ẑᵀ)/n + α δW
    const D = new Float64Array(m * m1);
    K.dgemm("N", "T", m, m1, n, 1, dZ, m, Zhat, m1, 0, D, m);
    const X = new Float64Array(q * m1);
    K.dgemm("N", "N", q, m1, m1, 1, dW, q, gram, m1, 0, X, q);
    K.dgemm("N", "N", q, m1, m, 1 / n, W, q, D, m, 1, X, q);
    for (let k = 0; k < X.length; k++) X[k] += alphaW * dW[k];
    // W_mᵀ U = ((W_mᵀ δW) Ẑ + (W_mᵀ W_m) δZ) / n
    const A = new Float64Array(m * m1);
    K.dgemm("T", "N", m, m1, q, 1, W, q, dW, q, 0, A, m);
    const out = new Float64Array(m * n);
    K.dgemm("N", "N", m, n, m1, 1 / n, A, m, Zhat, m1, 0, out, m);
    const B = new Float64Array(m * m);
    K.dgemm("T", "N", m, m, q, 1, W, q, W, q, 0, B, m);
    K.dgemm("N", "N", m, n, m, 1 / n, B, m, dZ, m, 1, out, m);
    weightVjpInto(pt, X, null, out, true);
    return out;
  }
  const { dW, dS } = outputsJvp(pt, dZ);
  applyLossHessian(loss, dS, dS, 1 / n);
  for (let k = 0; k < dW.length; k++) dW[k] *= alphaW;
  return outputsVjpOwned(pt, dS, dW);
}

function checkLen(a: Float64Array, len: number, what: string): void {
  if (a.length !== len) throw new Error(`${what}: expected ${len} entries, got ${a.length}`);
}
