/**
 * Subsampled curvature for the trust-region Gauss–Newton solver (Byrd, Chin, Neveitt & Nocedal
 * 2011, "On the use of stochastic Hessian information in optimization methods for machine
 * learning"): the value, the gradient and the ratio test stay on the full training set, but the
 * Gauss–Newton products inside the Krylov solve are those of the objective restricted to a random
 * subset of b of the n samples. For VarPro that is the reduced objective built on the subset (its
 * own W_b(θ) and reduced Jacobian).
 *
 * Work units (GNVPRO.md §4, "a pass over a block of b of the n samples: b/n"): an H_b·v costs
 * 2·b/n; linearising the subset objective at the iterate costs its forward pass and — because the
 * objective contract sets the linearisation point through gradient() — one VJP: 2·b/n per Krylov
 * solve. The trust region checks every piece against the hard budget before starting it.
 *
 * Schedule: the fraction starts at f₀ and grows by a factor (up to 1, where the solver is exactly
 * the plain trust region) when a trial's ratio ρ falls below `rhoBelow` (the subsampled model
 * predicts badly; a rejection always counts when rhoBelow ≥ 1e-4) and/or each time the gradient
 * norm has fallen by `gradientFactor` since the last growth. The subset is either drawn afresh for
 * every Krylov solve ("fresh") or the first b entries of one permutation drawn at the start
 * ("fixed": nested subsets as the fraction grows). All randomness comes from the optimizer's own
 * seeded generator, whose state is part of the trust-region state (checkpoints resume exactly).
 */
import type { GNObjective } from "../objectives/types.js";
import { Rng, type RngState } from "../util/rng.js";
import { checkOption } from "./types.js";

/**
 * Optional extension of a GN objective (like WorkScaled): the same objective restricted to a subset
 * of its training samples, for subsampled curvature.
 */
export interface CurvatureSubsets {
  /** number of training samples n */
  readonly nSamples: number;
  /**
   * A GN objective on the samples `idx` (distinct, increasing, in [0, n)) that charges |idx|/n work
   * units per network pass into this objective's work counter and declares that fraction as its
   * `workScale`. `x` is the point it will be linearised at (e.g. to warm-start an inner solve from
   * the full objective's solution there, so the result does not depend on earlier calls).
   */
  curvatureSubset(idx: Int32Array, x: Float64Array): GNObjective;
}

export function hasCurvatureSubsets(obj: object): obj is CurvatureSubsets {
  const o = obj as Partial<CurvatureSubsets>;
  return typeof o.curvatureSubset === "function" && typeof o.nSamples === "number";
}

export interface CurvatureSampleOptions {
  /** initial fraction f₀ of the training samples in the curvature subset, in (0, 1] */
  fraction: number;
  /** factor the fraction grows by when a rule fires (≥ 1; the fraction is capped at 1) */
  growth: number;
  /** grow after a trial with ρ below this (0 = never on ρ; rejections have ρ < 1e-4) */
  rhoBelow: number;
  /** grow each time ‖g‖ has fallen by this factor since the start or the last growth (0 = off) */
  gradientFactor: number;
  /** "fresh": a new subset for every Krylov solve; "fixed": nested prefixes of one permutation */
  resample: "fresh" | "fixed";
  /** smallest subset, in samples */
  minSamples: number;
  /** seed of the subset generator */
  seed: number;
  /** the first solve (the untruncated step that sets Δ₀) uses the full curvature */
  firstSolveFull: boolean;
}

export const DEFAULT_CURVATURE_SAMPLE: CurvatureSampleOptions = {
  fraction: 0.1,
  growth: 2,
  rhoBelow: 0.25,
  gradientFactor: 0,
  resample: "fresh",
  minSamples: 1,
  seed: 1,
  firstSolveFull: true,
};

export type CurvatureSampleUserOptions = Partial<CurvatureSampleOptions>;

export function curvatureSampleOptions(user: CurvatureSampleUserOptions): CurvatureSampleOptions {
  const o = { ...DEFAULT_CURVATURE_SAMPLE, ...user };
  const W = "trustRegion.curvatureSample";
  checkOption(W, "fraction", o.fraction, (v) => v > 0 && v <= 1, "in (0, 1]");
  checkOption(W, "growth", o.growth, (v) => v >= 1 && Number.isFinite(v), "finite and ≥ 1");
  checkOption(W, "rhoBelow", o.rhoBelow, (v) => v >= 0 && v < 1, "in [0, 1)");
  checkOption(W, "gradientFactor", o.gradientFactor, (v) => v >= 0 && v < 1, "in [0, 1)");
  checkOption(W, "minSamples", o.minSamples, (v) => Number.isInteger(v) && v >= 1, "an integer ≥ 1");
  checkOption(W, "seed", o.seed, (v) => Number.isFinite(v), "a finite number");
  if (typeof o.firstSolveFull !== "boolean")
    throw new Error(`${W}: option firstSolveFull must be true or false, got ${String(o.firstSolveFull)}`);
  if (o.resample !== "fresh" && o.resample !== "fixed")
    throw new Error(`${W}: option resample must be "fresh" or "fixed", got ${String(o.resample)}`);
  return o;
}

/** Plain-data state of the schedule (part of the trust-region state). */
export interface CurvatureSampleState {
  fraction: number;
  /** generator of fresh subsets (advanced at every solve) */
  rng: RngState;
  /** generator state the fixed permutation is drawn from (never advanced) */
  fixedRng: RngState;
  /** the gradient rule fires when ‖g‖ ≤ this (Infinity until the first gradient is known) */
  gradientMark: number;
  /** subset size of the last Krylov solve; 0 when it used the full curvature (or before any solve) */
  lastSamples: number;
  growths: number;
}

export function initCurvatureSample(o: CurvatureSampleOptions, g0Norm: number): CurvatureSampleState {
  const rng = new Rng(o.seed);
  const fixedRng = rng.fork();
  return {
    fraction: o.fraction,
    rng: rng.getState(),
    fixedRng: fixedRng.getState(),
    gradientMark: o.gradientFactor > 0 ? o.gradientFactor * g0Norm : 0,
    lastSamples: 0,
    growths: 0,
  };
}

/** Subset size for fraction f of n samples (n means: use the full curvature). */
export function subsetSize(o: CurvatureSampleOptions, fraction: number, n: number): number {
  if (fraction >= 1) return n;
  return Math.min(n, Math.max(o.minSamples, 1, Math.round(fraction * n)));
}

/**
 * The subset of the next Krylov solve (sorted), advancing the fresh generator in `cs`; null when the
 * fraction covers all samples (the plain Gauss–Newton products are used).
 */
export function drawSubset(
  o: CurvatureSampleOptions,
  cs: CurvatureSampleState,
  n: number,
): Int32Array | null {
  const b = subsetSize(o, cs.fraction, n);
  if (b >= n) return null;
  let perm: Int32Array;
  if (o.resample === "fixed") perm = Rng.fromState(cs.fixedRng).permutation(n);
  else {
    const rng = Rng.fromState(cs.rng);
    perm = rng.permutation(n);
    cs.rng = rng.getState();
  }
  return perm.slice(0, b).sort();
}

/** The schedule after a trial (ratio ρ, or null when not computable) with gradient norm gNorm at the iterate. */
export function updateCurvatureSample(
  o: CurvatureSampleOptions,
  cs: CurvatureSampleState,
  rho: number | null,
  gNorm: number,
): CurvatureSampleState {
  if (cs.fraction >= 1) return cs;
  const byRho = o.rhoBelow > 0 && !(rho !== null && rho >= o.rhoBelow);
  const byGradient = o.gradientFactor > 0 && gNorm <= cs.gradientMark;
  if (!byRho && !byGradient) return cs;
  return {
    ...cs,
    fraction: Math.min(1, cs.fraction * o.growth),
    gradientMark: o.gradientFactor > 0 ? o.gradientFactor * gNorm : 0,
    growths: cs.growths + (o.growth > 1 ? 1 : 0),
  };
}
