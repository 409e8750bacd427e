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
import {
  type ActivationName,
  addBiasTimesDeriv,
  applyActivation,
  checkActivation,
  rowSums,
} from "./activations.js";
import { initForActivation } from "./init.js";
import type { Layer, LayerSpec, LayerState } from "./types.js";
import { checkForwardArgs, checkJvpArgs, checkPositiveInt, checkVjpArgs } from "./util.js";

export interface ResidualOptions {
  width: number;
  nSteps: number;
  /** Final time (default 1). */
  T?: number;
  act?: ActivationName;
}

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
    const s = state as ResState;
    const n = s.n;
    checkJvpArgs("ResidualEuler", this.nParams, this.nIn, n, dTheta, dY);
    const w = this.width;
    const k = kernels();
    const cur = dY === null ? new Float64Array(w * n) : Float64Array.from(dY);
    const Z = new Float64Array(w * n);
    for (let j = 0; j < this.nSteps; j++) {
      const o = j * this.pStep;
      let beta: 0 | 1 = 0;
      if (dTheta !== null) {
        k.dgemm("N", "N", w, n, w, 1, dTheta.subarray(o, o + w * w), w, s.Ys[j], w, 0, Z, w);
        beta = 1;
      }
      if (dY !== null || j > 0)
        k.dgemm("N", "N", w, n, w, 1, s.theta.subarray(o, o + w * w), w, cur, w, beta, Z, w);
      else if (beta === 0) Z.fill(0);
      addBiasTimesDeriv(Z, dTheta === null ? null : dTheta.subarray(o + w * w, o + this.pStep), s.D[j], w, n);
      for (let i = 0; i < Z.length; i++) cur[i] += this.h * Z[i];
    }
    return cur;
  }

  vjp(
    state: LayerState,
    U: Float64Array,
    gTheta: Float64Array | null,
    wantInput: boolean,
  ): Float64Array | null {
    const s = state as ResState;
    const n = s.n;
    checkVjpArgs("ResidualEuler", this.nParams, this.nOut, n, U, gTheta);
    if (gTheta === null && !wantInput) return null;
    const w = this.width;
    const k = kernels();
    const lam = Float64Array.from(U);
    const G = new Float64Array(w * n);
    for (let j = this.nSteps - 1; j >= 0; j--) {
      const o = j * this.pStep;
      const D = s.D[j];
      for (let i = 0; i < G.length; i++) G[i] = this.h * (D === null ? lam[i] : D[i] * lam[i]);
      if (gTheta !== null) {
        k.dgemm("N", "T", w, w, n, 1, G, w, s.Ys[j], w, 0, gTheta.subarray(o, o + w * w), w);
        rowSums(G, w, n, gTheta.subarray(o + w * w, o + this.pStep), 0);
      }
      if (j > 0 || wantInput)
        k.dgemm("T", "N", w, n, w, 1, s.theta.subarray(o, o + w * w), w, G, w, 1, lam, w);
    }
    return wantInput ? lam : null;
  }

  toJSON(): LayerSpec {
    return { type: "residualEuler", width: this.width, nSteps: this.nSteps, T: this.T, act: this.act };
  }
}
