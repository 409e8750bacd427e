import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/util/rng.js";
import { CdrProblem, cdrGenerator, drawCdrParameters, resolveCdrParams } from "../../src/data/cdr.js";

// Small grids keep these fast; the defaults (32×32, 30 steps) are exercised by the benchmark.
const small = (extra: Record<string, unknown> = {}): CdrProblem =>
  new CdrProblem(resolveCdrParams({ grid: 12, steps: 12, ...extra }));

const mass = (u: Float64Array, h: number): number => u.reduce((s, v) => s + v, 0) * h * h;

test("cdr: with κ = 0 and f = 0 the mass of a non-zero initial state is conserved to round-off", () => {
  const prob = small({ speed: 2 });
  const m = prob.grid.cells;
  const u0 = new Rng(5).fillUniform(new Float64Array(m), 0, 3);
  const snaps = prob.simulate(new Float64Array(m), { source: null, u0, snapshots: [1, 4, 12] });
  const m0 = mass(u0, prob.grid.h);
  for (const u of snaps) {
    const rel = Math.abs(mass(u, prob.grid.h) - m0) / m0;
    assert.ok(rel < 1e-13, `relative mass change ${rel}`);
  }
  // ... while the state itself does change (the test is not vacuous)
  let diff = 0;
  for (let i = 0; i < m; i++) diff = Math.max(diff, Math.abs(snaps[2][i] - u0[i]));
  assert.ok(diff > 0.1);
});

test("cdr: known answer — constant state, constant κ, no source decays as (1 + κ dt)^(−steps)", () => {
  const prob = small({ speed: 1 });
  const m = prob.grid.cells;
  const kap = new Float64Array(m).fill(1.7);
  const u0 = new Float64Array(m).fill(2);
  const [u] = prob.simulate(kap, { source: null, u0, steps: 12, finalTime: 1 });
  const exact = 2 * (1 + 1.7 / 12) ** -12;
  for (const v of u) assert.ok(Math.abs(v - exact) < 1e-12 * exact, `${v} vs ${exact}`);
});

test("cdr: f ≥ 0 and κ ≥ 0 keep u ≥ 0", () => {
  const prob = small({ speed: 3, diffusivity: 0.005 });
  const rng = new Rng(9);
  for (let s = 0; s < 4; s++) {
    const y = rng.fillUniform(new Float64Array(prob.p));
    for (const u of prob.fields(y)) for (const v of u) assert.ok(v >= 0, `negative concentration ${v}`);
  }
  // also from a non-negative initial state with no source
  const m = prob.grid.cells;
  const u0 = new Float64Array(m);
  u0[7] = 1;
  const kap = prob.kappa(new Rng(1).fillUniform(new Float64Array(prob.p)));
  for (const u of prob.simulate(kap, { source: null, u0, snapshots: [1, 2, 12] }))
    for (const v of u) assert.ok(v >= 0);
});

test("cdr: backward Euler converges at first order in time", () => {
  const prob = small();
  const kap = prob.kappa(new Rng(2).fillUniform(new Float64Array(prob.p)));
  const run = (steps: number): Float64Array => prob.simulate(kap, { steps })[0];
  const sols = [12, 24, 48, 96, 192].map(run);
  const diffs: number[] = [];
  for (let r = 0; r + 1 < sols.length; r++) {
    let e = 0;
    for (let i = 0; i < sols[r].length; i++) e = Math.max(e, Math.abs(sols[r][i] - sols[r + 1][i]));
    diffs.push(e);
  }
  const orders = diffs.slice(1).map((d, r) => Math.log2(diffs[r] / d));
  console.log(
    `cdr time steps 12..192: successive differences ${diffs.map((d) => d.toExponential(2)).join(", ")}; orders ${orders.map((o) => o.toFixed(3)).join(", ")}`,
  );
  const last = orders[orders.length - 1];
  assert.ok(last > 0.9 && last < 1.1, `time order ${last}`);
});

test("cdr: observations have the stated shape, come from sensors at three times, and are deterministic", async () => {
  const raw = { grid: 10, steps: 6 };
  const a = await cdrGenerator.generate(resolveCdrParams(raw), 24, 7);
  const b = await cdrGenerator.generate(resolveCdrParams(raw), 24, 7);
  const c = await cdrGenerator.generate(resolveCdrParams(raw), 24, 8);
  assert.equal(a.d, 55);
  assert.equal(a.q, 72);
  assert.equal(a.Y.length, 55 * 24);
  assert.equal(a.C.length, 72 * 24);
  assert.deepEqual(a.Y, b.Y);
  assert.deepEqual(a.C, b.C);
  assert.notDeepEqual(a.Y, c.Y);
  for (const v of a.Y) assert.ok(v >= 0 && v < 1);
  // the concentration builds up: readings at T exceed those at T/3 on average
  let early = 0;
  let late = 0;
  for (let j = 0; j < 24; j++)
    for (let s = 0; s < 24; s++) {
      early += a.C[s + 72 * j];
      late += a.C[48 + s + 72 * j];
    }
  assert.ok(late > early);
  // sample j's observations are what CdrProblem.observe gives for its parameters
  const prob = new CdrProblem(resolveCdrParams(raw));
  const o = prob.observe(a.Y.subarray(55 * 3, 55 * 4));
  assert.deepEqual(o, a.C.subarray(72 * 3, 72 * 4));
  const info = a.info as {
    baselines: { meanPredictor: { frobenius: number }; ridge: { frobenius: number } };
  };
  assert.ok(info.baselines.meanPredictor.frobenius > 0 && info.baselines.ridge.frobenius > 0);
  assert.deepEqual(drawCdrParameters(resolveCdrParams(raw), 24, 7), a.Y);
});

test("cdr: the reaction matters and depends nonlinearly on the parameters", () => {
  const prob = small();
  const rng = new Rng(4);
  const y1 = rng.fillUniform(new Float64Array(prob.p));
  const y2 = rng.fillUniform(new Float64Array(prob.p));
  const o1 = prob.observe(y1);
  const o2 = prob.observe(y2);
  const mid = prob.observe(y1.map((v, k) => 0.5 * (v + y2[k])));
  let dist = 0;
  let nonlin = 0;
  for (let k = 0; k < o1.length; k++) {
    dist = Math.max(dist, Math.abs(o1[k] - o2[k]));
    nonlin = Math.max(nonlin, Math.abs(mid[k] - 0.5 * (o1[k] + o2[k])));
  }
  assert.ok(dist > 1e-2, `observations barely depend on y (${dist})`);
  assert.ok(nonlin > 1e-3 * dist, `observations look linear in y (${nonlin} vs ${dist})`);
});

test("cdr: bad parameters are rejected with clear errors", async () => {
  const prob = small();
  assert.throws(() => prob.kappa(new Float64Array(54)), /expected 55 parameters, got 54/);
  const y = new Float64Array(55);
  y[3] = NaN;
  assert.throws(() => prob.kappa(y), /parameter 3 is not finite/);
  assert.throws(() => resolveCdrParams({ grid: -8 }), /cdr: invalid parameters: grid: /);
  assert.throws(() => resolveCdrParams({ grid: 12.5 }), /grid/);
  assert.throws(() => resolveCdrParams({ steps: 10 }), /steps: must be a multiple of 3/);
  assert.throws(() => resolveCdrParams({ diffusivity: NaN }), /diffusivity/);
  assert.throws(() => resolveCdrParams({ paramLow: -1 }), /paramLow/);
  assert.throws(() => resolveCdrParams({ gird: 8 }), /Unrecognized key/);
  await assert.rejects(
    cdrGenerator.generate({}, 0, 1),
    /number of samples must be a positive integer, got 0/,
  );
  assert.throws(() => prob.simulate(new Float64Array(3)), /κ has 3 values/);
});

test("cdr: the default physical parameters stay in the ranges the issue sets", async () => {
  const p = resolveCdrParams({});
  const pe = p.speed / p.diffusivity;
  assert.ok(pe >= 10 && pe <= 50, `Péclet number ${pe}`);
  assert.equal(p.bumpsX * p.bumpsY, 55);
  assert.equal(3 * p.sensorsX * p.sensorsY, 72);
  assert.equal(p.grid, 32);
  // exp(−κT) roughly 0.05–0.5 across the domain and the samples (κ needs no simulation)
  const prob = new CdrProblem(p);
  const Y = drawCdrParameters(p, 100, 3);
  const vals: number[] = [];
  for (let j = 0; j < 100; j++)
    for (const k of prob.kappa(Y.subarray(55 * j, 55 * (j + 1)))) vals.push(Math.exp(-k * p.finalTime));
  vals.sort((a, b) => a - b);
  const p05 = vals[Math.floor(0.05 * vals.length)];
  const p95 = vals[Math.floor(0.95 * vals.length)];
  assert.ok(p05 > 0.035 && p05 < 0.1, `5 % quantile of exp(−κT) ${p05}`);
  assert.ok(p95 > 0.3 && p95 < 0.6, `95 % quantile of exp(−κT) ${p95}`);
});
