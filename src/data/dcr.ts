/**
 * DCR: the direct-current resistivity surrogate data (3 parameters → 882 observations).
 *
 *   −∇·(σ(x; y) ∇u) = q   on Ω = (0,1)²,  σ∇u·n = 0 on ∂Ω,
 *   σ(x; y) = σ₀ exp(y₃ g(x; y₁, y₂)),  g = exp(−|x − (y₁, y₂)|²/(2w²)),
 *   q = δ_A − δ_B  (a unit current between electrodes A and B).
 *
 * Discretisation (docs/DESIGN.md, "Data: surrogate generators"): cell-centred finite volumes on an
 * N×N grid with harmonic averaging of σ at the faces (src/data/fv.ts); an electrode is a source of
 * ±1/h² in the cell that contains it. The Neumann matrix is symmetric positive semidefinite with
 * the constants as null space; grounding one cell (zero its row and column, zero its right-hand
 * side) makes it SPD without changing the other equations, so one banded Cholesky (dpbtrf, kd = N)
 * per sample serves both dipoles (dpbtrs with two right-hand sides). Each potential is then shifted
 * to zero mean over the cells and read by bilinear interpolation at a 21×21 receiver grid.
 * Observation index = 441·(dipole) + (receiver index), receivers x fastest.
 */
import { z } from "zod";
import { kernels } from "../kernels/index.js";
import { Rng } from "../util/rng.js";
import {
  Grid2D,
  addDiffusion,
  bilinearInterpolator,
  emptyStencil,
  groundSymBand,
  harmonicFaces,
  interpolate,
  tensorPoints,
  toSymBandLower,
  type Interpolator,
  type Stencil5,
  type SymBand,
} from "./fv.js";
import { checkCount } from "./cdr.js";
import { parseParams } from "./params.js";
import { observeInWorkers, workerCount } from "./parallel.js";
import type { DataGenerator, GeneratedSet, Json } from "./registry.js";

const point = z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]);

export const dcrParamsSchema = z
  .object({
    /** cells per side */
    grid: z.number().int().min(8).max(512).default(64),
    /** background conductivity σ₀ */
    sigma0: z.number().positive().default(1),
    /** standard deviation w of the Gaussian anomaly (at least 4 cells) */
    anomalyWidth: z.number().positive().default(0.1),
    /** y₁, y₂ ~ U(centreLow, centreHigh) */
    centreLow: z.number().min(0).max(1).default(0.2),
    centreHigh: z.number().min(0).max(1).default(0.8),
    /** y₃ ~ U(amplitudeLow, amplitudeHigh) (log-conductivity contrast) */
    amplitudeLow: z.number().default(-2),
    amplitudeHigh: z.number().default(2),
    /** current electrodes: A (source) and B (sink) of each dipole */
    dipoles: z
      .array(z.object({ a: point, b: point }).strict())
      .min(1)
      .default([
        { a: [0.15, 0.95], b: [0.45, 0.95] },
        { a: [0.55, 0.95], b: [0.85, 0.95] },
      ]),
    /** receivers: a receiversX × receiversY tensor grid spanning the box [x0, x1] × [y0, y1] */
    receiversX: z.number().int().positive().default(21),
    receiversY: z.number().int().positive().default(21),
    receiverBox: z
      .tuple([
        z.number().min(0).max(1),
        z.number().min(0).max(1),
        z.number().min(0).max(1),
        z.number().min(0).max(1),
      ])
      .default([0.05, 0.95, 0.05, 0.85]),
    /** the grounded cell (natural ordering) */
    groundCell: z.number().int().nonnegative().default(0),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (!(p.centreHigh > p.centreLow))
      ctx.addIssue({ code: "custom", path: ["centreHigh"], message: "must exceed centreLow" });
    if (!(p.amplitudeHigh > p.amplitudeLow))
      ctx.addIssue({ code: "custom", path: ["amplitudeHigh"], message: "must exceed amplitudeLow" });
    if (p.anomalyWidth < 4 / p.grid - 1e-12)
      ctx.addIssue({
        code: "custom",
        path: ["anomalyWidth"],
        message: `must span at least 4 cells (≥ ${4 / p.grid} on a ${p.grid}×${p.grid} grid)`,
      });
    if (p.groundCell >= p.grid * p.grid)
      ctx.addIssue({ code: "custom", path: ["groundCell"], message: `must be < ${p.grid * p.grid}` });
  });

export type DcrParams = z.infer<typeof dcrParamsSchema>;

export function resolveDcrParams(raw: { [key: string]: unknown } = {}): DcrParams {
  const p = parseParams("dcr", dcrParamsSchema, raw);
  // Geometry checks that need the grid: electrodes in distinct cells, no receiver reads a source cell.
  const g = new Grid2D(p.grid);
  const cells = new Map<number, string>();
  p.dipoles.forEach((dp, s) => {
    for (const [name, pt] of [
      ["a", dp.a],
      ["b", dp.b],
    ] as const) {
      const c = g.cellOf(pt[0], pt[1]);
      const other = cells.get(c);
      if (other !== undefined)
        throw new Error(`dcr: invalid parameters: dipoles.${s}.${name} lies in the same cell as ${other}`);
      cells.set(c, `dipoles.${s}.${name}`);
    }
  });
  const rx = receiverPoints(p);
  const ip = bilinearInterpolator(g, rx.xs, rx.ys);
  for (let r = 0; r < ip.points; r++)
    for (let t = 0; t < 4; t++) {
      const c = ip.idx[4 * r + t];
      if (ip.wt[4 * r + t] > 0 && cells.has(c))
        throw new Error(
          `dcr: invalid parameters: receiver ${r} at (${rx.xs[r]}, ${rx.ys[r]}) reads the electrode cell of ${cells.get(c)}`,
        );
    }
  return p;
}

function receiverPoints(p: DcrParams): { xs: Float64Array; ys: Float64Array } {
  const [x0, x1, y0, y1] = p.receiverBox;
  return tensorPoints(p.receiversX, p.receiversY, x0, x1, y0, y1);
}

/** The sample-independent parts of the DCR model. */
export class DcrProblem {
  readonly params: DcrParams;
  readonly grid: Grid2D;
  readonly receivers: Interpolator;
  readonly receiverX: Float64Array;
  readonly receiverY: Float64Array;
  /** Electrode cells [A, B] of each dipole. */
  readonly electrodes: [number, number][];
  /** Number of observations: receivers × dipoles. */
  readonly q: number;
  readonly d = 3;

  constructor(params: DcrParams) {
    this.params = params;
    this.grid = new Grid2D(params.grid);
    const rx = receiverPoints(params);
    this.receiverX = rx.xs;
    this.receiverY = rx.ys;
    this.receivers = bilinearInterpolator(this.grid, rx.xs, rx.ys);
    this.electrodes = params.dipoles.map((dp) => [
      this.grid.cellOf(dp.a[0], dp.a[1]),
      this.grid.cellOf(dp.b[0], dp.b[1]),
    ]);
    this.q = this.receivers.points * params.dipoles.length;
  }

  /** σ(x; y) at the cell centres. */
  sigma(y: ArrayLike<number>): Float64Array {
    if (y.length !== 3) throw new Error(`DCR: expected 3 parameters, got ${y.length}`);
    for (let k = 0; k < 3; k++)
      if (!Number.isFinite(y[k])) throw new Error(`DCR: parameter ${k} is not finite (${y[k]})`);
    const { sigma0, anomalyWidth: w } = this.params;
    const [c1, c2, amp] = [y[0], y[1], y[2]];
    return this.grid.cellValues(
      (x, z) => sigma0 * Math.exp(amp * Math.exp(-((x - c1) ** 2 + (z - c2) ** 2) / (2 * w * w))),
    );
  }

  /** The (singular, symmetric) Neumann operator −∇·(σ∇·) per unit volume. */
  operator(sigma: Float64Array): Stencil5 {
    const st = emptyStencil(this.grid);
    addDiffusion(st, this.grid, harmonicFaces(this.grid, sigma));
    return st;
  }

  /**
   * Zero-mean potentials for the given right-hand sides (cells × nrhs, column-major, each summing
   * to zero), overwritten in place: ground, one dpbtrf, one dpbtrs for all columns, shift.
   */
  solve(sigma: Float64Array, rhs: Float64Array, nrhs: number, work?: SymBand): Float64Array {
    const m = this.grid.cells;
    if (rhs.length !== m * nrhs) throw new Error(`DCR.solve: right-hand sides must be ${m}×${nrhs}`);
    const sb = toSymBandLower(this.operator(sigma), work ?? null);
    const g = this.params.groundCell;
    groundSymBand(sb, g);
    const k = kernels();
    k.dpbtrf("L", sb.n, sb.kd, sb.AB, sb.ldab);
    for (let s = 0; s < nrhs; s++) rhs[g + s * m] = 0;
    k.dpbtrs("L", sb.n, sb.kd, nrhs, sb.AB, sb.ldab, rhs, m);
    for (let s = 0; s < nrhs; s++) {
      let mean = 0;
      for (let i = 0; i < m; i++) mean += rhs[i + s * m];
      mean /= m;
      for (let i = 0; i < m; i++) rhs[i + s * m] -= mean;
    }
    return rhs;
  }

  /** The zero-mean potential of every dipole (cells × dipoles, column-major) for sample y. */
  potentials(y: ArrayLike<number>, work?: SymBand): Float64Array {
    const m = this.grid.cells;
    const ns = this.electrodes.length;
    const rhs = new Float64Array(m * ns);
    const s2 = 1 / (this.grid.h * this.grid.h);
    this.electrodes.forEach(([a, b], s) => {
      rhs[a + s * m] = s2;
      rhs[b + s * m] = -s2;
    });
    return this.solve(this.sigma(y), rhs, ns, work);
  }

  /** The q = 882 observations of sample y, written into out at offset off. */
  observe(
    y: ArrayLike<number>,
    out: Float64Array = new Float64Array(this.q),
    off = 0,
    work?: SymBand,
  ): Float64Array {
    const u = this.potentials(y, work);
    const m = this.grid.cells;
    const P = this.receivers.points;
    for (let s = 0; s < this.electrodes.length; s++)
      interpolate(this.receivers, u.subarray(s * m, (s + 1) * m), out, off + s * P);
    return out;
  }
}

/** Draw the 3×n parameters (y₁, y₂, y₃ per column) from Rng(seed). */
export function drawDcrParameters(p: DcrParams, n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const Y = new Float64Array(3 * n);
  for (let j = 0; j < n; j++) {
    Y[3 * j] = rng.uniformRange(p.centreLow, p.centreHigh);
    Y[3 * j + 1] = rng.uniformRange(p.centreLow, p.centreHigh);
    Y[3 * j + 2] = rng.uniformRange(p.amplitudeLow, p.amplitudeHigh);
  }
  return Y;
}

export const dcrGenerator: DataGenerator = {
  name: "dcr",
  version: "1",
  description:
    "direct-current resistivity surrogate: 3 anomaly parameters → 882 potentials (2 dipoles × 21×21 receivers)",
  defaultN: 10000,
  resolveParams: (raw) => resolveDcrParams(raw) as unknown as { [key: string]: Json },
  async generate(raw, n, seed, ctx): Promise<GeneratedSet> {
    checkCount("dcr", n);
    const params = resolveDcrParams(raw);
    const prob = new DcrProblem(params);
    const Y = drawDcrParameters(params, n, seed);
    const q = prob.q;
    const workers = workerCount(n, 50);
    let C: Float64Array;
    if (workers > 1)
      C = await observeInWorkers("dcr", params as unknown as Json, Y, 3, q, n, workers, ctx?.onProgress);
    else {
      C = new Float64Array(q * n);
      const work = toSymBandLower(prob.operator(new Float64Array(prob.grid.cells).fill(1)));
      for (let j = 0; j < n; j++) {
        prob.observe(Y.subarray(3 * j, 3 * j + 3), C, j * q, work);
        ctx?.onProgress?.(j + 1, n);
      }
    }
    return { Y, d: 3, C, q, n, workers };
  },
  async show(ds, sample) {
    const { dcrShowSpec } = await import("./show.js");
    return dcrShowSpec(ds, sample);
  },
};
