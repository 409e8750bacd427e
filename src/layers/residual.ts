/**
 * Residual network with forward Euler: nSteps steps of size h = T/nSteps,
 *   Y_{j+1} = Y_j + h·σ(K_j Y_j + b_j 1ᵀ),   j = 0 … nSteps−1,
 * width w (nIn = nOut = w), its own (K_j, b_j) per step. θ = [vec K_0; b_0; vec K_1; b_1; …].
 *
 *   JVP  dY_{j+1} = dY_j + h·D_j ⊙ (dK_j Y_j + K_j dY_j + db_j 1ᵀ)
 *   VJP  G_j = h·D_j ⊙ λ_{j+1};  dK_j = G_j Y_jᵀ,  db_j = G_j 1,  λ_j = λ_{j+1} + K_jᵀ G_j
 */
import { kernels } from "../kernels/index.js";
import type { Rng } from "../util/rng.js";
import { type ActivationName, applyActivation, checkActivation } from "./activations.js";
import { initForActivation } from "./init.js";
import type { Layer, LayerSpec, LayerState } from "./types.js";
import { Scratch, checkForwardArgs, checkJvpArgs, checkPositiveInt, checkVjpArgs } from "./util.js";

export interface ResidualOptions {
  width: number;
  nSteps: number;
  /** Final time (default 1). */
  T?: number;
  act?: ActivationName;
}

/** Y ← Y + h · D ⊙ (Z + db1ᵀ) (db may be null; D null means σ' = 1). */
function eulerJvpUpdate(
  Y: Float64Array,
  Z: Float64Array,
  D: Float64Array | null,
  db: Float64Array | null,
  h: number,
  w: number,
  n: number,
): void {
  if (D !== null && db !== null) {
    for (let j = 0, o = 0; j < n; j++, o += w)
      for (let i = 0; i < w; i++) {
        const q = o + i;
        Y[q] += h * (D[q] * (Z[q] + db[i]));
      }
  } else if (D !== null) {
    const len = w * n;
    for (let q = 0; q < len; q++) Y[q] += h * (D[q] * Z[q]);
  } else if (db !== null) {
    for (let j = 0, o = 0; j < n; j++, o += w) for (let i = 0; i < w; i++) Y[o + i] += h * (Z[o + i] + db[i]);
  } else {
    const len = w * n;
    for (let q = 0; q < len; q++) Y[q] += h * Z[q];
  }
}

/** G ← h · D ⊙ λ (D null means σ' = 1). */
function eulerVjpStage(G: Float64Array, lam: Float64Array, D: Float64Array | null, h: number): void {
  const len = G.length;
  if (D === null) for (let q = 0; q < len; q++) G[q] = h * lam[q];
  else for (let q = 0; q < len; q++) G[q] = h * (D[q] * lam[q]);
}

// scratch slots
const S_Z = 0; // JVP: dK·Y + K·dY; VJP: G
const S_LAM = 1; // VJP: λ when the input adjoint is not wanted
const S_ONES = 2; // VJP: ones (the bias gradient as a GEMV); never written but by fill(1)

interface ResState extends LayerState {
  theta: Float64Array;
  /** Y_0 … Y_nSteps (Y_nSteps is `out`). */
  Ys: Float64Array[];
  D: (Float64Array | null)[];
}

export class ResidualEuler implements Layer {
  readonly nIn: number;
  readonly nOut: number;
  readonly nParams: number;
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly width: number;
  readonly nSteps: number;
  readonly T: number;
  readonly act: ActivationName;
  readonly h: number;
  private readonly pStep: number;
  /** Work buffers for temporaries of one call (types.ts, buffer contract). */
  private readonly scratch = new Scratch();

  constructor(opts: ResidualOptions) {
    this.width = checkPositiveInt(opts.width, "ResidualEuler: width");
    this.nSteps = checkPositiveInt(opts.nSteps, "ResidualEuler: nSteps");
    this.T = opts.T ?? 1;
    if (!(this.T > 0) || !Number.isFinite(this.T))
      throw new Error(`ResidualEuler: T must be positive, got ${opts.T}`);
    this.act = checkActivation(opts.act ?? "tanh", "ResidualEuler");
    this.h = this.T / this.nSteps;
    this.pStep = this.width * this.width + this.width;
    this.nParams = this.pStep * this.nSteps;
    this.nIn = this.nOut = this.width;
    this.inShape = this.outShape = [this.width];
  }

  init(theta: Float64Array, rng: Rng): void {
    if (theta.length !== this.nParams)
      throw new Error(`ResidualEuler.init: theta has length ${theta.length}, expected ${this.nParams}`);
    const w = this.width;
    for (let j = 0; j < this.nSteps; j++) {
      const o = j * this.pStep;
      initForActivation(this.act, theta.subarray(o, o + w * w), w, w, rng);
      theta.fill(0, o + w * w, o + this.pStep);
    }
  }

  forward(theta: Float64Array, Y: Float64Array, n: number): ResState {
    checkForwardArgs("ResidualEuler", this.nParams, this.nIn, theta, Y, n);
    const w = this.width;
    const k = kernels();
    const Ys: Float64Array[] = [Y];
    const Ds: (Float64Array | null)[] = [];
    for (let j = 0; j < this.nSteps; j++) {
      const o = j * this.pStep;
      const Yj = Ys[j];
      const Z = new Float64Array(w * n);
      k.dgemm("N", "N", w, n, w, 1, theta.subarray(o, o + w * w), w, Yj, w, 0, Z, w);
      const D = this.act === "identity" ? null : new Float64Array(w * n);
      applyActivation(this.act, Z, theta.subarray(o + w * w, o + this.pStep), w, n, D);
      for (let i = 0; i < Z.length; i++) Z[i] = Yj[i] + this.h * Z[i];
      Ys.push(Z);
      Ds.push(D);
    }
    return { out: Ys[this.nSteps], n, theta, Ys, D: Ds };
  }

  jvp(state: LayerState, dTheta: Float64Array | null, dY: Float64Array | null): Float64Array {
    const out = new Float64Array(this.nOut * state.n);
    this.jvpInto(state, dTheta, dY, out);
    return out;
  }

  /** The JVP written into `out` (nOut × n, must not alias dY): dY_{j+1} accumulated in place. */
  jvpInto(state: LayerState, dTheta: Float64Array | null, dY: Float64Array | null, out: Float64Array): void {
    const s = state as ResState;
    const n = s.n;
    checkJvpArgs("ResidualEuler", this.nParams, this.nIn, n, dTheta, dY);
    const w = this.width;
    if (out.length !== w * n)
      throw new Error(`ResidualEuler.jvpInto: out has length ${out.length}, expected nOut×n = ${w * n}`);
    const k = kernels();
    if (dY === null) out.fill(0);
    else out.set(dY);
    if (dTheta === null && dY === null) return;
    const Z = this.scratch.get(S_Z, w * n);
    for (let j = 0; j < this.nSteps; j++) {
      const o = j * this.pStep;
      let beta: 0 | 1 = 0;
      if (dTheta !== null) {
        k.dgemm("N", "N", w, n, w, 1, dTheta.subarray(o, o + w * w), w, s.Ys[j], w, 0, Z, w);
        beta = 1;
      }
      if (dY !== null || j > 0)
        k.dgemm("N", "N", w, n, w, 1, s.theta.subarray(o, o + w * w), w, out, w, beta, Z, w);
      else if (beta === 0) Z.fill(0);
      const db = dTheta === null ? null : dTheta.subarray(o + w * w, o + this.pStep);
      eulerJvpUpdate(out, Z, s.D[j], db, this.h, w, n);
    }
  }

  vjp(
    state: LayerState,
    U: Float64Array,
    gTheta: Float64Array | null,
    wantInput: boolean,
  ): Float64Array | null {
    const out = wantInput ? new Float64Array(this.nIn * state.n) : null;
    this.vjpInto(state, U, gTheta, out);
    return out;
  }

  /** The VJP with J_YᵀU written into `out` (nIn × n, must not alias U) when out is not null. */
  vjpInto(state: LayerState, U: Float64Array, gTheta: Float64Array | null, out: Float64Array | null): void {
    const s = state as ResState;
    const n = s.n;
    checkVjpArgs("ResidualEuler", this.nParams, this.nOut, n, U, gTheta);
    const w = this.width;
    if (out !== null && out.length !== w * n)
      throw new Error(`ResidualEuler.vjpInto: out has length ${out.length}, expected nIn×n = ${w * n}`);
    if (gTheta === null && out === null) return;
    const k = kernels();
    const lam = out ?? this.scratch.get(S_LAM, w * n);
    lam.set(U);
    const G = this.scratch.get(S_Z, w * n);
    const ones = gTheta === null ? null : this.scratch.get(S_ONES, n);
    if (ones !== null && (ones[0] !== 1 || ones[n - 1] !== 1)) ones.fill(1);
    for (let j = this.nSteps - 1; j >= 0; j--) {
      const o = j * this.pStep;
      eulerVjpStage(G, lam, s.D[j], this.h);
      if (gTheta !== null && ones !== null) {
        k.dgemm("N", "T", w, w, n, 1, G, w, s.Ys[j], w, 0, gTheta.subarray(o, o + w * w), w);
        k.dgemm("N", "N", w, 1, n, 1, G, w, ones, n, 0, gTheta.subarray(o + w * w, o + this.pStep), w);
      }
      if (j > 0 || out !== null)
        k.dgemm("T", "N", w, n, w, 1, s.theta.subarray(o, o + w * w), w, G, w, 1, lam, w);
    }
  }

  toJSON(): LayerSpec {
    return { type: "residualEuler", width: this.width, nSteps: this.nSteps, T: this.T, act: this.act };
  }
}
