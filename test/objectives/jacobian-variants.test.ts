/**
 * GNVPRO.md §3, least squares with α_W = 0: the full (Golub–Pereyra) reduced Jacobian, Kaufman's
 * approximation (drops the residual term) and the crude variant without dW/dθ.
 *  - at a zero-residual point, full = Kaufman to round-off;
 *  - at a non-zero residual, only the full one passes the Taylor test;
 *  - dropping all of dW/dθ fails both.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { taylorTest } from "../../src/check/derivative-tests.js";
import { kernels } from "../../src/kernels/index.js";
import { appendOnes } from "../../src/objectives/dense.js";
import type { JacobianVariant } from "../../src/objectives/reduced-jacobian.js";
import { VarProObjective } from "../../src/objectives/reduced.js";
import { Rng, TanhMlp, randn, maxAbsDiff, norm } from "./helpers.js";

const m = 4;
const n = 40;
const q = 3;

function setup(zeroResidual: boolean) {
  const rng = new Rng(77);
  const net = new TanhMlp(3, 6, m);
  const Y = randn(rng, 3 * n);
  const theta = new Float64Array(net.nParams);
  net.init(theta, rng);
  let C = randn(rng, q * n);
  if (zeroResidual) {
    const Zh = appendOnes(net.forward(theta, Y, n).out, m, n);
    const Wstar = randn(rng, q * (m + 1));
    C = new Float64Array(q * n);
    kernels().dgemm("N", "N", q, n, m + 1, 1, Wstar, q, Zh, m + 1, 0, C, q);
  }
  const v = randn(rng, theta.length);
  const make = (jacobian: JacobianVariant) =>
    new VarProObjective({ net, Y, C, loss: "least-squares", alphaW: 0, alphaTheta: 0, jacobian });
  return { theta, v, make };
}

function taylor(obj: VarProObjective, theta: Float64Array, v: Float64Array) {
  obj.gradient(theta);
  return taylorTest(
    (x) => obj.residual(x),
    (dx) => obj.residualJvp(dx),
    theta,
    v,
  );
}

test("LS Jacobian variants at a non-zero residual: only the full Jacobian passes the Taylor test", () => {
  const { theta, v, make } = setup(false);
  const full = taylor(make("full"), theta, v);
  assert.ok(full.pass, `full: slopes ${full.slope0} ${full.slope1}`);
  for (const variant of ["kaufman", "none"] as const) {
    const r = taylor(make(variant), theta, v);
    assert.ok(!r.pass, `${variant} should fail`);
    assert.ok(Math.abs(r.slope1 - 1) < 0.25, `${variant}: error slope ${r.slope1}, expected ≈ 1`);
  }
});

test("LS Jacobian variants at a zero residual: full = Kaufman to round-off, both pass; no-dW/dθ fails", () => {
  const { theta, v, make } = setup(true);
  const full = make("full");
  const kaufman = make("kaufman");
  const none = make("none");
  assert.ok(full.evaluate(theta).value < 1e-25, `residual ${full.evaluate(theta).value}`);
  full.gradient(theta);
  kaufman.gradient(theta);
  const a = full.residualJvp(v);
  const b = kaufman.residualJvp(v);
  assert.ok(maxAbsDiff(a, b) < 1e-12 * norm(a), `${maxAbsDiff(a, b)}`);
  const rf = taylor(full, theta, v);
  const rk = taylor(kaufman, theta, v);
  assert.ok(rf.pass && rk.pass, `slopes full ${rf.slope1}, Kaufman ${rk.slope1}`);
  const rn = taylor(none, theta, v);
  assert.ok(!rn.pass);
  assert.ok(Math.abs(rn.slope1 - 1) < 0.25, `none: error slope ${rn.slope1}`);
});
