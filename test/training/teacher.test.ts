// The acceptance test of the optimizers (issue 5, item 6), small and fast: a teacher regression
// problem with a perfect fit, four methods from the same θ₀ (W₀ = W(θ₀)) with the same budget.
// The full-size figures come from `npm run bench:teacher`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { compareOptimizers } from "../../src/training/compare.js";
import { teacherProblem } from "../../src/training/teacher.js";

test("teacher problem (small): GNvpro reaches 1e-2 validation error and beats L-BFGS-VarPro, GN and tuned ADAM", async () => {
  const P = teacherProblem({ nIn: 10, q: 12, nTrain: 80, nVal: 40, nTest: 40, width: 4, nt: 2, seed: 5 });
  const budget = 300;
  const rows = await compareOptimizers({
    makeNet: P.makeNet,
    theta0: P.theta0,
    train: P.train,
    val: P.val,
    alphaW: 1e-10,
    alphaTheta: 1e-10,
    budget,
    targets: [1e-2],
    adam: { grid: [3e-3, 3e-2], batchSize: 16, tuneBudget: 40, seed: 1 },
  });
  const by = Object.fromEntries(rows.map((r) => [r.method, r]));
  assert.deepEqual(Object.keys(by).sort(), ["adam", "gn", "gnvpro", "lbfgs-varpro"]);
  // same starting point: VarPro at θ₀ and the joint methods at (θ₀, W(θ₀)) predict the same
  const start = rows.map((r) => r.history[0].valMetric!);
  for (const s of start) assert.ok(Math.abs(s - start[0]) < 1e-9 * start[0], `starting errors ${start}`);
  for (const r of rows) {
    assert.ok(r.workUnits <= budget, `${r.method} spent ${r.workUnits} WU`);
    assert.equal(r.status, "budget");
  }
  const g = by["gnvpro"];
  assert.ok(g.reach[0].workUnits !== null && g.reach[0].workUnits <= budget, "GNvpro did not reach 1e-2");
  for (const m of ["lbfgs-varpro", "gn", "adam"]) {
    assert.ok(
      g.finalValRelErr < by[m].finalValRelErr,
      `GNvpro ${g.finalValRelErr} vs ${m} ${by[m].finalValRelErr}`,
    );
    const other = by[m].reach[0].workUnits;
    assert.ok(other === null || g.reach[0].workUnits! <= other, `${m} reached 1e-2 first`);
  }
});
