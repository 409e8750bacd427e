import { test } from "node:test";
import assert from "node:assert/strict";
import { BlockSampledTR, blockProblem, splitBlocks } from "../../src/optimizers/block-sampled.js";
import { TrustRegion } from "../../src/optimizers/trust-region.js";
import { tuneLearningRate } from "../../src/optimizers/lr-tuning.js";
import { Adam } from "../../src/optimizers/adam.js";
import { WorkCounter } from "../../src/objectives/types.js";
import { trainSync } from "../../src/training/train.js";
import { sameHistory } from "../../src/training/history.js";
import { Rng } from "../../src/util/rng.js";
import { Logistic, StochasticQuadratic } from "./problems.js";

function problem(n = 400, size = 100) {
  const full = new Logistic(n, 4, 8);
  const work = new WorkCounter();
  const blocks = splitBlocks(n, size, new Rng(2)).map((idx) => ({
    objective: new Logistic(0, 4, 0, full.alpha, { parent: full, idx, work, scale: idx.length / n }),
    fraction: idx.length / n,
  }));
  return { full, p: blockProblem(work, blocks) };
}

test("block-sampled GNvpro: 3 trials per block, radius carried, work counted per block, loss reduced", () => {
  const { full, p } = problem();
  const opt = new BlockSampledTR({ itersPerBlock: 3, epochs: 3, trustRegion: { krylovMaxIterations: 5 } });
  const x0 = new Float64Array(5);
  const res = trainSync({ optimizer: opt, objective: p, x0 });
  assert.equal(res.status, "max-iterations");
  assert.equal(res.history.length - 1, 4 * 3 * 3); // blocks × trials × epochs
  // work: each block start costs value + gradient (2 · b/n); each trial (2k + 1 + accepted) · b/n
  let expected = 0;
  for (let i = 1; i < res.history.length; i++) {
    const r = res.history[i];
    if ((i - 1) % 3 === 0) expected += 2 * 0.25;
    expected += (2 * r.krylovIterations! + 1 + (r.accepted ? 1 : 0)) * 0.25;
    assert.ok(Math.abs(r.workUnits - expected) < 1e-9, `row ${i}: ${r.workUnits} vs ${expected}`);
  }
  // the radius carries from block to block (the next block's trial is cut with the last radius)
  for (let i = 4; i < res.history.length; i += 3) {
    const prevRadius = res.history[i - 1].radius!;
    assert.ok(res.history[i].stepNorm! <= prevRadius * (1 + 1e-12), `row ${i}`);
  }
  const before = full.evaluate(x0).value;
  const after = full.evaluate(res.x).value;
  const ref = trainSync({
    optimizer: new TrustRegion({ gradAtol: 1e-10 }),
    objective: new Logistic(400, 4, 8),
    x0,
  });
  const best = ref.history[ref.history.length - 1].loss;
  // sampling noise keeps it off the full-data minimiser, but within 5% of the possible decrease
  assert.ok(after - best < 0.05 * (before - best), `full loss ${before} → ${after}, optimum ${best}`);
});

test("block-sampled GNvpro: hard budget, reproducible shuffling, bad input rejected", () => {
  for (const budget of [0.5, 1.3, 4]) {
    const { p } = problem();
    const r = trainSync({
      optimizer: new BlockSampledTR({ epochs: 5 }),
      objective: p,
      x0: new Float64Array(5),
      budget,
    });
    assert.equal(r.status, "budget");
    assert.ok(p.work.units <= budget + 1e-12);
  }
  const run = () =>
    trainSync({
      optimizer: new BlockSampledTR({ shuffle: true, seed: 4 }),
      objective: problem().p,
      x0: new Float64Array(5),
    });
  assert.ok(sameHistory(run().history, run().history));
  assert.throws(() => new BlockSampledTR({ itersPerBlock: 0 }), /itersPerBlock/);
  assert.throws(() => blockProblem(new WorkCounter(), []), /at least one block/);
  const { p } = problem();
  assert.throws(() => blockProblem(new WorkCounter(), p.blocks), /shared work counter/);
  assert.throws(() => splitBlocks(10, 0), /block size/);
  assert.deepEqual(
    splitBlocks(5, 2).map((b) => Array.from(b)),
    [[0, 1], [2, 3], [4]],
  );
  // the block variant with one block of everything is the plain trust region
  const one = new Logistic(200, 3, 1);
  const work = one.work;
  const single = blockProblem(work, [{ objective: one, fraction: 1 }]);
  const a = trainSync({
    optimizer: new BlockSampledTR({ itersPerBlock: 6, epochs: 1 }),
    objective: single,
    x0: new Float64Array(4),
  });
  const b = trainSync({
    optimizer: new TrustRegion({ maxIterations: 6 }),
    objective: new Logistic(200, 3, 1),
    x0: new Float64Array(4),
  });
  assert.deepEqual(a.x, b.x);
  // (the block variant evaluates its first block lazily, at its first step, so row 0 differs)
  assert.deepEqual(
    a.history.slice(1).map((r) => r.workUnits),
    b.history.slice(1).map((r) => r.workUnits),
  );
});

test("learning-rate tuning picks the grid point with the best validation loss", async () => {
  const obj = () => new StochasticQuadratic(40, 3, 5);
  const val = new StochasticQuadratic(40, 3, 5);
  const all = Int32Array.from({ length: 40 }, (_, i) => i);
  const tuned = await tuneLearningRate(
    (lr) => {
      const o = obj();
      return trainSync({
        optimizer: new Adam({ learningRate: lr, batchSize: 8, maxIterations: 15, seed: 1 }),
        objective: o,
        x0: new Float64Array(3),
        validate: (x) => ({ loss: val.batchValueGradient(x, all).value, metric: null }),
      });
    },
    [1e-4, 1e-2, 1e-1, 10],
  );
  assert.equal(tuned.candidates.length, 4);
  const scores = tuned.candidates.map((c) => c.score);
  const bestScore = Math.min(...scores.filter(Number.isFinite));
  assert.equal(tuned.candidates.find((c) => c.learningRate === tuned.learningRate)!.score, bestScore);
  assert.ok(tuned.learningRate !== 1e-4 && tuned.learningRate !== 10);
  await assert.rejects(() => tuneLearningRate(() => ({ best: null, history: [] }), []), /grid is empty/);
  await assert.rejects(
    () => tuneLearningRate(() => ({ best: null, history: [] }), [0.1, -1]),
    /bad learning rate/,
  );
});
