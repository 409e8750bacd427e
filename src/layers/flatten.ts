/** Flatten: reshapes a per-sample shape (e.g. [C, H, W]) to [C·H·W]; the data are unchanged
 *  (samples are columns, so this is the identity on the matrix). */
import type { Layer, LayerSpec, LayerState } from "./types.js";
import { checkForwardArgs, checkJvpArgs, checkPositiveInt, checkVjpArgs, prod } from "./util.js";

export class Flatten implements Layer {
  readonly nIn: number;
  readonly nOut: number;
  readonly nParams = 0;
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];

  constructor(shape: readonly number[]) {
    if (!Array.isArray(shape) || shape.length === 0)
      throw new Error(`Flatten: shape must be a non-empty array, got ${JSON.stringify(shape)}`);
    shape.forEach((s, i) => checkPositiveInt(s, `Flatten: shape[${i}]`));
    this.inShape = [...shape];
    this.nIn = this.nOut = prod(shape);
    this.outShape = [this.nOut];
  }

  init(): void {}

  forward(theta: Float64Array, Y: Float64Array, n: number): LayerState {
    checkForwardArgs("Flatten", 0, this.nIn, theta, Y, n);
    return { out: Float64Array.from(Y), n };
  }

  jvp(state: LayerState, dTheta: Float64Array | null, dY: Float64Array | null): Float64Array {
    checkJvpArgs("Flatten", 0, this.nIn, state.n, dTheta, dY);
    return dY === null ? new Float64Array(this.nOut * state.n) : Float64Array.from(dY);
  }

  vjp(
    state: LayerState,
    U: Float64Array,
    gTheta: Float64Array | null,
    wantInput: boolean,
  ): Float64Array | null {
    checkVjpArgs("Flatten", 0, this.nOut, state.n, U, gTheta);
    return wantInput ? Float64Array.from(U) : null;
  }

  toJSON(): LayerSpec {
    return { type: "flatten", shape: [...this.inShape] };
  }
}
