import { test } from "node:test";
import assert from "node:assert/strict";
import {
  TrustRegion,
  actualReduction,
  lbfgsInverse,
  REFERENCE_KRYLOV,
} from "../../src/optimizers/trust-region.js";
import { steihaugCG, cutPath } from "../../src/optimizers/steihaug.js";
import { nextForcing, DEFAULT_FORCING } from "../../src/optimizers/forcing.js";
import { Lbfgs } from "../../src/optimizers/lbfgs.js";
import { trainSync } from "../../src/training/train.js";
import type { Evaluation, GNObjective } from "../../src/objectives/types.js";
import { LinearLeastSquares, Logistic, NaNAfter, Rosenbrock } from "./problems.js";
import { Rng } from "../../src/util/rng.js";

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

function spd(d: number, seed: number, indefinite = false): (v: Float64Array) => Float64Array {
  const rng = new Rng(seed);
  const B = rng.fillNormal(new Float64Array(d * d));
  const H = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += B[k + i * d] * B[k + j * d];
      H[i + j * d] = s + (i === j ? (indefinite ? -3 * d : 0.1) : 0);
    }
  return (v) => {
    const out = new Float64Array(d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i] += H[i + j * d] * v[j];
    return out;
  };
}

test("Steihaug: cutting the untruncated path equals running CG at that radius", () => {
  const d = 8;
  const H = spd(d, 3);
  const g = new Rng(4).fillNormal(new Float64Array(d));
  const full = steihaugCG(H, g, Infinity, { maxIterations: 50, tolerance: 1e-12 });
  assert.equal(full.stop, "converged");
  const fullNorm = Math.hypot(...full.end!);
  for (const frac of [0.05, 0.3, 0.7, 0.99]) {
    const radius = frac * fullNorm;
    const direct = steihaugCG(H, g, radius, { maxIterations: 50, tolerance: 1e-12 });
    assert.equal(direct.stop, "boundary");
    const a = cutPath(direct, radius);
    const b = cutPath(full, radius);
    assert.ok(maxAbsDiff(a.step, b.step) < 1e-12 * fullNorm, `radius ${radius}`);
    assert.ok(Math.abs(Math.hypot(...b.step) - radius) < 1e-12 * radius);
    // predicted reduction equals −m(s) computed directly
    const Hs = H(b.step);
    let m = 0;
    for (let i = 0; i < d; i++) m += g[i] * b.step[i] + 0.5 * b.step[i] * Hs[i];
    assert.ok(Math.abs(b.predicted + m) < 1e-10 * Math.abs(m));
  }
});

test("Steihaug: negative curvature goes to the boundary; CG converges to H⁻¹g inside", () => {
  const d = 6;
  const g = new Rng(5).fillNormal(new Float64Array(d));
  const path = steihaugCG(spd(d, 6, true), g, 2, { maxIterations: 50, tolerance: 1e-10 });
  assert.equal(path.stop, "negative-curvature");
  const cut = cutPath(path, 2);
  assert.ok(Math.abs(Math.hypot(...cut.step) - 2) < 1e-12);
  assert.ok(cut.predicted > 0);
  const H = spd(d, 7);
  const p2 = steihaugCG(H, g, 1e6, { maxIterations: 50, tolerance: 1e-12 });
  const r = H(p2.end!);
  for (let i = 0; i < d; i++) r[i] += g[i];
  assert.ok(Math.hypot(...r) <= 1e-11 * Math.hypot(...g));
  assert.equal(steihaugCG(H, new Float64Array(d), 1, { maxIterations: 5, tolerance: 0.1 }).iterations, 0);
});

test("linear least squares: Gauss–Newton in one step, work units exact", () => {
  const d = 5;
  const obj = new LinearLeastSquares(12, d, 11);
  const tr = new TrustRegion({
    krylovMaxIterations: d,
    krylovModelTolerance: 0,
    forcing: { kind: "fixed", eta: 1e-12 },
    gradAtol: 1e-9,
  });
  const res = trainSync({ optimizer: tr, objective: obj, x0: new Float64Array(d), budget: 100 });
  assert.equal(res.status, "converged");
  assert.equal(res.history.length, 2);
  const row = res.history[1];
  assert.equal(row.accepted, true);
  assert.equal(row.krylovIterations, d);
  // init: value + gradient = 2; CG: d H·v = 2d; trial 1; its gradient 1
  assert.equal(res.workUnits, 2 + 2 * d + 2);
  assert.deepEqual(obj.counts, { evaluate: 2, gradient: 2, hessVec: d });
  assert.ok(maxAbsDiff(res.x, obj.solution()) < 1e-10);
  assert.ok(Math.abs(row.rho! - 1) < 1e-10);
  // Δ₀ = ‖first untruncated GN step‖, grown ×1.5 (ρ ≈ 1 on the boundary)
  assert.ok(Math.abs(row.radius! - 1.5 * Math.hypot(...obj.solution())) < 1e-9);
});

function accountingHolds(rows: ReturnType<typeof trainSync>["history"]): void {
  for (let i = 1; i < rows.length; i++) {
    const r = rows[i];
    if (r.accepted === null) continue; // a stop before any trial
    const dw = r.workUnits - rows[i - 1].workUnits;
    const expect = 2 * r.krylovIterations! + 1 + (r.accepted ? 1 : 0);
    assert.equal(dw, expect, `row ${i}: spent ${dw} WU, expected ${expect}`);
    if (i > 1 && rows[i - 1].accepted === false)
      assert.equal(r.krylovIterations, 0, `row ${i} rebuilt the Krylov space`);
  }
}

test("Rosenbrock with trust region: reaches (1, 1); rejections cost one trial and reuse the CG path", () => {
  const obj = new Rosenbrock(4);
  const tr = new TrustRegion({
    initialRadius: 10,
    gradAtol: 1e-10,
    krylovMaxIterations: 10,
    maxIterations: 500,
  });
  const x0 = Float64Array.from([-1.2, 1, -1.2, 1]);
  const res = trainSync({ optimizer: tr, objective: obj, x0 });
  assert.equal(res.status, "converged");
  assert.ok(maxAbsDiff(res.x, [1, 1, 1, 1]) < 1e-9);
  assert.ok(
    res.history.some((r) => r.accepted === false),
    "expected at least one rejection",
  );
  accountingHolds(res.history);
  assert.equal(res.workUnits, obj.work.units);
});

test("the budget is hard: work never exceeds it, status budget", () => {
  for (let budget = 1; budget <= 40; budget += 3) {
    const obj = new Rosenbrock(4);
    const tr = new TrustRegion({ initialRadius: 10, krylovMaxIterations: 4 });
    const res = trainSync({
      optimizer: tr,
      objective: obj,
      x0: Float64Array.from([-1.2, 1, -1.2, 1]),
      budget,
    });
    assert.ok(obj.work.units <= budget, `budget ${budget}: spent ${obj.work.units}`);
    assert.equal(res.status, "budget");
    accountingHolds(res.history);
  }
});

test("logistic regression to tolerance with trust region (fixed and Eisenstat–Walker) and L-BFGS", () => {
  const x0 = new Float64Array(6);
  const runs = [
    new TrustRegion({ ...REFERENCE_KRYLOV, gradAtol: 1e-10 }),
    new TrustRegion({ ...REFERENCE_KRYLOV, gradAtol: 1e-10, forcing: { kind: "eisenstat-walker" } }),
    new TrustRegion({ gradAtol: 1e-10 }), // the defaults
  ].map((tr) => {
    const obj = new Logistic(300, 5, 21);
    const r = trainSync({ optimizer: tr, objective: obj, x0 });
    assert.equal(r.status, "converged");
    assert.ok(obj.trueGradNorm(r.x) <= 1e-10);
    return r.x;
  });
  const obj = new Logistic(300, 5, 21);
  const lb = trainSync({ optimizer: new Lbfgs({ gradAtol: 1e-9 }), objective: obj, x0 });
  assert.equal(lb.status, "converged");
  assert.ok(maxAbsDiff(runs[0], runs[1]) < 1e-9);
  assert.ok(maxAbsDiff(runs[0], runs[2]) < 1e-9);
  assert.ok(maxAbsDiff(runs[0], lb.x) < 1e-7);
});

test("a NaN gradient at an accepted point stops with non-finite and the last good iterate", () => {
  const obj = new NaNAfter(new Rosenbrock(2), 5);
  const seen: Float64Array[] = [];
  const res = trainSync({
    optimizer: new TrustRegion({ initialRadius: 1 }),
    objective: obj,
    x0: Float64Array.from([-1.2, 1]),
    callbacks: { onIteration: (_row, st) => void seen.push(Float64Array.from(st.x)) },
  });
  assert.equal(res.status, "non-finite");
  assert.equal(obj.gradCalls, 5);
  assert.ok(res.x.every(Number.isFinite));
  assert.deepEqual(res.x, seen[seen.length - 2]);
  assert.equal(res.history[res.history.length - 1].status, "non-finite");
});

test("a non-finite trial value is a rejection, not a failure", () => {
  class Walled extends Rosenbrock {
    override evaluate(x: Float64Array): Evaluation {
      const e = super.evaluate(x);
      return Math.hypot(...x) > 2 ? { value: NaN } : e;
    }
  }
  const obj: GNObjective = new Walled(2);
  const res = trainSync({
    optimizer: new TrustRegion({ initialRadius: 50, gradAtol: 1e-10 }),
    objective: obj,
    x0: Float64Array.from([-1.2, 1]),
  });
  assert.equal(res.status, "converged");
  const rej = res.history.find((r) => r.accepted === false && r.rho === null);
  assert.ok(rej, "expected a rejection of a non-finite trial");
});

test("radius collapse, iteration cap and a non-finite start have their own status", () => {
  const x0 = Float64Array.from([-1.2, 1]);
  const r2 = trainSync({
    optimizer: new TrustRegion({ maxIterations: 3 }),
    objective: new Rosenbrock(2),
    x0,
  });
  assert.equal(r2.status, "max-iterations");
  assert.equal(r2.history.length, 4);
  class Inf extends Rosenbrock {
    override evaluate(): Evaluation {
      return { value: Infinity };
    }
  }
  const r3 = trainSync({ optimizer: new TrustRegion(), objective: new Inf(2), x0 });
  assert.equal(r3.status, "non-finite");
  class Up extends Rosenbrock {
    private calls = 0;
    override evaluate(x: Float64Array): Evaluation {
      const e = super.evaluate(x);
      return { value: this.calls++ === 0 ? e.value : e.value + 1e6 };
    }
  }
  const r4 = trainSync({ optimizer: new TrustRegion({ minRadius: 1e-6 }), objective: new Up(2), x0 });
  assert.equal(r4.status, "radius-collapsed");
  assert.ok(r4.history.slice(1).every((r) => r.accepted === false));
  assert.deepEqual(r4.x, x0);
  accountingHolds(r4.history);
});

test("actual reduction from residuals is accurate where the loss difference cancels", () => {
  const r = Float64Array.from([1e8 + 1]);
  const rp = Float64Array.from([1e8]);
  const f = 0.5 * r[0] * r[0];
  const fp = 0.5 * rp[0] * rp[0];
  assert.equal(actualReduction(f, r, fp, rp), 1e8 + 0.5);
  assert.notEqual(f - fp, 1e8 + 0.5);
  assert.equal(actualReduction(f, null, fp, null), f - fp);
  assert.equal(actualReduction(f, r, NaN, rp), -Infinity);
});

test("forcing terms: fixed stays, Eisenstat–Walker tightens with fast convergence and is safeguarded", () => {
  assert.equal(nextForcing(DEFAULT_FORCING, 0.3, 1, 0.001), 1e-2);
  const ew = { ...DEFAULT_FORCING, kind: "eisenstat-walker" as const, etaMax: 0.9 };
  const fast = nextForcing(ew, 0.01, 1, 1e-3);
  assert.ok(Math.abs(fast - 0.9 * 1e-6) < 1e-18);
  // safeguard: previous η large → η stays at γ η_prev²
  assert.ok(Math.abs(nextForcing(ew, 0.5, 1, 1e-3) - 0.9 * 0.25) < 1e-15);
  assert.equal(nextForcing(ew, 0.5, 1, 10), 0.9);
  assert.equal(nextForcing({ ...ew, etaMin: 1e-4 }, 1e-3, 1, 1e-6), 1e-4);
});

test("bad options and inputs are rejected with clear errors", () => {
  assert.throws(() => new TrustRegion({ krylovMaxIterations: 0 }), /krylovMaxIterations/);
  assert.throws(() => new TrustRegion({ forcing: { eta: 2 } }), /forcing\.eta/);
  assert.throws(() => new TrustRegion({ initialRadius: -1 }), /initialRadius/);
  assert.throws(() => new TrustRegion({ growFactor: 1 }), /growFactor/);
  assert.throws(() => new TrustRegion({ forcing: { kind: "magic" as unknown as "fixed" } }), /forcing\.kind/);
  assert.throws(() => new TrustRegion().init(new Rosenbrock(2), new Float64Array(3), 10), /length 3/);
  assert.throws(
    () =>
      trainSync({
        optimizer: new TrustRegion(),
        objective: new Rosenbrock(2),
        x0: new Float64Array(2),
        budget: 0,
      }),
    /budget/,
  );
});

test("preconditioned Steihaug: the M-norm geometry is exact, and an L-BFGS preconditioner from a full CG solve is H⁻¹", () => {
  const d = 7;
  const H = spd(d, 12);
  const g = new Rng(13).fillNormal(new Float64Array(d));
  const D = Float64Array.from({ length: d }, (_, i) => 1 + i);
  const precond = (r: Float64Array) => r.map((v, i) => v / D[i]);
  const mNorm = (s: Float64Array) => Math.sqrt(s.reduce((a, v, i) => a + D[i] * v * v, 0));
  const full = steihaugCG(H, g, Infinity, { maxIterations: 50, tolerance: 1e-13, precond });
  assert.equal(full.stop, "converged");
  assert.ok(Math.abs(full.endNorm - mNorm(full.end!)) < 1e-10 * full.endNorm);
  // an interior step reports its length in the M-norm too (the radius after a rejection is ½ of it)
  const inside = cutPath(full, 2 * full.endNorm);
  assert.equal(inside.onBoundary, false);
  assert.ok(Math.abs(inside.stepNorm - mNorm(full.end!)) < 1e-10 * full.endNorm);
  for (const frac of [0.1, 0.5, 0.9]) {
    const radius = frac * full.endNorm;
    const direct = steihaugCG(H, g, radius, { maxIterations: 50, tolerance: 1e-13, precond });
    const a = cutPath(direct, radius);
    const b = cutPath(full, radius);
    assert.ok(Math.abs(mNorm(b.step) - radius) < 1e-10 * radius, `‖s‖_M = ${mNorm(b.step)} vs Δ = ${radius}`);
    assert.ok(maxAbsDiff(a.step, b.step) < 1e-10 * full.endNorm);
  }
  // quasi-Newton termination: BFGS from d conjugate pairs of H reproduces H⁻¹, so PCG takes one step
  const first = steihaugCG(H, g, Infinity, { maxIterations: d, tolerance: 1e-14, keepPairs: d });
  assert.equal(first.pairs.length, d);
  const Minv = lbfgsInverse(
    first.pairs.map((q) => q.p),
    first.pairs.map((q) => q.Hp),
  );
  const g2 = new Rng(14).fillNormal(new Float64Array(d));
  const pc = steihaugCG(H, g2, Infinity, { maxIterations: 10, tolerance: 1e-8, precond: Minv });
  assert.equal(pc.iterations, 1);
  const r = H(pc.end!);
  for (let i = 0; i < d; i++) r[i] += g2[i];
  assert.ok(Math.hypot(...r) < 1e-8 * Math.hypot(...g2));
  assert.throws(
    () => steihaugCG(H, g, 1, { maxIterations: 3, tolerance: 0.1, precond: (v) => v.map((x) => -x) }),
    /positive definite/,
  );
  assert.throws(() => new TrustRegion({ preconditioner: "ilu" as unknown as "none" }), /preconditioner/);
});
