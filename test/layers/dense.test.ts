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
