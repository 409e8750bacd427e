import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Trans, Uplo } from "../../src/kernels/types.js";
import { Rng } from "../../src/util/rng.js";
import { backends, maxDiff, randn, refGemm } from "./helpers.js";

/** A dense random band matrix (ld n) with kl sub- and ku superdiagonals. */
function randBand(rng: Rng, n: number, kl: number, ku: number, diagBoost: number): Float64Array {
  const A = new Float64Array(n * n);
  for (let j = 0; j < n; j++)
    for (let i = Math.max(0, j - ku); i <= Math.min(n - 1, j + kl); i++) A[i + j * n] = rng.normal();
  for (let i = 0; i < n; i++) A[i + i * n] += diagBoost;
  return A;
}

for (const K of backends()) {
  describe(`banded solvers on the ${K.name} backend`, () => {
    it("dpbtrf + dpbtrs solve an SPD band system (both uplo), known answer", () => {
      const rng = new Rng(21);
      for (const [n, kd, nrhs] of [
        [0, 0, 1],
        [1, 0, 1],
        [8, 0, 2],
        [9, 1, 1],
        [20, 3, 3],
        [6, 8, 2],
      ]) {
        // SPD band: G Gᵀ with G lower band of width ceil(kd/2) has bandwidth ≤ kd; add n I
        const h = Math.floor(kd / 2);
        const G = randBand(rng, n, h, 0, 0);
        const A = new Float64Array(n * n);
        refGemm("N", "T", n, n, n, 1, G, n, G, n, 0, A, n);
        for (let j = 0; j < n; j++)
          for (let i = 0; i < n; i++)
            if (Math.abs(i - j) <= kd && Math.abs(i - j) > 2 * h) A[i + j * n] = 0.1;
        for (let i = 0; i < n; i++) A[i + i * n] += n + 1;
        for (const uplo of ["L", "U"] as Uplo[]) {
          const ldab = kd + 2;
          const AB = new Float64Array(ldab * Math.max(n, 1));
          for (let j = 0; j < n; j++)
            for (let i = 0; i < n; i++) {
              if (uplo === "U" && i <= j && j - i <= kd) AB[kd + i - j + j * ldab] = A[i + j * n];
              if (uplo === "L" && i >= j && i - j <= kd) AB[i - j + j * ldab] = A[i + j * n];
            }
          const X0 = randn(rng, n * nrhs);
          const B = new Float64Array(n * nrhs);
          refGemm("N", "N", n, nrhs, n, 1, A, n, X0, n, 0, B, n);
          K.dpbtrf(uplo, n, kd, AB, ldab);
          K.dpbtrs(uplo, n, kd, nrhs, AB, ldab, B, Math.max(1, n));
          assert.ok(maxDiff(n, nrhs, B, n, X0, n) < 1e-11, `n=${n} kd=${kd} ${uplo}`);
        }
      }
    });

    it("dpbtrf rejects a band matrix that is not SPD, non-finite entries, short arrays", () => {
      // tridiagonal [1 2; 2 1]
      assert.throws(
        () => K.dpbtrf("L", 2, 1, new Float64Array([1, 2, 1, 0]), 2),
        /dpbtrf.*not positive definite/,
      );
      assert.throws(
        () => K.dpbtrf("U", 2, 1, new Float64Array([0, 1, 2, 1]), 2),
        /dpbtrf.*not positive definite/,
      );
      assert.throws(() => K.dpbtrf("L", 2, 1, new Float64Array([1, NaN, 1, 0]), 2), /dpbtrf.*non-finite/);
      assert.throws(() => K.dpbtrf("L", 3, 1, new Float64Array(5), 2), /dpbtrf.*needs 6 elements/);
      assert.throws(() => K.dpbtrf("L", 3, 1, new Float64Array(9), 1), /dpbtrf.*ldab ≥ 2/);
    });

    it("dgbtrf + dgbtrs solve a general band system with pivoting (both trans)", () => {
      const rng = new Rng(22);
      for (const [n, kl, ku, nrhs] of [
        [0, 1, 1, 1],
        [1, 0, 0, 1],
        [7, 0, 0, 2],
        [10, 1, 1, 1],
        [15, 2, 3, 2],
        [12, 4, 1, 3],
        [5, 6, 6, 1],
      ]) {
        // no diagonal boost: small pivots force row interchanges
        const A = randBand(rng, n, kl, ku, 0);
        for (const trans of ["N", "T"] as Trans[]) {
          const ldab = 2 * kl + ku + 1 + 1;
          const kv = kl + ku;
          const AB = new Float64Array(ldab * Math.max(n, 1));
          for (let j = 0; j < n; j++)
            for (let i = Math.max(0, j - ku); i <= Math.min(n - 1, j + kl); i++)
              AB[kv + i - j + j * ldab] = A[i + j * n];
          const ipiv = new Int32Array(n);
          const X0 = randn(rng, n * nrhs);
          const B = new Float64Array(n * nrhs);
          refGemm(trans, "N", n, nrhs, n, 1, A, n, X0, n, 0, B, n);
          K.dgbtrf(n, kl, ku, AB, ldab, ipiv);
          K.dgbtrs(trans, n, kl, ku, nrhs, AB, ldab, ipiv, B, Math.max(1, n));
          assert.ok(maxDiff(n, nrhs, B, n, X0, n) < 1e-8, `n=${n} kl=${kl} ku=${ku} ${trans}`);
          for (let j = 0; j < n; j++) assert.ok(ipiv[j] >= j + 1 && ipiv[j] <= Math.min(n, j + 1 + kl));
        }
      }
    });

    it("dgbtrf pivots like LAPACK on a known 3×3 example", () => {
      // A = [1 2 0; 4 5 6; 0 7 8] (kl = ku = 1); column 0 pivots on row 1
      const n = 3;
      const kl = 1;
      const ku = 1;
      const ldab = 4;
      const A = [1, 4, 0, 2, 5, 7, 0, 6, 8];
      const AB = new Float64Array(ldab * n);
      for (let j = 0; j < n; j++)
        for (let i = Math.max(0, j - ku); i <= Math.min(n - 1, j + kl); i++)
          AB[2 + i - j + j * ldab] = A[i + j * n];
      const ipiv = new Int32Array(n);
      K.dgbtrf(n, kl, ku, AB, ldab, ipiv);
      assert.equal(ipiv[0], 2);
      const b = new Float64Array([3, 15, 15]); // A · [1, 1, 1]
      K.dgbtrs("N", n, kl, ku, 1, AB, ldab, ipiv, b, n);
      for (const x of b) assert.ok(Math.abs(x - 1) < 1e-14);
    });

    it("dgbtrf rejects a singular matrix; dgbtrs rejects impossible pivots", () => {
      const AB = new Float64Array(4 * 2); // n = 2, kl = ku = 1, all zero
      assert.throws(() => K.dgbtrf(2, 1, 1, AB, 4, new Int32Array(2)), /dgbtrf.*singular/);
      const good = new Float64Array([0, 0, 2, 0, 0, 0, 3, 0]);
      const ipiv = new Int32Array([1, 2]);
      K.dgbtrf(2, 1, 1, good, 4, ipiv);
      assert.throws(
        () => K.dgbtrs("N", 2, 1, 1, 1, good, 4, new Int32Array([5, 2]), new Float64Array(2), 2),
        /dgbtrs.*ipiv\[0\] = 5/,
      );
      assert.throws(() => K.dgbtrf(2, 1, 1, good, 3, ipiv), /dgbtrf.*ldab ≥ 4/);
      assert.throws(
        () => K.dgbtrf(2, 1, 1, new Float64Array([0, 0, 2, NaN, 0, 1, 3, 0]), 4, ipiv),
        /dgbtrf: A \(2×2, kl 1, ku 1\) has a non-finite entry NaN at \(1, 0\)/,
      );
      const buf = new Float64Array(10);
      buf.set(good);
      assert.throws(
        () => K.dgbtrs("N", 2, 1, 1, 1, buf, 4, ipiv, buf.subarray(6), 2),
        /dgbtrs: B and AB overlap/,
      );
      assert.throws(() => K.dgbtrf(2, 1, 1, good, 4, new Int32Array(1)), /dgbtrf.*ipiv needs 2/);
    });
  });
}
