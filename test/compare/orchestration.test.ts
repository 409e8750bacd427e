import { test } from "node:test";
import assert from "node:assert/strict";
import { resolveSettings, type OptimizerName, type Settings } from "../../src/experiments/config.js";
import type { Summary } from "../../src/experiments/summary.js";
import type { Dataset } from "../../src/experiments/userdata.js";
import type { Model } from "../../src/model/model.js";
import type { HistoryRow } from "../../src/training/history.js";
import { runCompare, type CompareHooks } from "../../src/compare/compare.js";
import { summaryTable } from "../../src/compare/output.js";

/** A tiny regression data set (C = 2Y + 1) so that the baselines have something to fit. */
function data(): Dataset {
  const part = (ys: number[]) => ({
    Y: Float64Array.from(ys),
    C: Float64Array.from(ys, (y) => 2 * y + 1),
    n: ys.length,
  });
  return {
    task: "regression",
    loss: "least-squares",
    d: 1,
    q: 1,
    inShape: [1],
    train: part([0, 1, 2, 3]),
    val: part([0.5, 1.5]),
    test: part([2.5]),
    provenance: "generated test data",
    inputs: "none",
    centreTargets: false,
  };
}

/** Validation error after k iterations: method-specific rates; ADAM's depends on its learning rate. */
const RATE: Record<OptimizerName, number> = { gnvpro: 0.5, gn: 0.8, "lbfgs-vp": 0.6, adam: 0.7, sgd: 0.95 };

function fakeHooks(calls: string[]): CompareHooks {
  return {
    settingsFor: (optimizer, extra) =>
      resolveSettings({ experiment: "cdr", lr: 0.01 }, { ...extra, optimizer }),
    loadData: async () => data(),
    train: async (s: Settings) => {
      calls.push(`${s.optimizer}@${s.lr}#${s.seed}`);
      // ADAM at lr 0.01 is best; the seed shifts everything a little
      const rate =
        s.optimizer === "adam" ? RATE.adam + Math.abs(Math.log10(s.lr / 0.01)) * 0.1 : RATE[s.optimizer];
      const history: HistoryRow[] = Array.from({ length: 6 }, (_, k) => ({
        iteration: k,
        level: 0,
        workUnits: 10 * k,
        wallMs: 5 * k,
        loss: rate ** k,
        gradNorm: 1,
        trainMetric: rate ** k,
        valLoss: rate ** k,
        valMetric: (1 + s.seed / 100) * rate ** k,
        radius: null,
        krylovIterations: null,
        forcing: null,
        accepted: null,
        rho: null,
        stepNorm: null,
        stepSize: null,
        lineSearchTrials: null,
        innerIterations: null,
        innerFlag: null,
        status: k === 5 ? "budget" : "running",
      }));
      const m = { n: 2, loss: rate ** 5, relErr: rate ** 5 };
      const summary = {
        optimizer: s.optimizer,
        status: "budget",
        workUnits: 50,
        wallSeconds: 0.025,
        train: { last: m, best: m },
        val: { last: m, best: m },
        test: { last: m, best: m },
        settings: { ...s },
      } as unknown as Summary;
      return { summary, history, model: null as unknown as Model };
    },
  };
}

test("runCompare: tunes ADAM/SGD, targets ADAM's best validation metric, aggregates seeds", async () => {
  const calls: string[] = [];
  const res = await runCompare(fakeHooks(calls), { seeds: [1, 2], lrGrid: { adam: [0.001, 0.01, 0.1] } });
  // every optimizer once per seed; ADAM over its grid; SGD over the default factors of lr
  assert.equal(calls.filter((c) => c.startsWith("adam@")).length, 6);
  assert.deepEqual(
    calls.filter((c) => c.startsWith("sgd@") && c.endsWith("#1")),
    ["sgd@0.001#1", "sgd@0.003#1", "sgd@0.01#1", "sgd@0.03#1"],
  );
  const adam = res.results.find((r) => r.optimizer === "adam")!;
  assert.equal(adam.perSeed[0].lr, 0.01);
  assert.equal(adam.perSeed[0].tuning!.length, 3);
  // target of seed 1: ADAM's best = 1.01 · 0.7⁵; GNvpro (rate 0.5) first gets there at k = 3 (0.125·1.01 ≤ 0.168·1.01)
  assert.ok(Math.abs((res.target.perSeed[0] as number) - 1.01 * 0.7 ** 5) < 1e-15);
  const gnvpro = res.results.find((r) => r.optimizer === "gnvpro")!;
  assert.deepEqual(gnvpro.perSeed[0].reach, { workUnits: 30, wallSeconds: 0.015, iteration: 3 });
  assert.equal(gnvpro.reachedAdamBest.workUnits, 30);
  assert.equal(gnvpro.reachedAdamBest.seedsReached, 2);
  assert.equal(adam.reachedAdamBest.workUnits, 50);
  // SGD (rate 0.95) never gets there
  const sgd = res.results.find((r) => r.optimizer === "sgd")!;
  assert.equal(sgd.reachedAdamBest.workUnits, null);
  assert.equal(sgd.reachedAdamBest.seedsReached, 0);
  // baselines: the data are exactly linear, so ridge is (nearly) exact
  const ridge = res.results.find((r) => r.optimizer === "ridge")!;
  assert.ok(((ridge.summary.val as { best: { relErr: number } }).best.relErr as number) < 1e-6);
  assert.equal(res.traces.length, 10);
  assert.equal(res.provenance.kind, "generated");
  const table = summaryTable(res);
  assert.equal(table.rows.length, 7);
  assert.equal(table.rows.find((r) => r[0] === "SGD (lr 0.001)")?.[8], "not reached");
  // settings are those of the first seed, with the chosen learning rate
  assert.equal(res.settings.adam.lr, 0.01);
  assert.equal("settings" in gnvpro.summary, false);
});

test("runCompare without ADAM has no target, and the table says so", async () => {
  const res = await runCompare(fakeHooks([]), { seeds: [3], optimizers: ["gnvpro", "gn"] });
  assert.equal(res.target.median, null);
  const t = summaryTable(res);
  assert.equal(t.rows[0][8], "—");
  assert.match(t.notes!.join(" "), /No ADAM run/);
  await assert.rejects(runCompare(fakeHooks([]), { seeds: [], optimizers: ["gnvpro"] }), /--seeds/);
  await assert.rejects(runCompare(fakeHooks([]), { seeds: [1], optimizers: [] }), /no optimizers/);
});
