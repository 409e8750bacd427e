/**
 * Dense layer: Z = σ(K·Y + b1ᵀ) with K nOut×nIn, b nOut; σ = identity gives the affine layer K·y + b,
 * any other activation the "single layer". θ = [vec(K) (column-major); b].
 *
 *   forward  Z = σ(KY + b1ᵀ), keeps D = σ'(KY + b1ᵀ)
 *   JVP      dZ = D ⊙ (dK·Y + K·dY + db1ᵀ)
 *   VJP      G = D ⊙ U;  dK = G·Yᵀ,  db = G·1,  dY = Kᵀ·G
 *
 * All three sweep the samples in column blocks of about `blockEntries` matrix entries (columns ×
 * the larger of nIn and nOut), which bounds the VJP's work buffer for any n. The default is large (2²⁰,
 * e.g. 16384 samples of width 64): measured on OpenBLAS, splitting 5000 samples into cache-sized
 * blocks made the GEMMs ~50% slower, more than the fused elementwise passes gained.
 */

import { kernels } from "../kernels/index.js";
import type { Rng } from "../util/rng.js";
import {
  type ActivationName,
  addBiasTimesDeriv,
  applyActivation,
  checkActivation,
  rowSums,
  timesDerivRowSums,
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
  /** Column-block size in matrix entries (performance only; default DENSE_BLOCK_ENTRIES). */
  blockEntries?: number;
}

/** Default column-block size in matrix entries. */
export const DENSE_BLOCK_ENTRIES = 1 << 20;

interface DenseState extends LayerState {
  theta: Float64Array;
  Y: Float64Array;
  /** σ' at the forward point (null for the identity). */
  D: Float64Array | null;
  /** Work buffer (one column block) for D ⊙ U in the VJP. */
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
  private readonly blockEntries: number;

  constructor(opts: DenseOptions) {
    this.nIn = checkPositiveInt(opts.nIn, "Dense: nIn");
    this.nOut = checkPositiveInt(opts.nOut, "Dense: nOut");
    this.act = checkActivation(opts.act ?? "identity", "Dense");
    this.bias = opts.bias ?? true;
    this.blockEntries = checkPositiveInt(opts.blockEntries ?? DENSE_BLOCK_ENTRIES, "Dense: blockEntries");
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

  /** Samples per column block. */
  private blockCols(n: number): number {
    return Math.max(1, Math.min(n, Math.floor(this.blockEntries / Math.max(this.nIn, this.nOut))));
  }

  forward(theta: Float64Array, Y: Float64Array, n: number): DenseState {
    checkForwardArgs("Dense", this.nParams, this.nIn, theta, Y, n);
    const [K, b] = this.views(theta);
    const m = this.nOut;
    const nIn = this.nIn;
    const out = new Float64Array(m * n);
    const D = this.act === "identity" ? null : new Float64Array(m * n);
    const k = kernels();
    const nb = this.blockCols(n);
    for (let j0 = 0; j0 < n; j0 += nb) {
      const c = Math.min(nb, n - j0);
      const outB = out.subarray(j0 * m, (j0 + c) * m);
      k.dgemm("N", "N", m, c, nIn, 1, K, m, Y.subarray(j0 * nIn), nIn, 0, outB, m);
      applyActivation(this.act, outB, b, m, c, D === null ? null : D.subarray(j0 * m, (j0 + c) * m));
    }
    return { out, n, theta, Y, D, G: null };
  }

  jvp(state: LayerState, dTheta: Float64Array | null, dY: Float64Array | null): Float64Array {
    const s = state as DenseState;
    const n = s.n;
    checkJvpArgs("Dense", this.nParams, this.nIn, n, dTheta, dY);
    const m = this.nOut;
    const nIn = this.nIn;
    const out = new Float64Array(m * n);
    if (dTheta === null && dY === null) return out;
    const k = kernels();
    const [K] = this.views(s.theta);
    const [dK, db] = dTheta === null ? [null, null] : this.views(dTheta);
    const nb = this.blockCols(n);
    for (let j0 = 0; j0 < n; j0 += nb) {
      const c = Math.min(nb, n - j0);
      const outB = out.subarray(j0 * m, (j0 + c) * m);
      let beta: 0 | 1 = 0;
      if (dK !== null) {
        k.dgemm("N", "N", m, c, nIn, 1, dK, m, s.Y.subarray(j0 * nIn), nIn, 0, outB, m);
        beta = 1;
      }
      if (dY !== null) k.dgemm("N", "N", m, c, nIn, 1, K, m, dY.subarray(j0 * nIn), nIn, beta, outB, m);
      addBiasTimesDeriv(outB, db, s.D === null ? null : s.D.subarray(j0 * m, (j0 + c) * m), m, c);
    }
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
    const nIn = this.nIn;
    const k = kernels();
    const [K] = this.views(s.theta);
    const [gK, gb] = gTheta === null ? [null, null] : this.views(gTheta);
    if (gb !== null) gb.fill(0);
    const dY = wantInput ? new Float64Array(nIn * n) : null;
    if (gK === null && dY === null) return null;
    const nb = this.blockCols(n);
    if (s.D !== null && (s.G === null || s.G.length < m * nb)) s.G = new Float64Array(m * nb);
    for (let j0 = 0; j0 < n; j0 += nb) {
      const c = Math.min(nb, n - j0);
      const Ub = U.subarray(j0 * m, (j0 + c) * m);
      let Gb = Ub;
      if (s.D !== null && s.G !== null) {
        Gb = s.G.subarray(0, m * c);
        timesDerivRowSums(Ub, s.D.subarray(j0 * m, (j0 + c) * m), m, c, Gb, gb);
      } else if (gb !== null) rowSums(Ub, m, c, gb, 1);
      if (gK !== null)
        k.dgemm("N", "T", m, nIn, c, 1, Gb, m, s.Y.subarray(j0 * nIn), nIn, j0 === 0 ? 0 : 1, gK, m);
      if (dY !== null) k.dgemm("T", "N", nIn, c, m, 1, K, m, Gb, m, 0, dY.subarray(j0 * nIn), nIn);
    }
    return dY;
  }

  toJSON(): LayerSpec {
    return { type: "dense", nIn: this.nIn, nOut: this.nOut, act: this.act, bias: this.bias };
  }
}
