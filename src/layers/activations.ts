/**
 * Elementwise activations σ with their derivatives, fused with the bias: the forward pass writes
 * σ(Z + b1ᵀ) in place and keeps σ'(Z + b1ᵀ) for the derivatives, in one sweep over memory.
 *
 * tanh (the hot path of the small networks) goes through the kernel `kernels().dtanhBias`: on the
 * native backend a branch-free AVX2+FMA C kernel (≈ 10× the TypeScript sweep), on the js backend
 * the TypeScript sweep of src/kernels/js/tanh.ts, whose scalar `fastTanh` (within 2 ulp of
 * Math.tanh, several times faster in V8) is re-exported here. The other activations stay here.
 */
import { kernels } from "../kernels/index.js";
import { fastTanh } from "../kernels/js/tanh.js";
import type { Layer, LayerSpec, LayerState } from "./types.js";

export type ActivationName = "tanh" | "relu" | "smoothRelu" | "identity" | "sigmoid";

export const ACTIVATIONS: readonly ActivationName[] = ["tanh", "relu", "smoothRelu", "identity", "sigmoid"];

/** Half-width η of the quadratic piece of the smooth ReLU: σ(x) = (x + η)²/(4η) on |x| < η. */
export const SMOOTH_RELU_ETA = 0.1;

export function checkActivation(name: unknown, where: string): ActivationName {
  if (typeof name !== "string" || !(ACTIVATIONS as readonly string[]).includes(name))
    throw new Error(
      `${where}: unknown activation ${JSON.stringify(name)} (expected one of ${ACTIVATIONS.join(", ")})`,
    );
  return name as ActivationName;
}

export { fastTanh };

/**
 * In place: Z ← σ(Z + b1ᵀ) for the m×n column-major Z (b of length m, or null for no bias), and
 * D ← σ'(Z + b1ᵀ) when D is not null. For "identity" D is left untouched (σ' = 1).
 */
export function biasActivate(
  act: ActivationName,
  Z: Float64Array,
  b: Float64Array | null,
  m: number,
  n: number,
  D: Float64Array | null,
): void {
  if (act === "tanh") {
    biasTanh(Z, b, m, n, D);
    return;
  }
  const len = m * n;
  if (b !== null && act !== "identity") {
    // fused: bias and activation in one sweep
    for (let j = 0, o = 0; j < n; j++, o += m) {
      for (let i = 0; i < m; i++) {
        const idx = o + i;
        const z = Z[idx] + b[i];
        activateOne(act, Z, D, idx, z);
      }
    }
    return;
  }
  if (b !== null) {
    for (let j = 0, o = 0; j < n; j++, o += m) for (let i = 0; i < m; i++) Z[o + i] += b[i];
    return;
  }
  if (act === "identity") return;
  for (let idx = 0; idx < len; idx++) activateOne(act, Z, D, idx, Z[idx]);
}

function activateOne(
  act: ActivationName,
  Z: Float64Array,
  D: Float64Array | null,
  idx: number,
  z: number,
): void {
  switch (act) {
    case "tanh": {
      const t = fastTanh(z);
      Z[idx] = t;
      if (D !== null) D[idx] = 1 - t * t;
      return;
    }
    case "relu":
      Z[idx] = z > 0 ? z : 0;
      if (D !== null) D[idx] = z > 0 ? 1 : 0;
      return;
    case "smoothRelu": {
      const eta = SMOOTH_RELU_ETA;
      if (z >= eta) {
        Z[idx] = z;
        if (D !== null) D[idx] = 1;
      } else if (z <= -eta) {
        Z[idx] = 0;
        if (D !== null) D[idx] = 0;
      } else {
        const s = z + eta;
        Z[idx] = (s * s) / (4 * eta);
        if (D !== null) D[idx] = s / (2 * eta);
      }
      return;
    }
    case "sigmoid": {
      const s = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
      Z[idx] = s;
      if (D !== null) D[idx] = s * (1 - s);
      return;
    }
    case "identity":
      Z[idx] = z;
      return;
  }
}

/** The tanh sweep: Z ← tanh(Z + b1ᵀ), D ← 1 − tanh² (the fused kernel of the current backend). */
export function biasTanh(
  Z: Float64Array,
  b: Float64Array | null,
  m: number,
  n: number,
  D: Float64Array | null,
): void {
  kernels().dtanhBias(m, n, Z, b, D);
}

/** The forward sweep, dispatching tanh to its specialised loop. */
export function applyActivation(
  act: ActivationName,
  Z: Float64Array,
  b: Float64Array | null,
  m: number,
  n: number,
  D: Float64Array | null,
): void {
  if (act === "tanh") biasTanh(Z, b, m, n, D);
  else biasActivate(act, Z, b, m, n, D);
}

/** In place: X ← D ⊙ (X + db1ᵀ) (db may be null; D null means σ' = 1). */
export function addBiasTimesDeriv(
  X: Float64Array,
  db: Float64Array | null,
  D: Float64Array | null,
  m: number,
  n: number,
): void {
  if (db !== null) {
    for (let j = 0, o = 0; j < n; j++, o += m) {
      if (D !== null) for (let i = 0; i < m; i++) X[o + i] = D[o + i] * (X[o + i] + db[i]);
      else for (let i = 0; i < m; i++) X[o + i] += db[i];
    }
  } else if (D !== null) {
    const len = m * n;
    for (let i = 0; i < len; i++) X[i] *= D[i];
  }
}

/** out ← D ⊙ U (or a copy of U when D is null). */
export function timesDeriv(U: Float64Array, D: Float64Array | null, out: Float64Array): Float64Array {
  const len = out.length;
  if (D === null) out.set(U.subarray(0, len));
  else for (let i = 0; i < len; i++) out[i] = D[i] * U[i];
  return out;
}

/** Fused VJP sweep: G ← D ⊙ U (m×n) and, when gb is not null, gb[i] += Σ_j G[i, j]. */
export function timesDerivRowSums(
  U: Float64Array,
  D: Float64Array,
  m: number,
  n: number,
  G: Float64Array,
  gb: Float64Array | null,
): void {
  for (let j = 0, o = 0; j < n; j++, o += m) {
    if (gb === null) for (let i = 0; i < m; i++) G[o + i] = D[o + i] * U[o + i];
    else
      for (let i = 0; i < m; i++) {
        const g = D[o + i] * U[o + i];
        G[o + i] = g;
        gb[i] += g;
      }
  }
}

/** gb[i] ← Σ_j G[i, j] (row sums of the m×n G), accumulated with factor beta on the old gb. */
export function rowSums(G: Float64Array, m: number, n: number, gb: Float64Array, beta: 0 | 1): void {
  if (beta === 0) gb.fill(0, 0, m);
  for (let j = 0, o = 0; j < n; j++, o += m) for (let i = 0; i < m; i++) gb[i] += G[o + i];
}

interface ActState extends LayerState {
  D: Float64Array | null;
}

/** An elementwise activation as a parameter-free element (shape preserving). */
export class ActivationLayer implements Layer {
  readonly nIn: number;
  readonly nOut: number;
  readonly nParams = 0;
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  constructor(
    readonly act: ActivationName,
    shape: readonly number[],
  ) {
    checkActivation(act, "ActivationLayer");
    if (shape.length === 0 || !shape.every((s) => Number.isInteger(s) && s > 0))
      throw new Error(`ActivationLayer: shape must be positive integers, got ${JSON.stringify(shape)}`);
    this.inShape = [...shape];
    this.outShape = [...shape];
    this.nIn = shape.reduce((a, b) => a * b, 1);
    this.nOut = this.nIn;
  }
  init(): void {}
  forward(_theta: Float64Array, Y: Float64Array, n: number): ActState {
    if (Y.length < this.nIn * n)
      throw new Error(`ActivationLayer.forward: Y has ${Y.length} entries, need ${this.nIn}×${n}`);
    const out = Float64Array.from(Y.subarray(0, this.nIn * n));
    const D = this.act === "identity" ? null : new Float64Array(this.nIn * n);
    applyActivation(this.act, out, null, this.nIn, n, D);
    return { out, n, D };
  }
  jvp(state: LayerState, _dTheta: Float64Array | null, dY: Float64Array | null): Float64Array {
    const s = state as ActState;
    const out = new Float64Array(this.nOut * s.n);
    if (dY !== null) timesDeriv(dY, s.D, out);
    return out;
  }
  vjp(
    state: LayerState,
    U: Float64Array,
    _gTheta: Float64Array | null,
    wantInput: boolean,
  ): Float64Array | null {
    const s = state as ActState;
    if (!wantInput) return null;
    return timesDeriv(U, s.D, new Float64Array(this.nIn * s.n));
  }
  toJSON(): LayerSpec {
    return { type: "activation", act: this.act, shape: [...this.inShape] };
  }
}
