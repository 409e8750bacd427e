/**
 * Forcing terms: the relative tolerance η_k of the Krylov solve, ‖H s + g‖ ≤ η_k ‖g‖ (GNVPRO.md §4).
 *
 * - "fixed": η_k = η (the reference: 1e-2).
 * - "eisenstat-walker": Eisenstat & Walker (1996), choice 2, with their safeguard:
 *
 *       η_k = γ (‖g_k‖ / ‖g_{k−1}‖)^β,    η_k ← max(η_k, γ η_{k−1}^β) when γ η_{k−1}^β > 0.1,      (4.2)
 *
 *   clipped to [ηmin, ηmax]. Loose far from the solution (little progress per outer step is wasted
 *   on a precise model solve), tight near it (superlinear local convergence of Gauss–Newton on a
 *   zero-residual problem).
 */
export type ForcingKind = "fixed" | "eisenstat-walker";

export interface ForcingOptions {
  kind: ForcingKind;
  /** fixed η, and the first η of Eisenstat–Walker */
  eta: number;
  gamma: number;
  beta: number;
  etaMin: number;
  etaMax: number;
}

export const DEFAULT_FORCING: ForcingOptions = {
  kind: "fixed",
  eta: 1e-2,
  gamma: 0.9,
  beta: 2,
  etaMin: 1e-8,
  etaMax: 0.5,
};

/** Next forcing term after an accepted step took ‖g‖ from gPrev to gNew. */
export function nextForcing(opts: ForcingOptions, etaPrev: number, gPrev: number, gNew: number): number {
  if (opts.kind === "fixed") return opts.eta;
  if (!(gPrev > 0) || !Number.isFinite(gNew)) return etaPrev;
  let eta = opts.gamma * Math.pow(gNew / gPrev, opts.beta);
  const safeguard = opts.gamma * Math.pow(etaPrev, opts.beta);
  if (safeguard > 0.1) eta = Math.max(eta, safeguard);
  return Math.min(opts.etaMax, Math.max(opts.etaMin, eta));
}
