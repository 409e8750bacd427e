/**
 * Indian Pines (AVIRIS, NW Indiana, 1992; Baumgardner, Biehl, Landgrebe 2015): a 145×145 pixel
 * scene with 220 spectral bands (Indian_pines.mat, variable `indian_pines`; the water-absorption
 * bands removed: Indian_pines_corrected.mat, `indian_pines_corrected`, 200 bands) and a ground
 * truth of 16 classes plus background (Indian_pines_gt.mat, `indian_pines_gt`, 0 = background).
 * All are MATLAB level-5 MAT-files, read by mat.ts.
 *
 * In memory a scene is a column-major bands × pixels matrix (one spectrum per column) with pixel
 * index p = row·width + col (row-major over the image), and a label per pixel (0 = background,
 * 1..16 the classes).
 *
 * `prepareHsiClassification` applies the paper's preprocessing and split (GNVPRO.md §6):
 * background removed, each pixel's spectrum standardised (standardize.ts), then the class-balanced
 * split of split.ts (per class nb = min(count − 10, ⌊5000/16⌋), ⌊0.2·nb⌋ to test, the rest of nb
 * to training, all other pixels to validation).
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { matNumeric, readMatFile, type MatFile } from "./mat.js";
import { classBalancedSplit, selectColumns, selectLabels, type ClassBalancedSplit } from "./split.js";
import { standardizeColumns } from "./standardize.js";

export const INDIAN_PINES_CLASS_NAMES = [
  "Alfalfa",
  "Corn-notill",
  "Corn-mintill",
  "Corn",
  "Grass-pasture",
  "Grass-trees",
  "Grass-pasture-mowed",
  "Hay-windrowed",
  "Oats",
  "Soybean-notill",
  "Soybean-mintill",
  "Soybean-clean",
  "Wheat",
  "Woods",
  "Buildings-Grass-Trees-Drives",
  "Stone-Steel-Towers",
];

/** Labelled pixels per class in the real ground truth (10 249 in all; 10 776 background). */
export const INDIAN_PINES_COUNTS = [
  46, 1428, 830, 237, 483, 730, 28, 478, 20, 972, 2455, 593, 205, 1265, 386, 93,
];

export const INDIAN_PINES_SHAPE = { height: 145, width: 145, bands: 220 } as const;

/** A hyperspectral scene with a per-pixel ground truth. */
export interface HsiScene {
  height: number;
  width: number;
  bands: number;
  /** Column-major bands × (height·width) matrix; column p = row·width + col. */
  cube: Float64Array;
  /** Per pixel: 0 background, 1..K the classes. */
  labels: Int32Array;
  /** Names of classes 1..K (index 0 is class 1). */
  classNames: string[];
  /** True for the generated stand-in (hsi-synthetic.ts), false for real data. */
  synthetic: boolean;
  /** Where the scene came from (file paths, or the generator and its seed). */
  source: string;
}

export type IndianPinesVariant = "auto" | "full" | "corrected";

const FILES = {
  full: { file: "Indian_pines.mat", variable: "indian_pines" },
  corrected: { file: "Indian_pines_corrected.mat", variable: "indian_pines_corrected" },
  gt: { file: "Indian_pines_gt.mat", variable: "indian_pines_gt" },
} as const;

/**
 * Load Indian Pines from `dir`. variant "full" reads Indian_pines.mat (220 bands, the paper's),
 * "corrected" Indian_pines_corrected.mat (200 bands), "auto" (default) the first of the two present.
 */
export function loadIndianPines(dir: string, variant: IndianPinesVariant = "auto"): HsiScene {
  const need = (v: "full" | "corrected"): string => join(dir, FILES[v].file);
  const gtPath = join(dir, FILES.gt.file);
  let which: "full" | "corrected";
  if (variant === "auto") which = isFile(need("full")) ? "full" : "corrected";
  else if (variant === "full" || variant === "corrected") which = variant;
  else
    throw new Error(`loadIndianPines: variant must be "auto", "full" or "corrected", got ${String(variant)}`);
  const missing = [need(which), gtPath].filter((p) => !isFile(p));
  if (missing.length > 0) {
    const alt = variant === "auto" ? `${FILES.full.file} (or ${FILES.corrected.file})` : FILES[which].file;
    throw new Error(
      `Indian Pines: ${missing.join(" and ")} not found${existsSync(dir) ? "" : ` (folder ${dir} does not exist)`}. ` +
        `Put the MAT-files ${alt} and ${FILES.gt.file} of the Indian Pines scene in ${dir}.`,
    );
  }
  const imgPath = need(which);
  const img = pick(readMatFile(imgPath), FILES[which].variable, 3, imgPath);
  const gt = pick(readMatFile(gtPath), FILES.gt.variable, 2, gtPath);
  const [H, W, B] = img.dims;
  if (gt.dims[0] !== H || gt.dims[1] !== W)
    throw new Error(
      `Indian Pines: the ground truth ${gtPath} is ${gt.dims.join("×")}, the image ${imgPath} is ${H}×${W}×${B}`,
    );
  const labels = new Int32Array(H * W);
  let K = 0;
  for (let c = 0; c < W; c++)
    for (let r = 0; r < H; r++) {
      const v = gt.data[r + H * c];
      if (!Number.isInteger(v) || v < 0 || v > 255)
        throw new Error(
          `Indian Pines ${gtPath}: label ${v} at pixel (${r + 1}, ${c + 1}) is not an integer in 0..255`,
        );
      labels[r * W + c] = v;
      if (v > K) K = v;
    }
  const cube = new Float64Array(B * H * W);
  const plane = H * W;
  for (let b = 0; b < B; b++)
    for (let c = 0; c < W; c++)
      for (let r = 0; r < H; r++) {
        const v = img.data[r + H * c + plane * b];
        if (!Number.isFinite(v))
          throw new Error(
            `Indian Pines ${imgPath}: non-finite value at pixel (${r + 1}, ${c + 1}), band ${b + 1}`,
          );
        cube[b + B * (r * W + c)] = v;
      }
  const classNames =
    K === INDIAN_PINES_CLASS_NAMES.length
      ? INDIAN_PINES_CLASS_NAMES.slice()
      : Array.from({ length: K }, (_, k) => `class ${k + 1}`);
  return {
    height: H,
    width: W,
    bands: B,
    cube,
    labels,
    classNames,
    synthetic: false,
    source: `${imgPath}, ${gtPath}`,
  };
}

/** The numeric variable `name` (or the file's only numeric variable of that rank), checked. */
function pick(
  file: MatFile,
  name: string,
  rank: number,
  where: string,
): { dims: number[]; data: Float64Array } {
  let v = file.variables.find((x) => x.name === name);
  if (v === undefined) {
    const cands = file.variables.filter(
      (x) => x.data !== null && x.className !== "char" && x.dims.length === rank,
    );
    if (cands.length === 1) v = cands[0];
  }
  const num = matNumeric(file, v?.name ?? name, where);
  if (num.dims.length !== rank || num.dims.some((d) => d < 1))
    throw new Error(
      `Indian Pines ${where}: variable '${num.name}' has dims ${num.dims.join("×")}, expected ${rank} positive dimensions`,
    );
  return num;
}

/** One set of the classification problem: spectra as columns, 0-based labels. */
export interface HsiSet {
  /** Column-major bands × n (standardised spectra). */
  Y: Float64Array;
  /** Class of each sample, 0..K−1 (ground-truth label − 1). */
  labels: Int32Array;
  /** Pixel index (row·width + col) of each sample in the scene. */
  pixels: Int32Array;
  n: number;
}

export interface HsiClassification {
  d: number;
  numClasses: number;
  classNames: string[];
  train: HsiSet;
  val: HsiSet;
  test: HsiSet;
  split: ClassBalancedSplit;
  synthetic: boolean;
}

export interface HsiPrepOptions {
  seed: number;
  /** Per-pixel standardisation of the spectrum (default true). */
  standardize?: boolean;
  holdBack?: number;
  cap?: number;
  testFraction?: number;
}

/** The paper's preprocessing and class-balanced split of a scene (see the module comment). */
export function prepareHsiClassification(scene: HsiScene, opts: HsiPrepOptions): HsiClassification {
  const { bands: d, height, width } = scene;
  const N = height * width;
  if (scene.cube.length !== d * N || scene.labels.length !== N)
    throw new Error(`prepareHsiClassification: scene arrays do not match ${height}×${width}×${d}`);
  const K = scene.classNames.length;
  const fg: number[] = [];
  for (let p = 0; p < N; p++) {
    const l = scene.labels[p];
    if (l < 0 || l > K) throw new Error(`prepareHsiClassification: label ${l} at pixel ${p} not in 0..${K}`);
    if (l > 0) fg.push(p);
  }
  const fgPixels = Int32Array.from(fg);
  let Y = selectColumns(scene.cube, d, fgPixels);
  if (opts.standardize ?? true) Y = standardizeColumns(Y, d, fgPixels.length);
  const lab = new Int32Array(fgPixels.length);
  for (let j = 0; j < fgPixels.length; j++) lab[j] = scene.labels[fgPixels[j]] - 1;
  const split = classBalancedSplit(lab, {
    seed: opts.seed,
    numClasses: K,
    holdBack: opts.holdBack,
    cap: opts.cap,
    testFraction: opts.testFraction,
  });
  const set = (idx: Int32Array): HsiSet => ({
    Y: selectColumns(Y, d, idx),
    labels: selectLabels(lab, idx),
    pixels: selectLabels(fgPixels, idx),
    n: idx.length,
  });
  return {
    d,
    numClasses: K,
    classNames: scene.classNames.slice(),
    train: set(split.train),
    val: set(split.val),
    test: set(split.test),
    split,
    synthetic: scene.synthetic,
  };
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
