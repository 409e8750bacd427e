/**
 * Trust-region Newton–Krylov on a Gauss–Newton objective (GNVPRO.md §4): the descent is
 * Steihaug–Toint CG on H_GN s = −g (steihaug.ts), the search is a trust region with the
 * reference's rules:
 *
 *   Δ₀ = ‖first untruncated GN step‖                                                       (4.3)
 *   ρ = ared / pred,  pred = −(gᵀs + ½ sᵀHs),
 *   ared = Σ ½(r − r₊)(r + r₊) when the objective supplies residuals, else f − f₊             (4.4)
 *   (without residuals both are shifted by δ = 10ε·max(1, |f|), so ρ → 1 at round-off level)
 *   ρ < 1e-4 → reject, Δ ← ½ min(Δ, ‖s‖), the CG path is kept and cut at the new radius
 *   ρ < 0.1  → accept, Δ ← ½ Δ
 *   ρ > 0.75 and ‖s‖ = Δ → accept, Δ ← 1.5 Δ while Δ ≤ 1e4 ‖g‖ (g where the model was built)
 *   otherwise accept, Δ unchanged.
 *
 * A non-finite trial value is a rejection. A non-finite gradient or H·v at an accepted point
 * stops the run with status "non-finite" and the last good iterate. One `step` is one trial
 * (accepted or rejected), so a rejection costs exactly one trial evaluation (1 WU).
 *
 * Work units (GNVPRO.md §4): H·v = 2, trial = 1, gradient at an accepted trial = 1. The budget is
 * hard: a CG iteration starts only if H·v plus a trial plus its gradient still fit.
 */
import type { GNObjective } from "../objectives/types.js";
import { COST } from "../objectives/types.js";
import { DEFAULT_FORCING, nextForcing, type ForcingOptions } from "./forcing.js";
import { cutPath, pathEndNorm, steihaugCG, type CGPath } from "./steihaug.js";
import { quasiNewtonPath } from "./quasi-step.js";
import {
  curvatureSampleOptions,
  drawSubset,
  hasCurvatureSubsets,
  initCurvatureSample,
  subsetSize,
  updateCurvatureSample,
  type CurvatureSampleOptions,
  type CurvatureSampleState,
  type CurvatureSampleUserOptions,
} from "./subsampled-curvature.js";
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

export interface TrustRegionOptions {
  /** iteration cap (one iteration = one trial step) */
  maxIterations: number;
  /** stop when ‖g‖ ≤ max(gradAtol, gradRtol·‖g₀‖) */
  gradAtol: number;
  gradRtol: number;
  /** Krylov iteration cap per outer step (reference: 20) */
  krylovMaxIterations: number;
  /** forcing term: fixed η (reference 1e-2) or Eisenstat–Walker */
  forcing: ForcingOptions;
  /** Nash–Sofer model-decrease stopping of CG, c (0 = off); see steihaug.ts */
  krylovModelTolerance: number;
  /**
   * "lbfgs": precondition CG with the limited-memory BFGS matrix built from the previous solve's
   * (p, H p) pairs (Morales & Nocedal 2000); the trust region is then measured in that matrix's norm.
   */
  preconditioner: "none" | "lbfgs";
  preconditionerMemory: number;
  /** keep pairs of earlier solves too (newest last), up to the memory; else only the last solve's */
  preconditionerAccumulate: boolean;
  /** initial radius; "gn-step" = the norm of the first untruncated GN step (4.3) */
  initialRadius: number | "gn-step";
  /** stop with "radius-collapsed" when Δ falls below this */
  minRadius: number;
  /** growth cap: Δ grows only while Δ ≤ growthCap·‖g‖ */
  growthCap: number;
  rejectBelow: number;
  shrinkBelow: number;
  growAbove: number;
  shrinkFactor: number;
  growFactor: number;
  /**
   * Subsampled curvature (subsampled-curvature.ts): H_GN·v inside the Krylov solve on a random
   * subset of the samples (the objective must implement CurvatureSubsets); null = full curvature.
   */
  curvatureSample: CurvatureSampleOptions | null;
  /**
   * Up to this many quasi-Newton steps on the last solve's L-BFGS model after each Krylov solve
   * (quasi-step.ts; needs preconditioner "lbfgs"); 0 = off. A quasi step with ρ below quasiRhoBelow
   * (or rejected: then discarded, radius kept) makes the next step a Krylov solve.
   */
  quasiSteps: number;
  quasiRhoBelow: number;
}

/**
 * Defaults. The Krylov settings are the measured winner on the teacher problem (docs/DESIGN.md,
 * "Optimizers"): Eisenstat–Walker forcing, the Nash–Sofer model-decrease stop (c = 0.5), up to 100
 * CG iterations, preconditioned by L-BFGS from the previous solve's (p, Hp) pairs (memory 50);
 * `REFERENCE_KRYLOV` restores the reference's fixed η = 1e-2, ≤ 20 iterations, no preconditioner.
 */
export const DEFAULT_TRUST_REGION: TrustRegionOptions = {
  maxIterations: 10000,
  gradAtol: 0,
  gradRtol: 0,
  krylovMaxIterations: 100,
  krylovModelTolerance: 0.5,
  forcing: { ...DEFAULT_FORCING, kind: "eisenstat-walker" },
  preconditioner: "lbfgs",
  preconditionerMemory: 50,
  preconditionerAccumulate: false,
  initialRadius: "gn-step",
  minRadius: 1e-14,
  growthCap: 1e4,
  rejectBelow: 1e-4,
  shrinkBelow: 0.1,
  growAbove: 0.75,
  shrinkFactor: 0.5,
  growFactor: 1.5,
  curvatureSample: null,
  quasiSteps: 0,
  quasiRhoBelow: 0.25,
};

/** The reference implementation's Krylov settings (GNVPRO.md §4): fixed η = 1e-2, ≤ 20 CG iterations. */
export const REFERENCE_KRYLOV: TrustRegionUserOptions = {
  krylovMaxIterations: 20,
  krylovModelTolerance: 0,
  preconditioner: "none",
  forcing: { kind: "fixed", eta: 1e-2 },
};

/** The defaults as user options (for reports). */
export const GNVPRO_DEFAULTS: TrustRegionUserOptions = {
  krylovMaxIterations: DEFAULT_TRUST_REGION.krylovMaxIterations,
  krylovModelTolerance: DEFAULT_TRUST_REGION.krylovModelTolerance,
  forcing: { kind: DEFAULT_TRUST_REGION.forcing.kind },
  preconditioner: DEFAULT_TRUST_REGION.preconditioner,
  preconditionerMemory: DEFAULT_TRUST_REGION.preconditionerMemory,
};

export interface TrustRegionState extends BaseState {
  method: "trust-region";
  /** value, residual (if supplied) and gradient at x */
  f: number;
  residual: Float64Array | null;
  g: Float64Array;
  gNorm: number;
  g0Norm: number;
  /** current radius (Infinity until the first GN step fixed it) */
  radius: number;
  /** the Steihaug path at x, kept after a rejection; null when a new Krylov solve is due */
  path: CGPath | null;
  /** forcing term for the next Krylov solve */
  eta: number;
  /** (p, Hp) pairs of the last Krylov solve, for the L-BFGS preconditioner (empty when unused) */
  pcS: Float64Array[];
  pcY: Float64Array[];
  /** subsampled-curvature schedule (null when the option is off) */
  curvature: CurvatureSampleState | null;
  /** quasiSteps: quasi steps taken since the last Krylov solve; whether the current path is one */
  quasi?: number;
  pathQuasi?: boolean;
  /** info of the last trial */
  last: {
    krylov: number;
    accepted: boolean | null;
    rho: number | null;
    stepNorm: number | null;
    eta: number | null;
  };
}

export type TrustRegionUserOptions = Partial<Omit<TrustRegionOptions, "forcing" | "curvatureSample">> & {
  forcing?: Partial<ForcingOptions>;
  curvatureSample?: CurvatureSampleUserOptions | null;
};

export function trustRegionOptions(user: TrustRegionUserOptions = {}): TrustRegionOptions {
  const o: TrustRegionOptions = {
    ...DEFAULT_TRUST_REGION,
    ...user,
    forcing: { ...DEFAULT_TRUST_REGION.forcing, ...(user.forcing ?? {}) },
    curvatureSample: user.curvatureSample ? curvatureSampleOptions(user.curvatureSample) : null,
  };
  const W = "trustRegion";
  const pos = (v: number) => v > 0;
  const nonneg = (v: number) => v >= 0;
  checkOption(W, "maxIterations", o.maxIterations, (v) => Number.isInteger(v) && v >= 0, "an integer ≥ 0");
  checkOption(W, "gradAtol", o.gradAtol, nonneg, "≥ 0");
  checkOption(W, "gradRtol", o.gradRtol, nonneg, "≥ 0");
  checkOption(
    W,
    "krylovMaxIterations",
    o.krylovMaxIterations,
    (v) => Number.isInteger(v) && v >= 1,
    "an integer ≥ 1",
  );
  if (o.preconditioner !== "none" && o.preconditioner !== "lbfgs")
    throw new Error(`${W}: option preconditioner must be "none" or "lbfgs", got ${String(o.preconditioner)}`);
  checkOption(
    W,
    "preconditionerMemory",
    o.preconditionerMemory,
    (v) => Number.isInteger(v) && v >= 1,
    "an integer ≥ 1",
  );
  checkOption(W, "krylovModelTolerance", o.krylovModelTolerance, nonneg, "≥ 0");
  checkOption(W, "quasiSteps", o.quasiSteps, (v) => Number.isInteger(v) && v >= 0, "an integer ≥ 0");
  checkOption(W, "quasiRhoBelow", o.quasiRhoBelow, (v) => v >= 0 && v < 1, "in [0, 1)");
  checkOption(W, "forcing.eta", o.forcing.eta, (v) => v > 0 && v < 1, "in (0, 1)");
  if (o.forcing.kind !== "fixed" && o.forcing.kind !== "eisenstat-walker")
    throw new Error(
      `${W}: option forcing.kind must be "fixed" or "eisenstat-walker", got ${String(o.forcing.kind)}`,
    );
  if (o.initialRadius !== "gn-step")
    checkOption(W, "initialRadius", o.initialRadius, pos, '> 0 or "gn-step"');
  checkOption(W, "minRadius", o.minRadius, nonneg, "≥ 0");
  checkOption(W, "growthCap", o.growthCap, pos, "> 0");
  checkOption(W, "shrinkFactor", o.shrinkFactor, (v) => v > 0 && v < 1, "in (0, 1)");
  checkOption(W, "growFactor", o.growFactor, (v) => v > 1, "> 1");
  return o;
}

/**
 * Actual reduction f − f₊ (4.4), from residuals when both are known: Σ ½(r − r₊)(r + r₊) does not
 * cancel catastrophically near a zero-residual minimum.
 */
export function actualReduction(
  f: number,
  r: Float64Array | null,
  fNew: number,
  rNew: Float64Array | null | undefined,
): number {
  if (!Number.isFinite(fNew)) return -Infinity;
  if (r && rNew && r.length === rNew.length) {
    let s = 0;
    for (let i = 0; i < r.length; i++) s += 0.5 * (r[i] - rNew[i]) * (r[i] + rNew[i]);
    if (Number.isFinite(s)) return s;
  }
  return f - fNew;
}

/** z = H̃⁻¹ r by the L-BFGS two-loop recursion over pairs (s_i, y_i) = (p_i, H p_i), H₀ = γI. */
export function lbfgsInverse(S: Float64Array[], Y: Float64Array[]): (r: Float64Array) => Float64Array {
  const k = S.length;
  const rho = S.map((sv, i) => 1 / dot(sv, Y[i]));
  const gamma = dot(S[k - 1], Y[k - 1]) / dot(Y[k - 1], Y[k - 1]);
  return (r) => {
    const q = Float64Array.from(r);
    const a = new Float64Array(k);
    for (let i = k - 1; i >= 0; i--) {
      a[i] = rho[i] * dot(S[i], q);
      const y = Y[i];
      for (let j = 0; j < q.length; j++) q[j] -= a[i] * y[j];
    }
    for (let j = 0; j < q.length; j++) q[j] *= gamma;
    for (let i = 0; i < k; i++) {
      const b = rho[i] * dot(Y[i], q);
      const sv = S[i];
      for (let j = 0; j < q.length; j++) q[j] += (a[i] - b) * sv[j];
    }
    return q;
  };
}

export class TrustRegion implements Optimizer<GNObjective, TrustRegionState> {
  readonly method = "trust-region";
  readonly options: TrustRegionOptions;

  constructor(options: TrustRegionUserOptions = {}) {
    this.options = trustRegionOptions(options);
  }

  init(obj: GNObjective, x0: Float64Array, budget: number): TrustRegionState {
    if (x0.length !== obj.dim)
      throw new Error(`trustRegion.init: x0 has length ${x0.length}, objective dim ${obj.dim}`);
    const scale = workScaleOf(obj);
    const x = Float64Array.from(x0);
    const base = {
      method: "trust-region" as const,
      iteration: 0,
      x,
      f: NaN,
      residual: null,
      g: new Float64Array(obj.dim),
      gNorm: NaN,
      g0Norm: NaN,
      radius: this.options.initialRadius === "gn-step" ? Infinity : this.options.initialRadius,
      path: null,
      eta: this.options.forcing.eta,
      pcS: [],
      pcY: [],
      curvature: null,
      last: { krylov: 0, accepted: null, rho: null, stepNorm: null, eta: null },
    };
    const cs = this.options.curvatureSample;
    if (cs !== null && cs.fraction < 1 && !hasCurvatureSubsets(obj))
      throw new Error(
        "trustRegion.init: option curvatureSample needs an objective with curvatureSubset() and nSamples (e.g. SubsampledVarPro)",
      );
    if (obj.work.units + (COST.value + COST.gradient) * scale > budget + 1e-9)
      return { ...base, status: "budget" };
    const ev = obj.evaluate(x);
    if (!Number.isFinite(ev.value)) return { ...base, f: ev.value, status: "non-finite" };
    const g = obj.gradient(x);
    const gNorm = norm2(g);
    const st: TrustRegionState = {
      ...base,
      f: ev.value,
      residual: ev.residual ? Float64Array.from(ev.residual) : null,
      g: Float64Array.from(g),
      gNorm,
      g0Norm: gNorm,
      curvature: cs !== null ? initCurvatureSample(cs, gNorm) : null,
      status: "running",
    };
    if (!allFinite(g)) st.status = "non-finite";
    else if (this.converged(st)) st.status = "converged";
    else if (this.options.maxIterations === 0) st.status = "max-iterations";
    return st;
  }

  private converged(st: TrustRegionState): boolean {
    return st.gNorm <= Math.max(this.options.gradAtol, this.options.gradRtol * st.g0Norm);
  }

  prepareResume(obj: GNObjective, st: TrustRegionState): void {
    // re-establish the linearisation point of hessVec at x (the driver resets the work counter)
    obj.evaluate(st.x);
    obj.gradient(st.x);
  }

  initialInfo(st: TrustRegionState): StepInfo {
    const info = emptyInfo(st.f, st.gNorm);
    info.radius = st.radius;
    info.forcing = st.eta;
    return info;
  }

  private info(st: TrustRegionState): StepInfo {
    const info = emptyInfo(st.f, st.gNorm);
    info.radius = st.radius;
    info.krylovIterations = st.last.krylov;
    info.accepted = st.last.accepted;
    info.rho = st.last.rho;
    info.stepNorm = st.last.stepNorm;
    info.forcing = st.last.eta;
    return info;
  }

  /**
   * Subsampled curvature for the Krylov solve due at st.x (subsampled-curvature.ts): null when the
   * option is off or the fraction covers all samples (the objective's own H·v is used), "budget" when
   * linearising the subset plus one product, a trial and its gradient do not fit; otherwise the
   * subset objective linearised at st.x (charged b/n for its forward pass and b/n for the gradient
   * that sets its linearisation point) and the cost of one of its products. Advances st.curvature.
   */
  private curvatureModel(
    obj: GNObjective,
    st: TrustRegionState,
    budget: number,
  ): { hessVec: (v: Float64Array) => Float64Array; hessVecCost: number } | "budget" | null {
    const o = this.options.curvatureSample;
    if (o === null || st.curvature === null) return null;
    const full = () => {
      if (st.curvature !== null) st.curvature = { ...st.curvature, lastSamples: 0 };
      return null;
    };
    if (st.curvature.fraction >= 1 || !hasCurvatureSubsets(obj)) return full();
    if (o.firstSolveFull && st.radius === Infinity) return full();
    const n = obj.nSamples;
    const b = subsetSize(o, st.curvature.fraction, n);
    if (b >= n) return full();
    const scale = workScaleOf(obj);
    const sub = (scale * b) / n;
    const need =
      (COST.value + COST.gradient) * sub + COST.hessVec * sub + (COST.value + COST.gradient) * scale;
    if (obj.work.units + need > budget + 1e-9) return "budget";
    const cs = { ...st.curvature };
    const idx = drawSubset(o, cs, n) as Int32Array;
    cs.lastSamples = b;
    st.curvature = cs;
    const subObj = obj.curvatureSubset(idx, st.x);
    const ev = subObj.evaluate(st.x);
    if (!Number.isFinite(ev.value)) return full(); // the subset's inner solve failed: full curvature
    subObj.gradient(st.x);
    return { hessVec: (v) => subObj.hessVec(v), hessVecCost: COST.hessVec * workScaleOf(subObj) };
  }

  step(obj: GNObjective, prev: TrustRegionState, budget: number): StepResult<TrustRegionState> {
    const o = this.options;
    const st: TrustRegionState = {
      ...prev,
      last: { krylov: 0, accepted: null, rho: null, stepNorm: null, eta: null },
    };
    if (st.status !== "running") return { state: st, info: this.info(st) };
    const scale = workScaleOf(obj);
    const affordable = (units: number) => obj.work.units + units * scale <= budget + 1e-9;
    const trialCost = COST.value + COST.gradient;

    let krylov = 0;
    if (o.quasiSteps > 0 && st.path === null) {
      st.pathQuasi = false;
      if (
        o.preconditioner === "lbfgs" &&
        st.pcS.length > 0 &&
        (st.quasi ?? 0) < o.quasiSteps &&
        st.radius < Infinity &&
        affordable(trialCost)
      ) {
        st.path = quasiNewtonPath(st.g, lbfgsInverse(st.pcS, st.pcY));
        st.pathQuasi = st.path !== null;
      }
      if (!st.pathQuasi) st.quasi = 0;
    }
    if (st.path === null) {
      const curv = this.curvatureModel(obj, st, budget);
      if (curv === "budget" || (curv === null && !affordable(COST.hessVec + trialCost))) {
        st.status = "budget";
        return { state: st, info: this.info(st) };
      }
      const hessVec = curv !== null ? curv.hessVec : (v: Float64Array) => obj.hessVec(v);
      const path = steihaugCG(hessVec, st.g, st.radius, {
        maxIterations: o.krylovMaxIterations,
        tolerance: st.eta,
        modelTolerance: o.krylovModelTolerance,
        precond: o.preconditioner === "lbfgs" && st.pcS.length > 0 ? lbfgsInverse(st.pcS, st.pcY) : undefined,
        keepPairs: o.preconditioner === "lbfgs" ? o.preconditionerMemory : 0,
        canAfford:
          curv !== null
            ? () => obj.work.units + curv.hessVecCost + trialCost * scale <= budget + 1e-9
            : () => affordable(COST.hessVec + trialCost),
      });
      krylov = path.iterations;
      st.last.eta = st.eta;
      if (path.stop === "non-finite") {
        st.status = "non-finite";
        st.last.krylov = krylov;
        return { state: st, info: this.info(st) };
      }
      if (st.radius === Infinity) {
        // (4.3): the first GN step fixes the radius; a negative-curvature ray (singular model, round-off)
        // falls back to the length of the last finite CG iterate, or ‖g‖ if there is none
        const endNorm = pathEndNorm(path);
        st.radius = Number.isFinite(endNorm)
          ? endNorm
          : Math.max(norm2(path.segments[path.segments.length - 1].start), st.gNorm);
        if (!(st.radius > 0)) st.radius = st.gNorm;
      }
      st.path = path;
      if (o.preconditioner === "lbfgs" && path.pairs.length > 0) {
        const keep = o.preconditionerAccumulate ? st.pcS.length : 0;
        st.pcS = st.pcS
          .slice(st.pcS.length - keep)
          .concat(path.pairs.map((q) => q.p))
          .slice(-o.preconditionerMemory);
        st.pcY = st.pcY
          .slice(st.pcY.length - keep)
          .concat(path.pairs.map((q) => q.Hp))
          .slice(-o.preconditionerMemory);
      }
    } else if (!affordable(trialCost)) {
      st.status = "budget";
      return { state: st, info: this.info(st) };
    }
    st.last.krylov = krylov;

    const cut = cutPath(st.path, st.radius);
    st.last.stepNorm = cut.stepNorm;
    if (!(cut.predicted > 0) || cut.stepNorm === 0) {
      // no model decrease along the path: nothing more to gain at this radius
      st.status = cut.stepNorm === 0 && st.gNorm === 0 ? "converged" : "radius-collapsed";
      return { state: st, info: this.info(st) };
    }
    const xt = Float64Array.from(st.x);
    for (let i = 0; i < xt.length; i++) xt[i] += cut.step[i];
    const ev = obj.evaluate(xt);
    const ared = actualReduction(st.f, st.residual, ev.value, ev.residual);
    // Without residuals, f − f₊ is only known to about ε|f|: shift both reductions by δ = 10ε·max(1, |f|)
    // so that ρ → 1 when both fall to round-off level (Conn, Gould & Toint 2000, §17.4.2) instead of
    // rejecting good steps near the minimiser until the radius collapses.
    const delta = st.residual !== null && ev.residual ? 0 : 10 * Number.EPSILON * Math.max(1, Math.abs(st.f));
    const rho = (ared + delta) / (cut.predicted + delta);
    st.last.rho = Number.isFinite(rho) ? rho : null;
    st.iteration = prev.iteration + 1;

    if (st.pathQuasi === true && !(rho >= o.quasiRhoBelow)) st.quasi = o.quasiSteps;
    if (st.pathQuasi === true && !(rho >= o.rejectBelow)) {
      // a rejected quasi step says the model is stale, not that the radius is too large
      st.last.accepted = false;
      st.path = null;
    } else if (!(rho >= o.rejectBelow)) {
      st.last.accepted = false;
      st.radius = o.shrinkFactor * Math.min(st.radius, cut.stepNorm);
      if (st.radius < o.minRadius) st.status = "radius-collapsed";
      if (o.curvatureSample !== null && st.curvature !== null)
        st.curvature = updateCurvatureSample(o.curvatureSample, st.curvature, st.last.rho, st.gNorm);
    } else {
      st.last.accepted = true;
      const g = obj.gradient(xt);
      const gNorm = norm2(g);
      if (!allFinite(g)) {
        st.status = "non-finite";
        return { state: st, info: this.info(st) };
      }
      if (rho < o.shrinkBelow) st.radius = o.shrinkFactor * st.radius;
      else if (rho > o.growAbove && cut.onBoundary && st.radius <= o.growthCap * st.gNorm)
        st.radius = o.growFactor * st.radius;
      st.eta = nextForcing(o.forcing, st.eta, st.gNorm, gNorm);
      st.x = xt;
      st.f = ev.value;
      st.residual = ev.residual ? Float64Array.from(ev.residual) : null;
      st.g = Float64Array.from(g);
      st.gNorm = gNorm;
      if (st.pathQuasi === true) st.quasi = Math.min(o.quasiSteps, (st.quasi ?? 0) + 1);
      st.path = null;
      if (o.curvatureSample !== null && st.curvature !== null)
        st.curvature = updateCurvatureSample(o.curvatureSample, st.curvature, st.last.rho, gNorm);
      if (this.converged(st)) st.status = "converged";
    }
    if (st.status === "running" && st.iteration >= o.maxIterations) st.status = "max-iterations";
    return { state: st, info: this.info(st) };
  }
}
