/**
 * Sequential composition F = f_L ∘ … ∘ f_1 with ONE contiguous parameter vector
 * θ = [θ_1; θ_2; …; θ_L]; each child gets the view θ.subarray(offset_i, offset_i + nParams_i).
 *
 *   JVP  dZ_i = J_θ,i dθ_i + J_Y,i dZ_{i−1}        (forward through the children)
 *   VJP  λ_{i−1} = J_Y,iᵀ λ_i,  g_i = J_θ,iᵀ λ_i     (backward; g_i written into gTheta's view)
 *
 * Buffers: the intermediate tangents/adjoints between the children live in two work buffers of the
 * Sequential (alternating, so a child never writes its own input) and are handed to children that
 * implement jvpInto/vjpInto; only the result returned to the caller is freshly allocated (types.ts).
 *
 * regOperator: block diagonal over the children, each child's own L where it has one, the
 * identity on its θ otherwise (GNVPRO.md §1: identity on the opening layer, time differences on
 * the ResNet weights).
 */
import type { Rng } from "../util/rng.js";
import type { Layer, LayerSpec, LayerState, LinearOperator } from "./types.js";
import { Scratch } from "./util.js";

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
  /** Two work buffers for the values between the children (types.ts, buffer contract). */
  private readonly scratch = new Scratch();

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
    return this.runJvp(state, dTheta, dY, null);
  }

  /** The JVP written into `out` (nOut × n, must not alias dY). */
  jvpInto(state: LayerState, dTheta: Float64Array | null, dY: Float64Array | null, out: Float64Array): void {
    if (out.length !== this.nOut * state.n)
      throw new Error(
        `Sequential.jvpInto: out has length ${out.length}, expected nOut×n = ${this.nOut * state.n}`,
      );
    const r = this.runJvp(state, dTheta, dY, out);
    if (r !== out) out.set(r);
  }

  /** Forward through the children; the last one writes `out` (fresh when null). */
  private runJvp(
    state: LayerState,
    dTheta: Float64Array | null,
    dY: Float64Array | null,
    out: Float64Array | null,
  ): Float64Array {
    const s = state as SeqState;
    const n = s.n;
    if (dTheta !== null && dTheta.length !== this.nParams)
      throw new Error(
        `Sequential.jvp: dTheta has length ${dTheta.length}, expected nParams = ${this.nParams}`,
      );
    const nL = this.layers.length;
    let cur: Float64Array | null = dY;
    let curSlot = -1; // the work buffer holding cur, −1 for none
    for (let i = 0; i < nL; i++) {
      const l = this.layers[i];
      const dth = dTheta === null || l.nParams === 0 ? null : this.view(dTheta, i);
      if (dth === null && cur === null) continue; // zero so far
      const last = i === nL - 1;
      if (l.jvpInto !== undefined) {
        let dst: Float64Array;
        if (last) dst = out ?? new Float64Array(l.nOut * n);
        else {
          curSlot = curSlot === 0 ? 1 : 0;
          dst = this.scratch.get(curSlot, l.nOut * n);
        }
        l.jvpInto(s.states[i], dth, cur, dst);
        cur = dst;
      } else {
        cur = l.jvp(s.states[i], dth, cur);
        curSlot = -1;
      }
    }
    if (cur === null) return out === null ? new Float64Array(this.nOut * n) : out.fill(0);
    // a child without jvpInto may hand back its input: never return a work buffer or the caller's dY
    if (out === null && (cur === dY || this.scratch.owns(cur))) return cur.slice();
    return cur;
  }

  vjp(
    state: LayerState,
    U: Float64Array,
    gTheta: Float64Array | null,
    wantInput: boolean,
  ): Float64Array | null {
    return this.runVjp(state, U, gTheta, wantInput, null);
  }

  /** The VJP with J_YᵀU written into `out` (nIn × n, must not alias U) when out is not null. */
  vjpInto(state: LayerState, U: Float64Array, gTheta: Float64Array | null, out: Float64Array | null): void {
    if (out !== null && out.length !== this.nIn * state.n)
      throw new Error(
        `Sequential.vjpInto: out has length ${out.length}, expected nIn×n = ${this.nIn * state.n}`,
      );
    const r = this.runVjp(state, U, gTheta, out !== null, out);
    if (out !== null && r !== null && r !== out) out.set(r);
  }

  private runVjp(
    state: LayerState,
    U: Float64Array,
    gTheta: Float64Array | null,
    wantInput: boolean,
    out: Float64Array | null,
  ): Float64Array | null {
    const s = state as SeqState;
    const n = s.n;
    if (gTheta !== null && gTheta.length !== this.nParams)
      throw new Error(
        `Sequential.vjp: gTheta has length ${gTheta.length}, expected nParams = ${this.nParams}`,
      );
    if (U.length !== this.nOut * n)
      throw new Error(`Sequential.vjp: U has length ${U.length}, expected nOut×n = ${this.nOut * n}`);
    let lam: Float64Array = U;
    // the first layer that matters for gTheta: below it only the input adjoint is needed
    let firstParam = this.layers.length;
    if (gTheta !== null)
      for (let i = 0; i < this.layers.length; i++)
        if (this.layers[i].nParams > 0) {
          firstParam = i;
          break;
        }
    let lamSlot = -1; // the work buffer holding lam, −1 for none
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const l = this.layers[i];
      const g = gTheta === null || l.nParams === 0 ? null : this.view(gTheta, i);
      const needInput = i > 0 ? wantInput || i > firstParam : wantInput;
      if (l.vjpInto !== undefined) {
        let dst: Float64Array | null = null;
        if (needInput) {
          if (i === 0) dst = out ?? new Float64Array(l.nIn * n);
          else {
            lamSlot = lamSlot === 0 ? 1 : 0;
            dst = this.scratch.get(lamSlot, l.nIn * n);
          }
        }
        l.vjpInto(s.states[i], lam, g, dst);
        if (dst === null) return null;
        lam = dst;
      } else {
        const r = l.vjp(s.states[i], lam, g, needInput);
        if (!needInput) return null;
        if (r === null) throw new Error(`Sequential.vjp: layer ${i} returned no input adjoint`);
        lam = r;
        lamSlot = -1;
      }
    }
    // a child without vjpInto may hand back its input: never return a work buffer or the caller's U
    if (out === null && (lam === U || this.scratch.owns(lam))) return lam.slice();
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
