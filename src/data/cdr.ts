/**
 * CDR: the convection–diffusion–reaction surrogate data (55 parameters → 72 observations).
 *
 *   ∂u/∂t = ∇·(D∇u) − ∇·(v u) + f(x) − κ(x; y) u   on Ω = (0,1)², t ∈ (0, T],
 *   u(x, 0) = 0,  no flux through ∂Ω,
 *
 * with v divergence-free (so ∇·(vu) = v·∇u) and tangential to ∂Ω. Discretisation (docs/DESIGN.md,
 * "Data: surrogate generators"): cell-centred finite volumes on an N×N grid (src/data/fv.ts),
 * two-point diffusion fluxes, first-order upwind convective fluxes from a stream function sampled at
 * cell corners, backward Euler with a fixed step dt = T/steps (steps divisible by 3). The system
 * matrix M = I + dt(A_D + A_v + diag κ) is a non-symmetric band matrix (kl = ku = N), factored once
 * per sample with dgbtrf and reused by dgbtrs at every step. M is an M-matrix (non-positive
 * off-diagonals, zero column sums of A_D + A_v, κ ≥ 0), so u ≥ 0 whenever f ≥ 0.
 *
 * Parameters y ∈ [0,1]^55 set the reaction coefficient κ(x; y) = s·Σ_k y_k φ_k(x), φ_k Gaussian
 * bumps centred on an 11×5 grid. Observations: u at 24 sensors (6×4 grid, bilinear interpolation)
 * at t = T/3, 2T/3, T; observation index = 24·(time index) + (sensor index), sensors x fastest.
 */
import { z } from "zod";
import { kernels } from "../kernels/index.js";
import { Rng } from "../util/rng.js";
import {
  Grid2D,
  addDiffusion,
  addUpwindConvection,
  bilinearInterpolator,
  constantFaces,
  emptyStencil,
  interpolate,
  streamFunctionVelocity,
  tensorPoints,
  toGeneralBand,
  type FaceField,
  type GeneralBand,
  type Interpolator,
  type Stencil5,
} from "./fv.js";
import { linearBaselines } from "./baselines.js";
import type { DataGenerator, GeneratedSet, Json } from "./registry.js";
import { parseParams } from "./params.js";
import { observeInWorkers, workerCount } from "./parallel.js";

const sourceSchema = z
  .object({
    x: z.number().min(0).max(1),
    y: z.number().min(0).max(1),
    width: z.number().positive(),
    mass: z.number().nonnegative(),
  })
  .strict();

export const cdrParamsSchema = z
  .object({
    /** cells per side */
    grid: z.number().int().min(4).max(256).default(32),
    /** diffusivity D */
    diffusivity: z.number().positive().default(0.02),
    /** maximum speed max|v| of the stream-function flow ψ = (speed/π) sin(πx) sin(πy) */
    speed: z.number().nonnegative().default(0.5),
    /** final time T */
    finalTime: z.number().positive().default(1),
    /** backward Euler steps to T (a multiple of 3, so that T/3 and 2T/3 are step times) */
    steps: z
      .number()
      .int()
      .positive()
      .refine((s) => s % 3 === 0, "must be a multiple of 3")
      .default(30),
    /** reaction scale s in κ = s·Σ y_k φ_k */
    reactionScale: z.number().nonnegative().default(1.2),
    /** bump standard deviation as a fraction of the bump spacing (1/11 in x, 1/5 in y) */
    bumpWidth: z.number().positive().default(0.8),
    /** bump grid */
    bumpsX: z.number().int().positive().default(11),
    bumpsY: z.number().int().positive().default(5),
    /** sensor grid (cell-like centres of a sensorsX × sensorsY partition of Ω) */
    sensorsX: z.number().int().positive().default(6),
    sensorsY: z.number().int().positive().default(4),
    /**
     * Gaussian sources f = Σ mass/(2π width²)·exp(−|x − c|²/(2 width²)). One source by default:
     * every sensor then sees the same plume, so the observations have few dominant directions
     * but depend nonlinearly on y (calibration in docs/DATA.md).
     */
    sources: z.array(sourceSchema).default([{ x: 0.25, y: 0.3, width: 0.06, mass: 1 }]),
    /** parameters y_k ~ U(low, high) */
    paramLow: z.number().default(0),
    paramHigh: z.number().default(1),
  })
  .strict()
  .refine((p) => p.paramHigh > p.paramLow, { message: "paramHigh must exceed paramLow", path: ["paramHigh"] })
  .refine((p) => p.paramLow >= 0, {
    message: "paramLow must be ≥ 0 (κ must stay non-negative)",
    path: ["paramLow"],
  });

export type CdrParams = z.infer<typeof cdrParamsSchema>;

export function resolveCdrParams(raw: { [key: string]: unknown } = {}): CdrParams {
  return parseParams("cdr", cdrParamsSchema, raw);
}

/** The parts of the CDR model that do not depend on the sample. */
export class CdrProblem {
  readonly params: CdrParams;
  readonly grid: Grid2D;
  /** A_D + A_v: diffusion plus upwind convection, per unit volume. */
  readonly transport: Stencil5;
  /** Face-normal velocities. */
  readonly velocity: FaceField;
  /** Source f at the cell centres. */
  readonly source: Float64Array;
  /** Reaction basis Φ (cells × p, column-major), already multiplied by the reaction scale. */
  readonly basis: Float64Array;
  /** Number of parameters p = bumpsX·bumpsY. */
  readonly p: number;
  readonly sensors: Interpolator;
  readonly sensorX: Float64Array;
  readonly sensorY: Float64Array;
  /** Number of observations: sensors × 3 times. */
  readonly q: number;

  constructor(params: CdrParams) {
    this.params = params;
    const g = new Grid2D(params.grid);
    this.grid = g;
    const st = emptyStencil(g);
    addDiffusion(st, g, constantFaces(g, params.diffusivity));
    const amp = params.speed / Math.PI;
    this.velocity = streamFunctionVelocity(g, (x, y) => amp * Math.sin(Math.PI * x) * Math.sin(Math.PI * y));
    addUpwindConvection(st, g, this.velocity);
    this.transport = st;
    this.source = g.cellValues((x, y) => {
      let f = 0;
      for (const s of params.sources) {
        const r2 = (x - s.x) ** 2 + (y - s.y) ** 2;
        f += (s.mass / (2 * Math.PI * s.width * s.width)) * Math.exp(-r2 / (2 * s.width * s.width));
      }
      return f;
    });
    const bx = params.bumpsX;
    const by = params.bumpsY;
    this.p = bx * by;
    const sx = params.bumpWidth / bx;
    const sy = params.bumpWidth / by;
    this.basis = new Float64Array(g.cells * this.p);
    for (let b = 0; b < by; b++)
      for (let a = 0; a < bx; a++) {
        const cx = (a + 0.5) / bx;
        const cy = (b + 0.5) / by;
        const col = g.cellValues(
          (x, y) =>
            params.reactionScale * Math.exp(-((x - cx) ** 2) / (2 * sx * sx) - (y - cy) ** 2 / (2 * sy * sy)),
        );
        this.basis.set(col, (a + b * bx) * g.cells);
      }
    const nsx = params.sensorsX;
    const nsy = params.sensorsY;
    const pts = tensorPoints(nsx, nsy, 0.5 / nsx, 1 - 0.5 / nsx, 0.5 / nsy, 1 - 0.5 / nsy);
    this.sensorX = pts.xs;
    this.sensorY = pts.ys;
    this.sensors = bilinearInterpolator(g, pts.xs, pts.ys);
    this.q = 3 * this.sensors.points;
  }

  /** κ(x; y) = Φ y at the cell centres. */
  kappa(y: ArrayLike<number>): Float64Array {
    if (y.length !== this.p) throw new Error(`CDR: expected ${this.p} parameters, got ${y.length}`);
    for (let k = 0; k < y.length; k++)
      if (!Number.isFinite(y[k])) throw new Error(`CDR: parameter ${k} is not finite (${y[k]})`);
    const m = this.grid.cells;
    const out = new Float64Array(m);
    for (let k = 0; k < this.p; k++) {
      const yk = y[k];
      if (yk === 0) continue;
      const off = k * m;
      for (let i = 0; i < m; i++) out[i] += yk * this.basis[off + i];
    }
    return out;
  }

  /**
   * Backward Euler from u0 (default 0) with `steps` steps to `finalTime` (defaults from the
   * parameters): (I + dt(A_D + A_v + diag κ)) u^{m+1} = u^m + dt·f. Returns the states after the
   * requested step counts (in the order given). One dgbtrf, then one dgbtrs per step.
   */
  simulate(
    kappa: Float64Array,
    opts: {
      source?: Float64Array | null;
      u0?: Float64Array;
      steps?: number;
      finalTime?: number;
      snapshots?: number[];
      work?: GeneralBand;
    } = {},
  ): Float64Array[] {
    const m = this.grid.cells;
    if (kappa.length !== m)
      throw new Error(`CDR.simulate: κ has ${kappa.length} values, grid has ${m} cells`);
    const steps = opts.steps ?? this.params.steps;
    const T = opts.finalTime ?? this.params.finalTime;
    if (!Number.isInteger(steps) || steps < 1)
      throw new Error(`CDR.simulate: steps must be a positive integer, got ${steps}`);
    const snaps = opts.snapshots ?? [steps];
    for (const s of snaps)
      if (!Number.isInteger(s) || s < 0 || s > steps)
        throw new Error(`CDR.simulate: snapshot step ${s} outside 0..${steps}`);
    const f = opts.source === undefined ? this.source : opts.source;
    const dt = T / steps;
    const diag = new Float64Array(m);
    for (let i = 0; i < m; i++) diag[i] = 1 + dt * kappa[i];
    const gb = toGeneralBand(this.transport, dt, diag, opts.work ?? null);
    const k = kernels();
    const ipiv = new Int32Array(m);
    k.dgbtrf(gb.n, gb.kl, gb.ku, gb.AB, gb.ldab, ipiv);
    const u = opts.u0 ? Float64Array.from(opts.u0) : new Float64Array(m);
    if (u.length !== m) throw new Error(`CDR.simulate: u0 has ${u.length} values, grid has ${m} cells`);
    const out: (Float64Array | null)[] = snaps.map((s) => (s === 0 ? u.slice() : null));
    for (let step = 1; step <= steps; step++) {
      if (f !== null) for (let i = 0; i < m; i++) u[i] += dt * f[i];
      k.dgbtrs("N", gb.n, gb.kl, gb.ku, 1, gb.AB, gb.ldab, ipiv, u, m);
      for (let r = 0; r < snaps.length; r++) if (snaps[r] === step) out[r] = u.slice();
    }
    return out as Float64Array[];
  }

  /** The three snapshots (t = T/3, 2T/3, T) of sample y. */
  fields(y: ArrayLike<number>, work?: GeneralBand): Float64Array[] {
    const s = this.params.steps;
    return this.simulate(this.kappa(y), { snapshots: [s / 3, (2 * s) / 3, s], work });
  }

  /** The q = 72 observations of sample y (written into out at offset off). */
  observe(
    y: ArrayLike<number>,
    out: Float64Array = new Float64Array(this.q),
    off = 0,
    work?: GeneralBand,
  ): Float64Array {
    const snaps = this.fields(y, work);
    const P = this.sensors.points;
    for (let t = 0; t < 3; t++) interpolate(this.sensors, snaps[t], out, off + t * P);
    return out;
  }
}

/** Draw the d×n parameters: y_k ~ U(low, high), column by column from Rng(seed). */
export function drawCdrParameters(params: CdrParams, n: number, seed: number): Float64Array {
  const p = params.bumpsX * params.bumpsY;
  const rng = new Rng(seed);
  return rng.fillUniform(new Float64Array(p * n), params.paramLow, params.paramHigh);
}

export function checkCount(gen: string, n: number): void {
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${gen}: the number of samples must be a positive integer, got ${n}`);
}

export const cdrGenerator: DataGenerator = {
  name: "cdr",
  version: "2",
  description: "convection–diffusion–reaction surrogate: 55 reaction parameters → 72 sensor readings",
  defaultN: 800,
  resolveParams: (raw) => resolveCdrParams(raw) as unknown as { [key: string]: Json },
  async generate(raw, n, seed, ctx): Promise<GeneratedSet> {
    checkCount("cdr", n);
    const params = resolveCdrParams(raw);
    const prob = new CdrProblem(params);
    const Y = drawCdrParameters(params, n, seed);
    const q = prob.q;
    const p = prob.p;
    const workers = workerCount(n, 100);
    let C: Float64Array;
    if (workers > 1)
      C = await observeInWorkers("cdr", params as unknown as Json, Y, p, q, n, workers, ctx?.onProgress);
    else {
      C = new Float64Array(q * n);
      const work = toGeneralBand(prob.transport);
      for (let j = 0; j < n; j++) {
        prob.observe(Y.subarray(j * p, (j + 1) * p), C, j * q, work);
        ctx?.onProgress?.(j + 1, n);
      }
    }
    const info: { [key: string]: Json } = {
      kappaRange: kappaStats(prob, Y, n),
      baselines: n >= 20 ? (linearBaselines(Y, p, C, q, n) as unknown as Json) : null,
    };
    return { Y, d: p, C, q, n, info, workers };
  },
  async show(ds, sample) {
    const { cdrShowSpec } = await import("./show.js");
    return cdrShowSpec(ds, sample);
  },
};

/** Range of exp(−κ T) over the domain and the samples (at most 200 samples inspected). */
function kappaStats(prob: CdrProblem, Y: Float64Array, n: number): { [key: string]: Json } {
  const p = prob.p;
  const T = prob.params.finalTime;
  const vals: number[] = [];
  const ns = Math.min(n, 200);
  for (let j = 0; j < ns; j++) {
    const kap = prob.kappa(Y.subarray(j * p, (j + 1) * p));
    for (let i = 0; i < kap.length; i += 3) vals.push(Math.exp(-kap[i] * T));
  }
  vals.sort((a, b) => a - b);
  const qtl = (f: number): number => vals[Math.min(vals.length - 1, Math.floor(f * vals.length))];
  return {
    expMinusKappaT: {
      p05: qtl(0.05),
      p50: qtl(0.5),
      p95: qtl(0.95),
      min: vals[0],
      max: vals[vals.length - 1],
    },
  };
}
