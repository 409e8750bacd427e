/**
 * Quasi-Newton steps between Krylov solves (trust-region option `quasiSteps`): after a Krylov
 * solve the trust region holds an L-BFGS model M of the Gauss–Newton matrix built from that solve's
 * (p, H p) pairs (the preconditioner, Morales & Nocedal 2000). The step d = −M⁻¹g on that model
 * costs no H·v: a trial and, if accepted, its gradient — 2 work units, like an L-BFGS iteration.
 * Along d the model is m(τd) = τ gᵀd + ½ τ² dᵀMd with dᵀMd = −gᵀd, minimal at τ = 1 with predicted
 * reduction −½ gᵀd; the trust region cuts it at its radius (in the M-norm, ‖d‖_M = √(dᵀMd)) and
 * judges it by the usual ratio ρ.
 */
import type { CGPath } from "./steihaug.js";
import { dot } from "./types.js";

/** The one-segment path 0 → d = −M⁻¹g, or null when d is not a descent direction. */
export function quasiNewtonPath(g: Float64Array, Minv: (r: Float64Array) => Float64Array): CGPath | null {
  const d = Minv(g);
  for (let i = 0; i < d.length; i++) d[i] = -d[i];
  const gd = dot(g, d);
  if (!(gd < 0)) return null;
  const dMd = -gd;
  const norm = Math.sqrt(dMd);
  return {
    segments: [
      {
        start: new Float64Array(d.length),
        dir: d,
        extent: 1,
        mStart: 0,
        slope: gd,
        curvature: dMd,
        endNorm: norm,
        sp: 0,
        pp: dMd,
        ss: 0,
      },
    ],
    end: d,
    mEnd: 0.5 * gd,
    endNorm: norm,
    pairs: [],
    iterations: 0,
    stop: "converged",
    relResidual: 0,
  };
}
