/**
 * Steihaug–Toint truncated conjugate gradients for the trust-region subproblem (GNVPRO.md §4):
 *
 *     minimise  m(s) = gᵀs + ½ sᵀHs   subject to ‖s‖ ≤ Δ                               (4.1)
 *
 * CG on H s = −g from s₀ = 0, stopped when an iterate leaves the ball (the step is cut at the
 * boundary), on negative curvature pᵀHp ≤ 0 (go to the boundary along p), when the residual
 * ‖Hs + g‖ ≤ η‖g‖ (forcing term η), at the iteration cap, or when the caller cannot pay for
 * another H·v.
 *
 * The CG iterates do not depend on Δ (only where the iteration stops does), and their norms
 * increase monotonically (Steihaug 1983, Thm 2.1). So the whole path is returned as piecewise-
 * linear segments s_j + τ p_j, and after a rejected trial the step for a smaller radius is read off
 * the same path (`cutPath`) — a rejection then costs no further H·v.
 */
import { allFinite, axpy, dot, norm2 } from "./types.js";

/** One CG segment s_j + τ p_j, 0 ≤ τ ≤ extent (extent = ∞ on negative curvature). */
export interface CGSegment {
  start: Float64Array;
  dir: Float64Array;
  extent: number;
  /** model value m(s_j) at the start */
  mStart: number;
  /** (H s_j + g)ᵀ p_j : slope of m along the segment at τ = 0 */
  slope: number;
  /** p_jᵀ H p_j */
  curvature: number;
  /** ‖s_j + extent·p_j‖ (∞ on negative curvature) */
  endNorm: number;
  /** s_jᵀp_j, p_jᵀp_j, s_jᵀs_j for the boundary root (M-inner products when preconditioned) */
  sp: number;
  pp: number;
  ss: number;
}

export type CGStop =
  | "converged"
  | "model-stalled"
  | "boundary"
  | "negative-curvature"
  | "max-iterations"
  | "budget"
  | "non-finite";

/** The full Steihaug path: plain data, kept in the trust-region state across rejections. */
export interface CGPath {
  segments: CGSegment[];
  /** the last CG iterate when CG stopped inside the ball (null when it stopped on a crossing) */
  end: Float64Array | null;
  /** m(end) */
  mEnd: number;
  /** ‖end‖ in the norm of the solve (Euclidean, or M-norm when preconditioned); ∞ without end */
  endNorm: number;
  /** the last (p, Hp) pairs when asked for (keepPairs) */
  pairs: { p: Float64Array; Hp: Float64Array }[];
  /** number of H·v products spent */
  iterations: number;
  stop: CGStop;
  /** relative residual ‖Hs + g‖/‖g‖ at the last inner iterate */
  relResidual: number;
}

export interface SteihaugOptions {
  /** maximum CG iterations (H·v products) */
  maxIterations: number;
  /** forcing term η: stop when ‖H s + g‖ ≤ η ‖g‖ */
  tolerance: number;
  /**
   * Model-decrease test (Nash & Sofer 1990): stop when k·(m_{k−1} − m_k) ≤ c·|m_k|, i.e. when the
   * last iteration gained less than the fraction c/k of the total model decrease. 0 disables it.
   */
  modelTolerance?: number;
  /** preconditioner: z = M⁻¹ r with M SPD; the trust region is then the M-norm ball ‖s‖_M ≤ Δ */
  precond?: (r: Float64Array) => Float64Array;
  /** keep the last k (p, Hp) pairs (for a limited-memory preconditioner of the next solve) */
  keepPairs?: number;
  /** asked before every H·v; returning false stops CG with reason "budget" */
  canAfford?: () => boolean;
}

/**
 * Runs Steihaug–Toint CG for (4.1). `radius` may be Infinity (the untruncated Gauss–Newton step).
 */
export function steihaugCG(
  hessVec: (v: Float64Array) => Float64Array,
  g: Float64Array,
  radius: number,
  opts: SteihaugOptions,
): CGPath {
  const n = g.length;
  const gNorm = norm2(g);
  const segments: CGSegment[] = [];
  const pairs: { p: Float64Array; Hp: Float64Array }[] = [];
  const keep = opts.keepPairs ?? 0;
  const M = opts.precond;
  let s = new Float64Array(n);
  const r = Float64Array.from(g); // r = H s + g
  let z = M ? M(r) : r; // z = M⁻¹ r
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) p[i] = -z[i];
  let rr = dot(r, r);
  let rz = M ? dot(r, z) : rr;
  // M-norm geometry by the recurrences of Gould, Lucidi, Roma & Toint (1999): sᵀMs, sᵀMp, pᵀMp
  let sMs = 0;
  let sMp = 0;
  let pMp = rz;
  let m = 0;
  let iterations = 0;
  const path = (stop: CGStop, end: Float64Array | null, mEnd: number): CGPath => ({
    segments,
    end,
    mEnd,
    endNorm: end === null ? Infinity : Math.sqrt(sMs),
    iterations,
    stop,
    relResidual: gNorm > 0 ? Math.sqrt(rr) / gNorm : 0,
    pairs,
  });
  if (gNorm === 0) return path("converged", s, 0);
  if (M && !(rz > 0))
    throw new Error(`steihaugCG: the preconditioner is not positive definite (rᵀM⁻¹r = ${rz})`);
  const maxIt = Math.max(1, Math.floor(opts.maxIterations));
  for (let k = 0; k < maxIt; k++) {
    if (opts.canAfford && !opts.canAfford()) return path("budget", s, m);
    const Hp = hessVec(p);
    iterations++;
    const kappa = dot(p, Hp);
    if (!Number.isFinite(kappa) || !allFinite(Hp)) return path("non-finite", s, m);
    const slope = dot(r, p);
    const dir = Float64Array.from(p);
    if (keep > 0 && kappa > 0) {
      pairs.push({ p: dir, Hp: Float64Array.from(Hp) });
      if (pairs.length > keep) pairs.shift();
    }
    if (kappa <= 0) {
      segments.push({
        start: s,
        dir,
        extent: Infinity,
        mStart: m,
        slope,
        curvature: kappa,
        endNorm: Infinity,
        sp: sMp,
        pp: pMp,
        ss: sMs,
      });
      return path("negative-curvature", null, m);
    }
    const alpha = rz / kappa;
    const next = Float64Array.from(s);
    axpy(alpha, p, next);
    const nextSMs = M ? sMs + 2 * alpha * sMp + alpha * alpha * pMp : dot(next, next);
    const nextNorm = Math.sqrt(Math.max(0, nextSMs));
    segments.push({
      start: s,
      dir,
      extent: alpha,
      mStart: m,
      slope,
      curvature: kappa,
      endNorm: nextNorm,
      sp: sMp,
      pp: pMp,
      ss: sMs,
    });
    if (nextNorm >= radius) return path("boundary", null, m);
    const mPrev = m;
    m = m + alpha * slope + 0.5 * alpha * alpha * kappa;
    axpy(alpha, Hp, r);
    s = next;
    rr = dot(r, r);
    if (M) z = M(r);
    else z = r;
    const rzNew = M ? dot(r, z) : rr;
    const beta = rzNew / rz;
    if (M) {
      sMp = beta * (sMp + alpha * pMp);
      pMp = rzNew + beta * beta * pMp;
    }
    sMs = nextSMs;
    rz = rzNew;
    if (Math.sqrt(rr) <= opts.tolerance * gNorm) return path("converged", s, m);
    const c = opts.modelTolerance ?? 0;
    if (c > 0 && (k + 1) * (mPrev - m) <= c * Math.abs(m)) return path("model-stalled", s, m);
    for (let i = 0; i < n; i++) p[i] = -z[i] + beta * p[i];
    if (!M) {
      sMp = dot(s, p);
      pMp = dot(p, p);
    }
  }
  return path("max-iterations", s, m);
}

export interface CutStep {
  step: Float64Array;
  /** predicted reduction −m(step) */
  predicted: number;
  stepNorm: number;
  onBoundary: boolean;
}

/**
 * The point of the Steihaug path for trust radius Δ: the first segment that leaves the ball is
 * cut at ‖s‖ = Δ; if none does, the last CG iterate.
 */
export function cutPath(path: CGPath, radius: number): CutStep {
  for (const seg of path.segments) {
    if (seg.endNorm < radius) continue;
    // ‖s + τ p‖² = Δ², τ ≥ 0: pp τ² + 2 sp τ + (ss − Δ²) = 0
    const c = seg.ss - radius * radius; // ≤ 0 since ‖s_j‖ < Δ
    const disc = Math.sqrt(seg.sp * seg.sp - seg.pp * c);
    const tau = seg.sp > 0 ? -c / (seg.sp + disc) : (disc - seg.sp) / seg.pp;
    const step = Float64Array.from(seg.start);
    axpy(tau, seg.dir, step);
    const mval = seg.mStart + tau * seg.slope + 0.5 * tau * tau * seg.curvature;
    return { step, predicted: -mval, stepNorm: radius, onBoundary: true };
  }
  if (path.end === null)
    throw new Error("cutPath: path ends on an open segment that never crosses the radius");
  return {
    step: Float64Array.from(path.end),
    predicted: -path.mEnd,
    // in the norm of the solve (the M-norm when preconditioned), like the radius it is compared with
    stepNorm: path.endNorm,
    onBoundary: false,
  };
}

/** Norm of the point where the path ends (∞ when it ends on a negative-curvature ray). */
export function pathEndNorm(path: CGPath): number {
  if (path.end !== null) return path.endNorm;
  const last = path.segments[path.segments.length - 1];
  return last.endNorm;
}
