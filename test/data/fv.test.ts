import { test } from "node:test";
import assert from "node:assert/strict";
import { kernels } from "../../src/kernels/index.js";
import { Rng } from "../../src/util/rng.js";
import {
  Grid2D,
  addDiffusion,
  addUpwindConvection,
  applyStencil,
  bilinearInterpolator,
  constantFaces,
  emptyStencil,
  faceDivergence,
  groundSymBand,
  harmonicFaces,
  interpolate,
  stencilToDense,
  streamFunctionVelocity,
  toGeneralBand,
  toSymBandLower,
} from "../../src/data/fv.js";

/** Dense matrix from dgbtrf band storage. */
function denseFromGeneralBand(gb: ReturnType<typeof toGeneralBand>): Float64Array {
  const m = gb.n;
  const A = new Float64Array(m * m);
  for (let j = 0; j < m; j++)
    for (let i = Math.max(0, j - gb.ku); i <= Math.min(m - 1, j + gb.kl); i++)
      A[i + j * m] = gb.AB[gb.kl + gb.ku + i - j + j * gb.ldab];
  return A;
}

/**
 * Solve the Neumann problem −∇·(a∇u) = f (f shifted to zero mean) on an N×N grid through the
 * DCR path: harmonic face averages, grounded cell 0, banded Cholesky, zero-mean shift.
 */
function solveNeumann(
  N: number,
  a: (x: number, y: number) => number,
  f: (x: number, y: number) => number,
): Float64Array {
  const g = new Grid2D(N);
  const st = emptyStencil(g);
  addDiffusion(st, g, harmonicFaces(g, g.cellValues(a)));
  const sb = toSymBandLower(st);
  groundSymBand(sb, 0);
  const rhs = g.cellValues(f);
  let mean = rhs.reduce((s, v) => s + v, 0) / rhs.length;
  for (let i = 0; i < rhs.length; i++) rhs[i] -= mean;
  rhs[0] = 0;
  const k = kernels();
  k.dpbtrf("L", sb.n, sb.kd, sb.AB, sb.ldab);
  k.dpbtrs("L", sb.n, sb.kd, 1, sb.AB, sb.ldab, rhs, sb.n);
  mean = rhs.reduce((s, v) => s + v, 0) / rhs.length;
  for (let i = 0; i < rhs.length; i++) rhs[i] -= mean;
  return rhs;
}

test("fv: diffusion with harmonic face averages converges at second order (manufactured Neumann solution)", () => {
  // u = cos(πx)cos(πy) has ∂u/∂n = 0 on ∂Ω; a = exp(0.5x + 0.3y) is smooth and variable.
  const a = (x: number, y: number): number => Math.exp(0.5 * x + 0.3 * y);
  const u = (x: number, y: number): number => Math.cos(Math.PI * x) * Math.cos(Math.PI * y);
  const f = (x: number, y: number): number => {
    const ux = -Math.PI * Math.sin(Math.PI * x) * Math.cos(Math.PI * y);
    const uy = -Math.PI * Math.cos(Math.PI * x) * Math.sin(Math.PI * y);
    const av = a(x, y);
    return -(0.5 * av * ux + 0.3 * av * uy) + 2 * Math.PI * Math.PI * av * u(x, y);
  };
  const errs: number[] = [];
  for (const N of [16, 32, 64]) {
    const uh = solveNeumann(N, a, f);
    const ue = new Grid2D(N).cellValues(u);
    const mean = ue.reduce((s, v) => s + v, 0) / ue.length;
    let e = 0;
    for (let i = 0; i < ue.length; i++) e = Math.max(e, Math.abs(uh[i] - (ue[i] - mean)));
    errs.push(e);
  }
  const orders = [Math.log2(errs[0] / errs[1]), Math.log2(errs[1] / errs[2])];
  console.log(
    `diffusion max-norm errors (N = 16, 32, 64): ${errs.map((e) => e.toExponential(3)).join(", ")}; orders ${orders.map((o) => o.toFixed(3)).join(", ")}`,
  );
  assert.ok(errs[2] < 1e-3, `error on the 64 grid is ${errs[2]}`);
  for (const o of orders) assert.ok(o >= 1.8, `measured order ${o} < 1.8`);
});

test("fv: harmonic averaging is exact for a layered medium (known answer)", () => {
  // σ = 1 for x < 1/2, 4 for x > 1/2; unit current from the left column to the right column.
  // Every vertical face line carries current 1, so the potential drop between neighbouring cell
  // centres is h·(1/σ over the half cells) / (h per row ... ) = 1/(N·σ_face) with σ_face the
  // harmonic mean; across the interface that equals the continuous drop h/2·(1/1 + 1/4) per row height h.
  const N = 16;
  const g = new Grid2D(N);
  const sig = g.cellValues((x) => (x < 0.5 ? 1 : 4));
  const st = emptyStencil(g);
  addDiffusion(st, g, harmonicFaces(g, sig));
  const sb = toSymBandLower(st);
  groundSymBand(sb, 0);
  const rhs = new Float64Array(g.cells);
  for (let j = 0; j < N; j++) {
    rhs[j * N] += 1 / (N * g.h * g.h);
    rhs[N - 1 + j * N] -= 1 / (N * g.h * g.h);
  }
  rhs[0] = 0;
  const k = kernels();
  k.dpbtrf("L", sb.n, sb.kd, sb.AB, sb.ldab);
  k.dpbtrs("L", sb.n, sb.kd, 1, sb.AB, sb.ldab, rhs, sb.n);
  for (let j = 0; j < N; j++)
    for (let i = 0; i < N - 1; i++) {
      const drop = rhs[i + j * N] - rhs[i + 1 + j * N];
      // continuous: −σ u' = 1 (current density), drop over [x_i, x_{i+1}] = ∫ 1/σ dx
      const xa = g.centre(i);
      const xb = g.centre(i + 1);
      const exact = Math.max(0, Math.min(xb, 0.5) - xa) / 1 + Math.max(0, xb - Math.max(xa, 0.5)) / 4;
      assert.ok(Math.abs(drop - exact) < 1e-10, `row ${j} face ${i}: drop ${drop}, exact ${exact}`);
    }
});

test("fv: stream-function velocities are discretely divergence-free and vanish at the boundary", () => {
  const g = new Grid2D(12);
  const v = streamFunctionVelocity(g, (x, y) => Math.sin(Math.PI * x) * Math.sin(Math.PI * y));
  const div = faceDivergence(g, v);
  let dmax = 0;
  for (const d of div) dmax = Math.max(dmax, Math.abs(d));
  assert.ok(dmax < 1e-12, `max |div v| = ${dmax}`);
  // The velocity is not trivially zero: it circulates counter-clockwise (+x along the bottom row, −x along the top).
  assert.ok(v.x[0] > 0.1 && v.x[(12 - 1) * 11] < -0.1);
  assert.ok(v.y[11 + 5 * 12] > 0.1 && v.y[0 + 5 * 12] < -0.1); // up the right side, down the left
});

test("fv: upwind convection + diffusion is conservative with non-positive off-diagonals", () => {
  const g = new Grid2D(7);
  const rng = new Rng(3);
  const st = emptyStencil(g);
  addDiffusion(st, g, harmonicFaces(g, rng.fillUniform(new Float64Array(g.cells), 0.5, 2)));
  const vx = rng.fillNormal(new Float64Array(6 * 7));
  const vy = rng.fillNormal(new Float64Array(6 * 7));
  addUpwindConvection(st, g, { x: vx, y: vy });
  const m = g.cells;
  const A = stencilToDense(st);
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) {
      s += A[i + j * m];
      if (i !== j) assert.ok(A[i + j * m] <= 0, `off-diagonal (${i}, ${j}) = ${A[i + j * m]}`);
    }
    assert.ok(Math.abs(s) < 1e-12 * Math.abs(A[j + j * m]), `column ${j} sums to ${s}`);
  }
  // applyStencil agrees with the dense matrix
  const u = rng.fillNormal(new Float64Array(m));
  const au = applyStencil(st, u);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += A[i + j * m] * u[j];
    assert.ok(Math.abs(s - au[i]) < 1e-10 * (1 + Math.abs(s)));
  }
});

test("fv: band storages hold exactly the stencil's matrix", () => {
  const g = new Grid2D(5);
  const rng = new Rng(11);
  const st = emptyStencil(g);
  addDiffusion(st, g, harmonicFaces(g, rng.fillUniform(new Float64Array(g.cells), 0.5, 2)));
  const m = g.cells;
  const sym = stencilToDense(st);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) assert.equal(sym[i + j * m], sym[j + i * m]);
  const sb = toSymBandLower(st);
  for (let j = 0; j < m; j++)
    for (let i = j; i <= Math.min(m - 1, j + sb.kd); i++)
      assert.equal(sb.AB[i - j + j * sb.ldab], sym[i + j * m]);
  addUpwindConvection(st, g, {
    x: rng.fillNormal(new Float64Array(20)),
    y: rng.fillNormal(new Float64Array(20)),
  });
  const diag = rng.fillUniform(new Float64Array(m));
  const gb = toGeneralBand(st, 0.5, diag);
  const A = stencilToDense(st);
  const B = denseFromGeneralBand(gb);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) assert.equal(B[i + j * m], 0.5 * A[i + j * m] + (i === j ? diag[i] : 0));
  assert.throws(() => toSymBandLower(st), /not symmetric/);
});

test("fv: grounding zeroes one row and column and keeps the matrix SPD", () => {
  const g = new Grid2D(4);
  const st = emptyStencil(g);
  addDiffusion(st, g, constantFaces(g, 1));
  const m = g.cells;
  for (const cell of [0, 5, 15]) {
    const sb = toSymBandLower(st);
    groundSymBand(sb, cell);
    for (let j = 0; j < m; j++)
      for (let i = j; i <= Math.min(m - 1, j + sb.kd); i++)
        if ((i === cell || j === cell) && i !== j) assert.equal(sb.AB[i - j + j * sb.ldab], 0);
    kernels().dpbtrf("L", sb.n, sb.kd, sb.AB, sb.ldab);
  }
  // Without grounding the Neumann matrix is singular: the constants are its null space.
  const ones = new Float64Array(m).fill(1);
  for (const v of applyStencil(st, ones)) assert.ok(Math.abs(v) < 1e-12);
  assert.throws(() => groundSymBand(toSymBandLower(st), 16), /out of range/);
});

test("fv: bilinear interpolation is exact for linear functions and extends constants at the boundary", () => {
  const g = new Grid2D(10);
  const lin = g.cellValues((x, y) => 2 + 3 * x - 5 * y);
  const xs = [0.05, 0.5, 0.33, 0.95, 0.77];
  const ys = [0.05, 0.5, 0.61, 0.95, 0.12];
  const ip = bilinearInterpolator(g, xs, ys);
  const out = new Float64Array(xs.length);
  interpolate(ip, lin, out);
  for (let p = 0; p < xs.length; p++) {
    assert.ok(Math.abs(out[p] - (2 + 3 * xs[p] - 5 * ys[p])) < 1e-12);
    let s = 0;
    for (let r = 0; r < 4; r++) s += ip.wt[4 * p + r];
    assert.ok(Math.abs(s - 1) < 1e-15);
  }
  // within half a cell of the boundary: the boundary cells' values
  const edge = bilinearInterpolator(g, [0, 1], [0, 1]);
  interpolate(edge, lin, out);
  assert.ok(Math.abs(out[0] - lin[0]) < 1e-12 && Math.abs(out[1] - lin[99]) < 1e-12);
  assert.throws(() => bilinearInterpolator(g, [1.2], [0.5]), /outside the unit square/);
  assert.throws(() => bilinearInterpolator(g, [0.2, 0.3], [0.5]), /differ in length/);
});

test("fv: bad grids and shapes are rejected", () => {
  assert.throws(() => new Grid2D(1), /integer ≥ 2/);
  assert.throws(() => new Grid2D(-4), /integer ≥ 2/);
  assert.throws(() => new Grid2D(2.5), /integer ≥ 2/);
  assert.throws(() => new Grid2D(NaN), /integer ≥ 2/);
  const g = new Grid2D(4);
  assert.throws(
    () => addDiffusion(emptyStencil(g), g, constantFaces(new Grid2D(5), 1)),
    /face arrays must have 12/,
  );
  assert.throws(() => harmonicFaces(g, new Float64Array(3)), /3 values, grid has 16/);
  assert.throws(() => g.cellOf(-0.1, 0.5), /outside/);
});
