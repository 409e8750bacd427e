import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Kernels, Trans, Uplo } from "../../src/kernels/types.js";
import { Rng } from "../../src/util/rng.js";
import { EPS, backends, gemmOperands, maxDiff, randn, refGemm } from "./helpers.js";
import { setDirectLimit } from "../../src/kernels/js/gemm.js";

const TRANS: Trans[] = ["N", "T"];

function checkGemm(
  K: Kernels,
  f32: boolean,
  tA: Trans,
  tB: Trans,
  m: number,
  n: number,
  k: number,
  seed: number,
  pad = 1,
): void {
  const rng = new Rng(seed);
  const { A, B, C0, lda, ldb, ldc } = gemmOperands(rng, tA, tB, m, n, k, pad);
  const alpha = 1.5;
  const beta = seed % 3 === 0 ? 0 : -0.5;
  if (beta === 0) for (let i = 0; i < C0.length; i++) if (i % 7 === 0) C0[i] = NaN; // β = 0 ignores C
  const R = C0.slice();
  let C: Float64Array | Float32Array;
  if (f32) {
    const A32 = Float32Array.from(A);
    const B32 = Float32Array.from(B);
    C = Float32Array.from(C0);
    refGemm(tA, tB, m, n, k, alpha, A32, lda, B32, ldb, beta, R, ldc);
    K.sgemm(tA, tB, m, n, k, alpha, A32, lda, B32, ldb, beta, C, ldc);
  } else {
    C = C0.slice();
    refGemm(tA, tB, m, n, k, alpha, A, lda, B, ldb, beta, R, ldc);
    K.dgemm(tA, tB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
  }
  const tol = (f32 ? 2e-6 : 20 * EPS) * (k + 2) * 4;
  const what = `${f32 ? "s" : "d"}gemm ${tA}${tB} m=${m} n=${n} k=${k}`;
  assert.ok(maxDiff(m, n, C, ldc, f32 ? Float32Array.from(R) : R, ldc) <= tol, what);
  // padding rows of C untouched
  for (let j = 0; j < n; j++)
    for (let i = m; i < ldc; i++)
      assert.ok(
        Object.is(C[i + j * ldc], f32 ? Math.fround(C0[i + j * ldc]) : C0[i + j * ldc]),
        `${what}: padding`,
      );
}

for (const K of backends()) {
  describe(`gemm and syrk on the ${K.name} backend`, () => {
    it("dgemm/sgemm: every transpose combination, edge shapes, against a naive reference", () => {
      const shapes = [
        [0, 0, 0],
        [0, 3, 2],
        [3, 0, 2],
        [3, 2, 0],
        [1, 1, 1],
        [1, 7, 3],
        [7, 1, 3],
        [5, 6, 1],
        [8, 8, 8],
        [8, 400, 8],
        [17, 13, 29],
        [67, 35, 300],
      ];
      let seed = 1;
      for (const f32 of [false, true])
        for (const tA of TRANS)
          for (const tB of TRANS) for (const [m, n, k] of shapes) checkGemm(K, f32, tA, tB, m, n, k, seed++);
    });

    it("dgemm on random shapes (fast-check)", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 40 }),
          fc.integer({ min: 0, max: 40 }),
          fc.integer({ min: 0, max: 40 }),
          fc.constantFrom<Trans>("N", "T"),
          fc.constantFrom<Trans>("N", "T"),
          fc.integer({ min: 0, max: 3 }),
          fc.integer({ min: 1, max: 1e6 }),
          (m, n, k, tA, tB, pad, seed) => checkGemm(K, false, tA, tB, m, n, k, seed, pad),
        ),
        { numRuns: 150, seed: 42 },
      );
    });

    it("the TS GEMM's packed and unpacked (direct) paths agree with the reference on the same shapes", () => {
      let seed = 500;
      for (const limit of [0, 1e9]) {
        setDirectLimit(limit);
        try {
          for (const [m, n, k] of [
            [4, 4, 17],
            [9, 7, 5],
            [13, 21, 40],
            [8, 400, 8],
          ])
            for (const f32 of [false, true]) checkGemm(K, f32, "N", "N", m, n, k, seed++, 2);
        } finally {
          setDirectLimit(64 * 64);
        }
      }
    });

    it("dgemm works on subarray views (offsets without copies)", () => {
      const rng = new Rng(5);
      const big = randn(rng, 100);
      const A = big.subarray(10, 10 + 12); // 3×4
      const B = big.subarray(30, 30 + 8); // 4×2
      const C = new Float64Array(6);
      const R = new Float64Array(6);
      K.dgemm("N", "N", 3, 2, 4, 1, A, 3, B, 4, 0, C, 3);
      refGemm("N", "N", 3, 2, 4, 1, A, 3, B, 4, 0, R, 3);
      assert.ok(maxDiff(3, 2, C, 3, R, 3) < 1e-14);
    });

    it("dsyrk: both uplo and trans, only the triangle written", () => {
      const rng = new Rng(6);
      for (const uplo of ["U", "L"] as Uplo[])
        for (const trans of TRANS)
          for (const [n, k] of [
            [0, 3],
            [1, 1],
            [4, 0],
            [6, 9],
            [30, 5],
          ]) {
            const [ar, ac] = trans === "N" ? [n, k] : [k, n];
            const lda = ar + 1;
            const A = randn(rng, lda * Math.max(ac, 1));
            const ldc = n + 2;
            const C0 = randn(rng, ldc * Math.max(n, 1));
            const C = C0.slice();
            K.dsyrk(uplo, trans, n, k, 2, A, lda, 0.5, C, ldc);
            const R = C0.slice();
            if (trans === "N") refGemm("N", "T", n, n, k, 2, A, lda, A, lda, 0.5, R, ldc);
            else refGemm("T", "N", n, n, k, 2, A, lda, A, lda, 0.5, R, ldc);
            for (let j = 0; j < n; j++)
              for (let i = 0; i < ldc; i++) {
                const inTri = i < n && (uplo === "U" ? i <= j : i >= j);
                if (inTri)
                  assert.ok(
                    Math.abs(C[i + j * ldc] - R[i + j * ldc]) < 1e-12 * (k + 1),
                    `${uplo}${trans} ${n},${k}`,
                  );
                else assert.equal(C[i + j * ldc], C0[i + j * ldc]);
              }
          }
    });
  });
}
