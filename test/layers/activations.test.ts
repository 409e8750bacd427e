import { test } from "node:test";
import assert from "node:assert/strict";
import { kernels } from "../../src/kernels/index.js";
import { applyActivation, biasActivate, biasTanh } from "../../src/layers/activations.js";
import { Rng } from "../../src/util/rng.js";

test("tanh layers use the backend's fused kernel: applyActivation, biasActivate, biasTanh agree with dtanhBias bit for bit", () => {
  const rng = new Rng(5);
  for (const [m, n] of [
    [8, 400],
    [3, 4],
    [32, 9],
  ]) {
    const X = rng.fillNormal(new Float64Array(m * n), 2);
    const b = rng.fillNormal(new Float64Array(m));
    const ref = Float64Array.from(X);
    const refD = new Float64Array(m * n);
    kernels().dtanhBias(m, n, ref, b, refD);
    for (const f of [
      (Z: Float64Array, D: Float64Array) => applyActivation("tanh", Z, b, m, n, D),
      (Z: Float64Array, D: Float64Array) => biasActivate("tanh", Z, b, m, n, D),
      (Z: Float64Array, D: Float64Array) => biasTanh(Z, b, m, n, D),
    ]) {
      const Z = Float64Array.from(X);
      const D = new Float64Array(m * n);
      f(Z, D);
      assert.deepEqual(Z, ref, `${m}×${n} (${kernels().name})`);
      assert.deepEqual(D, refD, `${m}×${n} D (${kernels().name})`);
      // and the values are tanh: within 2 ulp-ish of Math.tanh (relative 5e-16)
      for (let j = 0; j < n; j++)
        for (let i = 0; i < m; i++) {
          const t = Math.tanh(X[i + j * m] + b[i]);
          assert.ok(Math.abs(Z[i + j * m] - t) <= 5e-16 * Math.abs(t), `tanh(${X[i + j * m] + b[i]})`);
        }
    }
  }
});

test("tanh without bias and without D (D null leaves nothing to write)", () => {
  const Z = Float64Array.from([-30, -1, -0, 0.3, 2, NaN]);
  applyActivation("tanh", Z, null, 6, 1, null);
  assert.deepEqual([Z[0], Z[1]], [-1, Math.tanh(-1)]);
  assert.ok(Object.is(Z[2], -0));
  assert.ok(Math.abs(Z[3] - Math.tanh(0.3)) <= 1e-16 && Math.abs(Z[4] - Math.tanh(2)) <= 2.3e-16);
  assert.ok(Number.isNaN(Z[5]));
});
