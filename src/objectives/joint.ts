/**
 * The joint objective Φ(θ, W) of GNVPRO.md §1 for the baselines (GN without VarPro, ADAM, SGD):
 *
 *     Φ(θ, W) = (1/n) Σ_i ℓ(W ẑ_i(θ), c_i) + (α_W/2)‖W‖²_F + (α_θ/2)‖Lθ‖²,     x = [θ; vec W]
 *
 * - gradient: ∇_θ = J_Fᵀ [(Wᵀ G/n) rows 1..m] + α_θ LᵀLθ,  ∇_W = G Ẑᵀ/n + α_W W;
 * - coupled Gauss–Newton product over (θ, W) (not block-diagonal): with J [δθ; δW] = δW Ẑ + W δẐ,
 *   δẐ = [J_F δθ; 0ᵀ],  H_GN = Jᵀ (𝓗/n) J + diag(α_θ LᵀL, α_W I);
 * - least squares: residual r = [(WẐ − C)/√n ; √α_W vec W ; √α_θ Lθ] exposed in evaluate();
 * - minibatches for ADAM/SGD: value and gradient on a subset of the samples (2·b/n work units).
 *
 * Caching as in reduced.ts: the linearisation point and the last evaluated point are kept.
 */
import type { Layer, LayerState, LinearOperator } from "../layers/types.js";
import { kernels } from "../kernels/index.js";
import { appendOnes, dot, sameArray } from "./dense.js";
import { applyLossHessian, lossPoint, type LossKind, type LossPoint } from "./losses.js";
import type { ThetaRegularizer } from "./regularizers.js";
import { checkProblem } from "./problem.js";
import { COST, WorkCounter, type Evaluation, type GNObjective, type StochasticObjective } from "./types.js";

export interface JointOptions {
  net: Layer;
  /** inputs, net.nIn × n */
  Y: Float64Array;
  /** targets, q × n */
  C: Float64Array;
  loss: LossKind;
  alphaW: number;
  alphaTheta: number;
  regOperator?: LinearOperator;
  work?: WorkCounter;
  /** work units per network pass over all n samples (default 1) */
  workScale?: number;
}

interface JointState {
  x: Float64Array;
  net: LayerState;
  Zhat: Float64Array;
  loss: LossPoint;
  value: number;
  residual: Float64Array | undefined;
  grad: Float64Array | null;
}

export class JointObjective implements GNObjective, StochasticObjective {
  readonly dim: number;
  readonly work: WorkCounter;
  readonly nSamples: number;
  readonly net: Layer;
  readonly loss: LossKind;
  readonly q: number;
  readonly m: number;
  readonly n: number;
  /** number of network weights θ (x = [θ; vec W]) */
  readonly nTheta: number;
  readonly alphaW: number;
  readonly reg: ThetaRegularizer;
  private readonly Y: Float64Array;
  private readonly C: Float64Array;
  /** work units per network pass (b/n for a block objective; read by optimizers, see optimizers/types.ts WorkScaled) */
  readonly workScale: number;
  private cur: JointState | null = null;
  private lin: JointState | null = null;

  constructor(options: JointOptions) {
    const { net, Y, C, loss } = options;
    const { n, q, workScale: ws, reg } = checkProblem("JointObjective", options);
    this.reg = reg;
    this.net = net;
    this.Y = Y;
    this.C = C;
    this.loss = loss;
    this.q = q;
    this.m = net.nOut;
    this.n = n;
    this.nSamples = n;
    this.nTheta = net.nParams;
    this.dim = net.nParams + q * (net.nOut + 1);
    this.alphaW = options.alphaW;
    this.workScale = ws;
    this.work = options.work ?? new WorkCounter();
  }

  /** x = [θ; vec W]. */
  join(theta: Float64Array, W: Float64Array): Float64Array {
    if (theta.length !== this.nTheta || W.length !== this.dim - this.nTheta)
      throw new Error(`JointObjective.join: expected θ (${this.nTheta}) and W (${this.q}×${this.m + 1})`);
    const x = new Float64Array(this.dim);
    x.set(theta);
    x.set(W, this.nTheta);
    return x;
  }

  /** Views of θ and W inside x. */
  split(x: Float64Array): { theta: Float64Array; W: Float64Array } {
    this.checkX(x, "split");
    return { theta: x.subarray(0, this.nTheta), W: x.subarray(this.nTheta) };
  }

  evaluate(x: Float64Array): Evaluation {
    const st = this.state(x);
    return st.residual !== undefined ? { value: st.value, residual: st.residual } : { value: st.value };
  }

  gradient(x: Float64Array): Float64Array {
    const st = this.state(x);
    this.lin = st;
    if (st.grad === null) {
      const { theta, W } = this.split(st.x);
      st.grad = this.gradAt(st.net, st.Zhat, st.loss, theta, W, this.n, this.workScale);
    }
    return st.grad.slice();
  }

  /** Coupled H_GN·[δθ; δW] at the linearisation point (COST.hessVec work units). */
  hessVec(v: Float64Array): Float64Array {
    if (this.lin === null)
      throw new Error("JointObjective.hessVec: call gradient() first (no linearisation point)");
    this.checkX(v, "hessVec");
    const st = this.lin;
    const { q, m, n, nTheta } = this;
    const m1 = m + 1;
    const K = kernels();
    const W = st.x.subarray(nTheta);
    const vth = v.subarray(0, nTheta);
    const vW = v.subarray(nTheta);
    const dZ = this.net.jvp(st.net, vth, null);
    this.work.add(this.workScale);
    const dS = new Float64Array(q * n);
    K.dgemm("N", "N", q, n, m1, 1, vW, q, st.Zhat, m1, 0, dS, q);
    K.dgemm("N", "N", q, n, m, 1, W, q, dZ, m, 1, dS, q);
    applyLossHessian(st.loss, dS, dS, 1 / n);
    const out = new Float64Array(this.dim);
    const outW = out.subarray(nTheta);
    K.dgemm("N", "T", q, m1, n, 1, dS, q, st.Zhat, m1, 0, outW, q);
    for (let k = 0; k < outW.length; k++) outW[k] += this.alphaW * vW[k];
    const U = new Float64Array(m * n);
    K.dgemm("T", "N", m, n, q, 1, W, q, dS, q, 0, U, m);
    const gth = out.subarray(0, nTheta);
    this.net.vjp(st.net, U, gth, false);
    this.work.add(this.workScale);
    this.reg.addHessVec(vth, gth);
    return out;
  }

  /**
   * Value and gradient on the samples `idx` (data term averaged over the batch, regularisers in full):
   * 2·|idx|/n work units. Not cached.
   */
  batchValueGradient(x: Float64Array, idx: Int32Array): { value: number; gradient: Float64Array } {
    this.checkX(x, "batchValueGradient");
    const b = idx.length;
    if (b === 0) throw new Error("JointObjective.batchValueGradient: empty batch");
    const { q, m, n } = this;
    const nIn = this.net.nIn;
    const Yb = new Float64Array(nIn * b);
    const Cb = new Float64Array(q * b);
    for (let k = 0; k < b; k++) {
      const i = idx[k];
      if (!Number.isInteger(i) || i < 0 || i >= n)
        throw new Error(`JointObjective.batchValueGradient: sample index ${i} out of range [0, ${n})`);
      Yb.set(this.Y.subarray(i * nIn, (i + 1) * nIn), k * nIn);
      Cb.set(this.C.subarray(i * q, (i + 1) * q), k * q);
    }
    const theta = x.slice(0, this.nTheta);
    const W = x.slice(this.nTheta);
    const net = this.net.forward(theta, Yb, b);
    const scale = (this.workScale * b) / n;
    this.work.add(scale);
    const Zhat = appendOnes(net.out, m, b);
    const S = new Float64Array(q * b);
    kernels().dgemm("N", "N", q, b, m + 1, 1, W, q, Zhat, m + 1, 0, S, q);
    const lp = lossPoint(this.loss, S, Cb, q, b);
    const value = lp.value + 0.5 * this.alphaW * dot(W, W) + this.reg.value(theta);
    const gradient = this.gradAt(net, Zhat, lp, theta, W, b, scale);
    return { value, gradient };
  }

  // ---------------------------------------------------------------------------------------------

  private gradAt(
    net: LayerState,
    Zhat: Float64Array,
    lp: LossPoint,
    theta: Float64Array,
    W: Float64Array,
    nb: number,
    units: number,
  ): Float64Array {
    const { q, m, nTheta } = this;
    const m1 = m + 1;
    const K = kernels();
    const g = new Float64Array(this.dim);
    const gW = g.subarray(nTheta);
    K.dgemm("N", "T", q, m1, nb, 1 / nb, lp.grad, q, Zhat, m1, 0, gW, q);
    for (let k = 0; k < gW.length; k++) gW[k] += this.alphaW * W[k];
    const U = new Float64Array(m * nb);
    K.dgemm("T", "N", m, nb, q, 1 / nb, W, q, lp.grad, q, 0, U, m);
    const gth = g.subarray(0, nTheta);
    this.net.vjp(net, U, gth, false);
    this.work.add(units);
    this.reg.addHessVec(theta, gth);
    return g;
  }

  private checkX(x: Float64Array, what: string): void {
    if (x.length !== this.dim)
      throw new Error(`JointObjective.${what}: expected ${this.dim} entries (θ and W), got ${x.length}`);
  }

  private state(x: Float64Array): JointState {
    this.checkX(x, "evaluate");
    if (this.cur !== null && sameArray(this.cur.x, x)) return this.cur;
    if (this.lin !== null && sameArray(this.lin.x, x)) return this.lin;
    const { q, m, n, C } = this;
    const xc = x.slice();
    const theta = xc.subarray(0, this.nTheta);
    const W = xc.subarray(this.nTheta);
    const net = this.net.forward(theta, this.Y, n);
    this.work.add(this.workScale * COST.value);
    const Zhat = appendOnes(net.out, m, n);
    const S = new Float64Array(q * n);
    kernels().dgemm("N", "N", q, n, m + 1, 1, W, q, Zhat, m + 1, 0, S, q);
    const lp = lossPoint(this.loss, S, C, q, n);
    let value: number;
    let residual: Float64Array | undefined;
    if (this.loss === "least-squares") {
      residual = new Float64Array(q * n + W.length + this.reg.L.rows);
      const s = 1 / Math.sqrt(n);
      for (let k = 0; k < q * n; k++) residual[k] = s * lp.grad[k];
      const sa = Math.sqrt(this.alphaW);
      for (let k = 0; k < W.length; k++) residual[q * n + k] = sa * W[k];
      residual.set(this.reg.residual(theta), q * n + W.length);
      value = 0.5 * dot(residual, residual);
    } else {
      value = lp.value + 0.5 * this.alphaW * dot(W, W) + this.reg.value(theta);
    }
    const st: JointState = { x: xc, net, Zhat, loss: lp, value, residual, grad: null };
    this.cur = st;
    return st;
  }
}
