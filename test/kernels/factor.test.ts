import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Diag, Side, Trans, Uplo } from "../../src/kernels/types.js";
import { Rng } from "../../src/util/rng.js";
import { EPS, at, backends, maxDiff, randSpd, randn, refGemm } from "./helpers.js";

for (const K of backends()) {
  describe(`factorisations on the ${K.name} backend`, () => {
    it("dpotrf reconstructs A = L Lᵀ / Uᵀ U and leaves the other triangle alone", () => {
      const rng = new Rng(11);
      for (const n of [0, 1, 2, 5, 17, 40, 150]) {
        for (const uplo of ["L", "U"] as Uplo[]) {
          const lda = n + 3;
          const A0 = randSpd(rng, n);
          const A = new Float64Array(lda * Math.max(n, 1)).fill(7);
          for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) A[i + j * lda] = A0[i + j * n];
          K.dpotrf(uplo, n, A, lda);
          const F = new Float64Array(n * n); // the triangular factor, other triangle zero
          for (let j = 0; j < n; j++)
            for (let i = 0; i < n; i++) {
              const inTri = uplo === "L" ? i >= j : i <= j;
              if (inTri) F[i + j * n] = A[i + j * lda];
              else assert.equal(A[i + j * lda], A0[i + j * n], "other triangle untouched");
            }
          const R = new Float64Array(n * n);
          if (uplo === "L") refGemm("N", "T", n, n, n, 1, F, n, F, n, 0, R, n);
          else refGemm("T", "N", n, n, n, 1, F, n, F, n, 0, R, n);
          assert.ok(maxDiff(n, n, R, n, A0, n) <= 50 * n * EPS * n * 2, `n=${n} ${uplo}`);
          for (let i = lda * n; i < A.length; i++) assert.equal(A[i], 7);
        }
      }
    });

    it("dpotrs solves A X = B", () => {
      const rng = new Rng(12);
      for (const [n, nrhs] of [
        [1, 1],
        [6, 3],
        [30, 2],
        [4, 0],
      ]) {
        for (const uplo of ["L", "U"] as Uplo[]) {
          const A0 = randSpd(rng, n);
          const X0 = randn(rng, n * nrhs);
          const B = new Float64Array(n * nrhs);
          refGemm("N", "N", n, nrhs, n, 1, A0, n, X0, n, 0, B, n);
          const A = A0.slice();
          K.dpotrf(uplo, n, A, n);
          K.dpotrs(uplo, n, nrhs, A, n, B, n);
          assert.ok(maxDiff(n, nrhs, B, n, X0, n) < 1e-11, `n=${n} nrhs=${nrhs} ${uplo}`);
        }
      }
    });

    it("dpotrf + dpotrs: the residual of random SPD systems is at round-off (fast-check)", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 14 }),
          fc.integer({ min: 1, max: 3 }),
          fc.constantFrom<Uplo>("L", "U"),
          fc.integer({ min: 1, max: 1e6 }),
          (n, nrhs, uplo, seed) => {
            const rng = new Rng(seed);
            const A0 = randSpd(rng, n);
            const B0 = randn(rng, n * nrhs);
            const A = A0.slice();
            const X = B0.slice();
            K.dpotrf(uplo, n, A, n);
            K.dpotrs(uplo, n, nrhs, A, n, X, n);
            const R = B0.slice();
            refGemm("N", "N", n, nrhs, n, 1, A0, n, X, n, -1, R, n);
            let scale = 0;
            for (const v of A0) scale = Math.max(scale, Math.abs(v));
            for (const v of R) assert.ok(Math.abs(v) < 1e3 * n * EPS * scale);
          },
        ),
        { numRuns: 100, seed: 7 },
      );
    });

    it("dpotrf reports the order of the first non-positive leading minor past the first block", () => {
      const n = 150;
      const A0 = randSpd(new Rng(16), n);
      A0[99 + 99 * n] = -1;
      for (const uplo of ["L", "U"] as Uplo[])
        assert.throws(() => K.dpotrf(uplo, n, A0.slice(), n), /dpotrf.*150×150.*leading minor of order 100 /);
    });

    it("dpotrf rejects a matrix that is not SPD, and non-finite entries", () => {
      const A = new Float64Array([1, 2, 2, 1]); // eigenvalues 3, -1
      assert.throws(() => K.dpotrf("L", 2, A.slice(), 2), /dpotrf.*2×2.*not positive definite/);
      assert.throws(() => K.dpotrf("U", 2, A.slice(), 2), /dpotrf.*not positive definite/);
      assert.throws(() => K.dpotrf("L", 2, new Float64Array([1, NaN, 0, 1]), 2), /dpotrf.*non-finite/);
      // NaN in the unreferenced triangle is fine
      const ok = new Float64Array([4, 0, NaN, 9]);
      K.dpotrf("L", 2, ok, 2);
      assert.deepEqual(Array.from(ok.subarray(0, 2)), [2, 0]);
      assert.equal(ok[3], 3);
    });

    it("dtrsm solves every side/uplo/trans/diag combination", () => {
      const rng = new Rng(13);
      for (const side of ["L", "R"] as Side[])
        for (const uplo of ["L", "U"] as Uplo[])
          for (const tA of ["N", "T"] as Trans[])
            for (const diag of ["N", "U"] as Diag[])
              for (const [m, n] of [
                [0, 3],
                [1, 1],
                [5, 3],
                [3, 7],
              ]) {
                const na = side === "L" ? m : n;
                const lda = na + 1;
                const A = randn(rng, lda * na);
                for (let i = 0; i < na; i++) A[i + i * lda] = 3 + Math.abs(A[i + i * lda]);
                const T = new Float64Array(na * na); // the triangle of A as a dense matrix
                for (let j = 0; j < na; j++)
                  for (let i = 0; i < na; i++) {
                    const inTri = uplo === "L" ? i >= j : i <= j;
                    if (i === j) T[i + j * na] = diag === "U" ? 1 : A[i + j * lda];
                    else if (inTri) T[i + j * na] = A[i + j * lda];
                  }
                const ldb = m + 2;
                const B0 = randn(rng, ldb * n);
                const B = B0.slice();
                const alpha = 0.75;
                K.dtrsm(side, uplo, tA, diag, m, n, alpha, A, lda, B, ldb);
                // check op(T) X = α B0 or X op(T) = α B0
                const R = new Float64Array(m * n);
                if (side === "L") refGemm(tA, "N", m, n, m, 1, T, na, B, ldb, 0, R, m);
                else refGemm("N", tA, m, n, n, 1, B, ldb, T, na, 0, R, m);
                for (let j = 0; j < n; j++)
                  for (let i = 0; i < m; i++)
                    assert.ok(
                      Math.abs(R[i + j * m] - alpha * B0[i + j * ldb]) < 1e-12,
                      `${side}${uplo}${tA}${diag} ${m}×${n}`,
                    );
                for (let j = 0; j < n; j++)
                  for (let i = m; i < ldb; i++) assert.equal(B[i + j * ldb], B0[i + j * ldb]);
              }
    });

    it("dgesvd: thin SVD with descending singular values, orthonormal U and Vᵀ, reconstruction", () => {
      const rng = new Rng(14);
      for (const [m, n] of [
        [0, 0],
        [0, 3],
        [1, 1],
        [1, 5],
        [5, 1],
        [6, 4],
        [4, 6],
        [20, 20],
        [33, 7],
      ]) {
        const p = Math.min(m, n);
        const lda = m + 1;
        const A0 = randn(rng, lda * n);
        const A = A0.slice();
        const S = new Float64Array(p);
        const U = new Float64Array(m * p);
        const VT = new Float64Array(p * n);
        K.dgesvd(m, n, A, lda, S, U, Math.max(1, m), VT, Math.max(1, p));
        checkSvd(m, n, A0, lda, S, U, VT, `${m}×${n}`);
      }
    });

    it("dgesvd of rank-deficient and zero matrices keeps U, Vᵀ orthonormal", () => {
      const rng = new Rng(15);
      for (const [m, n, r] of [
        [6, 4, 1],
        [4, 6, 2],
        [5, 5, 0],
        [30, 4, 2],
        [3, 25, 1],
        [40, 3, 0],
      ]) {
        const X = randn(rng, m * r);
        const Y = randn(rng, n * r);
        const A0 = new Float64Array(m * n);
        refGemm("N", "T", m, n, r, 1, X, m, Y, n, 0, A0, m);
        const p = Math.min(m, n);
        const S = new Float64Array(p);
        const U = new Float64Array(m * p);
        const VT = new Float64Array(p * n);
        K.dgesvd(m, n, A0.slice(), m, S, U, m, VT, p);
        checkSvd(m, n, A0, m, S, U, VT, `rank ${r} ${m}×${n}`);
        for (let i = r; i < p; i++) assert.ok(S[i] <= 1e-13 * Math.max(1, S[0]), `σ_${i} = ${S[i]}`);
      }
    });

    it("dgesvd rejects non-finite input and aliasing", () => {
      const A = new Float64Array([1, 2, Infinity, 4]);
      const S = new Float64Array(2);
      const U = new Float64Array(4);
      const VT = new Float64Array(4);
      assert.throws(() => K.dgesvd(2, 2, A, 2, S, U, 2, VT, 2), /dgesvd.*non-finite/);
      const buf = new Float64Array(8);
      assert.throws(
        () => K.dgesvd(2, 2, buf.subarray(0, 4), 2, S, buf.subarray(2, 6), 2, VT, 2),
        /dgesvd.*overlap/,
      );
    });
  });
}

function checkSvd(
  m: number,
  n: number,
  A0: Float64Array,
  lda: number,
  S: Float64Array,
  U: Float64Array,
  VT: Float64Array,
  what: string,
): void {
  const p = Math.min(m, n);
  const scale = Math.max(1, S[0] ?? 0);
  const tol = 200 * Math.max(m, n, 1) * EPS;
  for (let i = 1; i < p; i++) assert.ok(S[i - 1] >= S[i], `${what}: descending`);
  for (let i = 0; i < p; i++) assert.ok(S[i] >= 0);
  const UtU = new Float64Array(p * p);
  refGemm("T", "N", p, p, m, 1, U, m, U, m, 0, UtU, p);
  const VVt = new Float64Array(p * p);
  refGemm("N", "T", p, p, n, 1, VT, p, VT, p, 0, VVt, p);
  for (let j = 0; j < p; j++)
    for (let i = 0; i < p; i++) {
      const e = i === j ? 1 : 0;
      assert.ok(Math.abs(UtU[i + j * p] - e) < tol, `${what}: UᵀU`);
      assert.ok(Math.abs(VVt[i + j * p] - e) < tol, `${what}: VᵀV`);
    }
  for (let j = 0; j < n; j++)
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let q = 0; q < p; q++) s += U[i + q * m] * S[q] * at(VT, p, "N", q, j);
      assert.ok(Math.abs(s - A0[i + j * lda]) < tol * scale, `${what}: U S Vᵀ = A`);
    }
}
