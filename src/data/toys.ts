/**
 * The two toy classification problems.
 *
 * Circle: class 0 are points inside an ellipse, class 1 points in the ring around it. A point is
 * r·(cos φ, 0.4 sin φ) with φ ~ U(0, 2π) and r ~ U(0, 1) (class 0) or r ~ U(1, 2) (class 1):
 * the x₂ coordinate is scaled by 0.4. Half the samples (rounded down) are class 0, in a random order.
 *
 * Peaks: points y ~ U([−3, 3]²) labelled by the level sets of MATLAB's peaks function
 *   p(x, y) = 3(1−x)² e^{−x²−(y+1)²} − 10(x/5 − x³ − y⁵) e^{−x²−y²} − ⅓ e^{−(x+1)²−y²}
 * cut into 5 classes at four equally spaced levels between the minimum and maximum of p on the
 * square (the classes cover very different areas: the two extreme ones are small blobs around
 * the highest peak and the deepest trough); points are drawn uniformly and kept by rejection until
 * every class holds exactly its share of the samples (⌊n/5⌋, the first n mod 5 classes one more),
 * then shuffled.
 *
 * Targets C are one-hot columns (classes × n); inputs Y are 2 × n.
 */
import { z } from "zod";
import { Rng } from "../util/rng.js";
import { checkCount } from "./cdr.js";
import { parseParams } from "./params.js";
import type { DataGenerator, GeneratedSet, Json } from "./registry.js";

export const circleParamsSchema = z
  .object({
    /** scale of the second coordinate */
    aspect: z.number().positive().default(0.4),
    /** radius ranges: class 0 U(0, inner), class 1 U(inner, outer) */
    inner: z.number().positive().default(1),
    outer: z.number().positive().default(2),
  })
  .strict()
  .refine((p) => p.outer > p.inner, { message: "outer must exceed inner", path: ["outer"] });

export type CircleParams = z.infer<typeof circleParamsSchema>;

/** Circle data: Y 2×n, C 2×n one-hot. */
export function circleData(n: number, seed: number, raw: { [key: string]: unknown } = {}): GeneratedSet {
  checkCount("circle", n);
  const p = parseParams("circle", circleParamsSchema, raw);
  const rng = new Rng(seed);
  const n0 = Math.floor(n / 2);
  const order = rng.permutation(n);
  const Y = new Float64Array(2 * n);
  const C = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const j = order[i];
    const cls = i < n0 ? 0 : 1;
    const r = cls === 0 ? rng.uniformRange(0, p.inner) : rng.uniformRange(p.inner, p.outer);
    const phi = rng.uniformRange(0, 2 * Math.PI);
    Y[2 * j] = r * Math.cos(phi);
    Y[2 * j + 1] = p.aspect * r * Math.sin(phi);
    C[2 * j + cls] = 1;
  }
  return { Y, d: 2, C, q: 2, n };
}

/** MATLAB's peaks function. */
export function peaks(x: number, y: number): number {
  return (
    3 * (1 - x) ** 2 * Math.exp(-(x * x) - (y + 1) ** 2) -
    10 * (x / 5 - x ** 3 - y ** 5) * Math.exp(-x * x - y * y) -
    (1 / 3) * Math.exp(-((x + 1) ** 2) - y * y)
  );
}

let thresholdCache: number[] | null = null;

/**
 * The four class thresholds: equally spaced levels between the minimum and the maximum of peaks
 * over [−3, 3]² (taken on a 401×401 grid): min + k(max − min)/5, k = 1..4.
 */
export function peaksThresholds(): number[] {
  if (thresholdCache !== null) return thresholdCache;
  const m = 401;
  let lo = Infinity;
  let hi = -Infinity;
  for (let j = 0; j < m; j++)
    for (let i = 0; i < m; i++) {
      const v = peaks(-3 + (6 * i) / (m - 1), -3 + (6 * j) / (m - 1));
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  thresholdCache = [1, 2, 3, 4].map((k) => lo + (k * (hi - lo)) / 5);
  return thresholdCache;
}

/** The class (0..4) of the point (x, y). */
export function peaksClass(x: number, y: number): number {
  const t = peaksThresholds();
  const p = peaks(x, y);
  let c = 0;
  while (c < 4 && p >= t[c]) c++;
  return c;
}

export const peaksParamsSchema = z.object({}).strict();

/** Peaks data: Y 2×n, C 5×n one-hot, equal counts per class. */
export function peaksData(n: number, seed: number, raw: { [key: string]: unknown } = {}): GeneratedSet {
  checkCount("peaks", n);
  parseParams("peaks", peaksParamsSchema, raw);
  const K = 5;
  const rng = new Rng(seed);
  const want = Array.from({ length: K }, (_, c) => Math.floor(n / K) + (c < n % K ? 1 : 0));
  const got = new Array<number>(K).fill(0);
  const xs = new Float64Array(2 * n);
  const cls = new Int32Array(n);
  let filled = 0;
  // The smallest class covers about 2.8 % of the square; the bound is astronomically safe.
  const maxDraws = 1000 * n + 10000;
  for (let draw = 0; filled < n; draw++) {
    if (draw >= maxDraws)
      throw new Error(`peaks: rejection sampling did not fill the classes in ${maxDraws} draws`);
    const x = rng.uniformRange(-3, 3);
    const y = rng.uniformRange(-3, 3);
    const c = peaksClass(x, y);
    if (got[c] >= want[c]) continue;
    got[c]++;
    xs[2 * filled] = x;
    xs[2 * filled + 1] = y;
    cls[filled] = c;
    filled++;
  }
  const order = rng.permutation(n);
  const Y = new Float64Array(2 * n);
  const C = new Float64Array(K * n);
  for (let i = 0; i < n; i++) {
    const j = order[i];
    Y[2 * j] = xs[2 * i];
    Y[2 * j + 1] = xs[2 * i + 1];
    C[K * j + cls[i]] = 1;
  }
  return { Y, d: 2, C, q: K, n };
}

export const circleGenerator: DataGenerator = {
  name: "circle",
  version: "1",
  description: "toy: points inside an ellipse vs the ring around it (2 classes)",
  defaultN: 7000,
  resolveParams: (raw) =>
    parseParams("circle", circleParamsSchema, raw) as unknown as { [key: string]: Json },
  generate: async (raw, n, seed) => circleData(n, seed, raw),
  async show(ds, sample) {
    const { scatterShowSpec } = await import("./show.js");
    return scatterShowSpec(ds, sample);
  },
};

export const peaksGenerator: DataGenerator = {
  name: "peaks",
  version: "1",
  description: "toy: 5 classes from level sets of MATLAB's peaks function on [−3, 3]²",
  defaultN: 5000,
  resolveParams: (raw) => parseParams("peaks", peaksParamsSchema, raw) as unknown as { [key: string]: Json },
  generate: async (raw, n, seed) => peaksData(n, seed, raw),
  async show(ds, sample) {
    const { scatterShowSpec } = await import("./show.js");
    return scatterShowSpec(ds, sample);
  },
};
