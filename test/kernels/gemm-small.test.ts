/**
 * The native addon's direct small-matrix dgemm (dgemmSmall, native/gnvpro_kernels.c): both paths
 * (AVX2+FMA and portable) against OpenBLAS through the addon's dgemm and a naive reference, and the
 * dispatch of kernels().dgemm to it. Native backend only.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { kernels } from "../../src/kernels/index.js";
import { loadAddon } from "../../src/kernels/native/load.js";
import type { Addon } from "../../src/kernels/native/addon.js";
import { setNativeSmallGemm, smallGemmFits } from "../../src/kernels/native/index.js";
import type { Trans } from "../../src/kernels/types.js";
import { Rng } from "../../src/util/rng.js";
import { EPS, at, gemmOperands, randn, refGemm } from "./helpers.js";

const SKIP = "js backend: dgemmSmall is part of the native addon";
const loaded = kernels().name === "native" ? loadAddon() : null;
const addon: Addon | null = loaded !== null && "addon" in loaded ? loaded.addon : null;

interface Case {
  tA: Trans;
  tB: Trans;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  pad: number;
}

/**
 * Run one case on the given path and compare with OpenBLAS (addon.dgemm) on the same inputs:
 * entrywise |C − C_blas| ≤ 2(k + 2)ε · (|α|·(|op(A)||op(B)|)ᵢⱼ + |β||Cᵢⱼ|) (both are within γ_k of the
 * exact product), NaN only where the reference has one, padding rows, A and B untouched.
 */
function check(ad: Addon, c: Case, path: number, seed: number): number {
  const { tA, tB, m, n, k, alpha, beta, pad } = c;
  const rng = new Rng(seed);
  const { A, B, C0, lda, ldb, ldc } = gemmOperands(rng, tA, tB, m, n, k, pad);
  if (beta === 0) for (let i = 0; i < C0.length; i += 3) C0[i] = NaN; // β = 0 ignores C, NaN too
  const A0 = A.slice();
  const B0 = B.slice();
  const C = C0.slice();
  const R = C0.slice();
  const used = ad.dgemmSmall!(
    tA === "N" ? 0 : 1,
    tB === "N" ? 0 : 1,
    m,
    n,
    k,
    alpha,
    A,
    lda,
    B,
    ldb,
    beta,
    C,
    ldc,
    path,
  );
  ad.dgemm(tA === "N" ? 0 : 1, tB === "N" ? 0 : 1, m, n, k, alpha, A, lda, B, ldb, beta, R, ldc);
  const what = `dgemmSmall path ${path} ${tA}${tB} m=${m} n=${n} k=${k} α=${alpha} β=${beta} pad=${pad}`;
  for (let j = 0; j < n; j++)
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += Math.abs(at(A, lda, tA, i, p) * at(B, ldb, tB, p, j));
      const scale = Math.abs(alpha) * s + (beta === 0 ? 0 : Math.abs(beta * C0[i + j * ldc]));
      const got = C[i + j * ldc];
      const want = R[i + j * ldc];
      assert.ok(Number.isFinite(got), `${what}: (${i},${j}) = ${got}`);
      assert.ok(Math.abs(got - want) <= 2 * (k + 2) * EPS * scale, `${what}: (${i},${j}) ${got} vs ${want}`);
    }
  for (let j = 0; j < n; j++)
    for (let i = m; i < ldc; i++) assert.ok(Object.is(C[i + j * ldc], C0[i + j * ldc]), `${what}: padding`);
  assert.deepEqual(A, A0, `${what}: A changed`);
  assert.deepEqual(B, B0, `${what}: B changed`);
  return used;
}

describe("dgemmSmall: the native direct small-matrix dgemm", () => {
  it("the addon has dgemmSmall when the backend is native (else: rebuild with npm run build:native)", (t) => {
    if (addon === null) return t.skip(SKIP);
    assert.equal(typeof addon.dgemmSmall, "function");
  });

  it("both paths equal OpenBLAS to rounding: all transposes, edge and odd shapes, lda > rows, α and β (β = 0 with NaN in C)", (t) => {
    if (addon === null || addon.dgemmSmall === undefined) return t.skip(SKIP);
    const shapes = [
      [1, 1, 1],
      [1, 9, 1],
      [9, 1, 1],
      [1, 1, 9],
      [2, 3, 5],
      [3, 7, 2],
      [4, 6, 4],
      [5, 13, 7],
      [7, 5, 11],
      [8, 8, 8],
      [8, 400, 8],
      [8, 8, 400],
      [8, 400, 55],
      [9, 17, 3],
      [12, 11, 13],
      [16, 19, 16],
      [17, 23, 9],
      [33, 25, 6],
    ];
    const scalars: [number, number][] = [
      [1, 0],
      [-0.7, 1],
      [1.5, -0.5],
    ];
    let seed = 1;
    const paths = new Set<number>();
    for (const path of [0, 1])
      for (const tA of ["N", "T"] as Trans[])
        for (const tB of ["N", "T"] as Trans[])
          for (const [m, n, k] of shapes) {
            const [alpha, beta] = scalars[seed % 3];
            const pad = seed % 4 === 0 ? 0 : (seed % 3) + 1;
            paths.add(check(addon, { tA, tB, m, n, k, alpha, beta, pad }, path, seed++));
          }
    assert.ok(paths.has(1), "the forced portable path ran");
  });

  it("random shapes, transposes, paddings and scalars", (t) => {
    if (addon === null || addon.dgemmSmall === undefined) return t.skip(SKIP);
    const rng = new Rng(99);
    for (let r = 0; r < 120; r++) {
      const c: Case = {
        tA: rng.uniform() < 0.5 ? "N" : "T",
        tB: rng.uniform() < 0.5 ? "N" : "T",
        m: 1 + Math.floor(rng.uniform() * 20),
        n: 1 + Math.floor(rng.uniform() * 30),
        k: 1 + Math.floor(rng.uniform() * 70),
        alpha: [1, -1, 0.3, 2.5][r % 4],
        beta: [0, 1, -2, 0.25, 0][r % 5],
        pad: Math.floor(rng.uniform() * 4),
      };
      check(addon, c, r % 2, 1000 + r);
    }
  });

  it("α = 0 or k = 0: C ← βC (β = 0: zeros, C's NaN ignored), A and B not used; m = 0 or n = 0: nothing", (t) => {
    if (addon === null || addon.dgemmSmall === undefined) return t.skip(SKIP);
    const f = addon.dgemmSmall.bind(addon);
    for (const path of [0, 1]) {
      const A = Float64Array.from([1, NaN, 3, 4, 5, 6]);
      const B = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const C = Float64Array.from([1, 2, 3, 4, 5, 6]);
      f(0, 0, 2, 3, 3, 0, A, 2, B, 3, -2, C, 2, path);
      assert.deepEqual([...C], [-2, -4, -6, -8, -10, -12]);
      C.set([NaN, 1, 2, 3, NaN, 5]);
      f(0, 0, 2, 3, 0, 1, A, 2, B, 1, 0, C, 2, path);
      assert.deepEqual([...C], [0, 0, 0, 0, 0, 0]);
      C.set([1, 2, 3, 4, 5, 6]);
      f(0, 0, 2, 3, 3, 0, A, 2, B, 3, 1, C, 2, path);
      assert.deepEqual([...C], [1, 2, 3, 4, 5, 6]);
      f(0, 0, 0, 2, 3, 1, A, 1, B, 3, 0, C, 1, path);
      f(0, 0, 2, 0, 3, 1, A, 2, B, 3, 0, C, 2, path);
      assert.deepEqual([...C], [1, 2, 3, 4, 5, 6]);
    }
  });

  it("the C layer rejects a bad leading dimension and a too-short array", (t) => {
    if (addon === null || addon.dgemmSmall === undefined) return t.skip(SKIP);
    const f = addon.dgemmSmall.bind(addon);
    const a = new Float64Array(6);
    assert.throws(() => f(0, 0, 3, 2, 2, 1, a, 2, a.slice(), 2, 0, a.slice(), 3, 0), /bad leading dimension/);
    assert.throws(() => f(0, 0, 3, 3, 2, 1, a, 3, a.slice(), 2, 0, a.slice(), 3, 0), /too short/);
  });

  it("kernels().dgemm: the CDR products (small kernel) and a 32×32 by 32×900 one equal the naive reference, on and off", (t) => {
    if (addon === null) return t.skip(SKIP);
    const K = kernels();
    const rng = new Rng(7);
    const cases: [Trans, Trans, number, number, number][] = [
      ["N", "N", 8, 400, 8],
      ["T", "N", 8, 400, 8],
      ["N", "T", 8, 8, 400],
      ["N", "N", 8, 400, 55],
      ["N", "T", 8, 55, 400],
      ["N", "N", 32, 900, 32],
      ["N", "T", 32, 32, 900],
      ["T", "N", 5, 20, 3],
    ];
    try {
      for (const on of [true, false]) {
        setNativeSmallGemm(on);
        for (const [tA, tB, m, n, k] of cases) {
          const lda = tA === "N" ? m : k;
          const ldb = tB === "N" ? k : n;
          const A = randn(rng, lda * (tA === "N" ? k : m));
          const B = randn(rng, ldb * (tB === "N" ? n : k));
          const C = new Float64Array(m * n).fill(NaN);
          const R = new Float64Array(m * n);
          K.dgemm(tA, tB, m, n, k, 0.5, A, lda, B, ldb, 0, C, m);
          refGemm(tA, tB, m, n, k, 0.5, A, lda, B, ldb, 0, R, m);
          let worst = 0;
          for (let i = 0; i < m * n; i++) worst = Math.max(worst, Math.abs(C[i] - R[i]));
          assert.ok(worst <= 1e-12, `${tA}${tB} ${m}×${n}×${k} (small ${on}): ${worst}`);
        }
      }
    } finally {
      setNativeSmallGemm(true);
    }
  });

  it("the dispatch rule sends the CDR products to the small kernel and large or long-k ones to OpenBLAS", () => {
    assert.ok(smallGemmFits("N", 8, 400, 8));
    assert.ok(smallGemmFits("T", 8, 400, 8));
    assert.ok(smallGemmFits("N", 8, 8, 400));
    assert.ok(smallGemmFits("N", 8, 400, 55));
    assert.ok(!smallGemmFits("N", 32, 32, 900));
    assert.ok(smallGemmFits("N", 32, 33, 225), "a column block's weight gradient");
    assert.ok(smallGemmFits("N", 64, 100, 512));
    assert.ok(!smallGemmFits("N", 32, 200, 512), "many columns of C: OpenBLAS");
    assert.ok(!smallGemmFits("N", 128, 128, 128));
    assert.ok(!smallGemmFits("N", 1, 400, 8), "one row: 3 of 4 lanes wasted");
    assert.ok(
      !smallGemmFits("T", 8, 8, 400),
      "a transposed A with few columns of C: the copy is not amortised",
    );
  });
});
