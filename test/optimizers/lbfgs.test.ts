import { test } from "node:test";
import assert from "node:assert/strict";
import { Lbfgs } from "../../src/optimizers/lbfgs.js";
import { strongWolfe, type LineSearchPoint } from "../../src/optimizers/line-search.js";
import { trainSync } from "../../src/training/train.js";
import type { Evaluation } from "../../src/objectives/types.js";
import { LinearLeastSquares, NaNAfter, Rosenbrock } from "./problems.js";

test("strong Wolfe: the accepted step satisfies both conditions on a 1-D function", () => {
  // φ(α) = (α − 3)² − 2α e^{−α}: smooth, minimum beyond the first trial
  const phi = (a: number) => (a - 3) ** 2 - 2 * a * Math.exp(-a);
  const dphi = (a: number) => 2 * (a - 3) - 2 * Math.exp(-a) + 2 * a * Math.exp(-a);
  for (const alpha0 of [1e-3, 0.5, 1, 10, 100]) {
    const r = strongWolfe(
      (a): LineSearchPoint => ({ alpha: a, f: phi(a), dphi: dphi(a), g: new Float64Array(1) }),
      phi(0),
      dphi(0),
      alpha0,
    );
    assert.ok(r.point && r.wolfe, `alpha0 ${alpha0}`);
    const a = r.point.alpha;
    assert.ok(phi(a) <= phi(0) + 1e-4 * a * dphi(0));
    assert.ok(Math.abs(dphi(a)) <= 0.9 * Math.abs(dphi(0)));
    assert.ok(r.trials <= 25);
  }
  // non-finite values beyond α = 2 are treated as too long
  const r = strongWolfe(
    (a): LineSearchPoint =>
      a > 2
        ? { alpha: a, f: NaN, dphi: NaN, g: null }
        : { alpha: a, f: phi(a), dphi: dphi(a), g: new Float64Array(1) },
    phi(0),
    dphi(0),
    100,
  );
  assert.ok(r.point && r.point.alpha <= 2 && phi(r.point.alpha) < phi(0));
  assert.throws(() => strongWolfe(() => null, 0, 1, 1), /descent/);
});

test("L-BFGS: Rosenbrock to (1, 1); linear least squares (consistent) to its solution; two work units per trial", () => {
  const obj = new Rosenbrock(2);
  const res = trainSync({
    optimizer: new Lbfgs({ gradAtol: 1e-10 }),
    objective: obj,
    x0: Float64Array.from([-1.2, 1]),
  });
  assert.equal(res.status, "converged");
  assert.ok(Math.abs(res.x[0] - 1) < 1e-8 && Math.abs(res.x[1] - 1) < 1e-8);
  for (let i = 1; i < res.history.length; i++) {
    const r = res.history[i];
    assert.equal(r.workUnits - res.history[i - 1].workUnits, 2 * r.lineSearchTrials!);
  }
  const ls = new LinearLeastSquares(30, 8, 2, true); // zero residual: the gradient can reach 1e-10
  const r2 = trainSync({ optimizer: new Lbfgs({ gradAtol: 1e-10 }), objective: ls, x0: new Float64Array(8) });
  assert.equal(r2.status, "converged");
  const xs = ls.solution();
  for (let i = 0; i < 8; i++) assert.ok(Math.abs(r2.x[i] - xs[i]) < 1e-8);
});

test("L-BFGS: the budget is hard, the memory holds at most 10 pairs", () => {
  for (const budget of [1, 2, 5, 9, 20, 33]) {
    const obj = new Rosenbrock(4);
    const res = trainSync({
      optimizer: new Lbfgs(),
      objective: obj,
      x0: Float64Array.from([-1.2, 1, -1.2, 1]),
      budget,
    });
    assert.ok(obj.work.units <= budget);
    assert.equal(res.status, "budget");
  }
  const res = trainSync({
    optimizer: new Lbfgs({ maxIterations: 30 }),
    objective: new Rosenbrock(4),
    x0: Float64Array.from([-1.2, 1, -1.2, 1]),
  });
  assert.ok(res.state.S.length <= 10 && res.state.S.length === res.state.Y.length);
  assert.equal(res.state.S.length, 10);
});

test("L-BFGS: NaN gradients stop with non-finite and keep the last good iterate", () => {
  const obj = new NaNAfter(new Rosenbrock(2), 4);
  const xs: Float64Array[] = [];
  const res = trainSync({
    optimizer: new Lbfgs(),
    objective: obj,
    x0: Float64Array.from([-1.2, 1]),
    callbacks: { onIteration: (_r, st) => void xs.push(Float64Array.from(st.x)) },
  });
  assert.equal(res.status, "non-finite");
  assert.deepEqual(res.x, xs[xs.length - 2]);
  assert.ok(res.x.every(Number.isFinite));
});

test("L-BFGS: a function with no descent along any step fails the line search with a status", () => {
  class Flat extends Rosenbrock {
    override evaluate(x: Float64Array): Evaluation {
      const e = super.evaluate(x);
      return { value: x[0] === -1.2 && x[1] === 1 ? e.value : e.value + 1e3 };
    }
  }
  const res = trainSync({ optimizer: new Lbfgs(), objective: new Flat(2), x0: Float64Array.from([-1.2, 1]) });
  assert.equal(res.status, "line-search-failed");
  assert.deepEqual(res.x, Float64Array.from([-1.2, 1]));
  assert.throws(() => new Lbfgs({ memory: 0 }), /memory/);
  assert.throws(() => new Lbfgs({ lineSearch: { c2: 1e-5 } }), /c2/);
});
