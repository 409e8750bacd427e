/**
 * Sequential composition F = f_L ∘ … ∘ f_1 with ONE contiguous parameter vector
 * θ = [θ_1; θ_2; …; θ_L]; each child gets the view θ.subarray(offset_i, offset_i + nParams_i).
 *
 *   JVP  dZ_i = J_θ,i dθ_i + J_Y,i dZ_{i−1}        (forward through the children)
 *   VJP  λ_{i−1} = J_Y,iᵀ λ_i,  g_i = J_θ,iᵀ λ_i     (backward; g_i written into gTheta's view)
 *
 * regOperator: block diagonal over the children, each child's own L where it has one, the
 * identity on its θ otherwise (GNVPRO.md §1: identity on the opening layer, time differences on
 * the ResNet weights).
 */
import type { Rng } from "../util/rng.js";
import type { Layer, LayerSpec, LayerState, LinearOperator } from "./types.js";

interface SeqState extends LayerState {
  states: LayerState[];
}

export class Sequential implements Layer {
  readonly nIn: number;
  readonly nOut: number;
  readonly nParams: number;
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly layers: readonly Layer[];
  /** offsets[i] = start of child i's parameters in θ; offsets[L] = nParams. */
  readonly offsets: readonly number[];

  constructor(layers: readonly Layer[]) {
    if (layers.length === 0) throw new Error("Sequential: needs at least one layer");
    for (let i = 1; i < layers.length; i++)
      if (layers[i].nIn !== layers[i - 1].nOut)
        throw new Error(
          `Sequential: layer ${i} (${layers[i].toJSON().type}) takes ${layers[i].nIn} inputs but layer ${i - 1} (${layers[i - 1].toJSON().type}) gives ${layers[i - 1].nOut}`,
        );
    this.layers = [...layers];
    const off = [0];
    for (const l of layers) off.push(off[off.length - 1] + l.nParams);
    this.offsets = off;
    this.nParams = off[off.length - 1];
    this.nIn = layers[0].nIn;
    this.nOut = layers[layers.length - 1].nOut;
    this.inShape = layers[0].inShape;
    this.outShape = layers[layers.length - 1].outShape;
  }

  /** Child i's view of θ (no copy). */
  view(theta: Float64Array, i: number): Float64Array {
    return theta.subarray(this.offsets[i], this.offsets[i + 1]);
  }

  init(theta: Float64Array, rng: Rng): void {
    if (theta.length !== this.nParams)
      throw new Error(`Sequential.init: theta has length ${theta.length}, expected ${this.nParams}`);
    this.layers.forEach((l, i) => l.init(this.view(theta, i), rng));
  }

  forward(theta: Float64Array, Y: Float64Array, n: number): SeqState {
    if (theta.length !== this.nParams)
      throw new Error(
        `Sequential.forward: theta has length ${theta.length}, expected nParams = ${this.nParams}`,
      );
    if (Y.length !== this.nIn * n)
      throw new Error(`Sequential.forward: Y has length ${Y.length}, expected nIn×n = ${this.nIn}×${n}`);
    const states: LayerState[] = [];
    let cur = Y;
    for (let i = 0; i < this.layers.length; i++) {
      const st = this.layers[i].forward(this.view(theta, i), cur, n);
      states.push(st);
      cur = st.out;
    }
    return { out: cur, n, states };
  }

  jvp(state: LayerState, dTheta: Float64Array | null, dY: Float64Array | null): Float64Array {
    const s = state as SeqState;
    if (dTheta !== null && dTheta.length !== this.nParams)
      throw new Error(
        `Sequential.jvp: dTheta has length ${dTheta.length}, expected nParams = ${this.nParams}`,
      );
    let cur: Float64Array | null = dY;
    for (let i = 0; i < this.layers.length; i++) {
      const l = this.layers[i];
      const dth = dTheta === null || l.nParams === 0 ? null : this.view(dTheta, i);
      if (dth === null && cur === null) continue; // zero so far
      cur = l.jvp(s.states[i], dth, cur);
    }
    return cur ?? new Float64Array(this.nOut * s.n);
  }

  vjp(
    state: LayerState,
    U: Float64Array,
    gTheta: Float64Array | null,
    wantInput: boolean,
  ): Float64Array | null {
    const s = state as SeqState;
    if (gTheta !== null && gTheta.length !== this.nParams)
      throw new Error(
        `Sequential.vjp: gTheta has length ${gTheta.length}, expected nParams = ${this.nParams}`,
      );
    if (U.length !== this.nOut * s.n)
      throw new Error(`Sequential.vjp: U has length ${U.length}, expected nOut×n = ${this.nOut * s.n}`);
    let lam: Float64Array = U;
    // the first layer that matters for gTheta: below it only the input adjoint is needed
    let firstParam = this.layers.length;
    if (gTheta !== null)
      for (let i = 0; i < this.layers.length; i++)
        if (this.layers[i].nParams > 0) {
          firstParam = i;
          break;
        }
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const l = this.layers[i];
      const g = gTheta === null || l.nParams === 0 ? null : this.view(gTheta, i);
      const needInput = i > 0 ? wantInput || i > firstParam : wantInput;
      const r = l.vjp(s.states[i], lam, g, needInput);
      if (!needInput) return null;
      if (r === null) throw new Error(`Sequential.vjp: layer ${i} returned no input adjoint`);
      lam = r;
    }
    return lam;
  }

  regOperator(): LinearOperator {
    const blocks = this.layers.map((l) => (l.regOperator ? l.regOperator() : null));
    const rowOff = [0];
    blocks.forEach((b, i) => rowOff.push(rowOff[i] + (b === null ? this.layers[i].nParams : b.rows)));
    const offsets = this.offsets;
    return {
      rows: rowOff[rowOff.length - 1],
      cols: this.nParams,
      apply(x: Float64Array, out: Float64Array): void {
        blocks.forEach((b, i) => {
          const xi = x.subarray(offsets[i], offsets[i + 1]);
          const oi = out.subarray(rowOff[i], rowOff[i + 1]);
          if (b === null) oi.set(xi);
          else b.apply(xi, oi);
        });
      },
      applyT(y: Float64Array, out: Float64Array): void {
        blocks.forEach((b, i) => {
          const yi = y.subarray(rowOff[i], rowOff[i + 1]);
          const oi = out.subarray(offsets[i], offsets[i + 1]);
          if (b === null) oi.set(yi);
          else b.applyT(yi, oi);
        });
      },
    };
  }

  toJSON(): LayerSpec {
    return { type: "sequential", layers: this.layers.map((l) => l.toJSON()) };
  }
}
