import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/util/rng.js";
import {
  affineOutputs,
  linearClassifier,
  meanPredictor,
  ridge,
  splitMetrics,
  type BaselineData,
} from "../../src/compare/baselines.js";

/** Exactly linear targets C = A Y + b, so ridge with a tiny α recovers them. */
function linearData(
  seed: number,
  d: number,
  q: number,
  n: number[],
): { data: BaselineData; W: Float64Array } {
  const rng = new Rng(seed);
  const W = rng.fillNormal(new Float64Array(q * (d + 1)));
  const part = (k: number) => {
    const Y = rng.fillNormal(new Float64Array(d * k));
    return { Y, C: affineOutputs(W, q, Y, d, k), n: k };
  };
  return { data: { loss: "least-squares", d, q, train: part(n[0]), val: part(n[1]), test: part(n[2]) }, W };
}

test("ridge recovers exactly linear targets (known answer)", () => {
  const { data } = linearData(3, 5, 4, [60, 20, 20]);
  const r = ridge(data);
  assert.equal(r.alphaW, 1e-8);
  assert.equal(r.tuning.length, 5);
  for (const p of [r.train, r.val, r.test])
    assert.ok((p.best?.relErr as number) < 1e-6, String(p.best?.relErr));
  assert.equal(r.workUnits, 0);
});

test("mean predictor predicts the training mean (known answer)", () => {
  const data: BaselineData = {
    loss: "least-squares",
    d: 1,
    q: 2,
    train: { Y: new Float64Array([0, 0]), C: new Float64Array([1, 2, 3, 4]), n: 2 },
    val: { Y: new Float64Array([0]), C: new Float64Array([2, 3]), n: 1 },
    test: { Y: new Float64Array(0), C: new Float64Array(0), n: 0 },
  };
  const r = meanPredictor(data);
  assert.equal(r.val.best?.relErr, 0);
  assert.equal(r.val.last?.loss, 0);
  // training residuals ±(1,1): loss = mean ½‖r‖² = 1
  assert.equal(r.train.last?.loss, 1);
  assert.equal(r.test.last, null);
});

test("baselines reject wrong tasks and empty training sets", () => {
  const { data } = linearData(1, 2, 1, [5, 2, 2]);
  assert.throws(() => ridge({ ...data, loss: "cross-entropy" }), /least-squares/);
  assert.throws(
    () => meanPredictor({ ...data, train: { Y: new Float64Array(0), C: new Float64Array(0), n: 0 } }),
    /empty/,
  );
  assert.deepEqual(
    splitMetrics("logistic", new Float64Array([1, -1]), new Float64Array([1, 1]), 1, 2)?.accuracy,
    0.5,
  );
});

test("linear classifier separates linearly separable classes (softmax and logistic)", () => {
  const rng = new Rng(7);
  const make = (n: number, q: number) => {
    const Y = new Float64Array(2 * n);
    const C = new Float64Array(q * n);
    for (let j = 0; j < n; j++) {
      const k = j % 2;
      Y[2 * j] = (k === 0 ? -2 : 2) + 0.3 * rng.normal();
      Y[2 * j + 1] = rng.normal();
      if (q === 1) C[j] = k;
      else C[k + j * q] = 1;
    }
    return { Y, C, n };
  };
  for (const [loss, q] of [
    ["cross-entropy", 2],
    ["logistic", 1],
  ] as const) {
    const data: BaselineData = { loss, d: 2, q, train: make(40, q), val: make(20, q), test: make(20, q) };
    const r = linearClassifier(data);
    assert.equal(r.optimizer, loss === "logistic" ? "linear-logistic" : "linear-softmax");
    assert.equal(r.val.best?.accuracy, 1);
    assert.equal(r.test.best?.accuracy, 1);
    assert.ok((r.train.last?.loss as number) < 0.2);
  }
  assert.throws(() => linearClassifier({ ...linearData(1, 2, 1, [5, 2, 2]).data }), /classification/);
});
