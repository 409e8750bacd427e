import { test } from "node:test";
import assert from "node:assert/strict";
import { Adam } from "../../src/optimizers/adam.js";
import { Sgd } from "../../src/optimizers/sgd.js";
import { trainSync } from "../../src/training/train.js";
import { sameHistory } from "../../src/training/history.js";
import { StochasticQuadratic } from "./problems.js";

const dist = (a: Float64Array, b: Float64Array) => Math.hypot(...a.map((v, i) => v - b[i]));

test("ADAM on a consistent quadratic reaches the known minimiser; an epoch costs 2 work units", () => {
  const obj = new StochasticQuadratic(64, 5, 3);
  const res = trainSync({
    optimizer: new Adam({ learningRate: 0.05, batchSize: 16, maxIterations: 400, seed: 7 }),
    objective: obj,
    x0: new Float64Array(5),
  });
  assert.equal(res.status, "max-iterations");
  assert.ok(dist(res.x, obj.xStar) < 1e-3, `distance ${dist(res.x, obj.xStar)}`);
  for (let i = 1; i < res.history.length; i++) assert.equal(res.history[i].workUnits, 2 * i);
  assert.equal(res.state.t, 400 * 4);
});

test("SGD with Nesterov momentum reaches the minimiser; a partial last batch is charged b/n", () => {
  const obj = new StochasticQuadratic(50, 4, 4);
  const res = trainSync({
    optimizer: new Sgd({ learningRate: 0.02, batchSize: 16, maxIterations: 200, seed: 1 }),
    objective: obj,
    x0: new Float64Array(4),
  });
  assert.ok(dist(res.x, obj.xStar) < 1e-6);
  // 16+16+16+2 samples per epoch: 2·(50/50) up to round-off of the sum of fractions
  for (let i = 1; i < res.history.length; i++) assert.ok(Math.abs(res.history[i].workUnits - 2 * i) < 1e-9);
  assert.equal(res.state.batches, 4);
});

test("the same seed gives an identical history, another seed a different one; the budget is hard", () => {
  const run = (seed: number, budget = Infinity) => {
    const obj = new StochasticQuadratic(40, 3, 9);
    const r = trainSync({
      optimizer: new Adam({ learningRate: 0.01, batchSize: 8, maxIterations: 20, seed }),
      objective: obj,
      x0: new Float64Array(3),
      budget,
    });
    return { r, units: obj.work.units };
  };
  const a = run(5).r;
  const b = run(5).r;
  const c = run(6).r;
  assert.ok(sameHistory(a.history, b.history));
  assert.deepEqual(a.x, b.x);
  assert.ok(!sameHistory(a.history, c.history));
  const { r, units } = run(5, 5.5);
  assert.equal(r.status, "budget");
  assert.ok(units <= 5.5);
  assert.ok(Math.abs(units - 5.2) < 1e-9); // 2 epochs (4 WU) + 3 batches of 8/40 samples (0.4 WU each); a 4th would exceed 5.5
});

test("a non-finite minibatch stops ADAM with non-finite and the last good iterate; bad options throw", () => {
  const obj = new StochasticQuadratic(20, 3, 2);
  let calls = 0;
  const orig = obj.batchValueGradient.bind(obj);
  obj.batchValueGradient = (x, idx) => {
    const r = orig(x, idx);
    return ++calls === 7 ? { value: NaN, gradient: r.gradient } : r;
  };
  const res = trainSync({
    optimizer: new Adam({ learningRate: 0.1, batchSize: 5, maxIterations: 10 }),
    objective: obj,
    x0: new Float64Array(3),
  });
  assert.equal(res.status, "non-finite");
  assert.equal(res.state.t, 6);
  assert.ok(res.x.every(Number.isFinite));
  assert.throws(() => new Adam({ learningRate: -1 }), /learningRate/);
  assert.throws(() => new Adam({ beta2: 1 }), /beta2/);
  assert.throws(() => new Sgd({ momentum: 1.5 }), /momentum/);
  assert.throws(() => new Sgd({ batchSize: 0 }), /batchSize/);
});
