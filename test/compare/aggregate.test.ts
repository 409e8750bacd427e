import { test } from "node:test";
import assert from "node:assert/strict";
import { aggregateSummaries, spread } from "../../src/compare/aggregate.js";
import { bestValMetric, firstReach } from "../../src/compare/target.js";
import { continuousRows } from "../../src/compare/compare.js";
import type { TraceRow } from "../../src/report/history.js";

test("spread: median, quartiles and range of the finite values", () => {
  const s = spread([5, 1, null, 3, NaN, 2, 4]);
  assert.deepEqual(s, { n: 5, median: 3, min: 1, max: 5, q1: 2, q3: 4 });
  assert.equal(spread([1, 2]).median, 1.5);
  assert.deepEqual(spread([null, undefined]), {
    n: 0,
    median: null,
    min: null,
    max: null,
    q1: null,
    q3: null,
  });
});

test("aggregateSummaries: medians per numeric leaf, strings kept or joined", () => {
  const a = { optimizer: "adam", status: "budget", val: { relErr: 0.3, loss: 1 }, workUnits: 10 };
  const b = { optimizer: "adam", status: "converged", val: { relErr: 0.1, loss: 3 }, workUnits: 10 };
  const c = { optimizer: "adam", status: "budget", val: { relErr: 0.2, loss: 2 }, workUnits: 10 };
  const { median, spread: sp } = aggregateSummaries([a, b, c]);
  assert.deepEqual(median, {
    optimizer: "adam",
    status: "budget|converged",
    val: { relErr: 0.2, loss: 2 },
    workUnits: 10,
  });
  assert.equal(sp["val.relErr"].min, 0.1);
  assert.equal(sp["val.relErr"].max, 0.3);
  assert.equal(sp["workUnits"].n, 3);
  assert.throws(() => aggregateSummaries([]), /no summaries/);
});

const rows = (vals: (number | null)[]): TraceRow[] =>
  vals.map((v, i) => ({ iteration: i, workUnits: 10 * i, wallMs: 100 * i, loss: 1, valMetric: v }));

test("bestValMetric / firstReach: lower-is-better and higher-is-better", () => {
  const adam = rows([0.9, 0.5, null, 0.4, 0.45]);
  assert.equal(bestValMetric(adam, false), 0.4);
  assert.equal(bestValMetric(adam, true), 0.9);
  assert.equal(bestValMetric(rows([null, NaN]), false), null);
  const other = rows([1, 0.6, 0.39, 0.1]);
  assert.deepEqual(firstReach(other, 0.4, false), { iteration: 2, workUnits: 20, wallMs: 200 });
  assert.equal(firstReach(other, 0.05, false), null);
  const acc = rows([0.5, 0.7, 0.8]);
  assert.deepEqual(firstReach(acc, 0.7, true), { iteration: 1, workUnits: 10, wallMs: 100 });
  assert.equal(firstReach(acc, 0.81, true), null);
  assert.throws(() => firstReach(acc, NaN, true), /target must be finite/);
});

test("continuousRows joins multilevel histories into monotone work units and wall time", () => {
  const r = (level: number, iteration: number, workUnits: number, wallMs: number) => ({
    level,
    iteration,
    workUnits,
    wallMs,
    loss: 1,
  });
  // level 1 restarts the clock; work units already continue (the driver adds an offset)
  const rows = [r(0, 0, 0, 0), r(0, 1, 5, 40), r(1, 0, 5, 3), r(1, 1, 9, 20)];
  const c = continuousRows(rows);
  assert.deepEqual(
    c.map((x) => [x.level, x.iteration, x.workUnits, x.wallMs]),
    [
      [0, 0, 0, 0],
      [0, 1, 5, 40],
      [1, 0, 5, 43],
      [1, 1, 9, 60],
    ],
  );
});
