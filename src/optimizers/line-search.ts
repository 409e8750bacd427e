/**
 * Line search satisfying the strong Wolfe conditions (Nocedal & Wright, Algorithms 3.5 and 3.6):
 *
 *   φ(α) ≤ φ(0) + c₁ α φ'(0),      |φ'(α)| ≤ c₂ |φ'(0)|,        φ(α) = f(x + α d)           (4.5)
 *
 * with bracketing by doubling and a zoom by safeguarded cubic interpolation. A non-finite φ(α) is
 * treated as +∞ (the step is too long) and costs only the value evaluation. Every trial is bounded
 * (`maxTrials`), and `evalAt` may refuse a trial (returning null) when the budget cannot pay for it;
 * the search then returns the best point with sufficient decrease found so far, if any.
 */

export interface LineSearchPoint {
  alpha: number;
  f: number;
  /** φ'(α) = gᵀd at the trial (NaN when only the value was computed) */
  dphi: number;
  g: Float64Array | null;
}

export interface LineSearchOptions {
  c1: number;
  c2: number;
  maxTrials: number;
  alphaMax: number;
}

export const DEFAULT_LINE_SEARCH: LineSearchOptions = { c1: 1e-4, c2: 0.9, maxTrials: 25, alphaMax: 1e10 };

export interface LineSearchResult {
  /** the accepted point, or null when no trial gave sufficient decrease */
  point: LineSearchPoint | null;
  /** true when the point satisfies both strong Wolfe conditions */
  wolfe: boolean;
  trials: number;
  /** the search stopped because evalAt refused a trial */
  outOfBudget: boolean;
}

/** Minimiser of the cubic interpolating (a, fa, da), (b, fb, db), safeguarded into the inner 80% of [a, b]. */
function interpolate(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const margin = 0.1 * (hi - lo);
  let t = NaN;
  if (Number.isFinite(fb) && Number.isFinite(db) && Number.isFinite(da)) {
    const d1 = da + db - (3 * (fa - fb)) / (a - b);
    const sq = d1 * d1 - da * db;
    if (sq >= 0) {
      const d2 = Math.sign(b - a) * Math.sqrt(sq);
      t = b - (b - a) * ((db + d2 - d1) / (db - da + 2 * d2));
    }
  } else if (Number.isFinite(fb) && Number.isFinite(da)) {
    // quadratic through fa, da, fb
    const denom = 2 * (fb - fa - da * (b - a));
    if (denom > 0) t = a - (da * (b - a) * (b - a)) / denom;
  }
  if (!Number.isFinite(t) || t < lo + margin || t > hi - margin) t = 0.5 * (lo + hi);
  return t;
}

export function strongWolfe(
  evalAt: (alpha: number) => LineSearchPoint | null,
  f0: number,
  dphi0: number,
  alpha0: number,
  opts: LineSearchOptions = DEFAULT_LINE_SEARCH,
): LineSearchResult {
  if (!(dphi0 < 0)) throw new Error(`strongWolfe: not a descent direction (φ'(0) = ${dphi0})`);
  let trials = 0;
  let best: LineSearchPoint | null = null;
  const armijo = (p: LineSearchPoint) => Number.isFinite(p.f) && p.f <= f0 + opts.c1 * p.alpha * dphi0;
  const curvature = (p: LineSearchPoint) => Math.abs(p.dphi) <= -opts.c2 * dphi0;
  const trial = (alpha: number): LineSearchPoint | null => {
    if (trials >= opts.maxTrials) return null;
    const p = evalAt(alpha);
    if (p === null) return null;
    trials++;
    if (armijo(p) && p.g !== null && (best === null || p.f < best.f)) best = p;
    return p;
  };
  const done = (point: LineSearchPoint | null, wolfe: boolean, outOfBudget = false): LineSearchResult => ({
    point: point ?? best,
    wolfe: point !== null && wolfe,
    trials,
    outOfBudget,
  });

  const zoom = (lo: LineSearchPoint, hi: LineSearchPoint): LineSearchResult => {
    for (;;) {
      if (trials >= opts.maxTrials) return done(null, false);
      const a = interpolate(lo.alpha, lo.f, lo.dphi, hi.alpha, hi.f, hi.dphi);
      if (Math.abs(hi.alpha - lo.alpha) <= 1e-16 * Math.max(1, Math.abs(lo.alpha))) return done(null, false);
      const p = trial(a);
      if (p === null) return done(null, false, trials < opts.maxTrials);
      if (!armijo(p) || p.f >= lo.f) hi = p;
      else {
        if (curvature(p)) return done(p, true);
        if (p.dphi * (hi.alpha - lo.alpha) >= 0) hi = lo;
        lo = p;
      }
    }
  };

  let prev: LineSearchPoint = { alpha: 0, f: f0, dphi: dphi0, g: null };
  let alpha = Math.min(alpha0, opts.alphaMax);
  for (let i = 0; ; i++) {
    const p = trial(alpha);
    if (p === null) return done(null, false, trials < opts.maxTrials);
    if (!armijo(p) || (i > 0 && p.f >= prev.f)) return zoom(prev, p);
    if (curvature(p)) return done(p, true);
    if (p.dphi >= 0) return zoom(p, prev);
    if (alpha >= opts.alphaMax) return done(p, false);
    prev = p;
    alpha = Math.min(2 * alpha, opts.alphaMax);
  }
}
