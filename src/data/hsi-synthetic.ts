/**
 * A SYNTHETIC stand-in for the Indian Pines scene, so that the paper's segmentation experiment runs
 * without the real files. It has the real scene's shape (145×145 pixels, 220 bands, 16 classes plus
 * background) and its per-class pixel counts; everything else is made up. It is not Indian Pines,
 * and results on it say nothing about results on the real data.
 *
 * Generative model (all randomness from one seeded Rng):
 *
 * 1. Layout. Each class is cut into fields of about 350 pixels (at least one); fields are grown one
 *    by one, largest classes first, from a seed pixel with free surroundings by adding frontier
 *    pixels that touch the field most (compact, contiguous regions). Exact per-class counts; the
 *    rest is background (label 0).
 * 2. Spectra on AVIRIS-like wavelengths λ_b from 400 to 2500 nm. Three smooth end-members:
 *    vegetation v(λ) (green peak, red absorption, red edge at 715 nm, NIR plateau), soil s(λ)
 *    (slowly rising) and man-made m(λ) (flat, bright), all with water-absorption dips near 1400
 *    and 1900 nm. Class k has a cover fraction f_k of vegetation and u_k of man-made material and
 *    signature
 *        μ_k = f_k v + (1 − f_k − u_k) s + u_k m + A_group G a_g + δ G a_k,
 *    where G holds 12 Gaussian bumps (width 150 nm) over the band range, a_g is shared by the
 *    class's group (corn variants, soybean variants, grasses, hay-like crops, woods, urban) and a_k
 *    is the class's own: the corn and soybean variants differ only by f_k (0.35 / 0.40 / 0.45 and
 *    0.38 / 0.42 / 0.46) and by δ G a_k, which makes them confusable.
 * 3. Pixel p in field F of class k:
 *        x_p = ι_p (μ_k + (f_p − f_k)(v − s) + τ_F G b_F + τ_p G b_p) + σ_b ε_p,
 *    with cover jitter f_p − f_k ~ N(0, σ_f²), a field offset b_F and a pixel offset b_p
 *    (standard normal coefficients), a spatially smooth illumination ι_p = exp(0.15·(smooth field)),
 *    and noise ε_p ~ N(0, 1) whose level σ_b is 3× larger in the water-absorption bands.
 *    Background pixels draw f_p and u_p from smooth random fields and get a larger offset.
 *    Values are reported as reflectance × 10 000, rounded (like the real scene's integers).
 *
 * The defaults (δ, σ_f, τ, σ) are calibrated so that a linear softmax classifier on the per-pixel
 * standardised spectra, trained on the paper's class-balanced split, reaches a test accuracy
 * between 55% and 85% (docs/DATA.md records the figures); a network has room to do better.
 */
import { Rng } from "../util/rng.js";
import {
  INDIAN_PINES_CLASS_NAMES,
  INDIAN_PINES_COUNTS,
  INDIAN_PINES_SHAPE,
  type HsiScene,
} from "./indian-pines.js";

export interface HsiSyntheticOptions {
  seed: number;
  height?: number;
  width?: number;
  bands?: number;
  /** Pixels per class (default: the real Indian Pines counts). */
  counts?: number[];
  classNames?: string[];
  /** Amplitude δ of each class's own spectral offset (reflectance units). */
  separation?: number;
  /** Standard deviation σ_f of the per-pixel vegetation-cover jitter. */
  coverJitter?: number;
  /** Amplitude τ_p of the per-pixel smooth spectral offset. */
  pixelVariability?: number;
  /** Amplitude τ_F of the per-field smooth spectral offset. */
  fieldVariability?: number;
  /** Noise level σ (reflectance units) outside the water-absorption bands. */
  noise?: number;
  /** Target field size in pixels (default 350). */
  fieldSize?: number;
}

/** The calibrated defaults of the generative model (see docs/DATA.md). */
export const HSI_SYNTHETIC_DEFAULTS = {
  separation: 0.003,
  coverJitter: 0.08,
  pixelVariability: 0.02,
  fieldVariability: 0.012,
  noise: 0.01,
  fieldSize: 350,
} as const;

/** Per class of Indian Pines: spectral group, vegetation cover f_k and man-made cover u_k. */
const CLASS_MODEL: { group: number; f: number; u: number }[] = [
  { group: 3, f: 0.75, u: 0 }, // Alfalfa
  { group: 0, f: 0.35, u: 0 }, // Corn-notill
  { group: 0, f: 0.4, u: 0 }, // Corn-mintill
  { group: 0, f: 0.45, u: 0 }, // Corn
  { group: 2, f: 0.65, u: 0 }, // Grass-pasture
  { group: 2, f: 0.75, u: 0 }, // Grass-trees
  { group: 2, f: 0.6, u: 0 }, // Grass-pasture-mowed
  { group: 3, f: 0.55, u: 0 }, // Hay-windrowed
  { group: 3, f: 0.5, u: 0 }, // Oats
  { group: 1, f: 0.38, u: 0 }, // Soybean-notill
  { group: 1, f: 0.42, u: 0 }, // Soybean-mintill
  { group: 1, f: 0.46, u: 0 }, // Soybean-clean
  { group: 3, f: 0.7, u: 0 }, // Wheat
  { group: 4, f: 0.85, u: 0 }, // Woods
  { group: 5, f: 0.4, u: 0.3 }, // Buildings-Grass-Trees-Drives
  { group: 5, f: 0.1, u: 0.7 }, // Stone-Steel-Towers
];
const N_GROUPS = 6;
const GROUP_AMPLITUDE = 0.02;
const N_BASIS = 12;

export interface HsiSyntheticScene extends HsiScene {
  /** Wavelength of each band in nm. */
  wavelengths: Float64Array;
  /** The generator's parameters, for the manifest. */
  params: Required<Omit<HsiSyntheticOptions, "classNames" | "counts">> & { counts: number[] };
}

/** Generate the synthetic hyperspectral scene (see the module comment). */
export function generateHsiScene(opts: HsiSyntheticOptions): HsiSyntheticScene {
  const H = opts.height ?? INDIAN_PINES_SHAPE.height;
  const W = opts.width ?? INDIAN_PINES_SHAPE.width;
  const B = opts.bands ?? INDIAN_PINES_SHAPE.bands;
  const counts = (opts.counts ?? INDIAN_PINES_COUNTS).slice();
  const K = counts.length;
  const classNames =
    opts.classNames ?? (K === 16 ? INDIAN_PINES_CLASS_NAMES.slice() : counts.map((_, k) => `class ${k + 1}`));
  const p = {
    separation: opts.separation ?? HSI_SYNTHETIC_DEFAULTS.separation,
    coverJitter: opts.coverJitter ?? HSI_SYNTHETIC_DEFAULTS.coverJitter,
    pixelVariability: opts.pixelVariability ?? HSI_SYNTHETIC_DEFAULTS.pixelVariability,
    fieldVariability: opts.fieldVariability ?? HSI_SYNTHETIC_DEFAULTS.fieldVariability,
    noise: opts.noise ?? HSI_SYNTHETIC_DEFAULTS.noise,
    fieldSize: opts.fieldSize ?? HSI_SYNTHETIC_DEFAULTS.fieldSize,
  };
  for (const [name, v] of [
    ["height", H],
    ["width", W],
    ["bands", B],
  ] as const)
    if (!Number.isInteger(v) || v < 1)
      throw new Error(`generateHsiScene: ${name} must be a positive integer, got ${v}`);
  if (B < 2) throw new Error(`generateHsiScene: bands must be at least 2, got ${B}`);
  if (K < 1 || K > CLASS_MODEL.length)
    throw new Error(`generateHsiScene: between 1 and ${CLASS_MODEL.length} classes, got ${K}`);
  if (classNames.length !== K)
    throw new Error(`generateHsiScene: ${K} counts but ${classNames.length} class names`);
  let total = 0;
  for (const c of counts) {
    if (!Number.isInteger(c) || c < 1)
      throw new Error(`generateHsiScene: class counts must be positive integers, got ${c}`);
    total += c;
  }
  if (total > H * W) throw new Error(`generateHsiScene: ${total} labelled pixels do not fit in ${H}×${W}`);
  for (const [name, v] of Object.entries(p))
    if (!(Number.isFinite(v) && v >= 0))
      throw new Error(`generateHsiScene: ${name} must be a finite number ≥ 0, got ${v}`);
  if (!(p.fieldSize >= 1)) throw new Error(`generateHsiScene: fieldSize must be ≥ 1, got ${p.fieldSize}`);

  const rng = new Rng(opts.seed);
  const layoutRng = rng.fork();
  const specRng = rng.fork();
  const pixRng = rng.fork();

  const { labels, field, nFields } = growFields(H, W, counts, p.fieldSize, layoutRng);

  // wavelengths, end-members, smooth basis
  const lam = new Float64Array(B);
  for (let b = 0; b < B; b++) lam[b] = 400 + (2100 * b) / (B - 1);
  const veg = new Float64Array(B);
  const soil = new Float64Array(B);
  const man = new Float64Array(B);
  const noiseLevel = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    const l = lam[b];
    const water =
      1 -
      0.85 * gauss(l, 1420, 45) -
      0.95 * gauss(l, 1920, 55) -
      0.15 * gauss(l, 970, 30) -
      0.2 * gauss(l, 1180, 40);
    const redEdge = 0.04 + 0.46 * sigmoid((l - 715) / 18);
    veg[b] =
      (redEdge + 0.05 * gauss(l, 550, 35) - 0.02 * gauss(l, 670, 25)) *
      (1 - 0.35 * sigmoid((l - 1350) / 80)) *
      water;
    soil[b] =
      (0.08 + 0.22 * (1 - Math.exp(-(l - 400) / 600)) - 0.03 * gauss(l, 2200, 40)) * (1 - 0.3 * (1 - water));
    man[b] = (0.3 + (0.03 * (l - 400)) / 2100) * (1 - 0.2 * (1 - water));
    noiseLevel[b] = p.noise * (1 + 2 * (1 - water));
  }
  const G = new Float64Array(N_BASIS * B); // basis j at G[j*B + b]
  for (let j = 0; j < N_BASIS; j++) {
    const c = 400 + (2100 * (j + 0.5)) / N_BASIS;
    for (let b = 0; b < B; b++) G[j * B + b] = gauss(lam[b], c, 150);
  }
  const addBasis = (out: Float64Array, coef: Float64Array, scale: number): void => {
    for (let j = 0; j < N_BASIS; j++) {
      const a = scale * coef[j];
      if (a === 0) continue;
      for (let b = 0; b < B; b++) out[b] += a * G[j * B + b];
    }
  };
  const normals = (r: Rng, n: number): Float64Array => r.fillNormal(new Float64Array(n));

  // class signatures μ_k
  const groupCoef = Array.from({ length: N_GROUPS }, () => normals(specRng, N_BASIS));
  const mu: Float64Array[] = [];
  for (let k = 0; k < K; k++) {
    const cm = CLASS_MODEL[k];
    const m = new Float64Array(B);
    for (let b = 0; b < B; b++) m[b] = cm.f * veg[b] + (1 - cm.f - cm.u) * soil[b] + cm.u * man[b];
    addBasis(m, groupCoef[cm.group], GROUP_AMPLITUDE);
    addBasis(m, normals(specRng, N_BASIS), p.separation);
    mu.push(m);
  }
  const fieldCoef = Array.from({ length: nFields }, () => normals(specRng, N_BASIS));

  // smooth random fields over the image: illumination, background cover fractions
  const illum = smoothField(H, W, specRng);
  const bgVeg = smoothField(H, W, specRng);
  const bgMan = smoothField(H, W, specRng);

  const cube = new Float64Array(B * H * W);
  const x = new Float64Array(B);
  const coef = new Float64Array(N_BASIS);
  for (let pix = 0; pix < H * W; pix++) {
    const k = labels[pix] - 1;
    x.fill(0);
    if (k >= 0) {
      x.set(mu[k]);
      const df = p.coverJitter * pixRng.normal();
      for (let b = 0; b < B; b++) x[b] += df * (veg[b] - soil[b]);
      addBasis(x, fieldCoef[field[pix]], p.fieldVariability);
      pixRng.fillNormal(coef);
      addBasis(x, coef, p.pixelVariability);
    } else {
      const f = 0.15 + 0.6 * sigmoid(2 * bgVeg[pix]);
      const u = 0.25 * sigmoid(3 * bgMan[pix] - 2);
      for (let b = 0; b < B; b++) x[b] = f * veg[b] + (1 - f - u) * soil[b] + u * man[b];
      pixRng.fillNormal(coef);
      addBasis(x, coef, 3 * p.pixelVariability);
    }
    const gain = Math.exp(0.15 * illum[pix]);
    const o = pix * B;
    for (let b = 0; b < B; b++) {
      const v = gain * x[b] + noiseLevel[b] * pixRng.normal();
      cube[o + b] = Math.max(0, Math.round(10000 * v));
    }
  }
  return {
    height: H,
    width: W,
    bands: B,
    cube,
    labels,
    classNames,
    synthetic: true,
    source: `SYNTHETIC hyperspectral scene (gnvpro hsi-synthetic, seed ${opts.seed})`,
    wavelengths: lam,
    params: { seed: opts.seed, height: H, width: W, bands: B, counts, ...p },
  };
}

/** Grow contiguous fields with the exact per-class counts (step 1 of the model). */
function growFields(
  H: number,
  W: number,
  counts: number[],
  fieldSize: number,
  rng: Rng,
): { labels: Int32Array; field: Int32Array; nFields: number } {
  const N = H * W;
  const labels = new Int32Array(N);
  const field = new Int32Array(N).fill(-1);
  const inFrontier = new Int32Array(N).fill(-1);
  const order = counts.map((c, k) => k).sort((a, b) => counts[b] - counts[a] || a - b);
  let nFields = 0;
  const frontier: number[] = [];
  const neighbours = (q: number, out: number[]): number => {
    const r = Math.floor(q / W);
    const c = q - r * W;
    let m = 0;
    if (r > 0) out[m++] = q - W;
    if (r < H - 1) out[m++] = q + W;
    if (c > 0) out[m++] = q - 1;
    if (c < W - 1) out[m++] = q + 1;
    return m;
  };
  const nb: number[] = [0, 0, 0, 0];
  const nb2: number[] = [0, 0, 0, 0];
  const free = (q: number): boolean => labels[q] === 0;
  const pickSeed = (size: number): number => {
    // a free pixel whose surrounding square of radius ~√size/2 is free; shrink the radius on failure
    let radius = Math.max(1, Math.floor(Math.sqrt(size) / 2));
    for (let attempt = 0; attempt < 400; attempt++) {
      if (attempt % 50 === 49) radius = Math.floor(radius / 2);
      const q = rng.int(N);
      if (!free(q)) continue;
      const r0 = Math.floor(q / W);
      const c0 = q - r0 * W;
      let ok = true;
      for (let r = Math.max(0, r0 - radius); ok && r <= Math.min(H - 1, r0 + radius); r++)
        for (let c = Math.max(0, c0 - radius); c <= Math.min(W - 1, c0 + radius); c++)
          if (!free(r * W + c)) {
            ok = false;
            break;
          }
      if (ok) return q;
    }
    for (let t = 0, q = rng.int(N); t < N; t++, q = (q + 1) % N) if (free(q)) return q;
    throw new Error("generateHsiScene: no free pixel left (internal error)");
  };
  for (const k of order) {
    const nf = Math.max(1, Math.round(counts[k] / fieldSize));
    // field sizes: equal shares ±30%, summing to the count
    const w = Array.from({ length: nf }, () => 0.7 + 0.6 * rng.uniform());
    const ws = w.reduce((a, b) => a + b, 0);
    const sizes = w.map((v) => Math.max(1, Math.floor((counts[k] * v) / ws)));
    let rem = counts[k] - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; rem !== 0; i = (i + 1) % nf) {
      if (rem > 0) {
        sizes[i]++;
        rem--;
      } else if (sizes[i] > 1) {
        sizes[i]--;
        rem++;
      }
    }
    for (const size of sizes) {
      const id = nFields++;
      frontier.length = 0;
      let placed = 0;
      while (placed < size) {
        let q: number;
        if (frontier.length === 0) {
          q = pickSeed(size - placed);
        } else {
          // the best of 4 random frontier pixels: most neighbours already in the field
          let bestI = rng.int(frontier.length);
          let bestScore = -1;
          for (let t = 0; t < 4; t++) {
            const i = rng.int(frontier.length);
            const m = neighbours(frontier[i], nb2);
            let s = 0;
            for (let j = 0; j < m; j++) if (field[nb2[j]] === id) s++;
            if (s > bestScore) {
              bestScore = s;
              bestI = i;
            }
          }
          q = frontier[bestI];
          frontier[bestI] = frontier[frontier.length - 1];
          frontier.pop();
          if (!free(q)) continue;
        }
        labels[q] = k + 1;
        field[q] = id;
        placed++;
        const m = neighbours(q, nb);
        for (let j = 0; j < m; j++) {
          const r = nb[j];
          if (free(r) && inFrontier[r] !== id) {
            inFrontier[r] = id;
            frontier.push(r);
          }
        }
      }
    }
  }
  return { labels, field, nFields };
}

/** A smooth random field on the H×W grid: a sum of 6 random plane waves, unit variance. */
function smoothField(H: number, W: number, rng: Rng): Float64Array {
  const out = new Float64Array(H * W);
  const nw = 6;
  for (let i = 0; i < nw; i++) {
    const fr = (rng.uniformRange(0.5, 3) * 2 * Math.PI) / H;
    const fc = (rng.uniformRange(0.5, 3) * 2 * Math.PI) / W;
    const sr = rng.uniform() < 0.5 ? -1 : 1;
    const ph = rng.uniformRange(0, 2 * Math.PI);
    const amp = Math.sqrt(2 / nw);
    for (let r = 0; r < H; r++)
      for (let c = 0; c < W; c++) out[r * W + c] += amp * Math.cos(sr * fr * r + fc * c + ph);
  }
  return out;
}

function gauss(x: number, c: number, w: number): number {
  const t = (x - c) / w;
  return Math.exp(-0.5 * t * t);
}

function sigmoid(t: number): number {
  return 1 / (1 + Math.exp(-t));
}
