/**
 * Pure-TypeScript GEMM, C ← α op(A) op(B) + β C (column-major, no validation here).
 *
 * Large products: op(A) and op(B) are packed block by block into contiguous float64 panels of 4 rows
 * (4 columns) and a 4×4 register-blocked micro-kernel accumulates 16 scalars over the shared
 * dimension (GotoBLAS layout: NC columns of B × KC, MC rows of A × KC). Small products (below
 * SMALL_FLOPS multiply-adds, or with fewer than 4 rows or columns) skip packing and run plain loops;
 * measured on this machine the packed kernel is ahead from about 4×4×4 on (bench/kernels.ts).
 * Float32 data are computed in float64 and rounded once on the write to C.
 */
import type { Trans } from "../types.js";

type Arr = Float64Array | Float32Array;

const MC = 64;
const KC = 256;
const NC = 512;
/** Below this many multiply-adds (m·n·k) the unpacked loops are used. */
export let SMALL_FLOPS = 256;
/** Override the small-product cut-off (benchmarks and tests). */
export function setSmallFlops(f: number): void {
  SMALL_FLOPS = f;
}

/**
 * Non-transposed products whose A has at most DIRECT_A entries (32 KB: stays in cache) skip packing;
 * measured faster than packing for every such shape tried (8×8·8×400: 1.9 vs 1.4 GFLOP/s on the loaded machine).
 */
let DIRECT_A = 64 * 64;
/** Override the no-packing limit (benchmarks and tests; 0 disables the direct path). */
export function setDirectLimit(a: number): void {
  DIRECT_A = a;
}

let packA = new Float64Array(MC * KC);
let packB = new Float64Array(KC * NC);
const tile = new Float64Array(16);

function scaleC(m: number, n: number, beta: number, C: Arr, ldc: number): void {
  if (beta === 1) return;
  for (let j = 0; j < n; j++) {
    const cj = j * ldc;
    if (beta === 0) C.fill(0, cj, cj + m);
    else for (let i = 0; i < m; i++) C[cj + i] *= beta;
  }
}

/** Plain loops for small products (β already applied to C). */
function gemmSmall(
  tA: Trans,
  tB: Trans,
  m: number,
  n: number,
  k: number,
  alpha: number,
  A: Arr,
  lda: number,
  B: Arr,
  ldb: number,
  C: Arr,
  ldc: number,
): void {
  if (tA === "N") {
    for (let j = 0; j < n; j++) {
      const cj = j * ldc;
      for (let p = 0; p < k; p++) {
        const b = alpha * (tB === "N" ? B[j * ldb + p] : B[p * ldb + j]);
        if (b === 0) continue;
        const ap = p * lda;
        for (let i = 0; i < m; i++) C[cj + i] += A[ap + i] * b;
      }
    }
  } else {
    // op(A) = Aᵀ: C(i, j) += α Σ_p A(p, i) op(B)(p, j), dots down A's columns
    for (let j = 0; j < n; j++) {
      const cj = j * ldc;
      for (let i = 0; i < m; i++) {
        const ai = i * lda;
        let s = 0;
        if (tB === "N") {
          const bj = j * ldb;
          for (let p = 0; p < k; p++) s += A[ai + p] * B[bj + p];
        } else {
          for (let p = 0; p < k; p++) s += A[ai + p] * B[p * ldb + j];
        }
        C[cj + i] += alpha * s;
      }
    }
  }
}

/** Pack rows i0..i0+mc of op(A), columns p0..p0+kc, into 4-row panels: packA[r*4*kc + p*4 + a]. */
function packOpA(tA: Trans, A: Arr, lda: number, i0: number, mc: number, p0: number, kc: number): void {
  const panels = (mc + 3) >> 2;
  for (let r = 0; r < panels; r++) {
    const base = r * 4 * kc;
    for (let a = 0; a < 4; a++) {
      const i = i0 + r * 4 + a;
      if (r * 4 + a >= mc) {
        for (let p = 0; p < kc; p++) packA[base + p * 4 + a] = 0;
      } else if (tA === "N") {
        for (let p = 0; p < kc; p++) packA[base + p * 4 + a] = A[i + (p0 + p) * lda];
      } else {
        const ci = i * lda + p0;
        for (let p = 0; p < kc; p++) packA[base + p * 4 + a] = A[ci + p];
      }
    }
  }
}

/** Pack rows p0..p0+kc of op(B), columns j0..j0+nc, into 4-column panels: packB[s*4*kc + p*4 + b]. */
function packOpB(tB: Trans, B: Arr, ldb: number, p0: number, kc: number, j0: number, nc: number): void {
  const panels = (nc + 3) >> 2;
  for (let s = 0; s < panels; s++) {
    const base = s * 4 * kc;
    for (let b = 0; b < 4; b++) {
      const j = j0 + s * 4 + b;
      if (s * 4 + b >= nc) {
        for (let p = 0; p < kc; p++) packB[base + p * 4 + b] = 0;
      } else if (tB === "N") {
        const cj = j * ldb + p0;
        for (let p = 0; p < kc; p++) packB[base + p * 4 + b] = B[cj + p];
      } else {
        for (let p = 0; p < kc; p++) packB[base + p * 4 + b] = B[j + (p0 + p) * ldb];
      }
    }
  }
}

/**
 * The 4×4 micro-kernel: tile ← (panel a of packA) · (panel b of packB), column-major 4×4. It touches
 * only Float64Arrays; the update of C is done by addTile64 / addTile32, one monomorphic copy per
 * element type: a shared Float64Array|Float32Array store here made V8 deoptimise this function over
 * and over ("wrong map", >1500 times per run) once both types had been seen.
 */
function micro(kc: number, pa: number, pb: number): void {
  const Ap = packA;
  const Bp = packB;
  let c00 = 0,
    c10 = 0,
    c20 = 0,
    c30 = 0;
  let c01 = 0,
    c11 = 0,
    c21 = 0,
    c31 = 0;
  let c02 = 0,
    c12 = 0,
    c22 = 0,
    c32 = 0;
  let c03 = 0,
    c13 = 0,
    c23 = 0,
    c33 = 0;
  for (let ia = pa, ib = pb, end = pa + 4 * kc; ia < end; ia += 4, ib += 4) {
    const a0 = Ap[ia],
      a1 = Ap[ia + 1],
      a2 = Ap[ia + 2],
      a3 = Ap[ia + 3];
    let b = Bp[ib];
    c00 += a0 * b;
    c10 += a1 * b;
    c20 += a2 * b;
    c30 += a3 * b;
    b = Bp[ib + 1];
    c01 += a0 * b;
    c11 += a1 * b;
    c21 += a2 * b;
    c31 += a3 * b;
    b = Bp[ib + 2];
    c02 += a0 * b;
    c12 += a1 * b;
    c22 += a2 * b;
    c32 += a3 * b;
    b = Bp[ib + 3];
    c03 += a0 * b;
    c13 += a1 * b;
    c23 += a2 * b;
    c33 += a3 * b;
  }
  const t = tile;
  t[0] = c00;
  t[1] = c10;
  t[2] = c20;
  t[3] = c30;
  t[4] = c01;
  t[5] = c11;
  t[6] = c21;
  t[7] = c31;
  t[8] = c02;
  t[9] = c12;
  t[10] = c22;
  t[11] = c32;
  t[12] = c03;
  t[13] = c13;
  t[14] = c23;
  t[15] = c33;
}

/** C[o + a + b·ldc] += α · tile[a + 4b] for a < mr, b < nr (float64 C). */
function addTile64(C: Float64Array, ldc: number, o: number, alpha: number, mr: number, nr: number): void {
  const t = tile;
  for (let b = 0; b < nr; b++) {
    const q = o + b * ldc;
    for (let a = 0; a < mr; a++) C[q + a] += alpha * t[b * 4 + a];
  }
}

/** Same as addTile64 for float32 C (a separate copy so that each stays monomorphic in V8). */
function addTile32(C: Float32Array, ldc: number, o: number, alpha: number, mr: number, nr: number): void {
  const t = tile;
  for (let b = 0; b < nr; b++) {
    const q = o + b * ldc;
    for (let a = 0; a < mr; a++) C[q + a] += alpha * t[b * 4 + a];
  }
}

/**
 * op(A) = A, op(B) = B without packing (small, cache-resident operands): 4×4 register tiles read A's
 * four rows and B's four columns in place; the edges of m and n that are not multiples of 4 use
 * plain loops. β already applied to C.
 */
function gemmDirectNN(
  m: number,
  n: number,
  k: number,
  alpha: number,
  A: Arr,
  lda: number,
  B: Arr,
  ldb: number,
  C: Arr,
  ldc: number,
): void {
  const m4 = m & ~3;
  const n4 = n & ~3;
  for (let j = 0; j < n4; j += 4) {
    const b0 = j * ldb;
    const b1 = b0 + ldb;
    const b2 = b1 + ldb;
    const b3 = b2 + ldb;
    for (let i = 0; i < m4; i += 4) {
      let c00 = 0, c10 = 0, c20 = 0, c30 = 0; // prettier-ignore
      let c01 = 0, c11 = 0, c21 = 0, c31 = 0; // prettier-ignore
      let c02 = 0, c12 = 0, c22 = 0, c32 = 0; // prettier-ignore
      let c03 = 0, c13 = 0, c23 = 0, c33 = 0; // prettier-ignore
      for (let p = 0, ia = i; p < k; p++, ia += lda) {
        const a0 = A[ia];
        const a1 = A[ia + 1];
        const a2 = A[ia + 2];
        const a3 = A[ia + 3];
        let b = B[b0 + p];
        c00 += a0 * b;
        c10 += a1 * b;
        c20 += a2 * b;
        c30 += a3 * b;
        b = B[b1 + p];
        c01 += a0 * b;
        c11 += a1 * b;
        c21 += a2 * b;
        c31 += a3 * b;
        b = B[b2 + p];
        c02 += a0 * b;
        c12 += a1 * b;
        c22 += a2 * b;
        c32 += a3 * b;
        b = B[b3 + p];
        c03 += a0 * b;
        c13 += a1 * b;
        c23 += a2 * b;
        c33 += a3 * b;
      }
      let o = i + j * ldc;
      C[o] += alpha * c00;
      C[o + 1] += alpha * c10;
      C[o + 2] += alpha * c20;
      C[o + 3] += alpha * c30;
      o += ldc;
      C[o] += alpha * c01;
      C[o + 1] += alpha * c11;
      C[o + 2] += alpha * c21;
      C[o + 3] += alpha * c31;
      o += ldc;
      C[o] += alpha * c02;
      C[o + 1] += alpha * c12;
      C[o + 2] += alpha * c22;
      C[o + 3] += alpha * c32;
      o += ldc;
      C[o] += alpha * c03;
      C[o + 1] += alpha * c13;
      C[o + 2] += alpha * c23;
      C[o + 3] += alpha * c33;
    }
  }
  // edges: rows m4..m of the first n4 columns, then all rows of columns n4..n
  if (m4 < m) edgeNN(m4, m, 0, n4, k, alpha, A, lda, B, ldb, C, ldc);
  if (n4 < n) edgeNN(0, m, n4, n, k, alpha, A, lda, B, ldb, C, ldc);
}

function edgeNN(
  i0: number,
  i1: number,
  j0: number,
  j1: number,
  k: number,
  alpha: number,
  A: Arr,
  lda: number,
  B: Arr,
  ldb: number,
  C: Arr,
  ldc: number,
): void {
  for (let j = j0; j < j1; j++) {
    const cj = j * ldc;
    for (let p = 0; p < k; p++) {
      const b = alpha * B[j * ldb + p];
      if (b === 0) continue;
      const ap = p * lda;
      for (let i = i0; i < i1; i++) C[cj + i] += A[ap + i] * b;
    }
  }
}

export function gemm(
  tA: Trans,
  tB: Trans,
  m: number,
  n: number,
  k: number,
  alpha: number,
  A: Arr,
  lda: number,
  B: Arr,
  ldb: number,
  beta: number,
  C: Arr,
  ldc: number,
): void {
  if (m === 0 || n === 0) return;
  scaleC(m, n, beta, C, ldc);
  if (alpha === 0 || k === 0) return;
  if (m * n * k <= SMALL_FLOPS || m < 4 || n < 4) {
    gemmSmall(tA, tB, m, n, k, alpha, A, lda, B, ldb, C, ldc);
    return;
  }
  if (tA === "N" && tB === "N" && m * k <= DIRECT_A) {
    gemmDirectNN(m, n, k, alpha, A, lda, B, ldb, C, ldc);
    return;
  }
  const C64 = C instanceof Float64Array ? C : null;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      if (packB.length < kc * (nc + 3)) packB = new Float64Array(KC * (NC + 4));
      packOpB(tB, B, ldb, pc, kc, jc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        if (packA.length < kc * (mc + 3)) packA = new Float64Array(KC * (MC + 4));
        packOpA(tA, A, lda, ic, mc, pc, kc);
        for (let jr = 0; jr < nc; jr += 4) {
          const nr = Math.min(4, nc - jr);
          const pb = (jr >> 2) * 4 * kc;
          for (let ir = 0; ir < mc; ir += 4) {
            micro(kc, (ir >> 2) * 4 * kc, pb);
            const o = ic + ir + (jc + jr) * ldc;
            if (C64) addTile64(C64, ldc, o, alpha, Math.min(4, mc - ir), nr);
            else addTile32(C as Float32Array, ldc, o, alpha, Math.min(4, mc - ir), nr);
          }
        }
      }
    }
  }
}
