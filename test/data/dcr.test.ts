import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/util/rng.js";
import { DcrProblem, dcrGenerator, resolveDcrParams } from "../../src/data/dcr.js";
import { stencilToDense } from "../../src/data/fv.js";

const small = (extra: Record<string, unknown> = {}): DcrProblem =>
  new DcrProblem(resolveDcrParams({ grid: 16, anomalyWidth: 0.25, receiversX: 5, receiversY: 5, ...extra }));

test("dcr: the Neumann matrix is symmetric positive semidefinite with the constants as null space", () => {
  const prob = small({ grid: 8, anomalyWidth: 0.5, receiverBox: [0.1, 0.9, 0.1, 0.5] });
  const sigma = prob.sigma([0.4, 0.6, 1.8]);
  const m = prob.grid.cells;
  const A = stencilToDense(prob.operator(sigma));
  const rng = new Rng(1);
  for (let i = 0; i < m; i++) {
    let off = 0;
    let row = 0;
    for (let j = 0; j < m; j++) {
      assert.equal(A[i + j * m], A[j + i * m], `A(${i},${j}) ≠ A(${j},${i})`);
      row += A[i + j * m];
      if (j !== i) off += Math.abs(A[i + j * m]);
    }
    // row sums vanish (A·1 = 0) and the diagonal dominates (Gershgorin: eigenvalues ≥ 0)
    assert.ok(Math.abs(row) < 1e-12 * A[i + i * m]);
    assert.ok(A[i + i * m] > 0 && A[i + i * m] >= off * (1 - 1e-14));
  }
  for (let t = 0; t < 20; t++) {
    const x = rng.fillNormal(new Float64Array(m));
    let q = 0;
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) q += x[i] * A[i + j * m] * x[j];
    assert.ok(q > 0, `xᵀAx = ${q}`);
  }
});

/** Zero-mean potential for a unit current from cell a to cell b. */
function dipole(prob: DcrProblem, sigma: Float64Array, a: number, b: number): Float64Array {
  const m = prob.grid.cells;
  const rhs = new Float64Array(m);
  const s2 = 1 / (prob.grid.h * prob.grid.h);
  rhs[a] += s2;
  rhs[b] -= s2;
  return prob.solve(sigma, rhs, 1);
}

test("dcr: reciprocity — swapping current and potential electrodes gives the same reading", () => {
  const prob = small();
  const sigma = prob.sigma([0.35, 0.55, -1.7]);
  const cells = [3, 77, 140, 250, 201, 18];
  for (let t = 0; t + 3 < cells.length; t += 2) {
    const [A, B, M, N] = cells.slice(t, t + 4);
    const u = dipole(prob, sigma, A, B);
    const v = dipole(prob, sigma, M, N);
    const vMN = u[M] - u[N];
    const vAB = v[A] - v[B];
    assert.ok(Math.abs(vMN - vAB) < 1e-10 * Math.abs(vMN), `${vMN} vs ${vAB}`);
    assert.ok(Math.abs(vMN) > 1e-4);
  }
  // single unit sources against the grounded cell: the Green's function is symmetric
  const g = prob.params.groundCell;
  const pa = dipole(prob, sigma, 40, g);
  const pb = dipole(prob, sigma, 170, g);
  const ga = pa[170] - pa[g];
  const gb = pb[40] - pb[g];
  assert.ok(Math.abs(ga - gb) < 1e-10 * Math.abs(ga));
});

test("dcr: the potentials do not depend on the grounded cell and have zero mean", () => {
  const a = small();
  const b = small({ groundCell: 137 });
  const y = [0.6, 0.3, 1.2];
  const ua = a.potentials(y);
  const ub = b.potentials(y);
  let scale = 0;
  for (const v of ua) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < ua.length; i++) assert.ok(Math.abs(ua[i] - ub[i]) < 1e-10 * scale);
  const m = a.grid.cells;
  for (let s = 0; s < 2; s++) {
    let mean = 0;
    for (let i = 0; i < m; i++) mean += ua[i + s * m];
    assert.ok(Math.abs(mean / m) < 1e-14 * scale);
  }
  // the solution satisfies the (singular) Neumann system: A u = q
  const A = a.operator(a.sigma(y));
  const u = ua.subarray(0, m);
  const s2 = 1 / (a.grid.h * a.grid.h);
  const [ea, eb] = a.electrodes[0];
  for (let k = 0; k < m; k++) {
    let r = A.c[k] * u[k];
    if (A.e[k]) r += A.e[k] * u[k + 1];
    if (A.w[k]) r += A.w[k] * u[k - 1];
    if (A.no[k]) r += A.no[k] * u[k + 16];
    if (A.s[k]) r += A.s[k] * u[k - 16];
    const q = k === ea ? s2 : k === eb ? -s2 : 0;
    assert.ok(Math.abs(r - q) < 1e-9 * s2, `residual ${r - q} at cell ${k}`);
  }
});

test("dcr: observations — 2 dipoles × 441 receivers, the anomaly matters, deterministic", async () => {
  const raw = { grid: 32, anomalyWidth: 0.125 };
  const params = resolveDcrParams(raw);
  const a = await dcrGenerator.generate(params, 4, 3);
  const b = await dcrGenerator.generate(params, 4, 3);
  assert.equal(a.d, 3);
  assert.equal(a.q, 882);
  assert.equal(a.C.length, 882 * 4);
  assert.deepEqual(a.C, b.C);
  for (let j = 0; j < 4; j++) {
    const [y1, y2, y3] = a.Y.subarray(3 * j, 3 * j + 3);
    assert.ok(y1 >= 0.2 && y1 < 0.8 && y2 >= 0.2 && y2 < 0.8 && y3 >= -2 && y3 < 2);
  }
  const prob = new DcrProblem(params);
  // y₃ = 0 is the homogeneous medium whatever the centre; a strong anomaly changes the data
  const h1 = prob.observe([0.3, 0.3, 0]);
  const h2 = prob.observe([0.7, 0.6, 0]);
  assert.deepEqual(h1, h2);
  const c = prob.observe([0.5, 0.7, 2]);
  let d = 0;
  let s = 0;
  for (let k = 0; k < c.length; k++) {
    d = Math.max(d, Math.abs(c[k] - h1[k]));
    s = Math.max(s, Math.abs(h1[k]));
  }
  assert.ok(d > 1e-2 * s, `anomaly effect ${d} vs data scale ${s}`);
});

test("dcr: bad parameters are rejected with clear errors", async () => {
  const prob = small();
  assert.throws(() => prob.sigma([0.5, 0.5]), /expected 3 parameters, got 2/);
  assert.throws(() => prob.sigma([0.5, NaN, 1]), /parameter 1 is not finite/);
  assert.throws(() => resolveDcrParams({ grid: -64 }), /dcr: invalid parameters: grid/);
  assert.throws(() => resolveDcrParams({ grid: 16 }), /anomalyWidth: must span at least 4 cells/);
  assert.throws(
    () => resolveDcrParams({ centreLow: 0.8, centreHigh: 0.2 }),
    /centreHigh: must exceed centreLow/,
  );
  assert.throws(
    () => resolveDcrParams({ dipoles: [{ a: [0.1, 0.95], b: [0.105, 0.95] }] }),
    /dipoles\.0\.b lies in the same cell as dipoles\.0\.a/,
  );
  assert.throws(
    () => resolveDcrParams({ receiverBox: [0.05, 0.95, 0.05, 0.95] }),
    /reads the electrode cell/,
  );
  assert.throws(() => resolveDcrParams({ groundCell: 4096 }), /groundCell: must be < 4096/);
  await assert.rejects(dcrGenerator.generate({}, -3, 1), /positive integer, got -3/);
});

test("dcr: generation in worker threads gives the same arrays as in the main thread", async () => {
  const params = resolveDcrParams({ grid: 16, anomalyWidth: 0.25, receiversX: 3, receiversY: 3 });
  const prev = process.env.GNVPRO_DATA_WORKERS;
  try {
    process.env.GNVPRO_DATA_WORKERS = "1";
    const a = await dcrGenerator.generate(params, 100, 5);
    process.env.GNVPRO_DATA_WORKERS = "2";
    let calls = 0;
    const b = await dcrGenerator.generate(params, 100, 5, { onProgress: () => void calls++ });
    assert.deepEqual(b.Y, a.Y);
    assert.deepEqual(b.C, a.C);
    assert.ok(calls > 0);
    process.env.GNVPRO_DATA_WORKERS = "many";
    await assert.rejects(dcrGenerator.generate(params, 100, 5), /GNVPRO_DATA_WORKERS must be an integer/);
  } finally {
    if (prev === undefined) delete process.env.GNVPRO_DATA_WORKERS;
    else process.env.GNVPRO_DATA_WORKERS = prev;
  }
});
