/**
 * Dense layer: Z = σ(K·Y + b1ᵀ) with K nOut×nIn, b nOut; σ = identity gives the affine layer K·y + b,
 * any other activation the "single layer". θ = [vec(K) (column-major); b].
 *
 *   forward  Z = σ(KY + b1ᵀ), keeps D = σ'(KY + b1ᵀ)
 *   JVP      dZ = D ⊙ (dK·Y + K·dY + db1ᵀ)
 *   VJP      G = D ⊙ U;  dK = G·Yᵀ,  db = G·1,  dY = Kᵀ·G
 */
import { kernels } from "../kernels/index.js";
import type { Rng } from "../util/rng.js";
import {
  type ActivationName,
  addBiasTimesDeriv,
  applyActivation,
  checkActivation,
  rowSums,
  timesDeriv,
} from "./activations.js";
import { initForActivation } from "./init.js";
import type { Layer, LayerSpec, LayerState } from "./types.js";
import { checkForwardArgs, checkJvpArgs, checkPositiveInt, checkVjpArgs } from "./util.js";

export interface DenseOptions {
  nIn: number;
  nOut: number;
  /** Activation; "identity" (the default) makes the affine layer. */
  act?: ActivationName;
  /** Include the bias b (default true). */
  bias?: boolean;
}

interface DenseState extends LayerState {
  theta: Float64Array;
  Y: Float64Array;
  /** σ' at the forward point (null for the identity). */
  D: Float64Array | null;
  /** Work buffer for D ⊙ U in the VJP. */
  G: Float64Array | null;
}

export class Dense implements Layer {
  readonly nIn: number;
  readonly nOut: number;
  readonly nParams: number;
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly act: ActivationName;
  readonly bias: boolean;

  constructor(opts: DenseOptions) {
    this.nIn = checkPositiveInt(opts.nIn, "Dense: nIn");
    this.nOut = checkPositiveInt(opts.nOut, "Dense: nOut");
    this.act = checkActivation(opts.act ?? "identity", "Dense");
    this.bias = opts.bias ?? true;
    this.nParams = this.nIn * this.nOut + (this.bias ? this.nOut : 0);
    this.inShape = [this.nIn];
    this.outShape = [this.nOut];
  }

  init(theta: Float64Array, rng: Rng): void {
    if (theta.length !== this.nParams)
      throw new Error(`Dense.init: theta has length ${theta.length}, expected ${this.nParams}`);
    initForActivation(this.act, theta.subarray(0, this.nIn * this.nOut), this.nIn, this.nOut, rng);
    if (this.bias) theta.fill(0, this.nIn * this.nOut);
  }

  private views(theta: Float64Array): [Float64Array, Float64Array | null] {
    const nk = this.nIn * this.nOut;
    return [theta.subarray(0, nk), this.bias ? theta.subarray(nk, nk + this.nOut) : null];
  }

  forward(theta: Float64Array, Y: Float64Array, n: number): DenseState {
    checkForwardArgs("Dense", this.nParams, this.nIn, theta, Y, n);
    const [K, b] = this.views(theta);
    const m = this.nOut;
    const out = new Float64Array(m * n);
    kernels().dgemm("N", "N", m, n, this.nIn, 1, K, m, Y, this.nIn, 0, out, m);
    const D = this.act === "identity" ? null : new Float64Array(m * n);
    applyActivation(this.act, out, b, m, n, D);
    return { out, n, theta, Y, D, G: null };
  }

  jvp(state: LayerState, dTheta: Float64Array | null, dY: Float64Array | null): Float64Array {
    const s = state as DenseState;
    const n = s.n;
    checkJvpArgs("Dense", this.nParams, this.nIn, n, dTheta, dY);
    const m = this.nOut;
    const out = new Float64Array(m * n);
    const k = kernels();
    let beta: 0 | 1 = 0;
    let db: Float64Array | null = null;
    if (dTheta !== null) {
      const [dK, dbv] = this.views(dTheta);
      db = dbv;
      k.dgemm("N", "N", m, n, this.nIn, 1, dK, m, s.Y, this.nIn, 0, out, m);
      beta = 1;
    }
    if (dY !== null) {
      const [K] = this.views(s.theta);
      k.dgemm("N", "N", m, n, this.nIn, 1, K, m, dY, this.nIn, beta, out, m);
    }
    addBiasTimesDeriv(out, db, s.D, m, n);
    return out;
  }

  vjp(
    state: LayerState,
    U: Float64Array,
    gTheta: Float64Array | null,
    wantInput: boolean,
  ): Float64Array | null {
    const s = state as DenseState;
    const n = s.n;
    checkVjpArgs("Dense", this.nParams, this.nOut, n, U, gTheta);
    const m = this.nOut;
    let G = U;
    if (s.D !== null) {
      if (s.G === null) s.G = new Float64Array(m * n);
      G = timesDeriv(U, s.D, s.G);
    }
    const k = kernels();
    if (gTheta !== null) {
      const [gK, gb] = this.views(gTheta);
      k.dgemm("N", "T", m, this.nIn, n, 1, G, m, s.Y, this.nIn, 0, gK, m);
      if (gb !== null) rowSums(G, m, n, gb, 0);
    }
    if (!wantInput) return null;
    const [K] = this.views(s.theta);
    const dY = new Float64Array(this.nIn * n);
    k.dgemm("T", "N", this.nIn, n, m, 1, K, m, G, m, 0, dY, this.nIn);
    return dY;
  }

  toJSON(): LayerSpec {
    return { type: "dense", nIn: this.nIn, nOut: this.nOut, act: this.act, bias: this.bias };
  }
}
