/**
 * Test objectives with known minima, implementing the optimizer contracts of
 * src/objectives/types.ts without any network: linear least squares, Rosenbrock in residual form,
 * L2-regularised logistic regression, and a consistent least-squares problem in minibatch form.
 * Work units are charged exactly as the contract says (value 1 unless cached, gradient 1 at the
 * cached point, H·v 2, a minibatch of b of n samples 2b/n).
 */
import {
  COST,
  WorkCounter,
  type Evaluation,
  type GNObjective,
  type StochasticObjective,
} from "../../src/objectives/types.js";
import { Rng } from "../../src/util/rng.js";

function same(a: Float64Array | null, b: Float64Array): boolean {
  if (a === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** A residual-form objective f = ½‖r(x)‖², H_GN = JᵀJ, from r(x) and J(x) (dense, m × dim, column-major). */
export abstract class ResidualObjective implements GNObjective {
  readonly work = new WorkCounter();
  abstract readonly dim: number;
  abstract readonly m: number;
  private cx: Float64Array | null = null;
  private cr: Float64Array | null = null;
  private lin: Float64Array | null = null;
  private J: Float64Array | null = null;
  counts = { evaluate: 0, gradient: 0, hessVec: 0 };
  protected abstract residual(x: Float64Array): Float64Array;
  protected abstract jacobian(x: Float64Array): Float64Array;

  evaluate(x: Float64Array): Evaluation {
    if (x.length !== this.dim) throw new Error("evaluate: bad length");
    if (!same(this.cx, x)) {
      this.work.add(COST.value);
      this.counts.evaluate++;
      this.cx = Float64Array.from(x);
      this.cr = this.residual(this.cx);
    }
    let s = 0;
    for (const v of this.cr!) s += v * v;
    return { value: 0.5 * s, residual: Float64Array.from(this.cr!) };
  }
  gradient(x: Float64Array): Float64Array {
    this.evaluate(x);
    this.work.add(COST.gradient);
    this.counts.gradient++;
    this.lin = Float64Array.from(x);
    this.J = this.jacobian(this.lin);
    const g = new Float64Array(this.dim);
    const r = this.cr!;
    for (let j = 0; j < this.dim; j++) {
      let s = 0;
      for (let i = 0; i < this.m; i++) s += this.J[i + j * this.m] * r[i];
      g[j] = s;
    }
    return g;
  }
  hessVec(v: Float64Array): Float64Array {
    if (this.J === null) throw new Error("hessVec before gradient");
    this.work.add(COST.hessVec);
    this.counts.hessVec++;
    const J = this.J;
    const Jv = new Float64Array(this.m);
    for (let j = 0; j < this.dim; j++) for (let i = 0; i < this.m; i++) Jv[i] += J[i + j * this.m] * v[j];
    const out = new Float64Array(this.dim);
    for (let j = 0; j < this.dim; j++) {
      let s = 0;
      for (let i = 0; i < this.m; i++) s += J[i + j * this.m] * Jv[i];
      out[j] = s;
    }
    return out;
  }
}

/** r(x) = A x − b with A m × d of full column rank. */
export class LinearLeastSquares extends ResidualObjective {
  readonly dim: number;
  readonly m: number;
  readonly A: Float64Array;
  readonly b: Float64Array;
  constructor(m: number, d: number, seed: number, consistent = false) {
    super();
    this.m = m;
    this.dim = d;
    const rng = new Rng(seed);
    this.A = rng.fillNormal(new Float64Array(m * d));
    this.b = rng.fillNormal(new Float64Array(m));
    if (consistent) {
      const xs = rng.fillNormal(new Float64Array(d));
      this.b.fill(0);
      for (let j = 0; j < d; j++) for (let i = 0; i < m; i++) this.b[i] += this.A[i + j * m] * xs[j];
    }
  }
  protected residual(x: Float64Array): Float64Array {
    const r = Float64Array.from(this.b, (v) => -v);
    for (let j = 0; j < this.dim; j++) for (let i = 0; i < this.m; i++) r[i] += this.A[i + j * this.m] * x[j];
    return r;
  }
  protected jacobian(): Float64Array {
    return this.A;
  }
  /** least-squares solution by the normal equations (Gaussian elimination, test use only) */
  solution(): Float64Array {
    const d = this.dim;
    const M = new Float64Array(d * d);
    const rhs = new Float64Array(d);
    for (let a = 0; a < d; a++) {
      for (let c = 0; c < d; c++) {
        let s = 0;
        for (let i = 0; i < this.m; i++) s += this.A[i + a * this.m] * this.A[i + c * this.m];
        M[a * d + c] = s;
      }
      let s = 0;
      for (let i = 0; i < this.m; i++) s += this.A[i + a * this.m] * this.b[i];
      rhs[a] = s;
    }
    return gaussSolve(M, rhs, d);
  }
}

export function gaussSolve(M: Float64Array, rhs: Float64Array, d: number): Float64Array {
  const A = Float64Array.from(M);
  const b = Float64Array.from(rhs);
  for (let k = 0; k < d; k++) {
    let p = k;
    for (let i = k + 1; i < d; i++) if (Math.abs(A[i * d + k]) > Math.abs(A[p * d + k])) p = i;
    for (let j = 0; j < d; j++) [A[k * d + j], A[p * d + j]] = [A[p * d + j], A[k * d + j]];
    [b[k], b[p]] = [b[p], b[k]];
    for (let i = k + 1; i < d; i++) {
      const f = A[i * d + k] / A[k * d + k];
      for (let j = k; j < d; j++) A[i * d + j] -= f * A[k * d + j];
      b[i] -= f * b[k];
    }
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = b[i];
    for (let j = i + 1; j < d; j++) s -= A[i * d + j] * x[j];
    x[i] = s / A[i * d + i];
  }
  return x;
}

/** Extended Rosenbrock in residual form: r_{2i} = 10(x_{2i+1} − x_{2i}²), r_{2i+1} = 1 − x_{2i}; minimum at 1. */
export class Rosenbrock extends ResidualObjective {
  readonly dim: number;
  readonly m: number;
  constructor(d = 2) {
    super();
    if (d % 2 !== 0) throw new Error("Rosenbrock: even dimension");
    this.dim = d;
    this.m = d;
  }
  protected residual(x: Float64Array): Float64Array {
    const r = new Float64Array(this.m);
    for (let i = 0; i < this.dim; i += 2) {
      r[i] = 10 * (x[i + 1] - x[i] * x[i]);
      r[i + 1] = 1 - x[i];
    }
    return r;
  }
  protected jacobian(x: Float64Array): Float64Array {
    const J = new Float64Array(this.m * this.dim);
    for (let i = 0; i < this.dim; i += 2) {
      J[i + i * this.m] = -20 * x[i];
      J[i + (i + 1) * this.m] = 10;
      J[i + 1 + i * this.m] = -1;
    }
    return J;
  }
}

/** Binary logistic regression with bias and L2: f(x) = (1/n) Σ [log(1 + e^{s_i}) − c_i s_i] + (α/2)‖x‖², s = X̂ᵀx. */
export class Logistic implements GNObjective, StochasticObjective {
  readonly work: WorkCounter;
  readonly dim: number;
  readonly nSamples: number;
  readonly X: Float64Array; // (d+1) × n, last row ones
  readonly c: Float64Array;
  /** work units per pass (b/n for a block of a larger set) */
  readonly scale: number;
  private cx: Float64Array | null = null;
  private cs: Float64Array | null = null;
  private lin: Float64Array | null = null;
  private w: Float64Array | null = null;
  constructor(
    n: number,
    d: number,
    seed: number,
    readonly alpha = 1e-2,
    /** build a block: the samples `idx` of `parent`, charging `scale` per pass into `work` */
    view?: { parent: Logistic; idx: Int32Array; work: WorkCounter; scale: number },
  ) {
    this.dim = d + 1;
    if (view) {
      const { parent, idx } = view;
      this.nSamples = idx.length;
      this.X = new Float64Array(this.dim * idx.length);
      this.c = new Float64Array(idx.length);
      idx.forEach((i, k) => {
        this.X.set(parent.X.subarray(i * this.dim, (i + 1) * this.dim), k * this.dim);
        this.c[k] = parent.c[i];
      });
      this.work = view.work;
      this.scale = view.scale;
      return;
    }
    this.work = new WorkCounter();
    this.scale = 1;
    const rng = new Rng(seed);
    this.nSamples = n;
    this.X = new Float64Array(this.dim * n);
    this.c = new Float64Array(n);
    const wTrue = rng.fillNormal(new Float64Array(this.dim));
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const v = rng.normal();
        this.X[j + i * this.dim] = v;
        s += v * wTrue[j];
      }
      this.X[d + i * this.dim] = 1;
      s += wTrue[d];
      this.c[i] = rng.uniform() < 1 / (1 + Math.exp(-2 * s)) ? 1 : 0;
    }
  }
  private scores(x: Float64Array, idx: ArrayLike<number>): Float64Array {
    const s = new Float64Array(idx.length);
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k];
      let v = 0;
      for (let j = 0; j < this.dim; j++) v += this.X[j + i * this.dim] * x[j];
      s[k] = v;
    }
    return s;
  }
  private all(): Int32Array {
    return Int32Array.from({ length: this.nSamples }, (_, i) => i);
  }
  private lossOf(x: Float64Array, s: Float64Array, idx: ArrayLike<number>): number {
    let f = 0;
    for (let k = 0; k < idx.length; k++) {
      const v = s[k];
      f += (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v))) - this.c[idx[k]] * v;
    }
    let r = 0;
    for (const v of x) r += v * v;
    return f / idx.length + 0.5 * this.alpha * r;
  }
  private gradOf(x: Float64Array, s: Float64Array, idx: ArrayLike<number>): Float64Array {
    const g = new Float64Array(this.dim);
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k];
      const p = 1 / (1 + Math.exp(-s[k]));
      const e = (p - this.c[i]) / idx.length;
      for (let j = 0; j < this.dim; j++) g[j] += e * this.X[j + i * this.dim];
    }
    for (let j = 0; j < this.dim; j++) g[j] += this.alpha * x[j];
    return g;
  }
  evaluate(x: Float64Array): Evaluation {
    if (!same(this.cx, x)) {
      this.work.add(COST.value * this.scale);
      this.cx = Float64Array.from(x);
      this.cs = this.scores(this.cx, this.all());
    }
    return { value: this.lossOf(this.cx!, this.cs!, this.all()) };
  }
  gradient(x: Float64Array): Float64Array {
    this.evaluate(x);
    this.work.add(COST.gradient * this.scale);
    this.lin = Float64Array.from(x);
    this.w = Float64Array.from(this.cs!, (s) => {
      const p = 1 / (1 + Math.exp(-s));
      return p * (1 - p);
    });
    return this.gradOf(this.cx!, this.cs!, this.all());
  }
  hessVec(v: Float64Array): Float64Array {
    if (this.w === null) throw new Error("hessVec before gradient");
    this.work.add(COST.hessVec * this.scale);
    const n = this.nSamples;
    const out = new Float64Array(this.dim);
    for (let i = 0; i < n; i++) {
      let jv = 0;
      for (let j = 0; j < this.dim; j++) jv += this.X[j + i * this.dim] * v[j];
      const e = (this.w[i] * jv) / n;
      for (let j = 0; j < this.dim; j++) out[j] += e * this.X[j + i * this.dim];
    }
    for (let j = 0; j < this.dim; j++) out[j] += this.alpha * v[j];
    return out;
  }
  batchValueGradient(x: Float64Array, idx: Int32Array): { value: number; gradient: Float64Array } {
    this.work.add((2 * idx.length) / this.nSamples);
    const s = this.scores(x, idx);
    return { value: this.lossOf(x, s, idx), gradient: this.gradOf(x, s, idx) };
  }
  /** full gradient norm without charging work (test use) */
  trueGradNorm(x: Float64Array): number {
    const g = this.gradOf(x, this.scores(x, this.all()), this.all());
    return Math.hypot(...g);
  }
}

/** Consistent least squares in minibatch form: f = (1/2n) Σ (a_iᵀx − b_i)², minimum 0 at x*. */
export class StochasticQuadratic implements StochasticObjective {
  readonly work = new WorkCounter();
  readonly A: Float64Array; // d × n, columns a_i
  readonly b: Float64Array;
  readonly xStar: Float64Array;
  constructor(
    readonly nSamples: number,
    readonly dim: number,
    seed: number,
  ) {
    const rng = new Rng(seed);
    this.A = rng.fillNormal(new Float64Array(dim * nSamples));
    this.xStar = rng.fillNormal(new Float64Array(dim));
    this.b = new Float64Array(nSamples);
    for (let i = 0; i < nSamples; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += this.A[j + i * dim] * this.xStar[j];
      this.b[i] = s;
    }
  }
  batchValueGradient(x: Float64Array, idx: Int32Array): { value: number; gradient: Float64Array } {
    this.work.add((2 * idx.length) / this.nSamples);
    const g = new Float64Array(this.dim);
    let f = 0;
    for (const i of idx) {
      let r = -this.b[i];
      for (let j = 0; j < this.dim; j++) r += this.A[j + i * this.dim] * x[j];
      f += 0.5 * r * r;
      for (let j = 0; j < this.dim; j++) g[j] += (r * this.A[j + i * this.dim]) / idx.length;
    }
    return { value: f / idx.length, gradient: g };
  }
}

/** Wraps a GN objective; from the k-th gradient call on, gradients (and values) are NaN. */
export class NaNAfter implements GNObjective {
  gradCalls = 0;
  constructor(
    readonly inner: GNObjective,
    readonly k: number,
  ) {}
  get dim(): number {
    return this.inner.dim;
  }
  get work(): WorkCounter {
    return this.inner.work;
  }
  evaluate(x: Float64Array): Evaluation {
    return this.inner.evaluate(x);
  }
  gradient(x: Float64Array): Float64Array {
    const g = this.inner.gradient(x);
    this.gradCalls++;
    return this.gradCalls >= this.k ? g.map(() => NaN) : g;
  }
  hessVec(v: Float64Array): Float64Array {
    return this.inner.hessVec(v);
  }
}
