import { test } from "node:test";
import assert from "node:assert/strict";
import {
  applyLossHessian,
  checkTargets,
  lossPoint,
  lossValue,
  parseLossKind,
  softplus,
  type LossKind,
} from "../../src/objectives/losses.js";
import {
  accuracy,
  meanRelativeError,
  meanSquaredError,
  predictedClasses,
  relativeFrobeniusError,
} from "../../src/objectives/metrics.js";
import { Rng, randn, oneHot, maxAbsDiff } from "./helpers.js";

test("least squares: (1/n) Σ ½‖s − c‖², gradient S − C, Hessian identity", () => {
  const S = new Float64Array([1, 2, 3, 4]);
  const C = new Float64Array([0, 2, 1, 1]);
  const lp = lossPoint("least-squares", S, C, 2, 2);
  assert.equal(lp.value, (0.5 * (1 + 0 + 4 + 9)) / 2);
  assert.deepEqual(Array.from(lp.grad), [1, 0, 2, 3]);
  const out = new Float64Array(4);
  applyLossHessian(lp, new Float64Array([1, -2, 3, 5]), out, 0.5);
  assert.deepEqual(Array.from(out), [0.5, -1, 1.5, 2.5]);
});

test("cross-entropy: known value, stable for huge logits, probability targets", () => {
  // s = (0, 0, 0): ℓ = log 3 for any probability target
  const C = new Float64Array([0.2, 0.3, 0.5]);
  assert.ok(Math.abs(lossValue("cross-entropy", new Float64Array(3), C, 3, 1) - Math.log(3)) < 1e-15);
  // huge logits: ℓ(s + t·1) = ℓ(s) (shift invariance), finite at t = 1000
  const s = new Float64Array([1, -2, 0.5]);
  const big = s.map((v) => v + 1000);
  const l0 = lossValue("cross-entropy", s, C, 3, 1);
  const l1 = lossValue("cross-entropy", big, C, 3, 1);
  assert.ok(Number.isFinite(l1) && Math.abs(l0 - l1) < 1e-12);
  const naive = -(0.2 * 1 + 0.3 * -2 + 0.5 * 0.5) + Math.log(Math.exp(1) + Math.exp(-2) + Math.exp(0.5));
  assert.ok(Math.abs(l0 - naive) < 1e-15);
  // a confidently right one-hot prediction has loss ≈ e^{-1000}, not NaN
  const right = lossValue("cross-entropy", new Float64Array([1000, 0, 0]), new Float64Array([1, 0, 0]), 3, 1);
  assert.ok(right >= 0 && right < 1e-300);
});

for (const kind of ["least-squares", "cross-entropy", "logistic"] as LossKind[]) {
  test(`${kind}: gradient and Hessian match finite differences`, () => {
    const rng = new Rng(11);
    const q = kind === "logistic" ? 1 : 4;
    const n = 5;
    const S = randn(rng, q * n, 2);
    const C =
      kind === "logistic"
        ? new Float64Array([0, 1, 1, 0, 0.3])
        : kind === "cross-entropy"
          ? oneHot(rng, q, n)
          : randn(rng, q * n);
    const lp = lossPoint(kind, S, C, q, n);
    const V = randn(rng, q * n);
    const h = 1e-5;
    const Sp = S.map((s, k) => s + h * V[k]);
    const Sm = S.map((s, k) => s - h * V[k]);
    // directional derivative of the mean loss: Σ g_i·v_i / n
    let gv = 0;
    for (let k = 0; k < q * n; k++) gv += lp.grad[k] * V[k];
    const fd = (lossValue(kind, Sp, C, q, n) - lossValue(kind, Sm, C, q, n)) / (2 * h);
    assert.ok(Math.abs(gv / n - fd) < 1e-8, `${gv / n} vs ${fd}`);
    const HV = new Float64Array(q * n);
    applyLossHessian(lp, V, HV);
    const gp = lossPoint(kind, Sp, C, q, n).grad;
    const gm = lossPoint(kind, Sm, C, q, n).grad;
    const fdH = gp.map((g, k) => (g - gm[k]) / (2 * h));
    assert.ok(maxAbsDiff(HV, fdH) < 1e-8);
  });
}

test("logistic: stable at large |s|, and two-class softmax equals the logistic loss of s₁ − s₂", () => {
  assert.equal(softplus(800), 800);
  assert.ok(softplus(-800) >= 0 && softplus(-800) < 1e-300);
  assert.ok(Math.abs(lossValue("logistic", new Float64Array([800]), new Float64Array([1]), 1, 1)) < 1e-300);
  assert.equal(lossValue("logistic", new Float64Array([-800]), new Float64Array([1]), 1, 1), 800);
  const rng = new Rng(3);
  const n = 7;
  const S2 = randn(rng, 2 * n, 3);
  const C2 = oneHot(rng, 2, n);
  const s = new Float64Array(n);
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s[i] = S2[2 * i] - S2[2 * i + 1];
    c[i] = C2[2 * i];
  }
  const a = lossPoint("cross-entropy", S2, C2, 2, n);
  const b = lossPoint("logistic", s, c, 1, n);
  assert.ok(Math.abs(a.value - b.value) < 1e-14);
  // gradients: ∂ℓ/∂s₁ of the softmax equals dℓ/ds of the logistic one
  for (let i = 0; i < n; i++) assert.ok(Math.abs(a.grad[2 * i] - b.grad[i]) < 1e-15);
  // probability targets too
  const C3 = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    C3[2 * i] = (i + 1) / (n + 2);
    C3[2 * i + 1] = 1 - C3[2 * i];
    c[i] = C3[2 * i];
  }
  assert.ok(Math.abs(lossValue("cross-entropy", S2, C3, 2, n) - lossValue("logistic", s, c, 1, n)) < 1e-14);
});

test("targets are checked: probability vectors, logistic labels, shapes", () => {
  assert.throws(() => checkTargets("cross-entropy", new Float64Array([0.5, 0.6]), 2, 1), /sums to/);
  assert.throws(() => checkTargets("cross-entropy", new Float64Array([1.5, -0.5]), 2, 1), /negative/);
  assert.throws(() => checkTargets("cross-entropy", new Float64Array([1]), 1, 1), /q ≥ 2/);
  assert.throws(() => checkTargets("logistic", new Float64Array([0, 1, 0, 1]), 2, 2), /q = 1/);
  assert.throws(() => checkTargets("logistic", new Float64Array([2]), 1, 1), /\[0, 1\]/);
  assert.throws(() => checkTargets("least-squares", new Float64Array([NaN]), 1, 1), /not finite/);
  assert.throws(() => checkTargets("least-squares", new Float64Array(3), 2, 2), /expected 2×2/);
  assert.throws(() => parseLossKind("hinge"), /unknown loss/);
  checkTargets("cross-entropy", new Float64Array([0.25, 0.75, 1, 0]), 2, 2);
  checkTargets("logistic", new Float64Array([0, 1, 0.5]), 1, 3);
});

test("metrics: known values", () => {
  const S = new Float64Array([1, 0, 0, 2]);
  const C = new Float64Array([1, 1, 0, 1]);
  // sample 0: ‖(0, −1)‖/‖(1, 1)‖ = 1/√2; sample 1: ‖(0, 1)‖/1 = 1
  assert.ok(Math.abs(meanRelativeError(S, C, 2, 2) - (1 / Math.SQRT2 + 1) / 2) < 1e-15);
  assert.ok(Math.abs(relativeFrobeniusError(S, C, 2, 2) - Math.sqrt(2 / 3)) < 1e-15);
  assert.equal(meanSquaredError(S, C, 2, 2), 2 / 4);
  // argmax: sample 0 → class 0 (target argmax 0), sample 1 → class 1 (target class 1)
  assert.equal(accuracy(S, C, 2, 2), 1);
  assert.equal(accuracy(new Float64Array([-1, 2, 0.5]), new Float64Array([0, 1, 0]), 1, 3), 2 / 3);
  assert.deepEqual(Array.from(predictedClasses(new Float64Array([0, 3, 1, 5, 4, 0]), 3, 2)), [1, 0]);
  assert.throws(() => meanRelativeError(S, new Float64Array(4), 2, 2), /zero/);
  assert.throws(() => accuracy(S, C, 3, 2), /expected outputs/);
});

test("properties (fast-check): softmax shift invariance and non-negativity; logistic = two-class softmax", async () => {
  const fc = await import("fast-check");
  const logit = fc.double({ min: -700, max: 700, noNaN: true });
  fc.assert(
    fc.property(
      fc.array(logit, { minLength: 3, maxLength: 3 }),
      fc.integer({ min: 0, max: 2 }),
      logit,
      (s, k, t) => {
        const S = Float64Array.from(s);
        const C = new Float64Array(3);
        C[k] = 1;
        const l = lossValue("cross-entropy", S, C, 3, 1);
        const lt = lossValue(
          "cross-entropy",
          S.map((v) => v + t),
          C,
          3,
          1,
        );
        return l >= 0 && Number.isFinite(l) && Math.abs(l - lt) <= 1e-12 * Math.max(1, l);
      },
    ),
    { seed: 7, numRuns: 300 },
  );
  fc.assert(
    fc.property(logit, logit, fc.double({ min: 0, max: 1, noNaN: true }), (a, b, c) => {
      const two = lossValue("cross-entropy", new Float64Array([a, b]), new Float64Array([c, 1 - c]), 2, 1);
      const one = lossValue("logistic", new Float64Array([a - b]), new Float64Array([c]), 1, 1);
      return Math.abs(two - one) <= 1e-12 * Math.max(1, Math.abs(one));
    }),
    { seed: 8, numRuns: 300 },
  );
});
