import { test } from "node:test";
import assert from "node:assert/strict";
import { adjointTest, taylorTest } from "../../src/check/derivative-tests.js";
import { resnetSurrogate } from "../../src/layers/networks.js";
import type { Layer, LayerState } from "../../src/layers/types.js";
import { JointObjective } from "../../src/objectives/joint.js";
import { applyLossHessian, lossPoint, type LossKind } from "../../src/objectives/losses.js";
import { VarProObjective } from "../../src/objectives/reduced.js";
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

const LOSSES: LossKind[] = ["least-squares", "cross-entropy", "logistic"];

function problem(loss: LossKind, seed = 1, net: Layer = new TanhMlp(3, 6, 4), n = 40) {
  const rng = new Rng(seed);
  const q = loss === "logistic" ? 1 : 3;
  const Y = randn(rng, net.nIn * n);
  const C =
    loss === "least-squares"
      ? randn(rng, q * n)
      : loss === "logistic"
        ? new Float64Array(n).map(() => rng.int(2))
        : oneHot(rng, q, n);
  const theta = new Float64Array(net.nParams);
  net.init(theta, rng);
  const alphaW = loss === "least-squares" ? 1e-3 : 5e-2;
  const obj = new VarProObjective({
    net,
    Y,
    C,
    loss,
    alphaW,
    alphaTheta: 1e-2,
    innerCE: { tol: 1e-13 },
  });
  return { rng, net, Y, C, q, n, theta, obj, alphaW };
}

for (const loss of LOSSES) {
  test(`VarPro ${loss}: Taylor test of Φ_red with its gradient`, () => {
    const { rng, theta, obj } = problem(loss);
    const g = obj.gradient(theta);
    const v = randn(rng, theta.length);
    const r = taylorTest(
      (x) => new Float64Array([obj.evaluate(x).value]),
      (dx) => new Float64Array([dotp(g, dx)]),
      theta,
      withGradient(v, g),
      SCALAR_TAYLOR,
    );
    assert.ok(r.pass, `slopes ${r.slope0} ${r.slope1} ${r.e1}`);
    assert.ok(obj.lastInnerStats()?.converged);
  });

  test(`VarPro ${loss}: Taylor test of the outputs S(θ) with J_S, and the adjoint test of J_S`, () => {
    const { rng, theta, obj, q, n } = problem(loss, 2);
    obj.gradient(theta);
    const v = randn(rng, theta.length);
    const r = taylorTest(
      (x) => obj.outputs(x),
      (dx) => obj.jvp(dx),
      theta,
      v,
    );
    assert.ok(r.pass, `slopes ${r.slope0} ${r.slope1}`);
    const a = adjointTest(
      (x) => obj.jvp(x),
      (u) => obj.vjp(u),
      v,
      randn(rng, q * n),
    );
    assert.ok(a.relErr < 1e-13, `adjoint ${a.relErr}`);
  });

  test(`VarPro ${loss}: H_GN is symmetric and positive semidefinite; equals J_Sᵀ(𝓗/n)J_S + α_W dWᵀdW + α_θ LᵀL`, () => {
    const { rng, theta, obj, C, q, n, alphaW } = problem(loss, 3);
    obj.gradient(theta);
    for (let t = 0; t < 3; t++) {
      const u = randn(rng, theta.length);
      const v = randn(rng, theta.length);
      const Hu = obj.hessVec(u);
      const Hv = obj.hessVec(v);
      const a = dotp(Hu, v);
      const b = dotp(u, Hv);
      assert.ok(Math.abs(a - b) <= 1e-13 * Math.max(1, norm(Hu) * norm(v)), `symmetry ${a} ${b}`);
      assert.ok(dotp(v, Hv) >= 0);
    }
    // the quadratic form term by term; δW from a central difference of W(θ)
    const v = randn(rng, theta.length);
    const Hv = obj.hessVec(v);
    const dS = obj.jvp(v);
    const S = obj.outputs(theta);
    const HdS = new Float64Array(q * n);
    applyLossHessian(lossPoint(loss, S, C, q, n), dS, HdS, 1 / n);
    const h = 1e-5;
    const Wp = obj.weights(axpyNew(theta, h, v));
    const Wm = obj.weights(axpyNew(theta, -h, v));
    const dW = Wp.map((w, k) => (w - Wm[k]) / (2 * h));
    const dataTerm = dotp(dS, HdS);
    const wTerm = alphaW * dotp(dW, dW);
    const thetaTerm = 1e-2 * dotp(v, v);
    const vHv = dotp(v, Hv);
    assert.ok(wTerm > 1e-6 * vHv, "the α_W term should be visible in this test");
    assert.ok(
      Math.abs(vHv - (dataTerm + wTerm + thetaTerm)) < 1e-7 * vHv,
      `${vHv} vs ${dataTerm + wTerm + thetaTerm}`,
    );
    assert.ok(Math.abs(vHv - (dataTerm + thetaTerm)) > 1e-3 * wTerm);
  });

  test(`VarPro ${loss}: at W = W(θ) the reduced gradient equals the joint θ-gradient`, () => {
    const { theta, obj, net, Y, C, alphaW } = problem(loss, 4);
    const g = obj.gradient(theta);
    const W = obj.weights(theta);
    const joint = new JointObjective({ net, Y, C, loss, alphaW, alphaTheta: 1e-2 });
    const x = joint.join(theta, W);
    const gj = joint.gradient(x);
    assert.ok(maxAbsDiff(g, gj.subarray(0, theta.length)) < 1e-11 * Math.max(1, norm(g)));
    assert.ok(norm(gj.subarray(theta.length)) < 1e-11, `∇_W Φ = ${norm(gj.subarray(theta.length))}`);
    assert.ok(Math.abs(joint.evaluate(x).value - obj.evaluate(theta).value) < 1e-14);
  });
}

test("VarPro least squares: r(θ), J_r, J_rᵀ: adjoint, Taylor, J_rᵀr = ∇Φ_red, H_GN = J_rᵀJ_r", () => {
  const { rng, theta, obj } = problem("least-squares", 5);
  const g = obj.gradient(theta);
  const ev = obj.evaluate(theta);
  const r = ev.residual as Float64Array;
  assert.equal(r.length, obj.residualLength);
  assert.ok(Math.abs(0.5 * dotp(r, r) - ev.value) < 1e-15);
  assert.ok(maxAbsDiff(obj.residualVjp(r), g) < 1e-12 * norm(g));
  const v = randn(rng, theta.length);
  const a = adjointTest(
    (x) => obj.residualJvp(x),
    (u) => obj.residualVjp(u),
    v,
    randn(rng, obj.residualLength),
  );
  assert.ok(a.relErr < 1e-13, `adjoint ${a.relErr}`);
  const Jv = obj.residualJvp(v);
  const Hv = obj.hessVec(v);
  assert.ok(Math.abs(dotp(v, Hv) - dotp(Jv, Jv)) < 1e-12 * dotp(Jv, Jv));
  assert.ok(maxAbsDiff(obj.residualVjp(Jv), Hv) < 1e-12 * norm(Hv));
  const t = taylorTest(
    (x) => obj.residual(x),
    (dx) => obj.residualJvp(dx),
    theta,
    v,
  );
  assert.ok(t.pass, `slopes ${t.slope0} ${t.slope1}`);
});

/** Wraps a layer and counts its forward passes. */
class CountingLayer implements Layer {
  forwards = 0;
  constructor(readonly inner: Layer) {}
  get inShape() {
    return this.inner.inShape;
  }
  get outShape() {
    return this.inner.outShape;
  }
  get nIn() {
    return this.inner.nIn;
  }
  get nOut() {
    return this.inner.nOut;
  }
  get nParams() {
    return this.inner.nParams;
  }
  init(theta: Float64Array, rng: Rng) {
    this.inner.init(theta, rng);
  }
  forward(theta: Float64Array, Y: Float64Array, n: number) {
    this.forwards++;
    return this.inner.forward(theta, Y, n);
  }
  jvp(s: LayerState, a: Float64Array | null, b: Float64Array | null) {
    return this.inner.jvp(s, a, b);
  }
  vjp(s: LayerState, U: Float64Array, g: Float64Array | null, w: boolean) {
    return this.inner.vjp(s, U, g, w);
  }
  toJSON() {
    return this.inner.toJSON();
  }
}

test("VarPro: work units (GNVPRO.md §4) and caching of the forward pass", () => {
  const net = new CountingLayer(new TanhMlp(3, 5, 4));
  const { rng, theta, obj } = problem("cross-entropy", 6, net);
  const w = () => obj.work.units;
  obj.evaluate(theta);
  assert.equal(w(), 1);
  obj.evaluate(theta.slice());
  assert.equal(w(), 1);
  const g = obj.gradient(theta);
  assert.equal(w(), 2);
  obj.gradient(theta);
  assert.equal(w(), 2);
  const v = randn(rng, theta.length);
  const Hv = obj.hessVec(v);
  assert.equal(w(), 4);
  assert.equal(net.forwards, 1);
  // a trial point does not evict the linearisation point
  const trial = axpyNew(theta, 0.1, v);
  obj.evaluate(trial);
  assert.equal(w(), 5);
  assert.deepEqual(obj.hessVec(v), Hv);
  assert.equal(w(), 7);
  obj.evaluate(theta);
  assert.equal(w(), 7);
  assert.deepEqual(obj.gradient(theta), g);
  obj.gradient(trial);
  assert.equal(w(), 8);
  assert.equal(net.forwards, 2);
  const p2 = axpyNew(theta, 0.2, v);
  obj.gradient(p2);
  assert.equal(w(), 10);
  obj.jvp(v);
  obj.vjp(new Float64Array(obj.q * obj.n));
  assert.equal(w(), 12);
  // validation predictions are free, even at a point that is not cached, and keep the cache
  const S = obj.predict(theta, randn(rng, 3 * 7));
  assert.equal(S.length, obj.q * 7);
  assert.equal(w(), 12);
  // read-outs at a point that is not cached are free too and do not evict the cache
  const p3 = axpyNew(theta, -0.3, v);
  obj.weights(p3);
  obj.outputs(p3);
  assert.equal(w(), 12);
  obj.gradient(p2);
  assert.equal(w(), 12);
  const st = obj.innerStats(p2);
  assert.equal(st.method, "newton-cholesky");
  assert.ok(st.converged && st.gradNorm <= 1e-13);
  assert.equal(w(), 12);
});

test("VarPro: predict on the training inputs reproduces the outputs; block work scale", () => {
  const { theta, obj, Y, net, C } = problem("least-squares", 7);
  assert.ok(maxAbsDiff(obj.predict(theta, Y), obj.outputs(theta)) < 1e-13);
  const half = new VarProObjective({
    net,
    Y,
    C,
    loss: "least-squares",
    alphaW: 0,
    alphaTheta: 0,
    workScale: 0.25,
  });
  half.gradient(theta);
  assert.equal(half.work.units, 0.5);
});

test("VarPro: rejected inputs", () => {
  const net = new TanhMlp(2, 3, 2);
  const Y = new Float64Array(2 * 4);
  const C = new Float64Array([1, 0, 0, 1, 1, 0, 0, 1]);
  const base = { net, Y, C, alphaTheta: 0 };
  assert.throws(() => new VarProObjective({ ...base, loss: "cross-entropy", alphaW: 0 }), /α_W > 0/);
  assert.throws(() => new VarProObjective({ ...base, loss: "cross-entropy", alphaW: -1 }), /α_W/);
  assert.throws(() => new VarProObjective({ ...base, loss: "logistic", alphaW: 1 }), /q = 1/);
  assert.throws(
    () => new VarProObjective({ ...base, C: C.subarray(1), loss: "least-squares", alphaW: 0 }),
    /targets/,
  );
  assert.throws(
    () => new VarProObjective({ ...base, Y: Y.subarray(1), loss: "least-squares", alphaW: 0 }),
    /inputs/,
  );
  const obj = new VarProObjective({ ...base, loss: "cross-entropy", alphaW: 1 });
  assert.throws(() => obj.hessVec(new Float64Array(net.nParams)), /gradient\(\) first/);
  assert.throws(() => obj.evaluate(new Float64Array(3)), /θ must have/);
  assert.throws(() => obj.residual(new Float64Array(net.nParams)), /least-squares/);
});

test("VarPro on the antisymmetric ResNet surrogate: Taylor and adjoint tests, time-smoothness regulariser", () => {
  const net = resnetSurrogate({ dIn: 5, width: 4, nt: 3 });
  const { rng, theta, obj, q, n } = problem("least-squares", 9, net, 30);
  const g = obj.gradient(theta);
  const v = randn(rng, theta.length);
  const r = taylorTest(
    (x) => new Float64Array([obj.evaluate(x).value]),
    (dx) => new Float64Array([dotp(g, dx)]),
    theta,
    withGradient(v, g),
    SCALAR_TAYLOR,
  );
  assert.ok(r.pass, `slopes ${r.slope0} ${r.slope1}`);
  const a = adjointTest(
    (x) => obj.jvp(x),
    (u) => obj.vjp(u),
    v,
    randn(rng, q * n),
  );
  assert.ok(a.relErr < 1e-12, `adjoint ${a.relErr}`);
});

test("VarPro least squares: the SVD route gives the same value, gradient and J_r as Cholesky", () => {
  const { rng, theta, net, Y, C } = problem("least-squares", 10);
  const make = (method: "cholesky" | "svd") =>
    new VarProObjective({
      net,
      Y,
      C,
      loss: "least-squares",
      alphaW: 1e-6,
      alphaTheta: 1e-3,
      innerLS: { method },
    });
  const a = make("cholesky");
  const b = make("svd");
  assert.ok(Math.abs(a.evaluate(theta).value - b.evaluate(theta).value) < 1e-14);
  assert.equal(b.innerStats(theta).method, "svd");
  const ga = a.gradient(theta);
  const gb = b.gradient(theta);
  assert.ok(maxAbsDiff(ga, gb) < 1e-11 * norm(ga));
  const v = randn(rng, theta.length);
  const ja = a.residualJvp(v);
  const jb = b.residualJvp(v);
  assert.ok(maxAbsDiff(ja, jb) < 1e-10 * norm(ja));
  const t = taylorTest(
    (x) => b.residual(x),
    (dx) => b.residualJvp(dx),
    theta,
    v,
  );
  assert.ok(t.pass, `slopes ${t.slope0} ${t.slope1}`);
});

test("VarPro cross-entropy: warm starts from the linearisation point, overrides, cold start", () => {
  const { rng, theta, obj } = problem("cross-entropy", 12);
  obj.evaluate(theta);
  assert.equal(obj.lastInnerStats()?.coldStart, true);
  obj.gradient(theta);
  const v = randn(rng, theta.length);
  obj.evaluate(axpyNew(theta, 1e-3, v));
  const near = obj.lastInnerStats();
  assert.ok(near !== null && near.coldStart === false && near.converged);
  obj.setWarmStart(null);
  obj.evaluate(axpyNew(theta, 2e-3, v));
  assert.equal(obj.lastInnerStats()?.coldStart, true);
  obj.setWarmStart(obj.weights(theta));
  obj.evaluate(axpyNew(theta, 3e-3, v));
  assert.equal(obj.lastInnerStats()?.coldStart, false);
  assert.throws(() => obj.setWarmStart(new Float64Array(2)), /setWarmStart/);
});

test("VarPro: a non-finite point has value NaN (a rejected trial) and no derivatives", () => {
  for (const loss of ["least-squares", "cross-entropy"] as LossKind[]) {
    const { theta, obj } = problem(loss, 13);
    const g = obj.gradient(theta);
    const bad = theta.slice();
    bad[0] = NaN;
    assert.ok(Number.isNaN(obj.evaluate(bad).value));
    assert.throws(() => obj.gradient(bad), /not finite/);
    // the linearisation point survives
    assert.deepEqual(obj.gradient(theta), g);
    assert.equal(obj.hessVec(g).length, theta.length);
  }
});

test("VarPro cross-entropy: trial solves are preconditioned by the linearisation point's factor; a loaded state rebuilds that point bit for bit", () => {
  const { rng, theta, obj, net, Y, C, alphaW } = problem("cross-entropy", 14);
  obj.evaluate(theta);
  const first = obj.lastInnerStats();
  assert.ok(first !== null && first.coldStart && (first.factorizations ?? 0) >= 1);
  obj.gradient(theta);
  const v = randn(rng, theta.length);
  // an accepted step: its solve is preconditioned by the factor at θ (no factorisation of its own)
  const x1 = axpyNew(theta, 1e-2, v);
  obj.evaluate(x1);
  const st = obj.lastInnerStats();
  assert.ok(st !== null && st.converged && st.iterations >= 1, JSON.stringify(st));
  assert.equal(st.factorizations, 0);
  assert.ok((st.cgIterations ?? 0) >= st.iterations);
  obj.gradient(x1);
  const Hv = obj.hessVec(v);
  const saved = obj.saveState();
  assert.ok(saved.linW instanceof Float64Array);
  const x2 = axpyNew(x1, 1e-2, v);
  const f2 = obj.evaluate(x2).value;
  // a fresh objective loaded with the saved state repeats the next trial exactly (same W at the
  // linearisation point, same preconditioner) and rebuilds the linearisation point from its saved W
  const other = new VarProObjective({
    net,
    Y,
    C,
    loss: "cross-entropy",
    alphaW,
    alphaTheta: 1e-2,
    innerCE: { tol: 1e-13 },
  });
  other.loadState(saved);
  assert.equal(other.evaluate(x2).value, f2);
  assert.deepEqual(other.weights(x2), obj.weights(x2));
  assert.equal(other.evaluate(x1).value, obj.evaluate(x1).value);
  assert.deepEqual(other.weights(x1), obj.weights(x1));
  assert.equal(other.innerStats(x1).iterations, obj.innerStats(x1).iterations);
  other.gradient(x1);
  assert.deepEqual(other.hessVec(v), Hv);
  // the same when the restored point is evaluated (charged) before the trial
  const third = new VarProObjective({
    net,
    Y,
    C,
    loss: "cross-entropy",
    alphaW,
    alphaTheta: 1e-2,
    innerCE: { tol: 1e-13 },
  });
  third.loadState(saved);
  assert.equal(third.evaluate(x1).value, obj.evaluate(x1).value);
  assert.equal(third.evaluate(x2).value, f2);
  assert.deepEqual(third.weights(x2), obj.weights(x2));
});
