/**
 * Generic derivative checks, usable for any differentiable map (a layer, a network, an objective).
 *
 * Taylor test: for f: ℝᴺ → ℝᴹ, a point x, a direction dx and step sizes h_i = h0·r^i,
 *   E0(h) = ‖f(x + h dx) − f(x)‖            = O(h)    (no derivative)
 *   E1(h) = ‖f(x + h dx) − f(x) − h J dx‖   = O(h²)   (with the derivative)
 * The slopes log(E(h_{i+1})/E(h_i)) / log(r) should approach 1 and 2.
 *
 * A map that is linear in the direction (an affine layer, ReLU away from its kink) has E1 at
 * round-off for every h; its slope is then meaningless. Such steps are recognised by
 * E1 ≤ roundTol·‖f(x)‖-scale and count as passes ("exact"): see `TaylorResult.exact`.
 */

export interface TaylorOptions {
  /** Largest step (default 1e-1 × scale where scale = 1). */
  h0?: number;
  /** Ratio between consecutive steps (default 0.5). */
  ratio?: number;
  /** Number of steps (default 8). */
  steps?: number;
  /** Accepted range around slope 1 / slope 2 for the median slope (default 0.25). */
  slopeTol?: number;
}

export interface TaylorResult {
  h: number[];
  /** ‖f(x + h dx) − f(x)‖ per step. */
  e0: number[];
  /** ‖f(x + h dx) − f(x) − h J dx‖ per step. */
  e1: number[];
  /** Slopes between consecutive steps. */
  slopes0: number[];
  slopes1: number[];
  /** Median over the steps whose errors are above round-off. */
  slope0: number;
  slope1: number;
  /** True when E1 is at round-off at every step (the map is linear along dx). */
  exact: boolean;
  pass: boolean;
}

function norm2(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

function median(v: number[]): number {
  if (v.length === 0) return NaN;
  const s = [...v].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 === 1 ? s[k] : 0.5 * (s[k - 1] + s[k]);
}

/**
 * Taylor test of `jvp` (dx ↦ J(x)·dx) against `f` at x along dx. `f` must not keep or mutate
 * its argument.
 */
export function taylorTest(
  f: (x: Float64Array) => Float64Array,
  jvp: (dx: Float64Array) => Float64Array,
  x: Float64Array,
  dx: Float64Array,
  opts: TaylorOptions = {},
): TaylorResult {
  if (x.length !== dx.length) throw new Error(`taylorTest: x has length ${x.length} but dx has ${dx.length}`);
  const h0 = opts.h0 ?? 1e-1;
  const ratio = opts.ratio ?? 0.5;
  const steps = opts.steps ?? 8;
  const tol = opts.slopeTol ?? 0.25;
  if (!(h0 > 0) || !(ratio > 0 && ratio < 1) || !(Number.isInteger(steps) && steps >= 3))
    throw new Error(`taylorTest: need h0 > 0, 0 < ratio < 1 and steps ≥ 3 (got ${h0}, ${ratio}, ${steps})`);
  const f0 = Float64Array.from(f(x));
  const J = Float64Array.from(jvp(dx));
  if (J.length !== f0.length)
    throw new Error(`taylorTest: jvp returned ${J.length} entries, f returned ${f0.length}`);
  const scale = Math.max(norm2(f0), 1e-300);
  const xt = new Float64Array(x.length);
  const h: number[] = [];
  const e0: number[] = [];
  const e1: number[] = [];
  for (let i = 0; i < steps; i++) {
    const hi = h0 * Math.pow(ratio, i);
    for (let k = 0; k < x.length; k++) xt[k] = x[k] + hi * dx[k];
    const ft = f(xt);
    let s0 = 0;
    let s1 = 0;
    for (let k = 0; k < f0.length; k++) {
      const d = ft[k] - f0[k];
      s0 += d * d;
      const d1 = d - hi * J[k];
      s1 += d1 * d1;
    }
    h.push(hi);
    e0.push(Math.sqrt(s0));
    e1.push(Math.sqrt(s1));
  }
  // Round-off floor: errors below ~1e3·eps·‖f‖ carry no slope information.
  const floor = 1e3 * 2.220446049250313e-16 * scale;
  const lr = Math.log(ratio);
  const slopes0: number[] = [];
  const slopes1: number[] = [];
  const use0: number[] = [];
  const use1: number[] = [];
  for (let i = 0; i + 1 < steps; i++) {
    const s0 = Math.log(e0[i + 1] / e0[i]) / lr;
    const s1 = Math.log(e1[i + 1] / e1[i]) / lr;
    slopes0.push(s0);
    slopes1.push(s1);
    if (e0[i + 1] > floor) use0.push(s0);
    if (e1[i + 1] > floor) use1.push(s1);
  }
  const exact = e1.every((e) => e <= floor);
  const slope0 = median(use0);
  const slope1 = exact ? NaN : median(use1);
  const ok0 = Math.abs(slope0 - 1) <= tol;
  const ok1 = exact || (use1.length >= 2 && Math.abs(slope1 - 2) <= tol);
  return { h, e0, e1, slopes0, slopes1, slope0, slope1, exact, pass: ok0 && ok1 };
}

export interface AdjointResult {
  /** ⟨J v, u⟩ */
  lhs: number;
  /** ⟨v, Jᵀ u⟩ */
  rhs: number;
  /** |lhs − rhs| / max(|lhs|, |rhs|, ‖Jv‖‖u‖·1e-3): relative error, guarded against cancellation. */
  relErr: number;
  pass: boolean;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`adjointTest: dot of lengths ${a.length} and ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Adjoint test: ⟨J v, u⟩ = ⟨v, Jᵀ u⟩ for a linear map given by `apply` (v ↦ Jv) and `applyT`
 * (u ↦ Jᵀu). Passes when the relative error is at most `tol` (default 1e-12).
 */
export function adjointTest(
  apply: (v: Float64Array) => Float64Array,
  applyT: (u: Float64Array) => Float64Array,
  v: Float64Array,
  u: Float64Array,
  tol = 1e-12,
): AdjointResult {
  const Jv = apply(v);
  const JTu = applyT(u);
  if (Jv.length !== u.length)
    throw new Error(`adjointTest: Jv has ${Jv.length} entries but u has ${u.length}`);
  if (JTu.length !== v.length)
    throw new Error(`adjointTest: Jᵀu has ${JTu.length} entries but v has ${v.length}`);
  const lhs = dot(Jv, u);
  const rhs = dot(v, JTu);
  const denom = Math.max(Math.abs(lhs), Math.abs(rhs), 1e-3 * norm2(Jv) * norm2(u), 1e-300);
  const relErr = Math.abs(lhs - rhs) / denom;
  return { lhs, rhs, relErr, pass: relErr <= tol };
}
