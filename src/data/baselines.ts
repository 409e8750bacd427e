/**
 * Linear baselines recorded in a surrogate data set's manifest: how well the targets can be
 * predicted without a network. Split (the paper's proportions): the first half of the samples
 * train, the next quarter validate (to pick the ridge weight), the last quarter test.
 *
 *   mean predictor:  s = c̄ (training mean)
 *   log-ridge:       ridge of log c on y, exponentiated (positive targets only; a nonlinear reference)
 *   ridge:           s = W (y − ȳ) + c̄,  W = argmin ‖W Ȳ − C̄‖²_F + λ‖W‖²_F,
 *                    i.e. (Ȳ Ȳᵀ + λI) Wᵀ = Ȳ C̄ᵀ (normal equations through dsyrk/dgemm/dpotrf/dpotrs),
 *                    λ = ρ·tr(ȲȲᵀ)/d with ρ chosen on validation from 10⁻¹⁰…10².
 *
 * Errors: the Frobenius relative error ‖S − C‖_F/‖C‖_F and the mean per-sample ‖s_i − c_i‖/‖c_i‖.
 */
import { kernels } from "../kernels/index.js";

export interface ErrorPair {
  /** ‖S − C‖_F / ‖C‖_F */
  frobenius: number;
  /** mean over samples of ‖s_i − c_i‖ / ‖c_i‖ */
  meanRelative: number;
}

/** Relative errors of predictions S against targets C (both q×n column-major). */
export function relativeErrors(S: Float64Array, C: Float64Array, q: number, n: number): ErrorPair {
  let num = 0;
  let den = 0;
  let mean = 0;
  for (let j = 0; j < n; j++) {
    let a = 0;
    let b = 0;
    for (let i = 0; i < q; i++) {
      const c = C[i + j * q];
      const r = S[i + j * q] - c;
      a += r * r;
      b += c * c;
    }
    num += a;
    den += b;
    mean += b > 0 ? Math.sqrt(a / b) : 0;
  }
  return { frobenius: Math.sqrt(num / den), meanRelative: mean / n };
}

function columnMean(A: Float64Array, rows: number, c0: number, c1: number): Float64Array {
  const m = new Float64Array(rows);
  for (let j = c0; j < c1; j++) for (let i = 0; i < rows; i++) m[i] += A[i + j * rows];
  for (let i = 0; i < rows; i++) m[i] /= c1 - c0;
  return m;
}

/** Columns c0..c1 of A minus the vector mu. */
function centred(A: Float64Array, rows: number, c0: number, c1: number, mu: Float64Array): Float64Array {
  const out = new Float64Array(rows * (c1 - c0));
  for (let j = c0; j < c1; j++)
    for (let i = 0; i < rows; i++) out[i + (j - c0) * rows] = A[i + j * rows] - mu[i];
  return out;
}

export interface LinearBaselineReport {
  split: { train: number; val: number; test: number };
  meanPredictor: ErrorPair;
  ridge: ErrorPair & { rho: number };
  /**
   * Ridge regression of log C on y, exponentiated (only when every target is positive): a
   * simple nonlinear reference; when it beats `ridge` clearly, the data are not nearly linear.
   */
  logRidge: (ErrorPair & { rho: number }) | null;
}

/**
 * Mean predictor and ridge regression of C (q×n) on Y (d×n), errors on the held-out test quarter.
 * Needs n ≥ 8.
 */
export function linearBaselines(
  Y: Float64Array,
  d: number,
  C: Float64Array,
  q: number,
  n: number,
): LinearBaselineReport {
  if (n < 8) throw new Error(`linearBaselines: need at least 8 samples, got ${n}`);
  const k = kernels();
  const ntr = Math.floor(n / 2);
  const nva = Math.floor(n / 4);
  const nte = n - ntr - nva;
  const cbar = columnMean(C, q, 0, ntr);
  const Cte = C.subarray((ntr + nva) * q, n * q);
  const Sm = new Float64Array(q * nte);
  for (let j = 0; j < nte; j++) Sm.set(cbar, j * q);
  const ridge = ridgeFit(k, Y, d, C, q, n, ntr, nva, (S) => S);
  let logRidge: (ErrorPair & { rho: number }) | null = null;
  if (C.every((v) => v > 0)) {
    const L = C.map(Math.log);
    logRidge = ridgeFit(k, Y, d, L, q, n, ntr, nva, (S) => S.map(Math.exp), C);
  }
  return {
    split: { train: ntr, val: nva, test: nte },
    meanPredictor: relativeErrors(Sm, Cte, q, nte),
    ridge,
    logRidge,
  };
}

/**
 * Ridge of T on Y trained on the first ntr columns, ρ chosen on the next nva, errors of
 * back(prediction) against `target` (default T) on the rest.
 */
function ridgeFit(
  k: ReturnType<typeof kernels>,
  Y: Float64Array,
  d: number,
  T: Float64Array,
  q: number,
  n: number,
  ntr: number,
  nva: number,
  back: (S: Float64Array) => Float64Array,
  target: Float64Array = T,
): ErrorPair & { rho: number } {
  const nte = n - ntr - nva;
  const ybar = columnMean(Y, d, 0, ntr);
  const tbar = columnMean(T, q, 0, ntr);
  const Yc = centred(Y, d, 0, ntr, ybar);
  const Tc = centred(T, q, 0, ntr, tbar);
  const G = new Float64Array(d * d);
  k.dsyrk("L", "N", d, ntr, 1, Yc, d, 0, G, d);
  const R = new Float64Array(d * q);
  k.dgemm("N", "T", d, q, ntr, 1, Yc, d, Tc, q, 0, R, d);
  let tr = 0;
  for (let i = 0; i < d; i++) tr += G[i + i * d];
  const scale = tr / d > 0 ? tr / d : 1;

  const predict = (Wt: Float64Array, c0: number, c1: number): Float64Array => {
    const m = c1 - c0;
    const Yp = centred(Y, d, c0, c1, ybar);
    const S = new Float64Array(q * m);
    for (let j = 0; j < m; j++) S.set(tbar, j * q);
    k.dgemm("T", "N", q, m, d, 1, Wt, d, Yp, d, 1, S, q);
    return back(S);
  };
  const fit = (rho: number): Float64Array => {
    const A = G.slice();
    for (let i = 0; i < d; i++) A[i + i * d] += rho * scale;
    const Wt = R.slice();
    k.dpotrf("L", d, A, d);
    k.dpotrs("L", d, q, A, d, Wt, d);
    return Wt;
  };
  let best = { rho: 1, err: Infinity };
  for (let e = -10; e <= 2; e++) {
    const rho = 10 ** e;
    let Wt: Float64Array;
    try {
      Wt = fit(rho);
    } catch {
      continue; // numerically singular for tiny ρ: skip
    }
    const err = relativeErrors(
      predict(Wt, ntr, ntr + nva),
      target.subarray(ntr * q, (ntr + nva) * q),
      q,
      nva,
    ).frobenius;
    if (err < best.err) best = { rho, err };
  }
  const Ste = predict(fit(best.rho), ntr + nva, n);
  return { ...relativeErrors(Ste, target.subarray((ntr + nva) * q, n * q), q, nte), rho: best.rho };
}
