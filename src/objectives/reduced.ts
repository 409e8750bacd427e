/**
 * The reduced (VarPro) objective of GNVPRO.md §2–3:
 *
 *     Φ_red(θ) = Φ(θ, W(θ)),   Φ(θ, W) = (1/n) Σ_i ℓ(W ẑ_i(θ), c_i) + (α_W/2)‖W‖²_F + (α_θ/2)‖Lθ‖²
 *
 * - value: one forward pass of the network (1 work unit) and the inner solve (free, §4);
 * - gradient (envelope theorem, §2): ∇Φ_red = J_Fᵀ [(Wᵀ G / n) rows 1..m] + α_θ LᵀLθ, one VJP (1 unit);
 * - H_GN·v (§3): one JVP + one VJP (2 units); see reduced-jacobian.ts for the feature-space algebra;
 * - least squares: the residual r(θ) = [ (WẐ − C)/√n ; √α_W vec W ; √α_θ Lθ ] with Φ_red = ½‖r‖²,
 *   H_GN = J_rᵀ J_r, and J_r, J_rᵀ applied to vectors (1 unit each);
 * - J_S and J_Sᵀ (the reduced Jacobian of the outputs) applied to vectors (1 unit each).
 *
 * Caching: the last two points are kept — the linearisation point (set by gradient()) and the last
 * evaluated point — so a trust region's trial evaluations never evict the point its Hessian products
 * need, and a point whose forward pass is cached is never recomputed (θ compared entry by entry).
 */
import type { Layer, LayerState, LinearOperator } from "../layers/types.js";
import { kernels } from "../kernels/index.js";
import { appendOnes, allFinite, dot, sameArray } from "./dense.js";
import { solveInnerCEHat, type InnerCEOptions } from "./inner-ce.js";
import { solveInnerLSHat, type InnerLSOptions } from "./inner-ls.js";
import type { LossKind, LossPoint } from "./losses.js";
import {
  gaussNewtonFeatures,
  outputsJvp,
  outputsVjp,
  type InnerFactor,
  type JacobianPoint,
  type JacobianVariant,
} from "./reduced-jacobian.js";
import type { ThetaRegularizer } from "./regularizers.js";
import { checkProblem } from "./problem.js";
import { COST, WorkCounter, type Evaluation, type GNObjective } from "./types.js";

export interface VarProOptions {
  /** the feature extractor F(Y; θ): its output (m features per sample) feeds the affine layer W */
  net: Layer;
  /** inputs, net.nIn × n (column-major, one sample per column) */
  Y: Float64Array;
  /** targets, q × n */
  C: Float64Array;
  loss: LossKind;
  alphaW: number;
  alphaTheta: number;
  /** L of the θ regulariser (default: net.regOperator() if the net has one, else the identity) */
  regOperator?: LinearOperator;
  /** reduced Jacobian variant (§3), default "full" */
  jacobian?: JacobianVariant;
  /** least-squares inner solver options */
  innerLS?: InnerLSOptions;
  /** cross-entropy inner solver options (tol, maxIter, cgThreshold); W0 is managed by the objective */
  innerCE?: Omit<InnerCEOptions, "W0" | "loss" | "targetsChecked">;
  /** warm-start each cross-entropy inner solve from the last inner solution (default true) */
  warmStart?: boolean;
  /** shared counter (default: a new one) */
  work?: WorkCounter;
  /** work units per network pass (default 1; b/n when this objective sees a block of b of n samples) */
  workScale?: number;
}

/** Statistics of one inner solve (for history rows). */
export interface InnerStats {
  method: "cholesky" | "svd" | "newton-cholesky" | "newton-cg" | "none";
  converged: boolean;
  /** Newton steps (0 for least squares) */
  iterations: number;
  /** ‖∇_W Φ‖_F at the returned W (least squares: computed, round-off level) */
  gradNorm: number;
  /** least squares: numerical rank of Ẑ and cond₂(M) (estimate on the Cholesky route) */
  rank?: number;
  condition?: number;
  /** cross-entropy: whether the warm start was absent or rejected */
  coldStart?: boolean;
  /** cross-entropy: Hessian factorisations during the Newton steps (the one at the solution, formed
   *  on the first Jacobian product there, is not counted) */
  factorizations?: number;
  /** cross-entropy: preconditioned CG iterations over the Newton steps */
  cgIterations?: number;
  /** wall time of the inner solve in milliseconds */
  ms: number;
}

interface PointState {
  theta: Float64Array;
  net: LayerState | null;
  Zhat: Float64Array;
  W: Float64Array;
  /** outputs W Ẑ (q × n); null for least squares (recomputed on demand: q × n can be large) */
  S: Float64Array | null;
  loss: LossPoint | null;
  factor: InnerFactor | null;
  gram: Float64Array | null;
  /** G = gradScale · loss.grad (least squares: √n) */
  gradScale: number;
  value: number;
  residual: Float64Array | undefined;
  inner: InnerStats;
  grad: Float64Array | null;
  /** cross-entropy: the warm start W0 the inner solve started from (null: cold); for saveState */
  warm?: Float64Array | null;
}

/** Inner-solve statistics of the saved linearisation point (restored with its W). */
interface SavedInner {
  converged: boolean;
  iterations: number;
  coldStart: boolean;
}

/** What saveState keeps (cross-entropy warm starts; least squares has none). */
interface VarProSavedState {
  /** θ of the linearisation point and the warm start its inner solve started from */
  linTheta: Float64Array | null;
  linWarm: Float64Array | null;
  /**
   * W(θ) at the linearisation point and its solve's statistics: the point is rebuilt from them, not
   * re-solved (a re-solve would need the preconditioner its solve had). Absent in older states.
   */
  linW?: Float64Array | null;
  linInner?: SavedInner | null;
  lastW: Float64Array | null;
  warmOverride: Float64Array | "cold" | null;
}

export class VarProObjective implements GNObjective {
  readonly dim: number;
  readonly work: WorkCounter;
  readonly net: Layer;
  readonly loss: LossKind;
  /** outputs per sample */
  readonly q: number;
  /** features per sample (network outputs) */
  readonly m: number;
  /** samples */
  readonly n: number;
  readonly alphaW: number;
  readonly alphaTheta: number;
  readonly jacobian: JacobianVariant;
  readonly reg: ThetaRegularizer;
  private readonly Y: Float64Array;
  private readonly C: Float64Array;
  private readonly opts: VarProOptions;
  /** work units per network pass (b/n for a block objective; read by optimizers, see optimizers/types.ts WorkScaled) */
  readonly workScale: number;
  private cur: PointState | null = null;
  private lin: PointState | null = null;
  /** warm start set by setWarmStart, used by the next charged solve */
  private warmOverride: Float64Array | "cold" | null = null;
  /** W of the last charged solve that ended finite */
  private lastW: Float64Array | null = null;
  /** after loadState: the next charged solve at this θ starts from this warm start (exact resume) */
  private restored: {
    theta: Float64Array;
    warm: Float64Array | null;
    /** W(θ) of the saved linearisation point (rebuilt from it, not re-solved); null: re-solve from warm */
    W: Float64Array | null;
    inner: SavedInner | null;
  } | null = null;
  /** the restored linearisation point, computed uncharged to precondition solves until gradient() sets `lin` */
  private restoredPoint: PointState | null = null;

  constructor(options: VarProOptions) {
    const { net, Y, C, loss } = options;
    const { n, q, workScale: ws, reg } = checkProblem("VarProObjective", options);
    if (loss !== "least-squares" && !(options.alphaW > 0))
      throw new Error(
        `VarProObjective: ${loss} needs α_W > 0 (got ${options.alphaW}): the inner problem has no minimiser otherwise`,
      );
    const jac = options.jacobian ?? "full";
    if (jac !== "full" && jac !== "kaufman" && jac !== "none")
      throw new Error(`VarProObjective: unknown Jacobian variant "${String(jac)}"`);
    this.reg = reg;
    this.net = net;
    this.Y = Y;
    this.C = C;
    this.loss = loss;
    this.q = q;
    this.m = net.nOut;
    this.n = n;
    this.dim = net.nParams;
    this.alphaW = options.alphaW;
    this.alphaTheta = options.alphaTheta;
    this.jacobian = jac;
    this.opts = options;
    this.workScale = ws;
    this.work = options.work ?? new WorkCounter();
  }

  /** Value (and, for least squares, the residual) at θ: COST.value work units unless cached. */
  evaluate(x: Float64Array): Evaluation {
    const st = this.state(x);
    return st.residual !== undefined ? { value: st.value, residual: st.residual } : { value: st.value };
  }

  /** ∇Φ_red at θ; makes θ the linearisation point of hessVec / jvp / vjp. */
  gradient(x: Float64Array): Float64Array {
    const st = this.state(x);
    if (st.grad === null) {
      const pt = this.jacPoint(st, "gradient");
      const { q, m, n } = this;
      // feature adjoint (Wᵀ G / n) rows 1..m
      const dZ = new Float64Array(m * n);
      kernels().dgemm("T", "N", m, n, q, (pt.gradScale ?? 1) / n, pt.W, q, pt.loss.grad, q, 0, dZ, m);
      st.grad = this.netVjp(st, dZ);
      this.reg.addHessVec(st.theta, st.grad);
    }
    this.lin = st;
    this.restoredPoint = null;
    return st.grad.slice();
  }

  /** H_GN·v at the linearisation point (COST.hessVec work units). */
  hessVec(v: Float64Array): Float64Array {
    const st = this.linPoint("hessVec");
    this.checkDir(v, "hessVec");
    const pt = this.jacPoint(st, "hessVec");
    const dZ = this.netJvp(st, v);
    const out = this.netVjp(st, gaussNewtonFeatures(pt, dZ));
    this.reg.addHessVec(v, out);
    return out;
  }

  /** J_S v (q × n) at the linearisation point: one JVP (1 work unit). */
  jvp(v: Float64Array): Float64Array {
    const st = this.linPoint("jvp");
    this.checkDir(v, "jvp");
    return outputsJvp(this.jacPoint(st, "jvp"), this.netJvp(st, v)).dS;
  }

  /** J_Sᵀ U (length dim) at the linearisation point for U (q × n): one VJP (1 work unit). */
  vjp(U: Float64Array): Float64Array {
    const st = this.linPoint("vjp");
    if (U.length !== this.q * this.n) throw new Error(`VarProObjective.vjp: U must be ${this.q}×${this.n}`);
    return this.netVjp(st, outputsVjp(this.jacPoint(st, "vjp"), U, null));
  }

  /** Length of the least-squares residual r(θ). */
  get residualLength(): number {
    return this.q * this.n + this.q * (this.m + 1) + this.reg.L.rows;
  }

  /** Least squares: r(θ) (evaluates θ like evaluate()). */
  residual(x: Float64Array): Float64Array {
    this.requireLS("residual");
    return (this.state(x).residual as Float64Array).slice();
  }

  /** Least squares: J_r v at the linearisation point (1 work unit). */
  residualJvp(v: Float64Array): Float64Array {
    this.requireLS("residualJvp");
    const st = this.linPoint("residualJvp");
    this.checkDir(v, "residualJvp");
    const { dW, dS } = outputsJvp(this.jacPoint(st, "residualJvp"), this.netJvp(st, v));
    const { q, n } = this;
    const r = new Float64Array(this.residualLength);
    const s = 1 / Math.sqrt(n);
    for (let k = 0; k < q * n; k++) r[k] = s * dS[k];
    const sa = Math.sqrt(this.alphaW);
    for (let k = 0; k < dW.length; k++) r[q * n + k] = sa * dW[k];
    r.set(this.reg.residualJvp(v), q * n + dW.length);
    return r;
  }

  /** Least squares: J_rᵀ u at the linearisation point (1 work unit). */
  residualVjp(u: Float64Array): Float64Array {
    this.requireLS("residualVjp");
    const st = this.linPoint("residualVjp");
    if (u.length !== this.residualLength)
      throw new Error(
        `VarProObjective.residualVjp: expected ${this.residualLength} entries, got ${u.length}`,
      );
    const { q, n, m } = this;
    const nw = q * (m + 1);
    const U = new Float64Array(q * n);
    const s = 1 / Math.sqrt(n);
    for (let k = 0; k < q * n; k++) U[k] = s * u[k];
    const X0 = new Float64Array(nw);
    const sa = Math.sqrt(this.alphaW);
    for (let k = 0; k < nw; k++) X0[k] = sa * u[q * n + k];
    const g = this.netVjp(st, outputsVjp(this.jacPoint(st, "residualVjp"), U, X0));
    this.reg.addResidualT(u.subarray(q * n + nw), g);
    return g;
  }

  /**
   * W(θ) (q × (m+1), last column the bias). Like all read-outs for reports (`outputs`, `innerStats`,
   * `predict`) it costs no work units (GNVPRO.md §4: metrics are free): from the cache when θ is
   * cached, else computed without charging and without touching the cache.
   */
  weights(x: Float64Array): Float64Array {
    return this.peek(x).W.slice();
  }

  /** Outputs S = W(θ) Ẑ(θ) on the training data (q × n); free, see weights(). */
  outputs(x: Float64Array): Float64Array {
    const st = this.peek(x);
    if (st.S !== null) return st.S.slice();
    const { q, m, n } = this;
    const S = new Float64Array(q * n);
    kernels().dgemm("N", "N", q, n, m + 1, 1, st.W, q, st.Zhat, m + 1, 0, S, q);
    return S;
  }

  /** Statistics of the inner solve at θ; free, see weights(). */
  innerStats(x: Float64Array): InnerStats {
    return { ...this.peek(x).inner };
  }

  /** Statistics of the most recently computed inner solve, or null before the first evaluation. */
  lastInnerStats(): InnerStats | null {
    return this.cur === null ? null : { ...this.cur.inner };
  }

  /**
   * Warm start of the cross-entropy inner solves. By default a solve starts from W at the
   * linearisation point (the previous outer iterate, GNVPRO.md §2b), else from the last solution.
   * setWarmStart(W) overrides that for the next solve (e.g. W from the previous multilevel level);
   * setWarmStart(null) makes the next solve start from W = 0.
   */
  setWarmStart(W: Float64Array | null): void {
    if (W !== null && W.length !== this.q * (this.m + 1))
      throw new Error(`VarProObjective.setWarmStart: W must be ${this.q}×${this.m + 1}, got ${W.length}`);
    this.warmOverride = W === null ? "cold" : W.slice();
  }

  /**
   * Checkpoint support (optimizers/types.ts StatefulObjective): the cross-entropy inner solves depend
   * on their warm start, so a resumed run re-solves its linearisation point from the same warm start
   * as the uninterrupted run did, and continues with the same warm-start bookkeeping. Least squares
   * has no such state (the inner solve is direct).
   */
  saveState(): VarProSavedState {
    const lin = this.lin;
    const linOk = lin !== null && lin.loss !== null && this.loss !== "least-squares";
    return {
      linTheta: lin !== null ? lin.theta.slice() : null,
      linWarm: lin !== null && lin.warm ? lin.warm.slice() : null,
      linW: linOk ? lin.W.slice() : null,
      linInner: linOk
        ? {
            converged: lin.inner.converged,
            iterations: lin.inner.iterations,
            coldStart: lin.inner.coldStart ?? true,
          }
        : null,
      lastW: this.lastW !== null ? this.lastW.slice() : null,
      warmOverride:
        this.warmOverride === null || this.warmOverride === "cold"
          ? this.warmOverride
          : this.warmOverride.slice(),
    };
  }

  loadState(state: unknown): void {
    const s = state as Partial<VarProSavedState> | null;
    const nw = this.q * (this.m + 1);
    const isW = (v: unknown, len: number): v is Float64Array => v instanceof Float64Array && v.length === len;
    const okW = (v: unknown) => v === null || isW(v, nw);
    if (
      s === null ||
      typeof s !== "object" ||
      !(s.linTheta === null || isW(s.linTheta, this.dim)) ||
      !okW(s.linWarm) ||
      !(s.linW === undefined || okW(s.linW)) ||
      !(s.linInner === undefined || s.linInner === null || typeof s.linInner === "object") ||
      !okW(s.lastW) ||
      !(s.warmOverride === "cold" || okW(s.warmOverride))
    )
      throw new Error(
        `VarProObjective.loadState: not a saved state of this objective (θ of ${this.dim}, W of ${this.q}×${this.m + 1} entries)`,
      );
    this.cur = null;
    this.lin = null;
    this.restoredPoint = null;
    this.lastW = s.lastW ? s.lastW.slice() : null;
    this.warmOverride =
      s.warmOverride === "cold" || s.warmOverride === null
        ? (s.warmOverride ?? null)
        : s.warmOverride.slice();
    this.restored = s.linTheta
      ? {
          theta: s.linTheta.slice(),
          warm: s.linWarm ? s.linWarm.slice() : null,
          W: s.linW ? s.linW.slice() : null,
          inner: s.linInner ? { ...s.linInner } : null,
        }
      : null;
  }

  /**
   * Outputs on other data (e.g. validation): F(Ynew; θ) with W = W(θ) from the TRAINING data, or the
   * given W. Costs no work units (GNVPRO.md §4: validation metrics are free); the training-data
   * inner solve, if θ is not cached, is done without charging and without touching the cache.
   */
  predict(x: Float64Array, Ynew: Float64Array, W?: Float64Array): Float64Array {
    const { q, m } = this;
    const nIn = this.net.nIn;
    if (Ynew.length % nIn !== 0) throw new Error(`VarProObjective.predict: inputs are not ${nIn} × n`);
    const nNew = Ynew.length / nIn;
    const Wx = W ?? this.peek(x).W;
    if (Wx.length !== q * (m + 1)) throw new Error(`VarProObjective.predict: W must be ${q}×${m + 1}`);
    const Z = this.net.forward(x.slice(), Ynew, nNew).out;
    const S = new Float64Array(q * nNew);
    const K = kernels();
    K.dgemm("N", "N", q, nNew, m, 1, Wx, q, Z, m, 0, S, q);
    for (let i = 0; i < nNew; i++) for (let a = 0; a < q; a++) S[a + i * q] += Wx[a + m * q];
    return S;
  }

  // ---------------------------------------------------------------------------------------------

  private requireLS(what: string): void {
    if (this.loss !== "least-squares")
      throw new Error(`VarProObjective.${what}: only for the least-squares loss (this one is ${this.loss})`);
  }

  private checkDir(v: Float64Array, what: string): void {
    if (v.length !== this.dim)
      throw new Error(`VarProObjective.${what}: expected ${this.dim} entries, got ${v.length}`);
  }

  /**
   * The factor of H_W at the linearisation point (formed on first use), preconditioning the next
   * cross-entropy inner solve; after loadState, that of the restored linearisation point.
   */
  private preconditioner(): InnerFactor | null {
    let p = this.lin;
    if (p === null) {
      if (this.restoredPoint === null && this.restored !== null && this.restored.W !== null)
        this.restoredPoint = this.compute(this.restored.theta, false);
      p = this.restoredPoint;
    }
    return p !== null && p.loss !== null ? p.factor : null;
  }

  private linPoint(what: string): PointState {
    if (this.lin === null)
      throw new Error(`VarProObjective.${what}: call gradient() first (no linearisation point)`);
    return this.lin;
  }

  private jacPoint(st: PointState, what: string): JacobianPoint {
    if (st.loss === null || st.factor === null || st.net === null)
      throw new Error(
        `VarProObjective.${what}: the objective is not finite at this point (inner solve failed)`,
      );
    return {
      q: this.q,
      m: this.m,
      n: this.n,
      Zhat: st.Zhat,
      W: st.W,
      loss: st.loss,
      factor: st.factor,
      alphaW: this.alphaW,
      variant: this.jacobian,
      gram: st.gram,
      gradScale: st.gradScale,
    };
  }

  private netJvp(st: PointState, v: Float64Array): Float64Array {
    const dZ = this.net.jvp(st.net as LayerState, v, null);
    this.work.add(this.workScale);
    return dZ;
  }

  private netVjp(st: PointState, dZ: Float64Array): Float64Array {
    const g = new Float64Array(this.dim);
    this.net.vjp(st.net as LayerState, dZ, g, false);
    this.work.add(this.workScale);
    return g;
  }

  /** The cached state at θ, or one computed without charging and without caching. */
  private peek(x: Float64Array): PointState {
    if (x.length !== this.dim)
      throw new Error(`VarProObjective: θ must have ${this.dim} entries, got ${x.length}`);
    return this.find(x) ?? this.compute(x, false);
  }

  private find(x: Float64Array): PointState | null {
    if (this.cur !== null && sameArray(this.cur.theta, x)) return this.cur;
    if (this.lin !== null && sameArray(this.lin.theta, x)) return this.lin;
    return null;
  }

  private state(x: Float64Array): PointState {
    if (x.length !== this.dim)
      throw new Error(`VarProObjective: θ must have ${this.dim} entries, got ${x.length}`);
    // a hit on either slot leaves both in place: a trial point survives a look back at the
    // linearisation point
    const found = this.find(x);
    if (found !== null) return found;
    const st = this.compute(x, true);
    this.cur = st;
    return st;
  }

  /** Forward pass + inner solve at θ (charged when `charge`). */
  private compute(x: Float64Array, charge: boolean): PointState {
    const { q, m, n, C } = this;
    const m1 = m + 1;
    const theta = x.slice();
    const net = this.net.forward(theta, this.Y, n);
    if (charge) this.work.add(this.workScale * COST.value);
    const Z = net.out;
    const Zhat = appendOnes(Z, m, n);
    const regValue = this.reg.value(theta);
    const failed = (): PointState => ({
      theta,
      net: null,
      Zhat,
      W: new Float64Array(q * m1),
      S: new Float64Array(q * n),
      loss: null,
      factor: null,
      gram: null,
      gradScale: 1,
      value: NaN,
      residual: this.loss === "least-squares" ? new Float64Array(this.residualLength).fill(NaN) : undefined,
      inner: { method: "none", converged: false, iterations: 0, gradNorm: NaN, ms: 0 },
      grad: null,
    });
    if (!allFinite(Zhat) || !Number.isFinite(regValue)) return failed();
    const t0 = performance.now();
    const K = kernels();
    if (this.loss === "least-squares") {
      let res;
      try {
        res = solveInnerLSHat(Zhat, m1, n, C, q, this.alphaW, this.opts.innerLS);
      } catch (e) {
        if (this.opts.innerLS?.method === "cholesky") throw e;
        return failed();
      }
      const W = res.W;
      // r = [(WẐ − C)/√n; √α_W vec W; √α_θ Lθ], formed in place (no separate q × n outputs or
      // gradient arrays: at DCR scale each is 56 MB); the loss gradient R = √n · r[0 .. qn)
      const r = new Float64Array(this.residualLength);
      K.dgemm("N", "N", q, n, m1, 1, W, q, Zhat, m1, 0, r, q);
      const s = 1 / Math.sqrt(n);
      // residual block and its squared norm in one pass (two accumulators: the sum is latency-bound)
      const qn = q * n;
      let ss0 = 0;
      let ss1 = 0;
      let k = 0;
      for (; k + 1 < qn; k += 2) {
        const a = (r[k] - C[k]) * s;
        const b = (r[k + 1] - C[k + 1]) * s;
        r[k] = a;
        r[k + 1] = b;
        ss0 += a * a;
        ss1 += b * b;
      }
      if (k < qn) {
        const a = (r[k] - C[k]) * s;
        r[k] = a;
        ss0 += a * a;
      }
      const ssData = ss0 + ss1;
      const Rs = r.subarray(0, q * n);
      const lp: LossPoint = {
        kind: "least-squares",
        q,
        n,
        value: 0.5 * ssData,
        grad: Rs,
        hessDiag: null,
        hessRank1: null,
      };
      // ∇_W Φ = R Ẑᵀ/n + α W (reported for honesty: round-off level at an exact solve)
      const gW = new Float64Array(q * m1);
      K.dgemm("N", "T", q, m1, n, s, Rs, q, Zhat, m1, 0, gW, q);
      for (let k = 0; k < gW.length; k++) gW[k] += this.alphaW * W[k];
      const ms = performance.now() - t0;
      const sa = Math.sqrt(this.alphaW);
      for (let k = 0; k < W.length; k++) r[q * n + k] = sa * W[k];
      r.set(this.reg.residual(theta), q * n + W.length);
      return {
        theta,
        net,
        Zhat,
        W,
        S: null,
        loss: lp,
        factor: res.factor,
        gram: res.gram,
        gradScale: Math.sqrt(n),
        value: 0.5 * (ssData + dot(r.subarray(qn), r.subarray(qn))),
        residual: r,
        inner: {
          method: res.method,
          converged: allFinite(W),
          iterations: 0,
          gradNorm: Math.sqrt(dot(gW, gW)),
          rank: res.rank,
          condition: res.condition,
          ms,
        },
        grad: null,
      };
    }
    const rs = this.restored !== null && sameArray(this.restored.theta, theta) ? this.restored : null;
    const restored = charge ? rs : null;
    const warm =
      rs !== null
        ? rs.warm
        : this.opts.warmStart === false || this.warmOverride === "cold"
          ? null
          : (this.warmOverride ?? (this.lin !== null && this.lin.loss !== null ? this.lin.W : this.lastW));
    // a restored linearisation point is rebuilt from its saved W(θ) (no Newton step: maxIter 0)
    const rebuild = rs !== null && rs.W !== null;
    const res = solveInnerCEHat(Zhat, m1, n, C, q, this.alphaW, {
      ...this.opts.innerCE,
      loss: this.loss,
      W0: rebuild ? rs.W : warm,
      targetsChecked: true,
      ...(rebuild ? { maxIter: 0 } : { preconditioner: this.preconditioner() }),
    });
    if (rebuild && rs.inner !== null) {
      res.iterations = rs.inner.iterations;
      res.coldStart = rs.inner.coldStart;
    }
    const ms = performance.now() - t0;
    if (restored !== null) this.restored = null;
    else if (charge) {
      this.warmOverride = null;
      if (allFinite(res.W) && Number.isFinite(res.value)) this.lastW = res.W;
    }
    const ok = Number.isFinite(res.value);
    const point: PointState = {
      theta,
      net: ok ? net : null,
      Zhat,
      W: res.W,
      S: res.S,
      loss: ok ? res.loss : null,
      factor: ok ? res.factor : null,
      gram: null,
      gradScale: 1,
      value: res.value + regValue,
      residual: undefined,
      inner: {
        method: res.method,
        converged: res.converged,
        iterations: res.iterations,
        gradNorm: res.gradNorm,
        coldStart: res.coldStart,
        factorizations: res.factorizations,
        cgIterations: res.cgIterations,
        ms,
      },
      grad: null,
      warm: warm === null ? null : warm.slice(),
    };
    // the rebuilt linearisation point preconditions later solves until gradient() sets `lin`
    if (restored !== null && rebuild && this.lin === null) this.restoredPoint = point;
    return point;
  }
}
