/**
 * Antisymmetric ResNet (GNVPRO.md §1, §6), width w, integrated by classical RK4 over [0, T]:
 *
 *   dY/dt = σ(K(t) Y + b(t) 1ᵀ),    K(t) = A(t) − A(t)ᵀ − εI,    σ = tanh (default), ε = 1e-4 default.
 *
 * Weights live on a uniform grid of nt ≥ 2 time points t_k = k·h, h = T/(nt − 1), and are piecewise
 * linear in time; RK4 takes one step per weight interval [t_k, t_{k+1}] with step h. Its stages
 * use the weights at t_k, at the midpoint (the average of the two end weights, twice) and at t_{k+1}:
 *
 *   k1 = σ(K_k Y + b_k),  k2 = σ(K_m (Y + h/2 k1) + b_m),  k3 = σ(K_m (Y + h/2 k2) + b_m),
 *   k4 = σ(K_{k+1} (Y + h k3) + b_{k+1}),   Y ← Y + h/6 (k1 + 2k2 + 2k3 + k4),
 *   K_m = (K_k + K_{k+1})/2,  b_m = (b_k + b_{k+1})/2.
 *
 * The JVP and VJP are the exact derivatives of this discrete scheme (not of the ODE).
 *
 * Parametrisation (GNVPRO.md §3 "parametrisation trap"): A(t_k) is parametrised by its STRICTLY
 * UPPER triangle only, w(w−1)/2 numbers per time point, so K = A − Aᵀ − εI is a bijective
 * function of θ (no dead directions, no exact null space of H_GN from the parametrisation). The
 * reference's full w×w A would carry w(w+1)/2 dead directions per time point.
 *
 * θ layout, per time point k (stride p = w(w−1)/2 + w): [a_k; b_k], a_k = the strict upper triangle
 * of A(t_k) in column-major order (a_{0,1}, a_{0,2}, a_{1,2}, a_{0,3}, …), then b_k (w).
 *
 * Regularisation operator L (GNVPRO.md §1): (Lθ)_k = (θ_{k+1} − θ_k)/h for k = 0 … nt−2, the
 * forward difference in time scaled by 1/h of the weight grid (a first-derivative estimate). With
 * linear-interpolation prolongation (prolongate.ts) h halves and the interval count doubles, so
 * ‖Lθ‖² doubles exactly; halving α_θ per level (GNVPRO.md §4) keeps (α_θ/2)‖Lθ‖² unchanged.
 *
 * Implementation: every pass runs the whole RK4 recursion on one column block of samples at a time
 * (the samples are independent); the state keeps the stage inputs with a last row of ones, so the
 * bias derivatives are part of the GEMMs; the elementwise work is one fused sweep per stage
 * (the rk4*Stage kernels); temporaries live in per-layer work buffers (types.ts, buffer
 * contract). Measurements: docs/DESIGN.md, "Network passes: performance".
 */
import { kernels } from "../kernels/index.js";
import type { Rng } from "../util/rng.js";
import { type ActivationName, applyActivation, checkActivation } from "./activations.js";
import { xavierUniform } from "./init.js";
import type { Layer, LayerSpec, LayerState, LinearOperator } from "./types.js";
import { Scratch, checkForwardArgs, checkJvpArgs, checkPositiveInt, checkVjpArgs } from "./util.js";

export interface AntisymResNetOptions {
  width: number;
  /** Number of weight time points (≥ 2); RK4 takes nt − 1 steps. */
  nt: number;
  /** Final time (default 1). */
  T?: number;
  /** Shift ε of K = A − Aᵀ − εI (default 1e-4). */
  eps?: number;
  /** Activation (default tanh). */
  act?: ActivationName;
  /** Column-block size in matrix entries (performance only; default RESNET_BLOCK_ENTRIES). */
  blockEntries?: number;
}

/**
 * Default column-block size in matrix entries: every pass runs the whole RK4 recursion on one block
 * of samples at a time (the samples are independent), so that its work arrays stay in cache. Measured
 * (OpenBLAS, 1 thread): a 32×32·32×c GEMM costs 79 ns per column at c = 150 against 110 at c = 900.
 */
export const RESNET_BLOCK_ENTRIES = 8192;

/**
 * Dense weights of a θ (or a dθ) in one buffer, per time point and then per interval midpoint the
 * w×(w+1) column-major block [K | b]: K (with −shift·I) at the nt time points, K_m = (K_k + K_{k+1})/2
 * and b_m = (b_k + b_{k+1})/2 at the nt − 1 midpoints. With the stored stage inputs augmented by a row
 * of ones, [dK | db]·[Y; 1ᵀ] is one GEMM in the JVP and G·[Y; 1ᵀ]ᵀ = [G·Yᵀ | G·1] one in the VJP.
 * Views are made once per buffer: KB[k] the block, K[k] and b[k] its parts (k ≥ nt: midpoints).
 */
class Weights {
  readonly buf: Float64Array;
  readonly KB: Float64Array[] = [];
  readonly K: Float64Array[] = [];
  readonly b: Float64Array[] = [];
  constructor(w: number, nt: number) {
    const w2 = w * w;
    const blk = w2 + w;
    const nBlk = 2 * nt - 1;
    this.buf = new Float64Array(nBlk * blk);
    for (let k = 0; k < nBlk; k++) {
      const B = this.buf.subarray(k * blk, (k + 1) * blk);
      this.KB.push(B);
      this.K.push(B.subarray(0, w2));
      this.b.push(B.subarray(w2, blk));
    }
  }
}

/**
 * Per column block of the state: views of the stored arrays, V[8s + k] for step s with k = 0: Y at the
 * step's start, 1–3: the stage inputs Y2–Y4 — these four (w+1)×c with a last row of ones —, 4–7: σ'
 * at the four stages (w×c; ones for the identity activation); V[8·nSteps] is the block of `out`.
 */
interface Block {
  j0: number;
  c: number;
  V: Float64Array[];
}

interface AntisymState extends LayerState {
  theta: Float64Array;
  /** Dense weights of θ (K with −εI). */
  W: Weights;
  blocks: Block[];
}

// The elementwise stage sweeps are kernels (rk4FwdStage, rk4JvpStage, rk4VjpStage, rk4VjpStage1 in
// src/kernels/types.ts): native AVX2 code on the native backend, src/kernels/js/rk4.ts otherwise.

// scratch slots (one column block each)
const S_K = 0; // stage value k (forward), dk (JVP), G (VJP)
const S_A = 1; // JVP: dY at the stage input; VJP: μ
const S_P = 2; // ping-pong buffers of the step recursion
const S_Q = 3;
const S_ZERO = 4; // zeros (JVP with dY = null); never written after allocation
const S_MU3 = 5; // VJP: μ of stages 3 and 2 (μ of stage 4 in S_A)
const S_MU2 = 6;

export class AntisymResNet implements Layer {
  readonly nIn: number;
  readonly nOut: number;
  readonly nParams: number;
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly width: number;
  readonly nt: number;
  readonly T: number;
  readonly eps: number;
  readonly act: ActivationName;
  /** RK4 step = spacing of the weight grid. */
  readonly h: number;
  /** Parameters per time point. */
  readonly pPoint: number;
  private readonly nA: number;
  /** Work buffers for temporaries of one call (types.ts, buffer contract). */
  private readonly scratch = new Scratch();
  /** Dense weights of the last dθ (JVP) and the gradient accumulators (VJP): work buffers. */
  private dWs: Weights | null = null;
  private gWs: Weights | null = null;
  private readonly blockEntries: number;

  constructor(opts: AntisymResNetOptions) {
    this.width = checkPositiveInt(opts.width, "AntisymResNet: width");
    this.nt = checkPositiveInt(opts.nt, "AntisymResNet: nt");
    if (this.nt < 2)
      throw new Error(`AntisymResNet: nt (weight time points) must be at least 2, got ${opts.nt}`);
    this.T = opts.T ?? 1;
    if (!(this.T > 0) || !Number.isFinite(this.T))
      throw new Error(`AntisymResNet: T must be positive, got ${opts.T}`);
    this.eps = opts.eps ?? 1e-4;
    if (!(this.eps >= 0) || !Number.isFinite(this.eps))
      throw new Error(`AntisymResNet: eps must be finite and ≥ 0, got ${opts.eps}`);
    this.act = checkActivation(opts.act ?? "tanh", "AntisymResNet");
    const w = this.width;
    this.nA = (w * (w - 1)) / 2;
    this.pPoint = this.nA + w;
    this.nParams = this.pPoint * this.nt;
    this.h = this.T / (this.nt - 1);
    this.nIn = this.nOut = w;
    this.inShape = this.outShape = [w];
    this.blockEntries = checkPositiveInt(
      opts.blockEntries ?? RESNET_BLOCK_ENTRIES,
      "AntisymResNet: blockEntries",
    );
  }

  /** Uniform A (Xavier bound √(3/w)) drawn once and repeated at every time point (weights constant
   *  in time, so the time-smoothness regulariser starts at 0); biases 0. */
  init(theta: Float64Array, rng: Rng): void {
    if (theta.length !== this.nParams)
      throw new Error(`AntisymResNet.init: theta has length ${theta.length}, expected ${this.nParams}`);
    const p = this.pPoint;
    const first = theta.subarray(0, p);
    if (this.nA > 0) xavierUniform(first.subarray(0, this.nA), this.width, this.width, rng);
    first.fill(0, this.nA);
    for (let k = 1; k < this.nt; k++) theta.set(first, k * p);
  }

  /**
   * Dense weights of θ into W: K_k = A_k − A_kᵀ − shift·I from the triangles, K_m = (K_k + K_{k+1})/2,
   * b_k copied, b_m = (b_k + b_{k+1})/2.
   */
  private buildWeights(theta: Float64Array, shift: number, W: Weights): void {
    const w = this.width;
    const p = this.pPoint;
    const nA = this.nA;
    for (let k = 0; k < this.nt; k++) {
      const K = W.K[k];
      const o = k * p;
      let q = o;
      for (let j = 0; j < w; j++) {
        for (let i = 0; i < j; i++) {
          const v = theta[q++];
          K[i + j * w] = v;
          K[j + i * w] = -v;
        }
        K[j + j * w] = -shift;
      }
      const b = W.b[k];
      for (let i = 0; i < w; i++) b[i] = theta[o + nA + i];
    }
    // midpoints: [K_m | b_m] = ([K_k | b_k] + [K_{k+1} | b_{k+1}])/2
    for (let k = 0; k + 1 < this.nt; k++) {
      const m = W.KB[this.nt + k];
      const B0 = W.KB[k];
      const B1 = W.KB[k + 1];
      for (let i = 0; i < m.length; i++) m[i] = 0.5 * (B0[i] + B1[i]);
    }
  }

  /** Column blocks of n samples: as few as the block size allows, of (nearly) equal size. */
  private blockSplit(n: number): { nb: number; cols: number } {
    const maxCols = Math.max(1, Math.floor(this.blockEntries / this.width));
    const nb = Math.ceil(n / maxCols);
    return { nb, cols: Math.ceil(n / nb) };
  }

  forward(theta: Float64Array, Y: Float64Array, n: number): AntisymState {
    checkForwardArgs("AntisymResNet", this.nParams, this.nIn, theta, Y, n);
    const w = this.width;
    const L = w + 1;
    const len = w * n;
    const lenY = L * n;
    const h = this.h;
    const nt = this.nt;
    const nSteps = nt - 1;
    const kern = kernels();
    const W = new Weights(w, nt);
    this.buildWeights(theta, this.eps, W);
    const act = this.act;
    const withD = act !== "identity";
    // what the state keeps: `out` (w×n); the stage inputs with a row of ones ((w+1)×n): the input,
    // per step Y2–Y4 and the step's output but the last; σ' per stage (w×n; for the identity
    // activation one array of ones serves as every D). One allocation per array: measured, a single
    // large allocation for all of them made the forward pass ~10% slower (fresh pages every call).
    const take = (m: number): Float64Array => new Float64Array(m);
    const out = take(len);
    const Y0 = take(lenY);
    for (let j = 0, o = 0, oY = 0; j < n; j++, o += w, oY += L) {
      for (let i = 0; i < w; i++) Y0[oY + i] = Y[o + i];
      Y0[oY + w] = 1;
    }
    // per step: its input (Y0, then the previous step's output), Y2–Y4, D1–D4: the V-slot order
    const ones = withD ? null : take(len).fill(1);
    const full: Float64Array[] = [];
    let prev = Y0;
    for (let s = 0; s < nSteps; s++) {
      full.push(prev, take(lenY), take(lenY), take(lenY));
      for (let k = 4; k < 8; k++) full.push(ones ?? take(len));
      if (s < nSteps - 1) prev = take(lenY);
    }
    full.push(out);
    const { nb, cols } = this.blockSplit(n);
    const blocks: Block[] = [];
    const kkFull = this.scratch.get(S_K, w * Math.min(cols, n));
    for (let b = 0; b < nb; b++) {
      const j0 = b * cols;
      const c = Math.min(cols, n - j0);
      const V = full.map((x) =>
        x.length === lenY ? x.subarray(j0 * L, (j0 + c) * L) : x.subarray(j0 * w, (j0 + c) * w),
      );
      blocks.push({ j0, c, V });
      const kk = c * w === kkFull.length ? kkFull : kkFull.subarray(0, c * w);
      for (let s = 0; s < nSteps; s++) {
        const o = 8 * s;
        const Ya = V[o];
        const next = V[o + 8];
        const ldN = s === nSteps - 1 ? w : L;
        const Y2 = V[o + 1];
        const Y3 = V[o + 2];
        const Y4 = V[o + 3];
        kern.dgemm("N", "N", w, c, w, 1, W.K[s], w, Ya, L, 0, kk, w);
        applyActivation(act, kk, W.b[s], w, c, withD ? V[o + 4] : null);
        kern.rk4FwdStage(0, w, c, Ya, kk, next, Y2, h / 6, h / 2, ldN);
        kern.dgemm("N", "N", w, c, w, 1, W.K[nt + s], w, Y2, L, 0, kk, w);
        applyActivation(act, kk, W.b[nt + s], w, c, withD ? V[o + 5] : null);
        kern.rk4FwdStage(1, w, c, Ya, kk, next, Y3, h / 3, h / 2, ldN);
        kern.dgemm("N", "N", w, c, w, 1, W.K[nt + s], w, Y3, L, 0, kk, w);
        applyActivation(act, kk, W.b[nt + s], w, c, withD ? V[o + 6] : null);
        kern.rk4FwdStage(1, w, c, Ya, kk, next, Y4, h / 3, h, ldN);
        kern.dgemm("N", "N", w, c, w, 1, W.K[s + 1], w, Y4, L, 0, kk, w);
        applyActivation(act, kk, W.b[s + 1], w, c, withD ? V[o + 7] : null);
        kern.rk4FwdStage(2, w, c, null, kk, next, null, h / 6, 0, ldN);
      }
    }
    return { out, n, theta, W, blocks };
  }

  jvp(state: LayerState, dTheta: Float64Array | null, dY: Float64Array | null): Float64Array {
    const out = new Float64Array(this.nOut * state.n);
    this.jvpInto(state, dTheta, dY, out);
    return out;
  }

  /**
   * The JVP written into `out` (nOut × n, must not alias dY). Per column block and stage: dk =
   * [dK | db]·[Y_i; 1ᵀ] + K·dY_i (two GEMMs), then one fused sweep v = D ⊙ dk, next += c·v,
   * dY_{i+1} = dY_a + c'·v.
   */
  jvpInto(state: LayerState, dTheta: Float64Array | null, dY: Float64Array | null, out: Float64Array): void {
    const s = state as AntisymState;
    const n = s.n;
    checkJvpArgs("AntisymResNet", this.nParams, this.nIn, n, dTheta, dY);
    const w = this.width;
    const L = w + 1;
    if (out.length !== w * n)
      throw new Error(`AntisymResNet.jvpInto: out has length ${out.length}, expected nOut×n = ${w * n}`);
    if (dTheta === null && dY === null) {
      out.fill(0);
      return;
    }
    const h = this.h;
    const nt = this.nt;
    const nSteps = nt - 1;
    const kern = kernels();
    let dW: Weights | null = null;
    if (dTheta !== null) {
      if (this.dWs === null) this.dWs = new Weights(w, nt);
      dW = this.dWs;
      this.buildWeights(dTheta, 0, dW);
    }
    const W = s.W;
    const bl = s.blocks;
    const maxLen = bl[0].c * w;
    const dkF = this.scratch.get(S_K, maxLen);
    const dYsF = this.scratch.get(S_A, maxLen);
    const PF = this.scratch.get(S_P, maxLen);
    const QF = this.scratch.get(S_Q, maxLen);
    const zeroF = dY === null ? this.scratch.get(S_ZERO, maxLen) : null;
    for (let b = 0; b < bl.length; b++) {
      const { j0, c, V } = bl[b];
      const bl1 = c * w;
      const full = bl1 === maxLen;
      const dk = full ? dkF : dkF.subarray(0, bl1);
      const dYs = full ? dYsF : dYsF.subarray(0, bl1);
      const P = full ? PF : PF.subarray(0, bl1);
      const Q = full ? QF : QF.subarray(0, bl1);
      const outB = out.subarray(j0 * w, j0 * w + bl1);
      let cur: Float64Array;
      if (dY !== null) cur = dY.subarray(j0 * w, j0 * w + bl1);
      else cur = (zeroF as Float64Array).subarray(0, bl1);
      let curZero = dY === null;
      for (let t = 0; t < nSteps; t++) {
        // the last step writes the output block; the others alternate between P and Q
        const next = t === nSteps - 1 ? outB : t % 2 === 0 ? P : Q;
        const o = 8 * t;
        const m = nt + t; // midpoint weights
        // stage 1
        if (dW !== null) {
          kern.dgemm("N", "N", w, c, L, 1, dW.KB[t], w, V[o], L, 0, dk, w);
          if (!curZero) kern.dgemm("N", "N", w, c, w, 1, W.K[t], w, cur, w, 1, dk, w);
        } else kern.dgemm("N", "N", w, c, w, 1, W.K[t], w, cur, w, 0, dk, w);
        kern.rk4JvpStage(0, bl1, dk, V[o + 4], cur, next, dYs, h / 6, h / 2);
        // stages 2 and 3 (midpoint weights)
        if (dW !== null) {
          kern.dgemm("N", "N", w, c, L, 1, dW.KB[m], w, V[o + 1], L, 0, dk, w);
          kern.dgemm("N", "N", w, c, w, 1, W.K[m], w, dYs, w, 1, dk, w);
        } else kern.dgemm("N", "N", w, c, w, 1, W.K[m], w, dYs, w, 0, dk, w);
        kern.rk4JvpStage(1, bl1, dk, V[o + 5], cur, next, dYs, h / 3, h / 2);
        if (dW !== null) {
          kern.dgemm("N", "N", w, c, L, 1, dW.KB[m], w, V[o + 2], L, 0, dk, w);
          kern.dgemm("N", "N", w, c, w, 1, W.K[m], w, dYs, w, 1, dk, w);
        } else kern.dgemm("N", "N", w, c, w, 1, W.K[m], w, dYs, w, 0, dk, w);
        kern.rk4JvpStage(1, bl1, dk, V[o + 6], cur, next, dYs, h / 3, h);
        // stage 4
        if (dW !== null) {
          kern.dgemm("N", "N", w, c, L, 1, dW.KB[t + 1], w, V[o + 3], L, 0, dk, w);
          kern.dgemm("N", "N", w, c, w, 1, W.K[t + 1], w, dYs, w, 1, dk, w);
        } else kern.dgemm("N", "N", w, c, w, 1, W.K[t + 1], w, dYs, w, 0, dk, w);
        kern.rk4JvpStage(2, bl1, dk, V[o + 7], null, next, null, h / 6, 0);
        cur = next;
        curZero = false;
      }
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

  /**
   * The VJP with J_YᵀU written into `out` (nIn × n, must not alias U) when out is not null. Per column
   * block, backwards per step: stage 4, 3, 2, 1, each one sweep G = D ⊙ (c·λ + c'·μ_prev), then
   * [gK | gb] += G·[Y_i; 1ᵀ]ᵀ (when gTheta) and μ = Kᵀ G (kept per stage); stage 1's sweep also forms
   * λ_new = λ + μ4 + μ3 + μ2, and its Kᵀ G goes straight into λ_new.
   */
  vjpInto(state: LayerState, U: Float64Array, gTheta: Float64Array | null, out: Float64Array | null): void {
    const s = state as AntisymState;
    const n = s.n;
    checkVjpArgs("AntisymResNet", this.nParams, this.nOut, n, U, gTheta);
    if (gTheta === null && out === null) return;
    const w = this.width;
    const L = w + 1;
    if (out !== null && out.length !== w * n)
      throw new Error(`AntisymResNet.vjpInto: out has length ${out.length}, expected nIn×n = ${w * n}`);
    const h = this.h;
    const nt = this.nt;
    const nSteps = nt - 1;
    const kern = kernels();
    const W = s.W;
    const bl = s.blocks;
    const maxLen = bl[0].c * w;
    const GF = this.scratch.get(S_K, maxLen);
    const mu4F = this.scratch.get(S_A, maxLen);
    const mu3F = this.scratch.get(S_MU3, maxLen);
    const mu2F = this.scratch.get(S_MU2, maxLen);
    const PF = this.scratch.get(S_P, maxLen);
    const QF = this.scratch.get(S_Q, maxLen);
    // gradient accumulators [gK | gb] (w×(w+1)), summed over the blocks: at the time points, then at
    // the midpoints (the layout of Weights)
    let acc: Weights | null = null;
    if (gTheta !== null) {
      if (this.gWs === null) this.gWs = new Weights(w, nt);
      acc = this.gWs;
      acc.buf.fill(0);
    }
    for (let b = 0; b < bl.length; b++) {
      const { j0, c, V } = bl[b];
      const bl1 = c * w;
      const full = bl1 === maxLen;
      const G = full ? GF : GF.subarray(0, bl1);
      const mu4 = full ? mu4F : mu4F.subarray(0, bl1);
      const mu3 = full ? mu3F : mu3F.subarray(0, bl1);
      const mu2 = full ? mu2F : mu2F.subarray(0, bl1);
      const P = full ? PF : PF.subarray(0, bl1);
      const Q = full ? QF : QF.subarray(0, bl1);
      const outB = out === null ? null : out.subarray(j0 * w, j0 * w + bl1);
      let lam: Float64Array = U.subarray(j0 * w, j0 * w + bl1);
      for (let t = nSteps - 1; t >= 0; t--) {
        // step 0 writes the output block (when wanted); the others alternate between P and Q
        const lamNew = t === 0 && outB !== null ? outB : t % 2 === 0 ? P : Q;
        const o = 8 * t;
        const m = nt + t;
        // stage 4
        kern.rk4VjpStage(bl1, lam, null, V[o + 7], G, h / 6, 0);
        if (acc !== null) kern.dgemm("N", "T", w, L, c, 1, G, w, V[o + 3], L, 1, acc.KB[t + 1], w);
        kern.dgemm("T", "N", w, c, w, 1, W.K[t + 1], w, G, w, 0, mu4, w);
        // stage 3
        kern.rk4VjpStage(bl1, lam, mu4, V[o + 6], G, h / 3, h);
        if (acc !== null) kern.dgemm("N", "T", w, L, c, 1, G, w, V[o + 2], L, 1, acc.KB[m], w);
        kern.dgemm("T", "N", w, c, w, 1, W.K[m], w, G, w, 0, mu3, w);
        // stage 2
        kern.rk4VjpStage(bl1, lam, mu3, V[o + 5], G, h / 3, h / 2);
        if (acc !== null) kern.dgemm("N", "T", w, L, c, 1, G, w, V[o + 1], L, 1, acc.KB[m], w);
        kern.dgemm("T", "N", w, c, w, 1, W.K[m], w, G, w, 0, mu2, w);
        // stage 1: λ_new = λ + μ4 + μ3 + μ2 in the sweep, + Kᵀ G by the GEMM
        kern.rk4VjpStage1(bl1, lam, mu4, mu3, mu2, V[o + 4], G, lamNew, h / 6, h / 2);
        if (acc !== null) kern.dgemm("N", "T", w, L, c, 1, G, w, V[o], L, 1, acc.KB[t], w);
        if (t > 0 || outB !== null) kern.dgemm("T", "N", w, c, w, 1, W.K[t], w, G, w, 1, lamNew, w);
        lam = lamNew;
      }
    }
    if (gTheta !== null && acc !== null) {
      // the midpoint weights are the averages of their end points: half of each midpoint gradient
      // goes to either end; then g_a(i<j) = gK[i,j] − gK[j,i] (the transpose of buildWeights)
      for (let t = 0; t < nSteps; t++) {
        const M = acc.KB[nt + t];
        const B0 = acc.KB[t];
        const B1 = acc.KB[t + 1];
        for (let i = 0; i < M.length; i++) {
          const v = 0.5 * M[i];
          B0[i] += v;
          B1[i] += v;
        }
      }
      const p = this.pPoint;
      for (let k = 0; k < nt; k++) {
        const Gk = acc.K[k];
        const bk = acc.b[k];
        let q = k * p;
        for (let j = 0; j < w; j++) for (let i = 0; i < j; i++) gTheta[q++] = Gk[i + j * w] - Gk[j + i * w];
        for (let i = 0; i < w; i++) gTheta[q++] = bk[i];
      }
    }
  }

  /** L: forward difference in time over the weight grid, scaled by 1/h (see the header). */
  regOperator(): LinearOperator {
    const p = this.pPoint;
    const nt = this.nt;
    const inv = 1 / this.h;
    return {
      rows: (nt - 1) * p,
      cols: nt * p,
      apply(x: Float64Array, out: Float64Array): void {
        for (let k = 0; k + 1 < nt; k++)
          for (let i = 0; i < p; i++) out[k * p + i] = inv * (x[(k + 1) * p + i] - x[k * p + i]);
      },
      applyT(y: Float64Array, out: Float64Array): void {
        for (let k = 0; k < nt; k++)
          for (let i = 0; i < p; i++) {
            let v = 0;
            if (k >= 1) v += y[(k - 1) * p + i];
            if (k + 1 < nt) v -= y[k * p + i];
            out[k * p + i] = inv * v;
          }
      },
    };
  }

  toJSON(): LayerSpec {
    return { type: "antisymResNet", width: this.width, nt: this.nt, T: this.T, eps: this.eps, act: this.act };
  }
}
