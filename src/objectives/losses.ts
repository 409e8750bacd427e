/**
 * Losses of GNVPRO.md §1, on column-major q × n blocks (one sample per column).
 *
 *   least squares     ℓ(s, c) = ½ ‖s − c‖²
 *   cross-entropy     ℓ(s, c) = −cᵀs + log Σ_j exp(s_j)        (q ≥ 2, log-sum-exp shifted)
 *   logistic (q = 1)  ℓ(s, c) = −c·s + log(1 + eˢ)              (computed stably)
 *
 * The data term of every objective is the MEAN (1/n) Σ_i ℓ(s_i, c_i). Per-sample derivatives are
 * returned unscaled (no 1/n): g_i = ∂ℓ/∂s_i and the per-sample Hessian 𝓗_i = ∂²ℓ/∂s_i², represented
 * as 𝓗_i = diag(d_i) − u_i u_iᵀ (least squares: d = 1, u = 0; softmax: d = u = p_i = softmax(s_i);
 * logistic: d = σ(s)(1 − σ(s)), u = 0).
 */

import { kernels } from "../kernels/index.js";

export type LossKind = "least-squares" | "cross-entropy" | "logistic";

export const LOSS_KINDS: readonly LossKind[] = ["least-squares", "cross-entropy", "logistic"];

/** Loss, gradient and Hessian representation at one output block S. */
export interface LossPoint {
  readonly kind: LossKind;
  readonly q: number;
  readonly n: number;
  /** mean loss (1/n) Σ ℓ(s_i, c_i) */
  readonly value: number;
  /** per-sample gradients g_i = ∂ℓ/∂s_i as columns (q × n), not divided by n. For least squares: S − C. */
  readonly grad: Float64Array;
  /** diagonal part d (q × n) of 𝓗_i; null means the identity (least squares) */
  readonly hessDiag: Float64Array | null;
  /** rank-one part u (q × n) of 𝓗_i = diag(d_i) − u_i u_iᵀ; null means none */
  readonly hessRank1: Float64Array | null;
}

/** Parse a loss name; throws on an unknown one. */
export function parseLossKind(name: string): LossKind {
  const k = LOSS_KINDS.find((x) => x === name);
  if (k === undefined) throw new Error(`loss: unknown loss "${name}" (expected ${LOSS_KINDS.join(", ")})`);
  return k;
}

/** Check the shape of the targets for a loss (q ≥ 2 for softmax, q = 1 for logistic) and their values:
 *  finite; cross-entropy targets are probability vectors (entries ≥ 0 summing to 1 within 1e-8 · q);
 *  logistic targets lie in [0, 1] (labels 0/1, or a probability of class 1). */
export function checkTargets(kind: LossKind, C: Float64Array, q: number, n: number, where = "targets"): void {
  if (!Number.isInteger(q) || q < 1) throw new Error(`${where}: number of outputs q must be ≥ 1, got ${q}`);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${where}: number of samples n must be ≥ 1, got ${n}`);
  if (C.length !== q * n) throw new Error(`${where}: expected ${q}×${n} targets, got ${C.length} entries`);
  if (kind === "cross-entropy" && q < 2)
    throw new Error(`${where}: softmax cross-entropy needs q ≥ 2 classes (use "logistic" for q = 1)`);
  if (kind === "logistic" && q !== 1)
    throw new Error(`${where}: the logistic loss needs q = 1 output, got ${q}`);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let a = 0; a < q; a++) {
      const c = C[a + i * q];
      if (!Number.isFinite(c)) throw new Error(`${where}: target (${a}, sample ${i}) is not finite (${c})`);
      if (kind !== "least-squares" && c < 0)
        throw new Error(`${where}: ${kind} target (${a}, sample ${i}) is negative (${c})`);
      if (kind === "logistic" && c > 1)
        throw new Error(`${where}: logistic target of sample ${i} is ${c}, expected a value in [0, 1]`);
      sum += c;
    }
    if (kind === "cross-entropy" && Math.abs(sum - 1) > 1e-8 * q)
      throw new Error(
        `${where}: cross-entropy targets must be one-hot or probability vectors; sample ${i} sums to ${sum}`,
      );
  }
}

/** log(1 + eˢ) without overflow or cancellation. */
export function softplus(s: number): number {
  return s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s));
}

/** σ(s) = 1 / (1 + e^{−s}) without overflow. */
export function sigmoid(s: number): number {
  if (s >= 0) return 1 / (1 + Math.exp(-s));
  const e = Math.exp(s);
  return e / (1 + e);
}

/** Mean loss (1/n) Σ ℓ(s_i, c_i) only (no derivatives). */
export function lossValue(kind: LossKind, S: Float64Array, C: Float64Array, q: number, n: number): number {
  return evalLoss(kind, S, C, q, n, false).value;
}

/** Mean loss and its per-sample derivatives at S. */
export function lossPoint(kind: LossKind, S: Float64Array, C: Float64Array, q: number, n: number): LossPoint {
  return evalLoss(kind, S, C, q, n, true);
}

function evalLoss(
  kind: LossKind,
  S: Float64Array,
  C: Float64Array,
  q: number,
  n: number,
  derivs: boolean,
): LossPoint {
  if (S.length !== q * n || C.length !== q * n)
    throw new Error(
      `loss ${kind}: expected outputs and targets of ${q}×${n}, got ${S.length} and ${C.length}`,
    );
  const grad = derivs ? new Float64Array(q * n) : new Float64Array(0);
  let total = 0;
  if (kind === "least-squares") {
    for (let k = 0; k < q * n; k++) {
      const r = S[k] - C[k];
      total += r * r;
      if (derivs) grad[k] = r;
    }
    return { kind, q, n, value: (0.5 * total) / n, grad, hessDiag: null, hessRank1: null };
  }
  if (kind === "logistic") {
    const d = derivs ? new Float64Array(n) : null;
    for (let i = 0; i < n; i++) {
      const s = S[i];
      const c = C[i];
      total += softplus(s) - c * s;
      if (d !== null) {
        const p = sigmoid(s);
        grad[i] = p - c;
        d[i] = p * (1 - p);
      }
    }
    return { kind, q, n, value: total / n, grad, hessDiag: d, hessRank1: null };
  }
  // softmax cross-entropy: ℓ = log Σ exp(s_j − max) + max − cᵀs, by the kernel (a vectorised exp on
  // the native backend; P is its work array when no derivatives are wanted)
  const P = new Float64Array(q * n);
  total = kernels().softmaxCE(q, n, S, C, P, derivs ? grad : null);
  if (!derivs) return { kind, q, n, value: total / n, grad, hessDiag: null, hessRank1: null };
  return { kind, q, n, value: total / n, grad, hessDiag: P, hessRank1: P };
}

/**
 * out_i ← 𝓗_i V_i for every sample i (V, out: q × n; out may alias V). Scaled by `scale` (e.g. 1/n).
 */
export function applyLossHessian(lp: LossPoint, V: Float64Array, out: Float64Array, scale = 1): void {
  const { q, n } = lp;
  const d = lp.hessDiag;
  const u = lp.hessRank1;
  if (d === null) {
    for (let k = 0; k < q * n; k++) out[k] = scale * V[k];
    return;
  }
  if (u === null) {
    for (let k = 0; k < q * n; k++) out[k] = scale * d[k] * V[k];
    return;
  }
  if (d === u) {
    // softmax: 𝓗_i v = p ∘ (v − pᵀv)
    kernels().softmaxHessApply(q, n, u, V, out, scale);
    return;
  }
  for (let i = 0; i < n; i++) {
    const o = i * q;
    let uv = 0;
    for (let a = 0; a < q; a++) uv += u[o + a] * V[o + a];
    for (let a = 0; a < q; a++) out[o + a] = scale * (d[o + a] * V[o + a] - u[o + a] * uv);
  }
}
