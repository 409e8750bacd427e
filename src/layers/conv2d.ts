/**
 * 2-D convolution (cross-correlation, as in deep-learning libraries), stride 1, zero padding
 * "same" (odd k, output H×W) or "valid" (output (H−k+1)×(W−k+1)), multiple channels, optional bias
 * and fused activation:  Z[o] = σ(Σ_c K[o,c] ⋆ Y[c] + b_o).
 *
 * Layout: a sample's column holds its channels one after the other, each row-major (index
 * c·H·W + y·W + x). θ = [K; b] with K in the usual [outC][inC][k][k] order, which read
 * column-major is the (inC·k²) × outC matrix Kt = Kᵀ of the GEMM below; b has outC entries.
 *
 * im2col + GEMM, batched over samples: for a batch of nb samples the patch matrix P has one row
 * per output pixel and sample (row p + j·HoWo) and one column per (c, ky, kx); then
 *   O = P · Kt          ((HoWo·nb) × outC, column-major),
 * scattered into the samples' columns with the bias and the activation. The batch size keeps P
 * below `maxPatchEntries` (memory stays bounded for any n). Derivatives:
 *   JVP  dO = P(Y)·dKt + P(dY)·Kt, then + db and ⊙ σ'
 *   VJP  G = σ' ⊙ U gathered into Og;  dKt = P(Y)ᵀ Og,  db = Ogᵀ 1,  dY = col2im(Og · Ktᵀ)
 * Patches are recomputed in the JVP/VJP rather than stored (memory ∝ batch, not n).
 *
 * precision "f32": P, Kt and the products are float32 (sgemm); inputs, outputs, σ' and the
 * derivatives stay float64 at the interface (the VarPro algebra stays float64).
 */
import { kernels } from "../kernels/index.js";
import type { Rng } from "../util/rng.js";
import { type ActivationName, applyActivation, checkActivation } from "./activations.js";
import { initForActivation } from "./init.js";
import type { Layer, LayerSpec, LayerState } from "./types.js";
import { checkForwardArgs, checkJvpArgs, checkPositiveInt, checkVjpArgs } from "./util.js";

export type Padding = "same" | "valid";
export type Precision = "f64" | "f32";

export interface Conv2DOptions {
  inC: number;
  H: number;
  W: number;
  outC: number;
  /** Kernel size k (k×k). */
  k: number;
  padding?: Padding;
  act?: ActivationName;
  bias?: boolean;
  precision?: Precision;
  /** Upper bound on the entries of one batch's patch matrix (default 2²²). */
  maxPatchEntries?: number;
}

type Arr = Float64Array | Float32Array;

interface ConvState extends LayerState {
  theta: Float64Array;
  Y: Float64Array;
  D: Float64Array | null;
}

interface Geometry {
  inC: number;
  H: number;
  W: number;
  Ho: number;
  Wo: number;
  k: number;
  pad: number;
  hw: number;
  nIn: number;
  nOut: number;
  outC: number;
}

/**
 * The data movers of im2col + GEMM. Built twice by a factory (one set for float64 patch buffers,
 * one for float32) so that each closure sees one array type and V8 keeps its element access
 * monomorphic.
 */
function makeMovers() {
  return {
    /** P (ld = hw·nb) ← patches of samples j0 … j0+nb−1 of Y. */
    im2col(g: Geometry, Y: Float64Array, j0: number, nb: number, P: Arr): void {
      const { H, W, Ho, Wo, k, pad, hw } = g;
      const ld = hw * nb;
      for (let c = 0; c < g.inC; c++)
        for (let ky = 0; ky < k; ky++)
          for (let kx = 0; kx < k; kx++) {
            const col = ((c * k + ky) * k + kx) * ld;
            const ox0 = Math.max(0, pad - kx);
            const ox1 = Math.max(ox0, Math.min(Wo, W + pad - kx));
            for (let jj = 0; jj < nb; jj++) {
              const yb = (j0 + jj) * g.nIn + c * H * W;
              for (let oy = 0; oy < Ho; oy++) {
                const r = col + jj * hw + oy * Wo;
                const iy = oy + ky - pad;
                if (iy < 0 || iy >= H) {
                  for (let ox = 0; ox < Wo; ox++) P[r + ox] = 0;
                  continue;
                }
                for (let ox = 0; ox < ox0; ox++) P[r + ox] = 0;
                const src = yb + iy * W + kx - pad;
                for (let ox = ox0; ox < ox1; ox++) P[r + ox] = Y[src + ox];
                for (let ox = ox1; ox < Wo; ox++) P[r + ox] = 0;
              }
            }
          }
    },
    /** dY (samples j0 …) += col2im(dP): the transpose of im2col. */
    col2im(g: Geometry, dP: Arr, j0: number, nb: number, dY: Float64Array): void {
      const { H, W, Ho, Wo, k, pad, hw } = g;
      const ld = hw * nb;
      for (let c = 0; c < g.inC; c++)
        for (let ky = 0; ky < k; ky++)
          for (let kx = 0; kx < k; kx++) {
            const col = ((c * k + ky) * k + kx) * ld;
            const ox0 = Math.max(0, pad - kx);
            const ox1 = Math.min(Wo, W + pad - kx);
            for (let jj = 0; jj < nb; jj++) {
              const yb = (j0 + jj) * g.nIn + c * H * W;
              for (let oy = 0; oy < Ho; oy++) {
                const iy = oy + ky - pad;
                if (iy < 0 || iy >= H) continue;
                const r = col + jj * hw + oy * Wo;
                const dst = yb + iy * W + kx - pad;
                for (let ox = ox0; ox < ox1; ox++) dY[dst + ox] += dP[r + ox];
              }
            }
          }
    },
    /** out (samples j0 …, nOut rows) ← O (ld × outC) scattered, + per-channel bias. */
    scatter(g: Geometry, O: Arr, j0: number, nb: number, b: Float64Array | null, out: Float64Array): void {
      const hw = g.hw;
      const ld = hw * nb;
      for (let jj = 0; jj < nb; jj++) {
        const ob = (j0 + jj) * g.nOut;
        for (let o = 0; o < g.outC; o++) {
          const bo = b === null ? 0 : b[o];
          const src = o * ld + jj * hw;
          const dst = ob + o * hw;
          for (let p = 0; p < hw; p++) out[dst + p] = O[src + p] + bo;
        }
      }
    },
    /** Og (ld × outC) ← D ⊙ U of samples j0 … (D null: U). */
    gather(g: Geometry, U: Float64Array, D: Float64Array | null, j0: number, nb: number, Og: Arr): void {
      const hw = g.hw;
      const ld = hw * nb;
      for (let jj = 0; jj < nb; jj++) {
        const ub = (j0 + jj) * g.nOut;
        for (let o = 0; o < g.outC; o++) {
          const src = ub + o * hw;
          const dst = o * ld + jj * hw;
          if (D === null) for (let p = 0; p < hw; p++) Og[dst + p] = U[src + p];
          else for (let p = 0; p < hw; p++) Og[dst + p] = D[src + p] * U[src + p];
        }
      }
    },
    /** Row sums per channel of Og (ld × outC), accumulated into gb. */
    channelSums(g: Geometry, Og: Arr, ld: number, gb: Float64Array): void {
      for (let o = 0; o < g.outC; o++) {
        let acc = 0;
        for (let r = 0; r < ld; r++) acc += Og[o * ld + r];
        gb[o] += acc;
      }
    },
  };
}

const MOVERS_F64 = makeMovers();
const MOVERS_F32 = makeMovers();

export class Conv2D implements Layer {
  readonly nIn: number;
  readonly nOut: number;
  readonly nParams: number;
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly inC: number;
  readonly H: number;
  readonly W: number;
  readonly outC: number;
  readonly k: number;
  readonly padding: Padding;
  readonly act: ActivationName;
  readonly bias: boolean;
  readonly precision: Precision;
  readonly maxPatchEntries: number;
  readonly Ho: number;
  readonly Wo: number;
  private readonly pad: number;
  private readonly ckk: number;
  private readonly hw: number;
  private readonly geo: Geometry;
  private readonly mv: ReturnType<typeof makeMovers>;

  constructor(opts: Conv2DOptions) {
    this.inC = checkPositiveInt(opts.inC, "Conv2D: inC");
    this.H = checkPositiveInt(opts.H, "Conv2D: H");
    this.W = checkPositiveInt(opts.W, "Conv2D: W");
    this.outC = checkPositiveInt(opts.outC, "Conv2D: outC");
    this.k = checkPositiveInt(opts.k, "Conv2D: k");
    this.padding = opts.padding ?? "same";
    if (this.padding !== "same" && this.padding !== "valid")
      throw new Error(`Conv2D: padding must be "same" or "valid", got ${JSON.stringify(opts.padding)}`);
    if (this.padding === "same" && this.k % 2 === 0)
      throw new Error(`Conv2D: padding "same" needs an odd kernel size, got k = ${this.k}`);
    if (this.padding === "valid" && (this.k > this.H || this.k > this.W))
      throw new Error(
        `Conv2D: kernel ${this.k}×${this.k} larger than the ${this.H}×${this.W} image with padding "valid"`,
      );
    this.act = checkActivation(opts.act ?? "identity", "Conv2D");
    this.bias = opts.bias ?? true;
    this.precision = opts.precision ?? "f64";
    if (this.precision !== "f64" && this.precision !== "f32")
      throw new Error(`Conv2D: precision must be "f64" or "f32", got ${JSON.stringify(opts.precision)}`);
    this.maxPatchEntries = opts.maxPatchEntries ?? 1 << 22;
    this.pad = this.padding === "same" ? (this.k - 1) / 2 : 0;
    this.Ho = this.H + 2 * this.pad - this.k + 1;
    this.Wo = this.W + 2 * this.pad - this.k + 1;
    this.hw = this.Ho * this.Wo;
    this.ckk = this.inC * this.k * this.k;
    this.nIn = this.inC * this.H * this.W;
    this.nOut = this.outC * this.hw;
    this.nParams = this.ckk * this.outC + (this.bias ? this.outC : 0);
    this.inShape = [this.inC, this.H, this.W];
    this.outShape = [this.outC, this.Ho, this.Wo];
    this.geo = {
      inC: this.inC,
      H: this.H,
      W: this.W,
      Ho: this.Ho,
      Wo: this.Wo,
      k: this.k,
      pad: this.pad,
      hw: this.hw,
      nIn: this.nIn,
      nOut: this.nOut,
      outC: this.outC,
    };
    this.mv = this.precision === "f32" ? MOVERS_F32 : MOVERS_F64;
  }

  init(theta: Float64Array, rng: Rng): void {
    if (theta.length !== this.nParams)
      throw new Error(`Conv2D.init: theta has length ${theta.length}, expected ${this.nParams}`);
    const nk = this.ckk * this.outC;
    initForActivation(this.act, theta.subarray(0, nk), this.ckk, this.outC * this.k * this.k, rng);
    if (this.bias) theta.fill(0, nk);
  }

  /** Samples per batch. */
  batchSize(n: number): number {
    return Math.max(1, Math.min(n, Math.floor(this.maxPatchEntries / (this.hw * this.ckk))));
  }

  private views(theta: Float64Array): [Float64Array, Float64Array | null] {
    const nk = this.ckk * this.outC;
    return [theta.subarray(0, nk), this.bias ? theta.subarray(nk, nk + this.outC) : null];
  }

  private alloc(len: number): Arr {
    return this.precision === "f32" ? new Float32Array(len) : new Float64Array(len);
  }

  /** C ← P·B + β C with P (ld×ckk), B (ckk×outC), C (ld×outC), in the layer's precision. */
  private gemmPK(ld: number, P: Arr, B: Arr, beta: 0 | 1, C: Arr): void {
    if (this.precision === "f32")
      kernels().sgemm(
        "N",
        "N",
        ld,
        this.outC,
        this.ckk,
        1,
        P as Float32Array,
        ld,
        B as Float32Array,
        this.ckk,
        beta,
        C as Float32Array,
        ld,
      );
    else
      kernels().dgemm(
        "N",
        "N",
        ld,
        this.outC,
        this.ckk,
        1,
        P as Float64Array,
        ld,
        B as Float64Array,
        this.ckk,
        beta,
        C as Float64Array,
        ld,
      );
  }

  private kernelIn(Kt: Float64Array): Arr {
    return this.precision === "f32" ? Float32Array.from(Kt) : Kt;
  }

  forward(theta: Float64Array, Y: Float64Array, n: number): ConvState {
    checkForwardArgs("Conv2D", this.nParams, this.nIn, theta, Y, n);
    const [Kt, b] = this.views(theta);
    const out = new Float64Array(this.nOut * n);
    const nbMax = this.batchSize(n);
    const P = this.alloc(this.hw * nbMax * this.ckk);
    const O = this.alloc(this.hw * nbMax * this.outC);
    const K = this.kernelIn(Kt);
    for (let j0 = 0; j0 < n; j0 += nbMax) {
      const nb = Math.min(nbMax, n - j0);
      this.mv.im2col(this.geo, Y, j0, nb, P);
      this.gemmPK(this.hw * nb, P, K, 0, O);
      this.mv.scatter(this.geo, O, j0, nb, b, out);
    }
    const D = this.act === "identity" ? null : new Float64Array(this.nOut * n);
    applyActivation(this.act, out, null, this.nOut, n, D);
    return { out, n, theta, Y, D };
  }

  jvp(state: LayerState, dTheta: Float64Array | null, dY: Float64Array | null): Float64Array {
    const s = state as ConvState;
    const n = s.n;
    checkJvpArgs("Conv2D", this.nParams, this.nIn, n, dTheta, dY);
    const out = new Float64Array(this.nOut * n);
    if (dTheta !== null || dY !== null) {
      const nbMax = this.batchSize(n);
      const P = this.alloc(this.hw * nbMax * this.ckk);
      const O = this.alloc(this.hw * nbMax * this.outC);
      const K = this.kernelIn(this.views(s.theta)[0]);
      const dK = dTheta === null ? null : this.kernelIn(this.views(dTheta)[0]);
      const db = dTheta === null ? null : this.views(dTheta)[1];
      for (let j0 = 0; j0 < n; j0 += nbMax) {
        const nb = Math.min(nbMax, n - j0);
        let beta: 0 | 1 = 0;
        if (dK !== null) {
          this.mv.im2col(this.geo, s.Y, j0, nb, P);
          this.gemmPK(this.hw * nb, P, dK, 0, O);
          beta = 1;
        }
        if (dY !== null) {
          this.mv.im2col(this.geo, dY, j0, nb, P);
          this.gemmPK(this.hw * nb, P, K, beta, O);
        }
        this.mv.scatter(this.geo, O, j0, nb, db, out);
      }
    }
    if (s.D !== null) for (let i = 0; i < out.length; i++) out[i] *= s.D[i];
    return out;
  }

  vjp(
    state: LayerState,
    U: Float64Array,
    gTheta: Float64Array | null,
    wantInput: boolean,
  ): Float64Array | null {
    const s = state as ConvState;
    const n = s.n;
    checkVjpArgs("Conv2D", this.nParams, this.nOut, n, U, gTheta);
    const hw = this.hw;
    const nbMax = this.batchSize(n);
    const P = this.alloc(hw * nbMax * this.ckk);
    const Og = this.alloc(hw * nbMax * this.outC);
    const f32 = this.precision === "f32";
    const gK = gTheta === null ? null : this.alloc(this.ckk * this.outC);
    const gb = gTheta === null ? null : new Float64Array(this.outC);
    const K = this.kernelIn(this.views(s.theta)[0]);
    const dY = wantInput ? new Float64Array(this.nIn * n) : null;
    const D = s.D;
    const kern = kernels();
    for (let j0 = 0; j0 < n; j0 += nbMax) {
      const nb = Math.min(nbMax, n - j0);
      const ld = hw * nb;
      this.mv.gather(this.geo, U, D, j0, nb, Og);
      if (gK !== null && gb !== null) {
        this.mv.im2col(this.geo, s.Y, j0, nb, P);
        if (f32)
          kern.sgemm(
            "T",
            "N",
            this.ckk,
            this.outC,
            ld,
            1,
            P as Float32Array,
            ld,
            Og as Float32Array,
            ld,
            1,
            gK as Float32Array,
            this.ckk,
          );
        else
          kern.dgemm(
            "T",
            "N",
            this.ckk,
            this.outC,
            ld,
            1,
            P as Float64Array,
            ld,
            Og as Float64Array,
            ld,
            1,
            gK as Float64Array,
            this.ckk,
          );
        this.mv.channelSums(this.geo, Og, ld, gb);
      }
      if (dY !== null) {
        // dP = Og · Ktᵀ (ld × ckk), then col2im
        if (f32)
          kern.sgemm(
            "N",
            "T",
            ld,
            this.ckk,
            this.outC,
            1,
            Og as Float32Array,
            ld,
            K as Float32Array,
            this.ckk,
            0,
            P as Float32Array,
            ld,
          );
        else
          kern.dgemm(
            "N",
            "T",
            ld,
            this.ckk,
            this.outC,
            1,
            Og as Float64Array,
            ld,
            K as Float64Array,
            this.ckk,
            0,
            P as Float64Array,
            ld,
          );
        this.mv.col2im(this.geo, P, j0, nb, dY);
      }
    }
    if (gTheta !== null && gK !== null && gb !== null) {
      const [gKt, gbv] = this.views(gTheta);
      for (let i = 0; i < gK.length; i++) gKt[i] = gK[i];
      if (gbv !== null) gbv.set(gb);
    }
    return dY;
  }

  toJSON(): LayerSpec {
    return {
      type: "conv2d",
      inC: this.inC,
      H: this.H,
      W: this.W,
      outC: this.outC,
      k: this.k,
      padding: this.padding,
      act: this.act,
      bias: this.bias,
      precision: this.precision,
      maxPatchEntries: this.maxPatchEntries,
    };
  }
}
