import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Trans } from "../../src/kernels/types.js";
import { backends } from "./helpers.js";

for (const K of backends()) {
  describe(`argument validation on the ${K.name} backend`, () => {
    const A = new Float64Array(6);
    const B = new Float64Array(6);
    const C = new Float64Array(4);

    it("gemm: bad transpose flag, dimensions, leading dimensions, lengths, element type", () => {
      assert.throws(
        () => K.dgemm("X" as Trans, "N", 2, 2, 3, 1, A, 2, B, 3, 0, C, 2),
        /dgemm: transA must be/,
      );
      assert.throws(() => K.dgemm("N", "N", -1, 2, 3, 1, A, 2, B, 3, 0, C, 2), /dgemm: m must be an integer/);
      assert.throws(
        () => K.dgemm("N", "N", 2, 2.5, 3, 1, A, 2, B, 3, 0, C, 2),
        /dgemm: n must be an integer/,
      );
      assert.throws(
        () => K.dgemm("N", "N", 2, 2, 3, 1, A, 1, B, 3, 0, C, 2),
        /dgemm: A \(transA N\) is 2×3.*≥ 2, got 1.*op\(A\) 2×3/,
      );
      assert.throws(
        () => K.dgemm("N", "N", 2, 2, 4, 1, A, 2, B, 4, 0, C, 2),
        /dgemm: A \(transA N\) is 2×4.*needs 8 elements, has 6/,
      );
      assert.throws(() => K.dgemm("N", "T", 2, 3, 3, 1, A, 2, B, 3, 0, C, 2), /dgemm: B \(transB T\) is 3×3/);
      assert.throws(
        () => K.dgemm("N", "N", 2, 3, 3, 1, A, 2, new Float64Array(9), 3, 0, C, 2),
        /dgemm: C is 2×3.*needs 6/,
      );
      assert.throws(
        () => K.dgemm("N", "N", 2, 2, 3, 1, new Float32Array(6) as unknown as Float64Array, 2, B, 3, 0, C, 2),
        /dgemm: A \(transA N\) must be a Float64Array, got Float32Array/,
      );
      assert.throws(
        () =>
          K.sgemm(
            "N",
            "N",
            2,
            2,
            3,
            1,
            new Float32Array(6),
            2,
            new Float32Array(6),
            3,
            0,
            C as unknown as Float32Array,
            2,
          ),
        /sgemm: C must be a Float32Array/,
      );
      assert.throws(
        () => K.dgemm("N", "N", 2, 2, 3, NaN, A, 2, B, 3, 0, C, 2),
        /dgemm: alpha must be a finite number/,
      );
    });

    it("gemm: C may not alias A or B", () => {
      const buf = new Float64Array(20);
      assert.throws(
        () => K.dgemm("N", "N", 2, 2, 2, 1, buf, 2, B, 2, 0, buf.subarray(2), 2),
        /dgemm: C and A overlap/,
      );
      assert.throws(
        () => K.dgemm("N", "N", 2, 2, 2, 1, A, 2, buf.subarray(3), 2, 0, buf, 2),
        /dgemm: C and B overlap/,
      );
      // disjoint views of one buffer are fine
      K.dgemm("N", "N", 2, 2, 2, 1, buf.subarray(0, 4), 2, buf.subarray(4, 8), 2, 0, buf.subarray(8, 12), 2);
    });

    it("syrk, potrs, trsm, pbtrs: shapes and aliasing", () => {
      assert.throws(
        () => K.dsyrk("U", "N", 3, 2, 1, A, 2, 0, new Float64Array(9), 3),
        /dsyrk: A \(trans N\) is 3×2/,
      );
      assert.throws(() => K.dsyrk("X" as "U", "N", 1, 1, 1, A, 1, 0, C, 1), /dsyrk: uplo must be/);
      assert.throws(
        () => K.dpotrs("L", 2, 1, new Float64Array([1, 0, 0, 1]), 2, new Float64Array(1), 2),
        /dpotrs: B is 2×1.*needs 2/,
      );
      const buf = new Float64Array(8);
      assert.throws(() => K.dpotrs("L", 2, 1, buf, 2, buf.subarray(2), 2), /dpotrs: B and A overlap/);
      assert.throws(
        () => K.dtrsm("L", "L", "N", "N", 3, 1, 1, new Float64Array(4), 2, new Float64Array(3), 3),
        /dtrsm: A \(side L\) is 3×3.*≥ 3, got 2/,
      );
      assert.throws(() => K.dtrsm("R", "L", "N", "X" as "N", 1, 1, 1, A, 1, B, 1), /dtrsm: diag must be/);
      assert.throws(() => K.dtrsm("B" as "L", "L", "N", "N", 1, 1, 1, A, 1, B, 1), /dtrsm: side must be/);
      assert.throws(
        () => K.dpbtrs("L", 3, 1, 1, new Float64Array(6), 2, new Float64Array(2), 3),
        /dpbtrs: B is 3×1/,
      );
      assert.throws(() => K.dpotrf("L", 2, new Float64Array(4), 2), /dpotrf.*not positive definite/);
      assert.throws(() => K.setThreads(0), /setThreads/);
    });
  });
}
