/** Shared helpers for the kernel tests: the backends under test, naive references, random data. */
import assert from "node:assert/strict";
import { kernels } from "../../src/kernels/index.js";
import { NATIVE_SWEEP_MIN_ENTRIES, setNativeSweepMinEntries } from "../../src/kernels/native/index.js";
import { jsKernels } from "../../src/kernels/js/index.js";
import type { Kernels, Trans } from "../../src/kernels/types.js";
import { Rng } from "../../src/util/rng.js";

/** kernels() (native when it loads) and, when that is not already js, the js backend too. */
export function backends(): Kernels[] {
  const k = kernels();
  return k.name === "js" ? [k] : [k, jsKernels];
}

export function randn(rng: Rng, len: number): Float64Array {
  const a = new Float64Array(len);
  for (let i = 0; i < len; i++) a[i] = rng.normal();
  return a;
}

/** op(X)(i, j) for a column-major X with leading dimension ld. */
export function at(X: ArrayLike<number>, ld: number, t: Trans, i: number, j: number): number {
  return t === "N" ? X[i + j * ld] : X[j + i * ld];
}

/** Naive C ← α op(A) op(B) + β C in float64. */
export function refGemm(
  tA: Trans,
  tB: Trans,
  m: number,
  n: number,
  k: number,
  alpha: number,
  A: ArrayLike<number>,
  lda: number,
  B: ArrayLike<number>,
  ldb: number,
  beta: number,
  C: Float64Array,
  ldc: number,
): void {
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += at(A, lda, tA, i, p) * at(B, ldb, tB, p, j);
      C[i + j * ldc] = alpha * s + (beta === 0 ? 0 : beta * C[i + j * ldc]);
    }
}

/** max |X - Y| over a rows×cols window. */
export function maxDiff(
  rows: number,
  cols: number,
  X: ArrayLike<number>,
  ldx: number,
  Y: ArrayLike<number>,
  ldy: number,
): number {
  let d = 0;
  for (let j = 0; j < cols; j++)
    for (let i = 0; i < rows; i++) d = Math.max(d, Math.abs(X[i + j * ldx] - Y[i + j * ldy]));
  return d;
}

/** A random SPD n×n matrix (ld n): G Gᵀ + n I. */
export function randSpd(rng: Rng, n: number): Float64Array {
  const G = randn(rng, n * n);
  const A = new Float64Array(n * n);
  refGemm("N", "T", n, n, n, 1, G, n, G, n, 0, A, n);
  for (let i = 0; i < n; i++) A[i + i * n] += n;
  return A;
}

export const EPS = 2.220446049250313e-16;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
/** Spacing of doubles at |v| (the ulp of v's binade; 2⁻¹⁰⁷⁴ for subnormals). */
export function ulpOf(v: number): number {
  f64[0] = v;
  const e = (u32[1] >>> 20) & 0x7ff;
  return Math.pow(2, Math.max(e, 1) - 1075);
}
/** Distance in ulps, measured in the finer of the two binades (conservative). */
export function ulps(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.min(ulpOf(a), ulpOf(b));
}

/** Random operands of C ← α op(A) op(B) + β C with `pad` extra rows in every leading dimension. */
export function gemmOperands(
  rng: Rng,
  tA: Trans,
  tB: Trans,
  m: number,
  n: number,
  k: number,
  pad: number,
): { A: Float64Array; B: Float64Array; C0: Float64Array; lda: number; ldb: number; ldc: number } {
  const [ar, ac] = tA === "N" ? [m, k] : [k, m];
  const [br, bc] = tB === "N" ? [k, n] : [n, k];
  const lda = Math.max(1, ar + pad);
  const ldb = Math.max(1, br + pad);
  const ldc = Math.max(1, m + pad);
  const A = randn(rng, lda * Math.max(ac, 1));
  const B = randn(rng, ldb * Math.max(bc, 1));
  const C0 = randn(rng, ldc * Math.max(n, 1));
  return { A, B, C0, lda, ldb, ldc };
}

/** |a_i − b_i| ≤ rel·|b_i| + abs for every entry, NaN exactly where b has NaN. */
export function assertClose(
  label: string,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  rel: number,
  abs: number,
): void {
  assert.equal(a.length, b.length, `${label}: length`);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(b[i])) {
      assert.ok(Number.isNaN(a[i]), `${label}[${i}]: ${a[i]}, expected NaN`);
      continue;
    }
    assert.ok(Math.abs(a[i] - b[i]) <= rel * Math.abs(b[i]) + abs, `${label}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

export interface SweepRunner {
  name: string;
  K: Kernels;
  before?: () => void;
  after?: () => void;
}

/**
 * Every way an elementwise kernel can run: each backend of backends(), and on native also forced
 * onto the addon for every length (the TypeScript cut-off NATIVE_SWEEP_MIN_ENTRIES set to 0 in
 * before(), restored in after()).
 */
export function sweepRunners(): SweepRunner[] {
  const out: SweepRunner[] = backends().map((K) => ({ name: K.name, K }));
  if (kernels().name === "native") {
    const saved = NATIVE_SWEEP_MIN_ENTRIES;
    out.push({
      name: "native, addon on every length",
      K: kernels(),
      before: () => setNativeSweepMinEntries(0),
      after: () => setNativeSweepMinEntries(saved),
    });
  }
  return out;
}
