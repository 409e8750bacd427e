/**
 * Dense layer: Z = σ(K·Y + b1ᵀ) with K nOut×nIn, b nOut; σ = identity gives the affine layer K·y + b,
 * any other activation the "single layer". θ = [vec(K) (column-major); b].
 *
 *   forward  Z = σ(KY + b1ᵀ), keeps D = σ'(KY + b1ᵀ) — for tanh D = 1 − Z² is not stored but
 *            recomputed from Z in the derivative sweeps (one multiply, against writing and reading
 *            an array as large as Z); for the identity D = 1
 *   JVP      dZ = D ⊙ (dK·Y + K·dY + db1ᵀ)
 *   VJP      G = D ⊙ U;  dK = G·Yᵀ,  db = G·1 (summed in the same kernel sweep),  dY = Kᵀ·G
 *
 * The σ′ sweeps are kernels (derivScaleBias, derivScaleSum: native AVX2 code on the native backend).
 *
 * All three sweep the samples in column blocks of about `blockEntries` matrix entries (columns ×
 * the larger of nIn and nOut), which bounds the VJP's work buffer for any n. The default is large (2²⁰,
 * e.g. 16384 samples of width 64): measured on OpenBLAS, splitting 5000 samples into cache-sized
 * blocks made the GEMMs ~50% slower, more than the fused elementwise passes gained.
 */

import { kernels } from "../kernels/index.js";
import type { Rng } from "../util/rng.js";
import { type ActivationName, applyActivation, checkActivation } from "./activations.js";
import { initForActivation } from "./init.js";
import type { Layer, LayerSpec, LayerState } from "./types.js";
import { Scratch, checkForwardArgs, checkJvpArgs, checkPositiveInt, checkVjpArgs } from "./util.js";

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

/** How σ' is had: 0 identity (σ' = 1), 1 tanh (1 − Z² from the output), 2 stored D. */
type DerivKind = 0 | 1 | 2;

interface DenseState extends LayerState {
  theta: Float64Array;
  Y: Float64Array;
  /** σ' at the forward point, when stored (DerivKind 2). */
  D: Float64Array | null;
}

// ---- elementwise sweeps on one m×c column block (module functions: all-local variables) ----

/** X ← X + db1ᵀ. */
function addBias(X: Float64Array, db: Float64Array, m: number, c: number): void {
  for (let j = 0, o = 0; j < c; j++, o += m) for (let i = 0; i < m; i++) X[o + i] += db[i];
}

// scratch slots
const S_G = 0; // VJP: D ⊙ U, one column block
const S_ONES = 1; // VJP, identity activation: ones (the bias gradient U·1 as a GEMV); never written but by fill(1)

export class Dense implements Layer {
  readonly nIn: number;
  readonly nOut: number;
  readonly nParams: number;
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly act: ActivationName;
  readonly bias: boolean;
  private readonly blockEntries: number;
  private readonly deriv: DerivKind;
  /** Work buffers for temporaries of one call (types.ts, buffer contract). */
  private readonly scratch = new Scratch();

  constructor(opts: DenseOptions) {
    this.nIn = checkPositiveInt(opts.nIn, "Dense: nIn");
    this.nOut = checkPositiveInt(opts.nOut, "Dense: nOut");
    this.act = checkActivation(opts.act ?? "identity", "Dense");
    this.bias = opts.bias ?? true;
    this.blockEntries = checkPositiveInt(opts.blockEntries ?? DENSE_BLOCK_ENTRIES, "Dense: blockEntries");
    this.nParams = this.nIn * this.nOut + (this.bias ? this.nOut : 0);
    this.inShape = [this.nIn];
    this.outShape = [this.nOut];
    this.deriv = this.act === "identity" ? 0 : this.act === "tanh" ? 1 : 2;
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
    const D = this.deriv === 2 ? new Float64Array(m * n) : null;
    const k = kernels();
    const nb = this.blockCols(n);
    for (let j0 = 0; j0 < n; j0 += nb) {
      const c = Math.min(nb, n - j0);
      const one = c === n;
      const outB = one ? out : out.subarray(j0 * m, (j0 + c) * m);
      k.dgemm("N", "N", m, c, nIn, 1, K, m, one ? Y : Y.subarray(j0 * nIn), nIn, 0, outB, m);
      applyActivation(
        this.act,
        outB,
        b,
        m,
        c,
        D === null ? null : one ? D : D.subarray(j0 * m, (j0 + c) * m),
      );
    }
    return { out, n, theta, Y, D };
  }

  jvp(state: LayerState, dTheta: Float64Array | null, dY: Float64Array | null): Float64Array {
    const out = new Float64Array(this.nOut * state.n);
    this.jvpInto(state, dTheta, dY, out);
    return out;
  }

  /** The JVP written into `out` (nOut × n, must not alias dY). */
  jvpInto(state: LayerState, dTheta: Float64Array | null, dY: Float64Array | null, out: Float64Array): void {
    const s = state as DenseState;
    const n = s.n;
    checkJvpArgs("Dense", this.nParams, this.nIn, n, dTheta, dY);
    const m = this.nOut;
    const nIn = this.nIn;
    if (out.length !== m * n)
      throw new Error(`Dense.jvpInto: out has length ${out.length}, expected nOut×n = ${m * n}`);
    if (dTheta === null && dY === null) {
      out.fill(0);
      return;
    }
    const k = kernels();
    const [K] = this.views(s.theta);
    const [dK, db] = dTheta === null ? [null, null] : this.views(dTheta);
    const nb = this.blockCols(n);
    for (let j0 = 0; j0 < n; j0 += nb) {
      const c = Math.min(nb, n - j0);
      const one = c === n;
      const lo = j0 * m;
      const hi = (j0 + c) * m;
      const outB = one ? out : out.subarray(lo, hi);
      let beta: 0 | 1 = 0;
      if (dK !== null) {
        k.dgemm("N", "N", m, c, nIn, 1, dK, m, one ? s.Y : s.Y.subarray(j0 * nIn), nIn, 0, outB, m);
        beta = 1;
      }
      if (dY !== null)
        k.dgemm("N", "N", m, c, nIn, 1, K, m, one ? dY : dY.subarray(j0 * nIn), nIn, beta, outB, m);
      // σ′ ⊙ (· + db): from the tanh output (1 − Z²) or the stored D, in one kernel sweep
      const Zd = this.deriv === 1 ? s.out : s.D;
      if (this.deriv !== 0 && Zd !== null)
        k.derivScaleBias(m, c, outB, one ? Zd : Zd.subarray(lo, hi), db, this.deriv === 1);
      else if (db !== null) addBias(outB, db, m, c);
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
    const s = state as DenseState;
    const n = s.n;
    checkVjpArgs("Dense", this.nParams, this.nOut, n, U, gTheta);
    const m = this.nOut;
    const nIn = this.nIn;
    if (out !== null && out.length !== nIn * n)
      throw new Error(`Dense.vjpInto: out has length ${out.length}, expected nIn×n = ${nIn * n}`);
    if (gTheta === null && out === null) return;
    const k = kernels();
    const [K] = this.views(s.theta);
    const [gK, gb] = gTheta === null ? [null, null] : this.views(gTheta);
    const nb = this.blockCols(n);
    const Gfull = this.deriv === 0 ? null : this.scratch.get(S_G, m * nb);
    const Zd = this.deriv === 1 ? s.out : s.D;
    const sweep = Gfull !== null && Zd !== null;
    // the bias gradient G·1: summed in the σ′ sweep, or (identity) a GEMV with a vector of ones
    const ones = gb === null || sweep ? null : this.scratch.get(S_ONES, nb);
    if (ones !== null && (ones[0] !== 1 || ones[nb - 1] !== 1)) ones.fill(1);
    for (let j0 = 0; j0 < n; j0 += nb) {
      const c = Math.min(nb, n - j0);
      const one = c === n;
      const lo = j0 * m;
      const hi = (j0 + c) * m;
      const Ub = one ? U : U.subarray(lo, hi);
      const beta = j0 === 0 ? 0 : 1;
      let Gb = Ub;
      if (sweep) {
        Gb = c === nb ? Gfull : Gfull.subarray(0, m * c);
        k.derivScaleSum(m, c, Ub, one ? Zd : Zd.subarray(lo, hi), Gb, gb, beta, this.deriv === 1);
      }
      if (gK !== null)
        k.dgemm("N", "T", m, nIn, c, 1, Gb, m, one ? s.Y : s.Y.subarray(j0 * nIn), nIn, beta, gK, m);
      if (gb !== null && ones !== null) k.dgemm("N", "N", m, 1, c, 1, Gb, m, ones, c, beta, gb, m);
      if (out !== null)
        k.dgemm(
          "T",
          "N",
          nIn,
          c,
          m,
          1,
          K,
          m,
          Gb,
          m,
          0,
          one ? out : out.subarray(j0 * nIn, (j0 + c) * nIn),
          nIn,
        );
    }
  }

  toJSON(): LayerSpec {
    return { type: "dense", nIn: this.nIn, nOut: this.nOut, act: this.act, bias: this.bias };
  }
}
