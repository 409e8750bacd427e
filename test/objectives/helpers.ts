/**
 * Test helpers for the objectives: a small two-layer tanh network implementing the Layer contract
 * (independent of src/layers, so these tests check the objectives alone), Taylor-test slopes and
 * random data.
 */
import { kernels } from "../../src/kernels/index.js";
import type { Layer, LayerSpec, LayerState } from "../../src/layers/types.js";
import { Rng } from "../../src/util/rng.js";

interface MlpState extends LayerState {
  theta: Float64Array;
  Y: Float64Array;
  H1: Float64Array; // tanh(K1 Y + b1), h × n
}

/** Z = tanh(K2 tanh(K1 Y + b1) + b2): θ = [K1 (h×d); b1 (h); K2 (m×h); b2 (m)]. */
export class TanhMlp implements Layer {
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly nParams: number;
  constructor(
    readonly nIn: number,
    readonly hidden: number,
    readonly nOut: number,
  ) {
    this.inShape = [nIn];
    this.outShape = [nOut];
    this.nParams = hidden * nIn + hidden + nOut * hidden + nOut;
  }
  private views(theta: Float64Array) {
    const { nIn: d, hidden: h, nOut: m } = this;
    let o = 0;
    const K1 = theta.subarray(o, (o += h * d));
    const b1 = theta.subarray(o, (o += h));
    const K2 = theta.subarray(o, (o += m * h));
    const b2 = theta.subarray(o, (o += m));
    return { K1, b1, K2, b2 };
  }
  init(theta: Float64Array, rng: Rng): void {
    rng.fillNormal(theta, 0.7);
  }
  forward(theta: Float64Array, Y: Float64Array, n: number): MlpState {
    const { nIn: d, hidden: h, nOut: m } = this;
    const { K1, b1, K2, b2 } = this.views(theta);
    const K = kernels();
    const H1 = new Float64Array(h * n);
    K.dgemm("N", "N", h, n, d, 1, K1, h, Y, d, 0, H1, h);
    for (let i = 0; i < n; i++) for (let a = 0; a < h; a++) H1[a + i * h] = Math.tanh(H1[a + i * h] + b1[a]);
    const out = new Float64Array(m * n);
    K.dgemm("N", "N", m, n, h, 1, K2, m, H1, h, 0, out, m);
    for (let i = 0; i < n; i++)
      for (let a = 0; a < m; a++) out[a + i * m] = Math.tanh(out[a + i * m] + b2[a]);
    return { out, n, theta, Y, H1 };
  }
  jvp(state: LayerState, dTheta: Float64Array | null, dY: Float64Array | null): Float64Array {
    const st = state as MlpState;
    const { nIn: d, hidden: h, nOut: m } = this;
    const n = st.n;
    const K = kernels();
    const { K1, K2 } = this.views(st.theta);
    const dA1 = new Float64Array(h * n);
    if (dTheta !== null) {
      const v = this.views(dTheta);
      K.dgemm("N", "N", h, n, d, 1, v.K1, h, st.Y, d, 0, dA1, h);
      for (let i = 0; i < n; i++) for (let a = 0; a < h; a++) dA1[a + i * h] += v.b1[a];
    }
    if (dY !== null) K.dgemm("N", "N", h, n, d, 1, K1, h, dY, d, 1, dA1, h);
    for (let k = 0; k < h * n; k++) dA1[k] *= 1 - st.H1[k] * st.H1[k];
    const dA2 = new Float64Array(m * n);
    K.dgemm("N", "N", m, n, h, 1, K2, m, dA1, h, 0, dA2, m);
    if (dTheta !== null) {
      const v = this.views(dTheta);
      K.dgemm("N", "N", m, n, h, 1, v.K2, m, st.H1, h, 1, dA2, m);
      for (let i = 0; i < n; i++) for (let a = 0; a < m; a++) dA2[a + i * m] += v.b2[a];
    }
    for (let k = 0; k < m * n; k++) dA2[k] *= 1 - st.out[k] * st.out[k];
    return dA2;
  }
  vjp(
    state: LayerState,
    U: Float64Array,
    gTheta: Float64Array | null,
    wantInput: boolean,
  ): Float64Array | null {
    const st = state as MlpState;
    const { nIn: d, hidden: h, nOut: m } = this;
    const n = st.n;
    const K = kernels();
    const { K1, K2 } = this.views(st.theta);
    const A2 = new Float64Array(m * n);
    for (let k = 0; k < m * n; k++) A2[k] = U[k] * (1 - st.out[k] * st.out[k]);
    const A1 = new Float64Array(h * n);
    K.dgemm("T", "N", h, n, m, 1, K2, m, A2, m, 0, A1, h);
    for (let k = 0; k < h * n; k++) A1[k] *= 1 - st.H1[k] * st.H1[k];
    if (gTheta !== null) {
      const g = this.views(gTheta);
      K.dgemm("N", "T", h, d, n, 1, A1, h, st.Y, d, 0, g.K1, h);
      g.b1.fill(0);
      for (let i = 0; i < n; i++) for (let a = 0; a < h; a++) g.b1[a] += A1[a + i * h];
      K.dgemm("N", "T", m, h, n, 1, A2, m, st.H1, h, 0, g.K2, m);
      g.b2.fill(0);
      for (let i = 0; i < n; i++) for (let a = 0; a < m; a++) g.b2[a] += A2[a + i * m];
    }
    if (!wantInput) return null;
    const dY = new Float64Array(d * n);
    K.dgemm("T", "N", d, n, h, 1, K1, h, A1, h, 0, dY, d);
    return dY;
  }
  toJSON(): LayerSpec {
    return { type: "test-tanh-mlp", nIn: this.nIn, hidden: this.hidden, nOut: this.nOut };
  }
}

export function randn(rng: Rng, len: number, std = 1): Float64Array {
  return rng.fillNormal(new Float64Array(len), std);
}

/** One-hot targets (q × n) with random classes (every class used when n ≥ q). */
export function oneHot(rng: Rng, q: number, n: number): Float64Array {
  const C = new Float64Array(q * n);
  for (let i = 0; i < n; i++) C[(i < q ? i : rng.int(q)) + i * q] = 1;
  return C;
}

export function norm(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

export function dotp(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

export function axpyNew(x: Float64Array, h: number, v: Float64Array): Float64Array {
  const y = x.slice();
  for (let i = 0; i < y.length; i++) y[i] += h * v[i];
  return y;
}

/**
 * Taylor test of f: R^p → R^k (k = 1 for a scalar) with derivative action d = J v:
 * E0(h) = ‖f(x + h v) − f(x)‖, E1(h) = ‖f(x + h v) − f(x) − h d‖ for h = h0·2^{−j}.
 * Returns the observed orders log2(E(h)/E(h/2)).
 */
export function taylorOrders(
  f: (x: Float64Array) => Float64Array,
  x: Float64Array,
  v: Float64Array,
  d: Float64Array,
  h0 = 0.25,
  steps = 8,
): { order0: number[]; order1: number[]; E0: number[]; E1: number[] } {
  const f0 = f(x);
  const E0: number[] = [];
  const E1: number[] = [];
  for (let j = 0; j < steps; j++) {
    const h = h0 * 2 ** -j;
    const fh = f(axpyNew(x, h, v));
    let e0 = 0;
    let e1 = 0;
    for (let k = 0; k < f0.length; k++) {
      const a = fh[k] - f0[k];
      const b = a - h * d[k];
      e0 += a * a;
      e1 += b * b;
    }
    E0.push(Math.sqrt(e0));
    E1.push(Math.sqrt(e1));
  }
  const ord = (E: number[]) => E.slice(1).map((e, j) => Math.log2(E[j] / e));
  return { order0: ord(E0), order1: ord(E1), E0, E1 };
}

/** The number of observed orders within ±0.2 of `p`. */
export function countOrder(orders: number[], p: number): number {
  return orders.filter((o) => Math.abs(o - p) < 0.2).length;
}

/** v + (‖v‖/‖g‖) g: a direction with a clear first-order change of a scalar objective. */
export function withGradient(v: Float64Array, g: Float64Array): Float64Array {
  const s = Math.sqrt(dotp(v, v) / Math.max(dotp(g, g), 1e-300));
  return v.map((a, k) => a + s * g[k]);
}

/** Taylor options for scalar objectives along withGradient directions. */
export const SCALAR_TAYLOR = { h0: 0.01, steps: 10 };

export { Rng };
