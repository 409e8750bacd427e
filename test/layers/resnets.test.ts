import { test } from "node:test";
import assert from "node:assert/strict";
import { AntisymResNet } from "../../src/layers/antisym-resnet.js";
import { ResidualEuler } from "../../src/layers/residual.js";
import { checkLayer } from "../../src/check/layer-checks.js";
import { adjointTest } from "../../src/check/derivative-tests.js";
import { Rng } from "../../src/util/rng.js";
import type { Layer } from "../../src/layers/types.js";

function assertChecks(layer: Layer, seed: number, inputScale = 1): void {
  const r = checkLayer(layer, { n: 5, seed, thetaNoise: 0.3 * inputScale, inputScale });
  for (const [name, t] of [
    ["θ", r.taylorTheta!],
    ["Y", r.taylorInput],
  ] as const) {
    assert.ok(!t.exact, `${name}: nonlinear map must not look exact`);
    assert.ok(t.pass, `Taylor ${name}: slopes ${t.slope0}, ${t.slope1} (${JSON.stringify(t.slopes1)})`);
  }
  assert.ok(r.adjointTheta!.relErr <= 1e-12, `adjoint θ ${r.adjointTheta!.relErr}`);
  assert.ok(r.adjointInput.relErr <= 1e-12, `adjoint Y ${r.adjointInput.relErr}`);
}

test("ResidualEuler (tanh, 3 steps): Taylor and adjoint", () =>
  assertChecks(new ResidualEuler({ width: 4, nSteps: 3, T: 2 }), 5));
test("ResidualEuler (smoothRelu): Taylor and adjoint", () =>
  assertChecks(new ResidualEuler({ width: 3, nSteps: 2, act: "smoothRelu" }), 6, 0.03));

for (const nt of [2, 3, 5]) {
  test(`AntisymResNet RK4 (width 4, nt ${nt}): Taylor and adjoint`, () =>
    assertChecks(new AntisymResNet({ width: 4, nt, T: 2 }), 10 + nt));
}

test("AntisymResNet: K = A − Aᵀ − εI has no dead parameters and the right count", () => {
  const net = new AntisymResNet({ width: 5, nt: 3 });
  assert.equal(net.nParams, 3 * (10 + 5));
  // every single parameter changes the output (no null directions from the parametrisation)
  const rng = new Rng(2);
  const th = new Float64Array(net.nParams);
  net.init(th, rng);
  const Y = rng.fillNormal(new Float64Array(5 * 4));
  const st = net.forward(th, Y, 4);
  for (let i = 0; i < net.nParams; i++) {
    const e = new Float64Array(net.nParams);
    e[i] = 1;
    const d = net.jvp(st, e, null);
    assert.ok(
      d.some((v) => v !== 0),
      `parameter ${i} has no effect`,
    );
  }
});

test("AntisymResNet: with zero weights and ε identity activation gives RK4's linear decay", () => {
  // K = −εI, b = 0, σ = identity: dY/dt = −εY, RK4 ≈ exp(−εT) to O(h⁴)
  const net = new AntisymResNet({ width: 2, nt: 3, T: 1, eps: 0.5, act: "identity" });
  const th = new Float64Array(net.nParams);
  const Y = Float64Array.from([1, 2]);
  const out = net.forward(th, Y, 1).out;
  const z = -0.5 * 0.5;
  const rk4 = 1 + z + (z * z) / 2 + (z * z * z) / 6 + (z * z * z * z) / 24;
  assert.ok(Math.abs(out[0] - rk4 * rk4) < 1e-15);
  assert.ok(Math.abs(out[1] - 2 * rk4 * rk4) < 1e-15);
});

test("AntisymResNet regOperator: adjoint and differences scaled by 1/h", () => {
  const net = new AntisymResNet({ width: 3, nt: 4, T: 3 });
  const L = net.regOperator();
  assert.equal(L.cols, net.nParams);
  assert.equal(L.rows, 3 * net.pPoint);
  const rng = new Rng(4);
  const x = rng.fillNormal(new Float64Array(L.cols));
  const y = rng.fillNormal(new Float64Array(L.rows));
  const r = adjointTest(
    (v) => {
      const o = new Float64Array(L.rows);
      L.apply(v, o);
      return o;
    },
    (u) => {
      const o = new Float64Array(L.cols);
      L.applyT(u, o);
      return o;
    },
    x,
    y,
  );
  assert.ok(r.relErr <= 1e-12);
  // constant-in-time weights lie in its null space; a linear ramp θ_k = k·c gives c/h
  const c = rng.fillNormal(new Float64Array(net.pPoint));
  const ramp = new Float64Array(L.cols);
  for (let k = 0; k < 4; k++) for (let i = 0; i < net.pPoint; i++) ramp[k * net.pPoint + i] = k * c[i];
  const o = new Float64Array(L.rows);
  L.apply(ramp, o);
  for (let k = 0; k < 3; k++)
    for (let i = 0; i < net.pPoint; i++) assert.ok(Math.abs(o[k * net.pPoint + i] - c[i] / net.h) < 1e-14);
  const init = new Float64Array(net.nParams);
  net.init(init, rng);
  L.apply(init, o);
  assert.ok(
    o.every((v) => v === 0),
    "initial weights are constant in time",
  );
});

test("AntisymResNet rejects bad options", () => {
  assert.throws(() => new AntisymResNet({ width: 3, nt: 1 }), /nt/);
  assert.throws(() => new AntisymResNet({ width: 0, nt: 2 }), /width/);
  assert.throws(() => new AntisymResNet({ width: 3, nt: 2, T: -1 }), /T must be positive/);
  const net = new AntisymResNet({ width: 3, nt: 2 });
  assert.throws(() => net.forward(new Float64Array(net.nParams), new Float64Array(5), 2), /Y has length 5/);
});
