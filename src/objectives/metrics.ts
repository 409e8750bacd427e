/**
 * Metrics of GNVPRO.md §6 on column-major q × n blocks (outputs S, targets C, one sample per column).
 */

function checkShapes(what: string, S: Float64Array, C: Float64Array, q: number, n: number): void {
  if (!Number.isInteger(q) || q < 1 || !Number.isInteger(n) || n < 1)
    throw new Error(`${what}: bad shape q=${q}, n=${n}`);
  if (S.length !== q * n || C.length !== q * n)
    throw new Error(`${what}: expected outputs and targets of ${q}×${n}, got ${S.length} and ${C.length}`);
}

/**
 * Mean relative error (1/n) Σ_i ‖s_i − c_i‖ / ‖c_i‖. A sample with c_i = 0 contributes ‖s_i‖ / ε with
 * ε = the smallest normal double would dominate; such samples are rejected with an error instead.
 */
export function meanRelativeError(S: Float64Array, C: Float64Array, q: number, n: number): number {
  checkShapes("meanRelativeError", S, C, q, n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let num = 0;
    let den = 0;
    for (let a = 0; a < q; a++) {
      const c = C[a + i * q];
      const r = S[a + i * q] - c;
      num += r * r;
      den += c * c;
    }
    if (den === 0)
      throw new Error(`meanRelativeError: target of sample ${i} is zero (relative error undefined)`);
    total += Math.sqrt(num / den);
  }
  return total / n;
}

/** Relative Frobenius error ‖S − C‖_F / ‖C‖_F. */
export function relativeFrobeniusError(S: Float64Array, C: Float64Array, q: number, n: number): number {
  checkShapes("relativeFrobeniusError", S, C, q, n);
  let num = 0;
  let den = 0;
  for (let k = 0; k < q * n; k++) {
    const r = S[k] - C[k];
    num += r * r;
    den += C[k] * C[k];
  }
  if (den === 0) throw new Error("relativeFrobeniusError: the targets are all zero");
  return Math.sqrt(num / den);
}

/** Mean squared error over all entries ‖S − C‖²_F / (q n). */
export function meanSquaredError(S: Float64Array, C: Float64Array, q: number, n: number): number {
  checkShapes("meanSquaredError", S, C, q, n);
  let num = 0;
  for (let k = 0; k < q * n; k++) {
    const r = S[k] - C[k];
    num += r * r;
  }
  return num / (q * n);
}

/**
 * Classification accuracy: the fraction of samples whose predicted class equals the target class.
 * q ≥ 2: predicted class argmax_j s_ij, target class argmax_j c_ij (one-hot or probability targets).
 * q = 1 (logistic): predicted class [s > 0], target class [c > ½].
 */
export function accuracy(S: Float64Array, C: Float64Array, q: number, n: number): number {
  checkShapes("accuracy", S, C, q, n);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    if (q === 1) {
      if (S[i] > 0 === C[i] > 0.5) correct++;
      continue;
    }
    const o = i * q;
    let ps = 0;
    let pc = 0;
    for (let a = 1; a < q; a++) {
      if (S[o + a] > S[o + ps]) ps = a;
      if (C[o + a] > C[o + pc]) pc = a;
    }
    if (ps === pc) correct++;
  }
  return correct / n;
}

/** Predicted class of every sample (argmax of each column; q = 1: [s > 0]). */
export function predictedClasses(S: Float64Array, q: number, n: number): Int32Array {
  if (S.length !== q * n) throw new Error(`predictedClasses: expected ${q}×${n} outputs, got ${S.length}`);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (q === 1) {
      out[i] = S[i] > 0 ? 1 : 0;
      continue;
    }
    let best = 0;
    for (let a = 1; a < q; a++) if (S[i * q + a] > S[i * q + best]) best = a;
    out[i] = best;
  }
  return out;
}
