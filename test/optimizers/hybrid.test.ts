import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hybrid, type HybridState } from "../../src/optimizers/hybrid.js";
import { Lbfgs } from "../../src/optimizers/lbfgs.js";
import { trainSync } from "../../src/training/train.js";
import { sameHistory, type HistoryRow } from "../../src/training/history.js";
import { Rosenbrock } from "./problems.js";

const x0 = () => Float64Array.from([-1.2, 1, -1.2, 1]);

test("hybrid: L-BFGS until f ≤ switchLoss·f₀, then the trust region; Rosenbrock to its minimum", () => {
  const states: HybridState[] = [];
  const res = trainSync({
    optimizer: new Hybrid({ switchLoss: 1e-2, trustRegion: { gradAtol: 1e-10 } }),
    objective: new Rosenbrock(4),
    x0: x0(),
    budget: 2000,
    callbacks: { onIteration: (_r, s) => void states.push(s) },
  });
  assert.equal(res.status, "converged");
  for (const v of res.x) assert.ok(Math.abs(v - 1) < 1e-8, `x = ${res.x}`);
  const k = states.findIndex((s) => s.phase === "trust-region");
  assert.ok(k > 1, "never switched, or switched at once");
  const f0 = res.history[0].loss;
  // it switched at the first iterate with f ≤ 1e-2·f₀, and the rows before are L-BFGS's own
  assert.ok(res.history[k].loss <= 1e-2 * f0);
  for (let i = 1; i < k; i++) assert.ok(res.history[i].loss > 1e-2 * f0);
  const plain = trainSync({
    optimizer: new Lbfgs({ maxIterations: k }),
    objective: new Rosenbrock(4),
    x0: x0(),
  });
  const strip = (h: HistoryRow[]) => h.map((r) => ({ ...r, status: "running" as const }));
  assert.ok(sameHistory(strip(plain.history.slice(0, k)), strip(res.history.slice(0, k))));
  // the switching row: L-BFGS's step, plus the trust region's gradient at the switching point (this
  // test objective charges every gradient call; VarPro returns its cached gradient free)
  const h = res.history;
  assert.equal(h[k].loss, plain.history[k].loss);
  assert.equal(h[k].workUnits, plain.history[k].workUnits + 1);
  assert.ok(h[k + 1].krylovIterations !== null);
  const dwu = h[k + 1].workUnits - h[k].workUnits;
  assert.equal(dwu, 2 * (h[k + 1].krylovIterations as number) + 1 + (h[k + 1].accepted ? 1 : 0));
});

test("hybrid: the budget is hard and a resumed run equals the uninterrupted one (across the switch)", () => {
  const opt = () =>
    new Hybrid({ switchLoss: 1e-2, trustRegion: { initialRadius: 10, krylovMaxIterations: 4 } });
  for (const budget of [3.5, 17.2, 41.9]) {
    const obj = new Rosenbrock(4);
    const r = trainSync({ optimizer: opt(), objective: obj, x0: x0(), budget });
    assert.ok(obj.work.units <= budget + 1e-9);
    assert.equal(r.status, "budget");
  }
  const budget = 80;
  const full = trainSync({ optimizer: opt(), objective: new Rosenbrock(4), x0: x0(), budget });
  const switchRow = full.history.findIndex((r) => r.krylovIterations !== null);
  assert.ok(switchRow > 2);
  for (const stop of [switchRow - 2, switchRow - 1, switchRow + 2]) {
    const dir = mkdtempSync(join(tmpdir(), "gnvpro-hybrid-"));
    try {
      const path = join(dir, "cp.json");
      const part = trainSync({
        optimizer: opt(),
        objective: new Rosenbrock(4),
        x0: x0(),
        budget,
        checkpoint: { path },
        callbacks: { onIteration: (r: HistoryRow) => (r.iteration === stop ? "stop" : undefined) },
      });
      assert.equal(part.status, "interrupted");
      const rest = trainSync({ optimizer: opt(), objective: new Rosenbrock(4), resume: path, budget });
      assert.ok(sameHistory(rest.history, full.history), `resumed at ${stop}: history differs`);
      assert.deepEqual(rest.x, full.x);
    } finally {
      rmSync(dir, { recursive: true });
    }
  }
  assert.throws(() => new Hybrid({ switchLoss: 0 }), /switchLoss/);
});

test("hybrid: the stall switch fires when the loss fell by less than stallRatio over the window", () => {
  const states: HybridState[] = [];
  const rows: HistoryRow[] = [];
  trainSync({
    optimizer: new Hybrid({ switchLoss: 1e-12, stallRatio: 0.9, stallWindow: 10 }),
    objective: new Rosenbrock(4),
    x0: x0(),
    budget: 300,
    callbacks: {
      onIteration: (r, s) => {
        rows.push(r);
        states.push(s);
      },
    },
  });
  const k = states.findIndex((s) => s.phase === "trust-region");
  assert.ok(k > 0, "never switched");
  // at the switch: some earlier row at least 10 WU back had a loss below f/0.9; none before it did
  const stalledAt = (i: number) =>
    rows
      .slice(0, i)
      .some(
        (r, j) => r.workUnits <= rows[i].workUnits - 10 && j === lastBefore(i) && rows[i].loss > 0.9 * r.loss,
      );
  const lastBefore = (i: number) => {
    let j = -1;
    for (let t = 0; t < i; t++) if (rows[t].workUnits <= rows[i].workUnits - 10) j = t;
    return j;
  };
  assert.ok(stalledAt(k), "switched without a stall");
  for (let i = 1; i < k; i++) assert.ok(!stalledAt(i), `a stall at row ${i} was missed`);
  assert.throws(() => new Hybrid({ stallRatio: 1 }), /stallRatio/);
  assert.throws(() => new Hybrid({ stallWindow: 0 }), /stallWindow/);
});
