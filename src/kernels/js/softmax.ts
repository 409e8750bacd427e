/**
 * Softmax cross-entropy kernels (src/objectives/losses.ts) in TypeScript: the js backend's, and the
 * native backend's for blocks too short to pay for an addon call. Browser-safe: no imports. No
 * validation here (see ../validate.ts).
 */

/**
 * Σ_i ℓ(s_i, c_i) over the n columns of the q×n blocks S, C, with ℓ = log Σ_a exp(s_a − max) + max −
 * cᵀs (shifted log-sum-exp), and when G is not null P ← softmax(s_i), G ← P − C. P is also the work
 * array (q×n) when G is null. A column whose maximum is not finite (+∞ in it, or all NaN) gives NaN
 * for the sum and NaN in its P and G columns; a NaN among finite entries propagates through its exp.
 */
export function softmaxCE(
  q: number,
  n: number,
  S: Float64Array,
  C: Float64Array,
  P: Float64Array,
  G: Float64Array | null,
): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const o = i * q;
    let mx = -Infinity;
    for (let a = 0; a < q; a++) if (S[o + a] > mx) mx = S[o + a];
    if (!Number.isFinite(mx)) {
      total = NaN;
      if (G !== null) {
        P.fill(NaN, o, o + q);
        G.fill(NaN, o, o + q);
      }
      continue;
    }
    // one exp per entry: e_a kept in P until the sum is known
    let se = 0;
    let cs = 0;
    let csum = 0;
    for (let a = 0; a < q; a++) {
      const sa = S[o + a] - mx;
      const e = Math.exp(sa);
      P[o + a] = e;
      se += e;
      const c = C[o + a];
      cs += c * sa;
      csum += c;
    }
    total += Math.log(se) - cs + mx * (1 - csum);
    if (G !== null)
      for (let a = 0; a < q; a++) {
        const p = P[o + a] / se;
        P[o + a] = p;
        G[o + a] = p - C[o + a];
      }
  }
  return total;
}

/**
 * out_i ← scale · p_i ⊙ (v_i − p_iᵀ v_i) for every column i of the q×n blocks: the softmax
 * cross-entropy Hessian (diag(p) − ppᵀ) applied per sample. out may be V itself (not a partial overlap).
 */
export function softmaxHessApply(
  q: number,
  n: number,
  P: Float64Array,
  V: Float64Array,
  out: Float64Array,
  scale: number,
): void {
  const len = q * n;
  for (let o = 0; o < len; o += q) {
    let uv = 0;
    for (let a = o; a < o + q; a++) uv += P[a] * V[a];
    for (let a = o; a < o + q; a++) out[a] = scale * (P[a] * (V[a] - uv));
  }
}
