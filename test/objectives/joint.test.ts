import { test } from "node:test";
import assert from "node:assert/strict";
import { taylorTest } from "../../src/check/derivative-tests.js";
import { JointObjective } from "../../src/objectives/joint.js";
import type { LossKind } from "../../src/objectives/losses.js";
import {
  Rng,
  TanhMlp,
  randn,
  oneHot,
  maxAbsDiff,
  norm,
  dotp,
  axpyNew,
  withGradient,
  SCALAR_TAYLOR,
} from "./helpers.js";

function problem(loss: LossKind, seed: number) {
  const rng = new Rng(seed);
  const net = new TanhMlp(3, 5, 4);
  const n = 30;
  const q = loss === "logistic" ? 1 : 3;
  const Y = randn(rng, 3 * n);
  const C =
    loss === "least-squares"
      ? randn(rng, q * n)
      : loss === "logistic"
        ? new Float64Array(n).map(() => rng.int(2))
        : oneHot(rng, q, n);
  const obj = new JointObjective({ net, Y, C, loss, alphaW: 1e-2, alphaTheta: 1e-3 });
  const theta = new Float64Array(net.nParams);
  net.init(theta, rng);
  const x = obj.join(theta, randn(rng, q * 5, 0.5));
  return { rng, obj, x, n, q };
}

for (const loss of ["least-squares", "cross-entropy", "logistic"] as LossKind[]) {
  test(`joint ${loss}: Taylor test of Φ(θ, W) with its gradient`, () => {
    const { rng, obj, x } = problem(loss, 1);
    const g = obj.gradient(x);
    const r = taylorTest(
      (y) => new Float64Array([obj.evaluate(y).value]),
      (d) => new Float64Array([dotp(g, d)]),
      x,
      withGradient(randn(rng, x.length), g),
      SCALAR_TAYLOR,
    );
    assert.ok(r.pass, `slopes ${r.slope0} ${r.slope1}`);
  });

  test(`joint ${loss}: coupled GN product symmetric, PSD, not block-diagonal, = Jᵀ(𝓗/n)J + regularisers`, () => {
    const { rng, obj, x } = problem(loss, 2);
    const g = obj.gradient(x);
    for (let t = 0; t < 3; t++) {
      const u = randn(rng, x.length);
      const v = randn(rng, x.length);
      const Hu = obj.hessVec(u);
      const Hv = obj.hessVec(v);
      assert.ok(Math.abs(dotp(Hu, v) - dotp(u, Hv)) < 1e-13 * norm(Hu) * norm(v));
      assert.ok(dotp(v, Hv) >= 0);
    }
    // a θ-only direction has a W-component in its product: the coupling
    const e = new Float64Array(x.length);
    e.set(randn(rng, obj.nTheta));
    const He = obj.hessVec(e);
    assert.ok(norm(He.subarray(obj.nTheta)) > 1e-3 * norm(He));
    // the GN model of the gradient: for least squares H_GN = J_rᵀJ_r with r the residual in evaluate()
    if (loss === "least-squares") {
      const v = randn(rng, x.length);
      const h = 1e-6;
      const rp = obj.evaluate(axpyNew(x, h, v)).residual as Float64Array;
      const rm = obj.evaluate(axpyNew(x, -h, v)).residual as Float64Array;
      const Jv = rp.map((a, k) => (a - rm[k]) / (2 * h));
      const Hv = obj.hessVec(v);
      assert.ok(Math.abs(dotp(v, Hv) - dotp(Jv, Jv)) < 1e-7 * dotp(Jv, Jv));
      const r = obj.evaluate(x).residual as Float64Array;
      assert.ok(Math.abs(0.5 * dotp(r, r) - obj.evaluate(x).value) < 1e-15);
      assert.ok(norm(g) > 0);
    }
  });
}

test("joint: minibatches — the full batch equals the full objective; work units 2·b/n", () => {
  const { obj, x, n } = problem("cross-entropy", 3);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const full = obj.batchValueGradient(x, all);
  assert.equal(obj.work.units, 2);
  assert.ok(Math.abs(full.value - obj.evaluate(x).value) < 1e-14);
  assert.ok(maxAbsDiff(full.gradient, obj.gradient(x)) < 1e-14);
  assert.equal(obj.work.units, 4);
  // a batch of b samples = the objective on those samples alone
  const idx = new Int32Array([3, 7, 7, 12, 29, 0]);
  const w0 = obj.work.units;
  const b = obj.batchValueGradient(x, idx);
  assert.ok(Math.abs(obj.work.units - w0 - (2 * idx.length) / n) < 1e-15);
  // batch gradient is the gradient of the batch value (Taylor)
  const rng = new Rng(4);
  const r = taylorTest(
    (y) => new Float64Array([obj.batchValueGradient(y, idx).value]),
    (d) => new Float64Array([dotp(b.gradient, d)]),
    x,
    withGradient(randn(rng, x.length), b.gradient),
    SCALAR_TAYLOR,
  );
  assert.ok(r.pass);
  assert.throws(() => obj.batchValueGradient(x, new Int32Array([n])), /out of range/);
  assert.throws(() => obj.batchValueGradient(x, new Int32Array(0)), /empty/);
  assert.throws(() => obj.hessVec(new Float64Array(3)), /expected/);
});

test("joint: rejected inputs", () => {
  const net = new TanhMlp(2, 3, 2);
  const Y = new Float64Array(2 * 4);
  const C = new Float64Array([1, 0, 0, 1, 1, 0, 0, 1]);
  const base = { net, Y, C, alphaTheta: 0 };
  assert.throws(() => new JointObjective({ ...base, loss: "cross-entropy", alphaW: -1 }), /α_W/);
  assert.throws(() => new JointObjective({ ...base, loss: "logistic", alphaW: 1 }), /q = 1/);
  assert.throws(
    () => new JointObjective({ ...base, C: C.map((c) => 2 * c), loss: "cross-entropy", alphaW: 1 }),
    /sums to/,
  );
  assert.throws(
    () => new JointObjective({ ...base, Y: Y.subarray(1), loss: "least-squares", alphaW: 0 }),
    /inputs/,
  );
  assert.throws(
    () => new JointObjective({ ...base, loss: "least-squares", alphaW: 0, workScale: 0 }),
    /workScale/,
  );
  const obj = new JointObjective({ ...base, loss: "least-squares", alphaW: 0 });
  assert.throws(() => obj.hessVec(new Float64Array(obj.dim)), /gradient\(\) first/);
  assert.throws(() => obj.evaluate(new Float64Array(2)), /expected/);
  assert.throws(() => obj.join(new Float64Array(1), new Float64Array(6)), /join/);
});
