import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VarProObjective } from "../../src/objectives/reduced.js";
import { WorkCounter } from "../../src/objectives/types.js";
import { TrustRegion, type TrustRegionUserOptions } from "../../src/optimizers/trust-region.js";
import { SubsampledVarPro } from "../../src/training/subsampled-varpro.js";
import { teacherProblem } from "../../src/training/teacher.js";
import { trainSync } from "../../src/training/train.js";
import { sameHistory } from "../../src/training/history.js";
import { mlp } from "../../src/layers/networks.js";
import { Rng } from "../../src/util/rng.js";

const P = teacherProblem({ nIn: 6, q: 5, nTrain: 40, nVal: 10, nTest: 10, width: 3, nt: 2, seed: 2 });
const lsOptions = () => ({
  net: P.makeNet(),
  Y: P.train.Y,
  C: P.train.C,
  loss: "least-squares" as const,
  alphaW: 1e-8,
  alphaTheta: 1e-8,
});

test("SubsampledVarPro: the subset objective is the VarPro objective on those samples, charged b/n per pass", () => {
  const full = new SubsampledVarPro(lsOptions());
  const idx = Int32Array.from([1, 4, 5, 17, 30]);
  const x = P.theta0;
  const sub = full.curvatureSubset(idx, x);
  assert.equal(sub.work, full.work);
  assert.equal((sub as unknown as { workScale: number }).workScale, 5 / 40);
  // the same as a VarPro objective built on those columns by hand
  const nIn = 6;
  const q = 5;
  const Y = new Float64Array(nIn * 5);
  const C = new Float64Array(q * 5);
  idx.forEach((i, k) => {
    Y.set(P.train.Y.subarray(i * nIn, (i + 1) * nIn), k * nIn);
    C.set(P.train.C.subarray(i * q, (i + 1) * q), k * q);
  });
  const ref = new VarProObjective({ ...lsOptions(), Y, C, work: new WorkCounter() });
  const w0 = full.work.units;
  assert.equal(sub.evaluate(x).value, ref.evaluate(x).value);
  const g = sub.gradient(x);
  assert.deepEqual(g, ref.gradient(x));
  const v = new Rng(1).fillNormal(new Float64Array(full.dim));
  assert.deepEqual(sub.hessVec(v), ref.hessVec(v));
  // value + gradient + one H·v = 4 passes of 5/40
  assert.ok(Math.abs(full.work.units - w0 - (4 * 5) / 40) < 1e-12);
  // the same subset again: the same objective (caches kept); another: a new one
  assert.equal(full.curvatureSubset(Int32Array.from(idx), x), sub);
  assert.notEqual(full.curvatureSubset(Int32Array.from([0, 1]), x), sub);
  assert.throws(() => full.curvatureSubset(Int32Array.from([3, 2]), x), /increasing/);
  assert.throws(() => full.curvatureSubset(Int32Array.from([0, 40]), x), /\[0, 40\)/);
  assert.throws(() => full.curvatureSubset(new Int32Array(0), x), /non-empty/);
});

test("GNvpro with subsampled curvature on VarPro: exact work units, hard budget, reproducible", () => {
  const opts: TrustRegionUserOptions = { curvatureSample: { fraction: 0.25, rhoBelow: 1e-4, seed: 3 } };
  const samples: number[] = [];
  const run = (budget: number, onRow = false) => {
    const obj = new SubsampledVarPro(lsOptions());
    const res = trainSync({
      optimizer: new TrustRegion(opts),
      objective: obj,
      x0: P.theta0,
      budget,
      callbacks: onRow
        ? { onIteration: (_r, s) => void samples.push(s.curvature?.lastSamples ?? -1) }
        : undefined,
    });
    return { obj, res };
  };
  const { res } = run(60, true);
  const h = res.history;
  let sub = 0;
  for (let i = 1; i < h.length; i++) {
    const k = h[i].krylovIterations ?? 0;
    const b = samples[i];
    const solve = k === 0 ? 0 : b === 0 ? 2 * k : ((2 + 2 * k) * b) / 40;
    const expected = solve + 1 + (h[i].accepted ? 1 : 0);
    assert.ok(Math.abs(h[i].workUnits - h[i - 1].workUnits - expected) < 1e-9, `row ${i}`);
    if (k > 0 && b === 10) sub++;
  }
  assert.ok(sub >= 3, `${sub} subsampled solves`);
  assert.ok(h[h.length - 1].loss < h[0].loss * 0.05, "no progress");
  for (const budget of [3.1, 9.6, 17.45]) {
    const r = run(budget);
    assert.ok(r.obj.work.units <= budget + 1e-9, `budget ${budget}: spent ${r.obj.work.units}`);
    assert.equal(r.res.status, "budget");
  }
  assert.ok(sameHistory(run(40).res.history, run(40).res.history));
});

test("GNvpro with subsampled curvature, cross-entropy: a resumed run equals the uninterrupted one", () => {
  const make = () => {
    const rng = new Rng(11);
    const n = 60;
    const q = 3;
    const Y = rng.fillUniform(new Float64Array(2 * n), -1, 1);
    const C = new Float64Array(q * n);
    for (let j = 0; j < n; j++) C[j * q + ((Y[2 * j] > 0 ? 1 : 0) + (Y[2 * j + 1] > 0 ? 1 : 0))] = 1;
    return new SubsampledVarPro({
      net: mlp(2, [5]),
      Y,
      C,
      loss: "cross-entropy",
      alphaW: 1e-3,
      alphaTheta: 1e-4,
      innerCE: { tol: 1e-4 },
    });
  };
  const x0 = new Float64Array(mlp(2, [5]).nParams);
  mlp(2, [5]).init(x0, new Rng(5));
  const opts: TrustRegionUserOptions = {
    initialRadius: 1,
    curvatureSample: { fraction: 0.3, rhoBelow: 0.25, seed: 2 },
  };
  const budget = 60;
  const full = trainSync({ optimizer: new TrustRegion(opts), objective: make(), x0, budget });
  const dir = mkdtempSync(join(tmpdir(), "gnvpro-subsampled-varpro-"));
  try {
    const path = join(dir, "cp.json");
    const part = trainSync({
      optimizer: new TrustRegion(opts),
      objective: make(),
      x0,
      budget,
      checkpoint: { path },
      callbacks: { onIteration: (r) => (r.iteration === 7 ? "stop" : undefined) },
    });
    assert.equal(part.status, "interrupted");
    const rest = trainSync({ optimizer: new TrustRegion(opts), objective: make(), resume: path, budget });
    assert.ok(sameHistory(rest.history, full.history), "resumed history differs");
    assert.deepEqual(rest.x, full.x);
  } finally {
    rmSync(dir, { recursive: true });
  }
});
