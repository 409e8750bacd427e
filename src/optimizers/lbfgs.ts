/**
 * L-BFGS (Nocedal & Wright, Algorithm 7.4/7.5) with a strong Wolfe line search (line-search.ts):
 * the peer of GNvpro on the reduced problem (L-BFGS-VarPro) and a baseline on the joint one
 * (GNVPRO.md §5). Descent: the two-loop recursion with H₀ = γI, γ = sᵀy / yᵀy of the newest pair
 * (memory 10); search: strong Wolfe (c₁ = 1e-4, c₂ = 0.9), first trial α = 1 (α = 1/‖g‖ on the
 * first iteration and after a reset).
 *
 * Work units: every line-search trial needs the value and the gradient: 2 (a trial with a
 * non-finite value stops after the value: 1). A trial starts only if 2 more units fit the budget.
 * A line search that finds no acceptable step clears the memory and retries along −g once; if that
 * fails too the status is "line-search-failed".
 */
import type { SmoothObjective } from "../objectives/types.js";
import { COST } from "../objectives/types.js";
import {
  DEFAULT_LINE_SEARCH,
  strongWolfe,
  type LineSearchOptions,
  type LineSearchPoint,
} from "./line-search.js";
import {
  allFinite,
  checkOption,
  dot,
  emptyInfo,
  norm2,
  workScaleOf,
  type BaseState,
  type Optimizer,
  type StepInfo,
  type StepResult,
} from "./types.js";

export interface LbfgsOptions {
  memory: number;
  maxIterations: number;
  gradAtol: number;
  gradRtol: number;
  lineSearch: LineSearchOptions;
}

export const DEFAULT_LBFGS: LbfgsOptions = {
  memory: 10,
  maxIterations: 100000,
  gradAtol: 0,
  gradRtol: 0,
  lineSearch: DEFAULT_LINE_SEARCH,
};

export interface LbfgsState extends BaseState {
  method: "lbfgs";
  f: number;
  g: Float64Array;
  gNorm: number;
  g0Norm: number;
  /** correction pairs, oldest first */
  S: Float64Array[];
  Y: Float64Array[];
  last: { trials: number; alpha: number | null; accepted: boolean | null; stepNorm: number | null };
}

export type LbfgsUserOptions = Partial<Omit<LbfgsOptions, "lineSearch">> & {
  lineSearch?: Partial<LineSearchOptions>;
};

export class Lbfgs implements Optimizer<SmoothObjective, LbfgsState> {
  readonly method = "lbfgs";
  readonly options: LbfgsOptions;

  constructor(user: LbfgsUserOptions = {}) {
    this.options = {
      ...DEFAULT_LBFGS,
      ...user,
      lineSearch: { ...DEFAULT_LINE_SEARCH, ...(user.lineSearch ?? {}) },
    };
    const o = this.options;
    checkOption("lbfgs", "memory", o.memory, (v) => Number.isInteger(v) && v >= 1, "an integer ≥ 1");
    checkOption(
      "lbfgs",
      "maxIterations",
      o.maxIterations,
      (v) => Number.isInteger(v) && v >= 0,
      "an integer ≥ 0",
    );
    checkOption("lbfgs", "gradAtol", o.gradAtol, (v) => v >= 0, "≥ 0");
    checkOption("lbfgs", "gradRtol", o.gradRtol, (v) => v >= 0, "≥ 0");
    const ls = o.lineSearch;
    checkOption("lbfgs", "lineSearch.c1", ls.c1, (v) => v > 0 && v < 0.5, "in (0, 0.5)");
    checkOption("lbfgs", "lineSearch.c2", ls.c2, (v) => v > ls.c1 && v < 1, "in (c1, 1)");
    checkOption(
      "lbfgs",
      "lineSearch.maxTrials",
      ls.maxTrials,
      (v) => Number.isInteger(v) && v >= 1,
      "an integer ≥ 1",
    );
  }

  init(obj: SmoothObjective, x0: Float64Array, budget: number): LbfgsState {
    if (x0.length !== obj.dim)
      throw new Error(`lbfgs.init: x0 has length ${x0.length}, objective dim ${obj.dim}`);
    const scale = workScaleOf(obj);
    const st: LbfgsState = {
      method: "lbfgs",
      iteration: 0,
      x: Float64Array.from(x0),
      status: "running",
      f: NaN,
      g: new Float64Array(obj.dim),
      gNorm: NaN,
      g0Norm: NaN,
      S: [],
      Y: [],
      last: { trials: 0, alpha: null, accepted: null, stepNorm: null },
    };
    if (obj.work.units + (COST.value + COST.gradient) * scale > budget + 1e-9)
      return { ...st, status: "budget" };
    st.f = obj.evaluate(st.x).value;
    if (!Number.isFinite(st.f)) return { ...st, status: "non-finite" };
    st.g = Float64Array.from(obj.gradient(st.x));
    st.gNorm = st.g0Norm = norm2(st.g);
    if (!allFinite(st.g)) st.status = "non-finite";
    else if (this.converged(st)) st.status = "converged";
    else if (this.options.maxIterations === 0) st.status = "max-iterations";
    return st;
  }

  private converged(st: LbfgsState): boolean {
    return st.gNorm <= Math.max(this.options.gradAtol, this.options.gradRtol * st.g0Norm);
  }

  prepareResume(): void {
    // L-BFGS keeps no objective-side state between iterations
  }

  initialInfo(st: LbfgsState): StepInfo {
    return emptyInfo(st.f, st.gNorm);
  }

  private info(st: LbfgsState): StepInfo {
    const info = emptyInfo(st.f, st.gNorm);
    info.lineSearchTrials = st.last.trials;
    info.stepSize = st.last.alpha;
    info.accepted = st.last.accepted;
    info.stepNorm = st.last.stepNorm;
    return info;
  }

  /** d = −H g by the two-loop recursion. */
  private direction(st: LbfgsState): Float64Array {
    const k = st.S.length;
    const q = Float64Array.from(st.g);
    const a = new Float64Array(k);
    const rho = new Float64Array(k);
    for (let i = k - 1; i >= 0; i--) {
      rho[i] = 1 / dot(st.Y[i], st.S[i]);
      a[i] = rho[i] * dot(st.S[i], q);
      const y = st.Y[i];
      for (let j = 0; j < q.length; j++) q[j] -= a[i] * y[j];
    }
    if (k > 0) {
      const gamma = dot(st.S[k - 1], st.Y[k - 1]) / dot(st.Y[k - 1], st.Y[k - 1]);
      for (let j = 0; j < q.length; j++) q[j] *= gamma;
    }
    for (let i = 0; i < k; i++) {
      const b = rho[i] * dot(st.Y[i], q);
      const s = st.S[i];
      for (let j = 0; j < q.length; j++) q[j] += (a[i] - b) * s[j];
    }
    for (let j = 0; j < q.length; j++) q[j] = -q[j];
    return q;
  }

  step(obj: SmoothObjective, prev: LbfgsState, budget: number): StepResult<LbfgsState> {
    const st: LbfgsState = {
      ...prev,
      S: prev.S.slice(),
      Y: prev.Y.slice(),
      last: { trials: 0, alpha: null, accepted: null, stepNorm: null },
    };
    if (st.status !== "running") return { state: st, info: this.info(st) };
    const scale = workScaleOf(obj);
    const trialCost = COST.value + COST.gradient;
    if (obj.work.units + trialCost * scale > budget + 1e-9) {
      st.status = "budget";
      return { state: st, info: this.info(st) };
    }
    let nonFinite = false;
    const search = (d: Float64Array, alpha0: number) => {
      const dphi0 = dot(st.g, d);
      const evalAt = (alpha: number): LineSearchPoint | null => {
        if (obj.work.units + trialCost * scale > budget + 1e-9) return null;
        const xt = Float64Array.from(st.x);
        for (let i = 0; i < xt.length; i++) xt[i] += alpha * d[i];
        const f = obj.evaluate(xt).value;
        if (!Number.isFinite(f)) {
          nonFinite = true;
          return { alpha, f: Infinity, dphi: NaN, g: null };
        }
        const g = Float64Array.from(obj.gradient(xt));
        if (!allFinite(g)) {
          nonFinite = true;
          return { alpha, f: Infinity, dphi: NaN, g: null };
        }
        return { alpha, f, dphi: dot(g, d), g };
      };
      return strongWolfe(evalAt, st.f, dphi0, alpha0, this.options.lineSearch);
    };
    let d = this.direction(st);
    let fresh = st.S.length === 0;
    if (!(dot(st.g, d) < 0)) {
      st.S = [];
      st.Y = [];
      d = this.direction(st);
      fresh = true;
    }
    let res = search(d, fresh ? Math.min(1, 1 / st.gNorm) : 1);
    st.last.trials = res.trials;
    if (res.point === null && !res.outOfBudget && !fresh && !nonFinite) {
      st.S = [];
      st.Y = [];
      d = this.direction(st);
      res = search(d, Math.min(1, 1 / st.gNorm));
      st.last.trials += res.trials;
    }
    st.iteration = prev.iteration + 1;
    const p = res.point;
    if (p === null || p.g === null) {
      st.last.accepted = false;
      st.status = nonFinite ? "non-finite" : res.outOfBudget ? "budget" : "line-search-failed";
      return { state: st, info: this.info(st) };
    }
    const s = new Float64Array(d.length);
    const xNew = Float64Array.from(st.x);
    for (let i = 0; i < s.length; i++) {
      s[i] = p.alpha * d[i];
      xNew[i] += s[i];
    }
    const y = new Float64Array(d.length);
    for (let i = 0; i < y.length; i++) y[i] = p.g[i] - st.g[i];
    const sy = dot(s, y);
    if (sy > 1e-12 * norm2(s) * norm2(y)) {
      st.S.push(s);
      st.Y.push(y);
      if (st.S.length > this.options.memory) {
        st.S.shift();
        st.Y.shift();
      }
    }
    st.x = xNew;
    st.f = p.f;
    st.g = p.g;
    st.gNorm = norm2(p.g);
    st.last.alpha = p.alpha;
    st.last.accepted = true;
    st.last.stepNorm = norm2(s);
    if (this.converged(st)) st.status = "converged";
    else if (res.outOfBudget) st.status = "budget";
    else if (st.iteration >= this.options.maxIterations) st.status = "max-iterations";
    return { state: st, info: this.info(st) };
  }
}
