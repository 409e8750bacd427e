import { test } from "node:test";
import assert from "node:assert/strict";
import { fastTanh, applyActivation, ACTIVATIONS, SMOOTH_RELU_ETA } from "../../src/layers/activations.js";
import { kaimingUniform, xavierUniform } from "../../src/layers/init.js";
import { mlp, resnetSurrogate, cnnCifar } from "../../src/layers/networks.js";
import { Rng } from "../../src/util/rng.js";
import { ulps } from "../kernels/helpers.js";

test("fastTanh within 2 ulp of Math.tanh on 10⁶ points over many scales, and exact limits", () => {
  const rng = new Rng(42);
  let worst = 0;
  for (let i = 0; i < 1_000_000; i++) {
    // log-uniform magnitudes from 1e-8 to 30, both signs; plus the branch edges
    const x = (rng.uniform() < 0.5 ? -1 : 1) * Math.pow(10, rng.uniformRange(-8, 1.5));
    worst = Math.max(worst, ulps(fastTanh(x), Math.tanh(x)));
  }
  for (const x of [0.9999999999999999, 1, 1.0000000000000002, 19.999999, 20, 0.5, 1e-300, 5e-324])
    for (const s of [1, -1]) worst = Math.max(worst, ulps(fastTanh(s * x), Math.tanh(s * x)));
  assert.ok(worst <= 2, `worst ${worst} ulp`);
  assert.equal(fastTanh(0), 0);
  assert.ok(Object.is(fastTanh(-0), -0));
  assert.equal(fastTanh(Infinity), 1);
  assert.equal(fastTanh(-1e300), -1);
  assert.ok(Number.isNaN(fastTanh(NaN)));
});

test("activations: values and derivatives against finite differences", () => {
  const xs = Float64Array.from([-2, -0.07, -0.01, 0.03, 0.09, 0.4, 1.5]);
  for (const act of ACTIVATIONS) {
    const Z = Float64Array.from(xs);
    const D = new Float64Array(xs.length).fill(1);
    applyActivation(act, Z, null, xs.length, 1, D);
    for (let i = 0; i < xs.length; i++) {
      const h = 1e-6;
      const zp = Float64Array.from([xs[i] + h]);
      const zm = Float64Array.from([xs[i] - h]);
      applyActivation(act, zp, null, 1, 1, null);
      applyActivation(act, zm, null, 1, 1, null);
      assert.ok(Math.abs((zp[0] - zm[0]) / (2 * h) - D[i]) < 1e-6, `${act}'(${xs[i]})`);
    }
  }
  const z = Float64Array.from([0]);
  applyActivation("smoothRelu", z, null, 1, 1, null);
  assert.ok(Math.abs(z[0] - SMOOTH_RELU_ETA / 4) < 1e-16);
  const s = Float64Array.from([-800, 800]);
  applyActivation("sigmoid", s, null, 2, 1, null);
  assert.deepEqual([...s], [0, 1]);
});

test("init: Kaiming and Xavier bounds and spread; the same seed gives the same θ", () => {
  const a = kaimingUniform(new Float64Array(20000), 50, new Rng(1));
  const b = Math.SQRT2 * Math.sqrt(3 / 50);
  assert.ok(a.every((v) => Math.abs(v) <= b));
  const varA = a.reduce((s, v) => s + v * v, 0) / a.length;
  assert.ok(Math.abs(varA - 2 / 50) < 0.05 * (2 / 50), `Kaiming variance ${varA}`); // gain²/fanIn
  const x = xavierUniform(new Float64Array(20000), 30, 10, new Rng(2));
  const varX = x.reduce((s, v) => s + v * v, 0) / x.length;
  assert.ok(Math.abs(varX - 2 / 40) < 0.05 * (2 / 40), `Xavier variance ${varX}`);
  for (const net of [
    mlp(3, [4]),
    resnetSurrogate({ dIn: 2, width: 3, nt: 2 }),
    cnnCifar({ channels: 1, H: 4, W: 4, c1: 2, c2: 2, k: 3 }),
  ]) {
    const t1 = new Float64Array(net.nParams);
    const t2 = new Float64Array(net.nParams);
    const t3 = new Float64Array(net.nParams);
    net.init(t1, new Rng(9));
    net.init(t2, new Rng(9));
    net.init(t3, new Rng(10));
    assert.deepEqual([...t1], [...t2]);
    assert.notDeepEqual([...t1], [...t3]);
  }
  assert.throws(() => kaimingUniform(new Float64Array(2), 0, new Rng(1)), /fanIn/);
});
