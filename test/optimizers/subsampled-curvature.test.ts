import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COST, WorkCounter, type Evaluation, type GNObjective } from "../../src/objectives/types.js";
import {
  TrustRegion,
  type TrustRegionState,
  type TrustRegionUserOptions,
} from "../../src/optimizers/trust-region.js";
import {
  curvatureSampleOptions,
  drawSubset,
  initCurvatureSample,
  updateCurvatureSample,
  type CurvatureSubsets,
} from "../../src/optimizers/subsampled-curvature.js";
import { trainSync } from "../../src/training/train.js";
import { sameHistory, type HistoryRow } from "../../src/training/history.js";
import { Rng } from "../../src/util/rng.js";

/**
 * Linear least squares f(x) = ½‖(A x − c)/√n‖² (A n × d, row i = sample i), with subsets: the same
 * objective on the rows idx, (A_B x − c_B)/√b, charging b/n per pass into the shared counter.
 */
class LinearLS implements GNObjective, CurvatureSubsets {
  readonly dim: number;
  readonly nSamples: number;
  private cx: Float64Array | null = null;
  private cr: Float64Array | null = null;
  private lin = false;
  subsets = 0;
  constructor(
    readonly A: Float64Array, // column-major n × d
    readonly c: Float64Array,
    readonly n: number,
    readonly work: WorkCounter = new WorkCounter(),
    readonly workScale = 1,
  ) {
    this.dim = A.length / n;
    this.nSamples = n;
  }
  private Ax(x: Float64Array): Float64Array {
    const { n, dim } = this;
    const y = new Float64Array(n);
    for (let j = 0; j < dim; j++) for (let i = 0; i < n; i++) y[i] += this.A[i + j * n] * x[j];
    return y;
  }
  private Atu(u: Float64Array): Float64Array {
    const { n, dim } = this;
    const g = new Float64Array(dim);
    for (let j = 0; j < dim; j++) for (let i = 0; i < n; i++) g[j] += this.A[i + j * n] * u[i];
    return g;
  }
  evaluate(x: Float64Array): Evaluation {
    if (this.cx === null || this.cx.some((v, i) => !Object.is(v, x[i]))) {
      this.work.add(COST.value * this.workScale);
      this.cx = Float64Array.from(x);
      const y = this.Ax(x);
      const s = 1 / Math.sqrt(this.n);
      this.cr = y.map((v, i) => (v - this.c[i]) * s);
      this.lin = false;
    }
    const r = this.cr as Float64Array;
    return { value: 0.5 * r.reduce((a, v) => a + v * v, 0), residual: Float64Array.from(r) };
  }
  gradient(x: Float64Array): Float64Array {
    this.evaluate(x);
    this.work.add(COST.gradient * this.workScale);
    this.lin = true;
    const g = this.Atu(this.cr as Float64Array);
    const s = 1 / Math.sqrt(this.n);
    return g.map((v) => v * s);
  }
  hessVec(v: Float64Array): Float64Array {
    if (!this.lin) throw new Error("LinearLS.hessVec: call gradient() first");
    this.work.add(COST.hessVec * this.workScale);
    return this.Atu(this.Ax(v)).map((x) => x / this.n);
  }
  curvatureSubset(idx: Int32Array): GNObjective {
    this.subsets++;
    const b = idx.length;
    const d = this.dim;
    const A = new Float64Array(b * d);
    for (let j = 0; j < d; j++) for (let k = 0; k < b; k++) A[k + j * b] = this.A[idx[k] + j * this.n];
    const c = Float64Array.from(idx, (i) => this.c[i]);
    return new LinearLS(A, c, b, this.work, (this.workScale * b) / this.n);
  }
}

const N = 60;
const D = 6;
function problem(work?: WorkCounter): { obj: LinearLS; xStar: Float64Array } {
  const rng = new Rng(3);
  const A = rng.fillNormal(new Float64Array(N * D));
  // a badly scaled column so that one gradient step is not enough
  for (let i = 0; i < N; i++) A[i + 2 * N] *= 8;
  const xStar = rng.fillNormal(new Float64Array(D));
  const c = new Float64Array(N);
  for (let j = 0; j < D; j++) for (let i = 0; i < N; i++) c[i] += A[i + j * N] * xStar[j];
  return { obj: new LinearLS(A, c, N, work), xStar };
}
const x0 = () => new Float64Array(D);
const SAMPLE: TrustRegionUserOptions = {
  curvatureSample: { fraction: 0.25, growth: 2, rhoBelow: 0.5, seed: 7 },
};

function run(
  opts: TrustRegionUserOptions,
  budget: number,
  onRow?: (r: HistoryRow, s: TrustRegionState) => void,
) {
  const { obj } = problem();
  return {
    obj,
    res: trainSync({
      optimizer: new TrustRegion(opts),
      objective: obj,
      x0: x0(),
      budget,
      callbacks: onRow ? { onIteration: (r, s) => void onRow(r, s) } : undefined,
    }),
  };
}

test("subsampled curvature: linear least squares converges to the known solution", () => {
  const { res, obj } = run({ ...SAMPLE, gradAtol: 1e-12 }, 400);
  const { xStar } = problem();
  assert.equal(res.status, "converged");
  for (let j = 0; j < D; j++) assert.ok(Math.abs(res.x[j] - xStar[j]) < 1e-9, `x[${j}]`);
  assert.ok(obj.subsets > 0, "no subset was used");
});

test("subsampled curvature: work units counted exactly (b/n per subset pass, full trial and gradient)", () => {
  const samples: number[] = [];
  const { res } = run(SAMPLE, 80, (_r, s) => samples.push(s.curvature?.lastSamples ?? -1));
  const h = res.history;
  assert.ok(h.length > 6);
  let subsampled = 0;
  for (let i = 1; i < h.length; i++) {
    const k = h[i].krylovIterations ?? 0;
    const b = samples[i];
    // a Krylov solve on b of n samples: linearising the subset (value + gradient) 2b/n, each H·v 2b/n;
    // on all samples (b = 0: the first solve, or after growth to 1) each H·v 2; the trial 1, its gradient 1
    const solve =
      k === 0 ? 0 : b === 0 ? COST.hessVec * k : ((COST.value + COST.gradient + COST.hessVec * k) * b) / N;
    const expected = solve + COST.value + (h[i].accepted ? COST.gradient : 0);
    assert.ok(
      Math.abs(h[i].workUnits - h[i - 1].workUnits - expected) < 1e-9,
      `row ${i}: ΔWU ${h[i].workUnits - h[i - 1].workUnits}, expected ${expected} (k ${k}, b ${b})`,
    );
    if (k > 0 && b > 0) subsampled++;
  }
  assert.ok(subsampled >= 3, `only ${subsampled} subsampled solves`);
  assert.equal(samples[1], 0, "the first (Δ₀-setting) solve uses all samples");
  assert.ok(samples.includes(15), "f₀ = 0.25 of 60 samples is 15");
});

test("subsampled curvature: the budget is hard", () => {
  for (const budget of [2.5, 4.3, 7.7, 9.05, 13.4, 21.9, 33.3]) {
    const { res, obj } = run(SAMPLE, budget);
    assert.ok(obj.work.units <= budget + 1e-9, `budget ${budget}: spent ${obj.work.units}`);
    assert.equal(res.status, "budget");
    assert.ok(res.workUnits <= budget + 1e-9);
  }
});

test("subsampled curvature: same seed same history; another seed another history", () => {
  const a = run(SAMPLE, 60).res;
  const b = run(SAMPLE, 60).res;
  assert.ok(sameHistory(a.history, b.history));
  assert.deepEqual(a.x, b.x);
  const c = run({ curvatureSample: { ...SAMPLE.curvatureSample, seed: 8 } }, 60).res;
  assert.ok(!sameHistory(a.history, c.history), "the seed has no effect");
});

test("subsampled curvature: fraction 1 reproduces the plain trust region exactly", () => {
  const plain = run({}, 60).res;
  const one = run({ curvatureSample: { fraction: 1 } }, 60);
  assert.ok(sameHistory(plain.history, one.res.history));
  assert.deepEqual(plain.x, one.res.x);
  assert.equal(one.obj.subsets, 0);
  // growth to 1 also ends in the plain solver's cost per solve (every row then has b = 0)
  const samples: number[] = [];
  run({ curvatureSample: { fraction: 0.25, rhoBelow: 0.99 } }, 120, (_r, s) =>
    samples.push(s.curvature?.fraction ?? -1),
  );
  assert.equal(samples[samples.length - 1], 1);
});

test("subsampled curvature: a resumed run equals the uninterrupted one (also right after a rejection)", () => {
  const opts: TrustRegionUserOptions = {
    curvatureSample: { fraction: 0.12, growth: 2, rhoBelow: 0.5, seed: 7 },
    initialRadius: 100,
  };
  const budget = 70;
  const full = run(opts, budget).res;
  assert.ok(
    full.history.some((r) => r.accepted === false),
    "no rejection to resume after",
  );
  for (const stopAt of [(r: HistoryRow) => r.iteration === 5, (r: HistoryRow) => r.accepted === false]) {
    const dir = mkdtempSync(join(tmpdir(), "gnvpro-subsample-"));
    try {
      const path = join(dir, "cp.json");
      const part = trainSync({
        optimizer: new TrustRegion(opts),
        objective: problem().obj,
        x0: x0(),
        budget,
        checkpoint: { path },
        callbacks: { onIteration: (r) => (stopAt(r) ? "stop" : undefined) },
      });
      assert.equal(part.status, "interrupted");
      const rest = trainSync({
        optimizer: new TrustRegion(opts),
        objective: problem().obj,
        resume: path,
        budget,
      });
      assert.ok(sameHistory(rest.history, full.history), "resumed history differs");
      assert.deepEqual(rest.x, full.x);
      assert.equal(rest.workUnits, full.workUnits);
    } finally {
      rmSync(dir, { recursive: true });
    }
  }
});

test("subsampled curvature: schedule rules and subsets", () => {
  const o = curvatureSampleOptions({ fraction: 0.1, growth: 2, rhoBelow: 0.25, gradientFactor: 0.1 });
  let cs = initCurvatureSample(o, 10);
  assert.equal(cs.gradientMark, 1);
  cs = updateCurvatureSample(o, cs, 0.5, 5); // good step, gradient not yet 10× smaller
  assert.equal(cs.fraction, 0.1);
  cs = updateCurvatureSample(o, cs, 0.2, 5); // poor step
  assert.equal(cs.fraction, 0.2);
  assert.equal(cs.gradientMark, 0.5);
  cs = updateCurvatureSample(o, cs, 0.9, 0.4); // gradient fell 10×
  assert.equal(cs.fraction, 0.4);
  cs = updateCurvatureSample(o, cs, null, 0.4); // non-finite trial counts as poor
  assert.equal(cs.fraction, 0.8);
  cs = updateCurvatureSample(o, cs, null, 0.4);
  assert.equal(cs.fraction, 1);
  // fresh subsets: sorted, distinct, of the right size, different each time; fixed: nested prefixes
  const f = curvatureSampleOptions({ fraction: 0.2, seed: 4 });
  const s = initCurvatureSample(f, 1);
  const a = drawSubset(f, s, 50) as Int32Array;
  const b = drawSubset(f, s, 50) as Int32Array;
  assert.equal(a.length, 10);
  assert.ok(a.every((v, i) => i === 0 || v > a[i - 1]));
  assert.notDeepEqual(a, b);
  const fx = curvatureSampleOptions({ fraction: 0.2, resample: "fixed", seed: 4 });
  const t = initCurvatureSample(fx, 1);
  const p = drawSubset(fx, t, 50) as Int32Array;
  assert.deepEqual(drawSubset(fx, t, 50), p);
  const big = drawSubset(fx, { ...t, fraction: 0.4 }, 50) as Int32Array;
  assert.ok(
    [...p].every((v) => big.includes(v)),
    "fixed subsets are not nested",
  );
  assert.equal(drawSubset(f, { ...s, fraction: 1 }, 50), null);
});

test("subsampled curvature: bad options and objectives without subsets are rejected", () => {
  assert.throws(
    () => new TrustRegion({ curvatureSample: { fraction: 0 } }),
    /curvatureSample: option fraction/,
  );
  assert.throws(() => new TrustRegion({ curvatureSample: { fraction: 1.5 } }), /fraction/);
  assert.throws(() => new TrustRegion({ curvatureSample: { growth: 0.5 } }), /growth/);
  assert.throws(() => new TrustRegion({ curvatureSample: { rhoBelow: 1 } }), /rhoBelow/);
  assert.throws(() => new TrustRegion({ curvatureSample: { gradientFactor: -1 } }), /gradientFactor/);
  assert.throws(() => new TrustRegion({ curvatureSample: { minSamples: 0 } }), /minSamples/);
  assert.throws(() => new TrustRegion({ curvatureSample: { resample: "sometimes" as "fresh" } }), /resample/);
  const { obj } = problem();
  const plain: GNObjective = {
    dim: obj.dim,
    work: obj.work,
    evaluate: (x) => obj.evaluate(x),
    gradient: (x) => obj.gradient(x),
    hessVec: (v) => obj.hessVec(v),
  };
  assert.throws(
    () => new TrustRegion({ curvatureSample: { fraction: 0.5 } }).init(plain, x0(), 100),
    /curvatureSample needs an objective with curvatureSubset/,
  );
  // fraction 1 needs no subsets
  assert.equal(
    new TrustRegion({ curvatureSample: { fraction: 1 } }).init(plain, x0(), 100).status,
    "running",
  );
});
