import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TrustRegion, lbfgsInverse, type TrustRegionState } from "../../src/optimizers/trust-region.js";
import { quasiNewtonPath } from "../../src/optimizers/quasi-step.js";
import { cutPath } from "../../src/optimizers/steihaug.js";
import { trainSync } from "../../src/training/train.js";
import { sameHistory, type HistoryRow } from "../../src/training/history.js";
import { Logistic, Rosenbrock } from "./problems.js";

test("quasi-Newton path: d = −M⁻¹g with the model value of M (known answer on an exact quadratic model)", () => {
  // M = diag(1, 4, 9) from three exact pairs: d = −M⁻¹g, m(d) = gᵀd/2
  const S = [0, 1, 2].map((i) => Float64Array.from([0, 1, 2].map((j) => (i === j ? 1 : 0))));
  const Y = S.map((s, i) => s.map((v) => v * (i + 1) ** 2));
  const g = Float64Array.from([1, 2, 3]);
  const path = quasiNewtonPath(g, lbfgsInverse(S, Y)) as NonNullable<ReturnType<typeof quasiNewtonPath>>;
  const d = [-1, -0.5, -1 / 3];
  path.end!.forEach((v, i) => assert.ok(Math.abs(v - d[i]) < 1e-12));
  const gd = -(1 + 1 + 1);
  assert.ok(Math.abs(path.mEnd - gd / 2) < 1e-12);
  // cut at half the M-norm of d: half the step, model τgᵀd + ½τ²dᵀMd at τ = ½
  const cut = cutPath(path, Math.sqrt(-gd) / 2);
  assert.ok(cut.onBoundary);
  cut.step.forEach((v, i) => assert.ok(Math.abs(v - d[i] / 2) < 1e-12));
  assert.ok(Math.abs(cut.predicted - -(0.5 * gd + 0.125 * -gd)) < 1e-12);
  // not a descent direction: no path
  assert.equal(
    quasiNewtonPath(g, (r) => r.map((v) => -v)),
    null,
  );
});

function runLogistic(
  quasiSteps: number,
  budget: number,
  onRow?: (r: HistoryRow, s: TrustRegionState) => void,
) {
  const obj = new Logistic(120, 5, 3);
  const res = trainSync({
    optimizer: new TrustRegion({ quasiSteps, gradAtol: 1e-9 }),
    objective: obj,
    x0: new Float64Array(obj.dim),
    budget,
    callbacks: onRow ? { onIteration: (r, s) => void onRow(r, s) } : undefined,
  });
  return { obj, res };
}

test("quasi steps: converge, cost a trial (+ gradient) each, budget hard, off reproduces the default", () => {
  const quasi: boolean[] = [];
  const { res } = runLogistic(2, 400, (_r, s) => quasi.push(s.pathQuasi === true));
  assert.equal(res.status, "converged");
  const h = res.history;
  let n = 0;
  for (let i = 1; i < h.length; i++) {
    const k = h[i].krylovIterations ?? 0;
    const expected = 2 * k + 1 + (h[i].accepted ? 1 : 0);
    assert.equal(h[i].workUnits - h[i - 1].workUnits, expected, `row ${i}`);
    if (quasi[i]) {
      assert.equal(k, 0);
      n++;
    }
  }
  assert.ok(n >= 2, `${n} quasi steps`);
  const plain = trainSync({
    optimizer: new TrustRegion({ gradAtol: 1e-9 }),
    objective: new Logistic(120, 5, 3),
    x0: new Float64Array(6),
    budget: 400,
  });
  const off = runLogistic(0, 400).res;
  assert.ok(sameHistory(plain.history, off.history));
  for (const budget of [3.5, 9, 14.2, 27]) {
    const r = runLogistic(2, budget);
    assert.ok(r.obj.work.units <= budget + 1e-9);
  }
  assert.throws(() => new TrustRegion({ quasiSteps: -1 }), /quasiSteps/);
  assert.throws(() => new TrustRegion({ quasiRhoBelow: 1 }), /quasiRhoBelow/);
});

test("quasi steps: a resumed run equals the uninterrupted one", () => {
  const x0 = Float64Array.from([-1.2, 1, -1.2, 1]);
  const opt = () => new TrustRegion({ quasiSteps: 2, initialRadius: 1, krylovMaxIterations: 4 });
  const budget = 90;
  const quasiRows: number[] = [];
  const full = trainSync({
    optimizer: opt(),
    objective: new Rosenbrock(4),
    x0,
    budget,
    callbacks: { onIteration: (r, s) => void (s.pathQuasi ? quasiRows.push(r.iteration) : undefined) },
  });
  assert.ok(quasiRows.length >= 2, "no quasi steps");
  for (const stop of [quasiRows[0], quasiRows[0] - 1]) {
    const dir = mkdtempSync(join(tmpdir(), "gnvpro-quasi-"));
    try {
      const path = join(dir, "cp.json");
      trainSync({
        optimizer: opt(),
        objective: new Rosenbrock(4),
        x0,
        budget,
        checkpoint: { path },
        callbacks: { onIteration: (r) => (r.iteration === stop ? "stop" : undefined) },
      });
      const rest = trainSync({ optimizer: opt(), objective: new Rosenbrock(4), resume: path, budget });
      assert.ok(sameHistory(rest.history, full.history), `resumed at ${stop}`);
    } finally {
      rmSync(dir, { recursive: true });
    }
  }
});
