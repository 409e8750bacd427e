/**
 * Average pooling (linear, no parameters). Images are channel-major, row-major per channel
 * (index c·H·W + y·W + x) inside each sample's column.
 *
 * AvgPool2D: non-overlapping k×k windows (stride k); H and W must be multiples of k.
 * GlobalAvgPool: the mean of each channel, C×H×W → C.
 * Both are linear: JVP = the pooling of dY; VJP = each window's mean spread back, U/k² (or U/(HW)).
 */
import type { Layer, LayerSpec, LayerState } from "./types.js";
import { checkForwardArgs, checkJvpArgs, checkPositiveInt, checkVjpArgs } from "./util.js";

function checkImage(where: string, shape: readonly number[]): [number, number, number] {
  if (shape.length !== 3)
    throw new Error(`${where}: input shape must be [C, H, W], got ${JSON.stringify(shape)}`);
  return [
    checkPositiveInt(shape[0], `${where}: C`),
    checkPositiveInt(shape[1], `${where}: H`),
    checkPositiveInt(shape[2], `${where}: W`),
  ];
}

/**
 * A parameter-free linear element P: forward and JVP apply P, the VJP applies Pᵀ. Subclasses give
 * P (`apply`) and Pᵀ (`applyT`) on a batch of n samples.
 */
abstract class ParameterFreeLinear implements Layer {
  abstract readonly nIn: number;
  abstract readonly nOut: number;
  readonly nParams = 0;
  abstract readonly inShape: readonly number[];
  abstract readonly outShape: readonly number[];
  protected abstract readonly name: string;
  protected abstract apply(Y: Float64Array, n: number): Float64Array;
  protected abstract applyT(U: Float64Array, n: number): Float64Array;
  abstract toJSON(): LayerSpec;

  init(): void {}

  forward(theta: Float64Array, Y: Float64Array, n: number): LayerState {
    checkForwardArgs(this.name, 0, this.nIn, theta, Y, n);
    return { out: this.apply(Y, n), n };
  }

  jvp(state: LayerState, dTheta: Float64Array | null, dY: Float64Array | null): Float64Array {
    checkJvpArgs(this.name, 0, this.nIn, state.n, dTheta, dY);
    return dY === null ? new Float64Array(this.nOut * state.n) : this.apply(dY, state.n);
  }

  vjp(
    state: LayerState,
    U: Float64Array,
    gTheta: Float64Array | null,
    wantInput: boolean,
  ): Float64Array | null {
    checkVjpArgs(this.name, 0, this.nOut, state.n, U, gTheta);
    return wantInput ? this.applyT(U, state.n) : null;
  }
}

export class AvgPool2D extends ParameterFreeLinear {
  protected readonly name = "AvgPool2D";
  readonly nIn: number;
  readonly nOut: number;
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly C: number;
  readonly H: number;
  readonly W: number;
  readonly k: number;

  constructor(opts: { C: number; H: number; W: number; k: number }) {
    super();
    [this.C, this.H, this.W] = checkImage("AvgPool2D", [opts.C, opts.H, opts.W]);
    this.k = checkPositiveInt(opts.k, "AvgPool2D: k");
    if (this.H % this.k !== 0 || this.W % this.k !== 0)
      throw new Error(
        `AvgPool2D: image ${this.H}×${this.W} is not divisible into ${this.k}×${this.k} windows`,
      );
    this.inShape = [this.C, this.H, this.W];
    this.outShape = [this.C, this.H / this.k, this.W / this.k];
    this.nIn = this.C * this.H * this.W;
    this.nOut = this.nIn / (this.k * this.k);
  }

  protected apply(Y: Float64Array, n: number): Float64Array {
    const { C, H, W, k } = this;
    const Ho = H / k;
    const Wo = W / k;
    const s = 1 / (k * k);
    const out = new Float64Array(this.nOut * n);
    for (let j = 0; j < n; j++)
      for (let c = 0; c < C; c++) {
        const ib = j * this.nIn + c * H * W;
        const ob = j * this.nOut + c * Ho * Wo;
        for (let y = 0; y < H; y++) {
          const orow = ob + Math.floor(y / k) * Wo;
          const irow = ib + y * W;
          for (let x = 0; x < W; x++) out[orow + Math.floor(x / k)] += Y[irow + x];
        }
        for (let i = 0; i < Ho * Wo; i++) out[ob + i] *= s;
      }
    return out;
  }

  protected applyT(U: Float64Array, n: number): Float64Array {
    const { C, H, W, k } = this;
    const Ho = H / k;
    const Wo = W / k;
    const s = 1 / (k * k);
    const dY = new Float64Array(this.nIn * n);
    for (let j = 0; j < n; j++)
      for (let c = 0; c < C; c++) {
        const ib = j * this.nIn + c * H * W;
        const ob = j * this.nOut + c * Ho * Wo;
        for (let y = 0; y < H; y++) {
          const orow = ob + Math.floor(y / k) * Wo;
          const irow = ib + y * W;
          for (let x = 0; x < W; x++) dY[irow + x] = s * U[orow + Math.floor(x / k)];
        }
      }
    return dY;
  }

  toJSON(): LayerSpec {
    return { type: "avgPool2d", C: this.C, H: this.H, W: this.W, k: this.k };
  }
}

export class GlobalAvgPool extends ParameterFreeLinear {
  protected readonly name = "GlobalAvgPool";
  readonly nIn: number;
  readonly nOut: number;
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly C: number;
  readonly H: number;
  readonly W: number;

  constructor(opts: { C: number; H: number; W: number }) {
    super();
    [this.C, this.H, this.W] = checkImage("GlobalAvgPool", [opts.C, opts.H, opts.W]);
    this.inShape = [this.C, this.H, this.W];
    this.outShape = [this.C];
    this.nIn = this.C * this.H * this.W;
    this.nOut = this.C;
  }

  protected apply(Y: Float64Array, n: number): Float64Array {
    const hw = this.H * this.W;
    const out = new Float64Array(this.C * n);
    for (let j = 0; j < n; j++)
      for (let c = 0; c < this.C; c++) {
        const b = j * this.nIn + c * hw;
        let s = 0;
        for (let i = 0; i < hw; i++) s += Y[b + i];
        out[j * this.C + c] = s / hw;
      }
    return out;
  }

  protected applyT(U: Float64Array, n: number): Float64Array {
    const hw = this.H * this.W;
    const dY = new Float64Array(this.nIn * n);
    for (let j = 0; j < n; j++)
      for (let c = 0; c < this.C; c++) {
        const v = U[j * this.C + c] / hw;
        dY.fill(v, j * this.nIn + c * hw, j * this.nIn + (c + 1) * hw);
      }
    return dY;
  }

  toJSON(): LayerSpec {
    return { type: "globalAvgPool", C: this.C, H: this.H, W: this.W };
  }
}
