import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VarProObjective } from "../../src/objectives/reduced.js";
import { TrustRegion, type TrustRegionState } from "../../src/optimizers/trust-region.js";
import { trainMultilevel, prolongateResNetLevel, type LevelSetup } from "../../src/training/multilevel.js";
import { sameHistory } from "../../src/training/history.js";
import { teacherProblem } from "../../src/training/teacher.js";
import type { Layer } from "../../src/layers/types.js";
import { mlp } from "../../src/layers/networks.js";

const P = teacherProblem({ nIn: 5, q: 3, nTrain: 40, nVal: 20, nTest: 20, width: 4, nt: 2, seed: 3 });

function setupFactory(log: { level: number; alphaTheta: number; nParams: number }[]) {
  let net: Layer = P.makeNet();
  let alpha = 1e-4;
  return (
    level: number,
    prev: { result: { x: Float64Array } } | null,
  ): LevelSetup<VarProObjective, TrustRegionState> => {
    let x0 = P.theta0;
    if (prev !== null) {
      const p = prolongateResNetLevel(net, prev.result.x, alpha);
      net = p.net;
      x0 = p.theta;
      alpha = p.alphaTheta;
    } else if (level > 0) {
      // resume: rebuild the level's network (θ comes from the checkpoint)
      for (let l = 0; l < level; l++) {
        const p = prolongateResNetLevel(net, new Float64Array(net.nParams), alpha);
        net = p.net;
        alpha = p.alphaTheta;
      }
      x0 = new Float64Array(net.nParams);
    }
    log.push({ level, alphaTheta: alpha, nParams: net.nParams });
    const objective = new VarProObjective({
      net,
      Y: P.train.Y,
      C: P.train.C,
      loss: "least-squares",
      alphaW: 1e-8,
      alphaTheta: alpha,
    });
    return { objective, optimizer: new TrustRegion({ krylovMaxIterations: 5 }), x0 };
  };
}

test("multilevel: 3 levels, weight points 2 → 3 → 5, α_θ halved, every level gets the budget", async () => {
  const log: { level: number; alphaTheta: number; nParams: number }[] = [];
  const res = await trainMultilevel<VarProObjective, TrustRegionState>({
    levels: 3,
    budgetPerLevel: 30,
    setup: setupFactory(log),
    sigint: "ignore",
  });
  assert.deepEqual(
    log.map((l) => l.alphaTheta),
    [1e-4, 5e-5, 2.5e-5],
  );
  // opening layer 5·4 + 4 = 24 weights; ResNet per time point 6 + 4 = 10
  assert.deepEqual(
    log.map((l) => l.nParams),
    [24 + 2 * 10, 24 + 3 * 10, 24 + 5 * 10],
  );
  assert.equal(res.levels.length, 3);
  for (const l of res.levels) assert.ok(l.result.workUnits <= 30 && l.result.workUnits > 20);
  assert.ok(Math.abs(res.workUnits - res.levels.reduce((s, l) => s + l.result.workUnits, 0)) < 1e-12);
  // cumulative work units, level tags, and the loss carried across a prolongation (same function up to RK4 error)
  for (let i = 1; i < res.history.length; i++)
    assert.ok(res.history[i].workUnits >= res.history[i - 1].workUnits);
  assert.deepEqual([...new Set(res.history.map((r) => r.level))], [0, 1, 2]);
  const end0 = res.levels[0].result.history.at(-1)!.loss;
  const start1 = res.levels[1].result.history[0].loss;
  assert.ok(Math.abs(start1 - end0) < 0.05 * end0 + 1e-6, `loss ${end0} → ${start1} across the prolongation`);
  assert.ok(res.levels[2].result.history.at(-1)!.loss < res.levels[0].result.history[0].loss);
});

test("multilevel: interrupted in level 1, resumed, equals the uninterrupted run", async () => {
  const full = await trainMultilevel<VarProObjective, TrustRegionState>({
    levels: 3,
    budgetPerLevel: 20,
    setup: setupFactory([]),
    sigint: "ignore",
  });
  const dir = mkdtempSync(join(tmpdir(), "gnvpro-ml-"));
  try {
    const path = join(dir, "cp.json");
    const f = setupFactory([]);
    const part = await trainMultilevel<VarProObjective, TrustRegionState>({
      levels: 3,
      budgetPerLevel: 20,
      checkpoint: { path },
      sigint: "ignore",
      setup: (level, prev) => {
        const s = f(level, prev);
        if (level === 1) s.callbacks = { onIteration: (row) => (row.iteration === 2 ? "stop" : undefined) };
        return s;
      },
    });
    assert.equal(part.status, "interrupted");
    const rest = await trainMultilevel<VarProObjective, TrustRegionState>({
      levels: 3,
      budgetPerLevel: 20,
      setup: setupFactory([]),
      resume: path,
      sigint: "ignore",
    });
    assert.ok(sameHistory(rest.history, full.history));
    assert.deepEqual(rest.x, full.x);
  } finally {
    rmSync(dir, { recursive: true });
  }
  assert.throws(() => prolongateResNetLevel(mlp(2, [3]), new Float64Array(9), 1), /no time-dependent ResNet/);
  await assert.rejects(
    () => trainMultilevel({ levels: 0, budgetPerLevel: 1, setup: setupFactory([]) }),
    /levels/,
  );
});
