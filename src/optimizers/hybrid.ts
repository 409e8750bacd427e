/**
 * Hybrid: L-BFGS first, then the Gauss–Newton trust region (GNVPRO.md §4–5). On the teacher problem
 * L-BFGS-VarPro reaches a 1e-2 validation error first (2 work units per iteration against 10–46 for
 * an interior Gauss–Newton step), while GNvpro is ahead from 1e-4 on and alone reaches 1e-8
 * (docs/DESIGN.md, "Early phase"). This optimizer runs L-BFGS until the loss has fallen by the factor
 * `switchLoss` (f ≤ switchLoss·f₀) or its line search fails, then continues with the trust region
 * from that point — whose value and gradient L-BFGS has just computed, so the switch costs nothing
 * on an objective that caches them (VarPro does). With `seedPreconditioner` the trust region's
 * L-BFGS preconditioner starts from L-BFGS's (s, y) pairs instead of none.
 *
 * One `step` is one iteration of the active method; the state holds both methods' states (plain
 * data), so checkpoints resume exactly.
 */
import type { GNObjective } from "../objectives/types.js";
import { Lbfgs, type LbfgsState, type LbfgsUserOptions } from "./lbfgs.js";
import { TrustRegion, type TrustRegionState, type TrustRegionUserOptions } from "./trust-region.js";
import { checkOption, type BaseState, type Optimizer, type StepInfo, type StepResult } from "./types.js";

export interface HybridOptions {
  lbfgs: LbfgsUserOptions;
  trustRegion: TrustRegionUserOptions;
  /** switch when f ≤ switchLoss·f₀ (in (0, 1]; 1 = after the first L-BFGS iteration) */
  switchLoss: number;
  /** start the trust region's preconditioner from L-BFGS's pairs (when it uses one) */
  seedPreconditioner: boolean;
  /**
   * stall switch: also switch when the loss fell by less than the factor stallRatio over the last
   * stallWindow work units (f > stallRatio·f then); stallRatio 0 = off
   */
  stallRatio: number;
  stallWindow: number;
}

export const DEFAULT_HYBRID: HybridOptions = {
  lbfgs: {},
  trustRegion: {},
  switchLoss: 1e-4,
  seedPreconditioner: true,
  stallRatio: 0,
  stallWindow: 50,
};

export interface HybridState extends BaseState {
  method: "hybrid";
  phase: "lbfgs" | "trust-region";
  f0: number;
  lbfgs: LbfgsState | null;
  tr: TrustRegionState | null;
  /** iteration at which the trust region took over (null before) */
  switchedAt: number | null;
  /** (work units, loss) of recent L-BFGS iterates, for the stall switch */
  trace: { w: number; f: number }[];
}

export class Hybrid implements Optimizer<GNObjective, HybridState> {
  readonly method = "hybrid";
  readonly options: HybridOptions;
  private readonly lb: Lbfgs;
  private readonly tr: TrustRegion;

  constructor(user: Partial<HybridOptions> = {}) {
    this.options = { ...DEFAULT_HYBRID, ...user };
    checkOption("hybrid", "switchLoss", this.options.switchLoss, (v) => v > 0 && v <= 1, "in (0, 1]");
    checkOption("hybrid", "stallRatio", this.options.stallRatio, (v) => v >= 0 && v < 1, "in [0, 1)");
    checkOption("hybrid", "stallWindow", this.options.stallWindow, (v) => v > 0, "> 0 work units");
    this.lb = new Lbfgs(this.options.lbfgs);
    this.tr = new TrustRegion(this.options.trustRegion);
  }

  init(obj: GNObjective, x0: Float64Array, budget: number): HybridState {
    const lb = this.lb.init(obj, x0, budget);
    return {
      method: "hybrid",
      iteration: 0,
      x: lb.x,
      status: lb.status,
      phase: "lbfgs",
      f0: lb.f,
      lbfgs: lb,
      tr: null,
      switchedAt: null,
      trace: [{ w: obj.work.units, f: lb.f }],
    };
  }

  prepareResume(obj: GNObjective, st: HybridState): void {
    if (st.phase === "trust-region" && st.tr !== null) this.tr.prepareResume(obj, st.tr);
  }

  initialInfo(st: HybridState): StepInfo {
    return st.tr !== null ? this.tr.initialInfo(st.tr) : this.lb.initialInfo(st.lbfgs as LbfgsState);
  }

  /** Records (w, f) and tells whether the loss fell by less than stallRatio over the last window. */
  private stalled(st: HybridState, w: number, f: number): boolean {
    const { stallRatio, stallWindow } = this.options;
    if (!(stallRatio > 0)) return false;
    const trace = st.trace.concat([{ w, f }]);
    // the newest entry at least a window old, and everything after it
    let k = -1;
    for (let i = 0; i < trace.length; i++) if (trace[i].w <= w - stallWindow) k = i;
    st.trace = k > 0 ? trace.slice(k) : trace;
    return k >= 0 && f > stallRatio * trace[k].f;
  }

  step(obj: GNObjective, prev: HybridState, budget: number): StepResult<HybridState> {
    const st: HybridState = { ...prev };
    if (st.status !== "running") return { state: st, info: this.initialInfo(st) };
    if (st.phase === "lbfgs") {
      const { state: lb, info } = this.lb.step(obj, st.lbfgs as LbfgsState, budget);
      st.lbfgs = lb;
      st.x = lb.x;
      st.iteration = prev.iteration + 1;
      const done =
        lb.f <= this.options.switchLoss * st.f0 ||
        lb.status === "line-search-failed" ||
        this.stalled(st, obj.work.units, lb.f);
      if (lb.status === "running" && !done) return { state: st, info };
      if (lb.status !== "running" && lb.status !== "line-search-failed" && lb.status !== "converged") {
        st.status = lb.status;
        return { state: st, info };
      }
      // switch: the trust region starts at L-BFGS's last good iterate (value and gradient cached)
      const tr = this.tr.init(obj, lb.x, budget);
      if (this.options.seedPreconditioner && this.tr.options.preconditioner === "lbfgs") {
        const m = this.tr.options.preconditionerMemory;
        tr.pcS = lb.S.slice(-m);
        tr.pcY = lb.Y.slice(-m);
      }
      st.tr = tr;
      st.phase = "trust-region";
      st.switchedAt = st.iteration;
      st.lbfgs = null;
      st.status = tr.status;
      return { state: st, info };
    }
    const { state: tr, info } = this.tr.step(obj, st.tr as TrustRegionState, budget);
    st.tr = tr;
    st.x = tr.x;
    st.status = tr.status;
    st.iteration = prev.iteration + 1;
    return { state: st, info };
  }
}
