import { test } from "node:test";
import assert from "node:assert/strict";
import { Dense } from "../../src/layers/dense.js";
import { checkLayer } from "../../src/check/layer-checks.js";
import { ACTIVATIONS } from "../../src/layers/activations.js";

for (const act of ACTIVATIONS) {
  test(`Dense(${act}): Taylor and adjoint w.r.t. θ and input`, () => {
    // ReLU is piecewise linear: small steps so that no kink is crossed (E1 is then at round-off)
    const taylor = act === "relu" ? { h0: 1e-4 } : {};
    const r = checkLayer(new Dense({ nIn: 5, nOut: 4, act }), { n: 6, seed: 3, taylor });
    for (const t of [r.taylorTheta!, r.taylorInput]) {
      if (act === "identity") assert.ok(t.exact, "affine layer: linearisation exact");
      assert.ok(t.pass, `Taylor slopes ${t.slope0}, ${t.slope1}: ${JSON.stringify(t.slopes1)}`);
    }
    for (const a of [r.adjointTheta!, r.adjointInput]) assert.ok(a.relErr <= 1e-12, `adjoint ${a.relErr}`);
  });
}

test("Dense: column blocking gives the same forward, JVP and VJP as one block", async () => {
  const { Rng } = await import("../../src/util/rng.js");
  const rng = new Rng(12);
  for (const act of ["tanh", "identity"] as const) {
    const one = new Dense({ nIn: 5, nOut: 4, act });
    const blocked = new Dense({ nIn: 5, nOut: 4, act, blockEntries: 15 }); // 3 samples per block
    const n = 11;
    const th = rng.fillNormal(new Float64Array(one.nParams));
    const Y = rng.fillNormal(new Float64Array(5 * n));
    const dth = rng.fillNormal(new Float64Array(one.nParams));
    const dY = rng.fillNormal(new Float64Array(5 * n));
    const U = rng.fillNormal(new Float64Array(4 * n));
    const s1 = one.forward(th, Y, n);
    const s2 = blocked.forward(th, Y, n);
    const close = (a: Float64Array, b: Float64Array) =>
      a.every((v, i) => Math.abs(v - b[i]) <= 1e-13 * (1 + Math.abs(v)));
    assert.ok(close(s1.out, s2.out));
    assert.ok(close(one.jvp(s1, dth, dY), blocked.jvp(s2, dth, dY)));
    const g1 = new Float64Array(one.nParams);
    const g2 = new Float64Array(one.nParams);
    assert.ok(close(one.vjp(s1, U, g1, true)!, blocked.vjp(s2, U, g2, true)!));
    assert.ok(close(g1, g2));
    const r = checkLayer(blocked, { n: 7, seed: 4 });
    assert.ok(r.taylorTheta!.pass && r.taylorInput.pass);
    assert.ok(r.adjointTheta!.relErr <= 1e-12 && r.adjointInput.relErr <= 1e-12);
  }
  assert.throws(() => new Dense({ nIn: 2, nOut: 2, blockEntries: 0 }), /blockEntries/);
});
