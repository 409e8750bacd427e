/**
 * CIFAR-10 (Krizhevsky 2009), the "binary version": 32×32 colour images in 10 classes.
 *
 * Files: data_batch_1.bin … data_batch_5.bin (10 000 images each) and test_batch.bin (10 000), as
 * extracted from cifar-10-binary.tar.gz (folder cifar-10-batches-bin/). Each record is 3073 bytes:
 * one label byte (0..9), then 3072 pixel bytes — the 1024 red values, then the 1024 green, then the
 * 1024 blue, each plane row-major 32×32. Files are read whole; a file whose length is not a
 * positive multiple of 3073 bytes, or with a label above 9, is rejected.
 *
 * Loaded images are columns of a column-major 3072×n matrix in the file's order: entry
 * col + 32·row + 1024·channel (channels R, G, B). The paper's split: 40 000 training and 10 000
 * validation images drawn (seeded) from the five training batches, the 10 000 test images; per-image
 * standardisation (standardize.ts) by default.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ImageSet } from "./mnist.js";
import { randomSplit } from "./split.js";
import { standardizeColumnsInPlace } from "./standardize.js";

export const CIFAR10_TRAIN_FILES = [
  "data_batch_1.bin",
  "data_batch_2.bin",
  "data_batch_3.bin",
  "data_batch_4.bin",
  "data_batch_5.bin",
];
export const CIFAR10_TEST_FILE = "test_batch.bin";
export const CIFAR10_CLASS_NAMES = [
  "airplane",
  "automobile",
  "bird",
  "cat",
  "deer",
  "dog",
  "frog",
  "horse",
  "ship",
  "truck",
];
export const CIFAR10_RECORD_BYTES = 3073;
export const CIFAR10_IMAGE_BYTES = 3072;

export interface CifarBatch {
  /** uint8 pixels, 3072 per image (R plane, G plane, B plane, each row-major 32×32). */
  pixels: Uint8Array;
  labels: Uint8Array;
  n: number;
}

/** Parse one CIFAR-10 binary batch held in memory. `where` names the file in error messages. */
export function parseCifar10Batch(buf: Uint8Array, where = "<CIFAR-10 buffer>"): CifarBatch {
  if (buf.length === 0) throw new Error(`CIFAR-10 ${where}: empty file`);
  if (buf.length % CIFAR10_RECORD_BYTES !== 0)
    throw new Error(
      `CIFAR-10 ${where}: inconsistent size ${buf.length} bytes, not a multiple of the ${CIFAR10_RECORD_BYTES}-byte record (truncated file?)`,
    );
  const n = buf.length / CIFAR10_RECORD_BYTES;
  const pixels = new Uint8Array(n * CIFAR10_IMAGE_BYTES);
  const labels = new Uint8Array(n);
  for (let j = 0; j < n; j++) {
    const o = j * CIFAR10_RECORD_BYTES;
    const lab = buf[o];
    if (lab > 9)
      throw new Error(
        `CIFAR-10 ${where}: record ${j} has label ${lab}; labels are 0..9 (wrong file or format?)`,
      );
    labels[j] = lab;
    pixels.set(buf.subarray(o + 1, o + CIFAR10_RECORD_BYTES), j * CIFAR10_IMAGE_BYTES);
  }
  return { pixels, labels, n };
}

/** Read and parse one CIFAR-10 binary batch file. */
export function readCifar10Batch(path: string): CifarBatch {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    throw new Error(`CIFAR-10 ${path}: cannot read file (${(err as Error).message})`);
  }
  return parseCifar10Batch(buf, path);
}

/**
 * The folder holding the six CIFAR-10 binary files: `dir` itself or `dir/cifar-10-batches-bin`.
 * Throws an error saying where to put which files when they are missing.
 */
export function resolveCifar10Dir(dir: string): string {
  const all = [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE];
  const candidates = [dir, join(dir, "cifar-10-batches-bin")];
  for (const c of candidates) if (all.every((f) => isFile(join(c, f)))) return c;
  const present = candidates.find((c) => all.some((f) => isFile(join(c, f))));
  const missing = present === undefined ? all : all.filter((f) => !isFile(join(present, f)));
  const where = existsSync(dir) ? `in ${dir}` : `(folder ${dir} does not exist)`;
  throw new Error(
    `CIFAR-10: files not found ${where}: missing ${missing.join(", ")}. ` +
      `Put the CIFAR-10 binary version there: extract cifar-10-binary.tar.gz so that ${dir} ` +
      `(or ${join(dir, "cifar-10-batches-bin")}) holds ${all.join(", ")}.`,
  );
}

export interface Cifar10Options {
  /** Folder with the binary files (or their parent holding cifar-10-batches-bin/). */
  dir: string;
  /** Seed of the training/validation split (default 0). */
  seed?: number;
  /** Training images drawn from the 50 000 (default 40 000). */
  nTrain?: number;
  /** Validation images drawn from the 50 000 (default 10 000). */
  nVal?: number;
  /** Test images kept, the first in file order (default all 10 000). */
  nTest?: number;
  /** "standardize" (default, the paper's per-image standardisation) or "unit" (pixel/255). */
  scale?: "standardize" | "unit";
}

export interface Cifar10 {
  train: ImageSet;
  val: ImageSet;
  test: ImageSet;
  classNames: string[];
}

/** Load CIFAR-10 from the binary files with the paper's split and preprocessing. */
export function loadCifar10(opts: Cifar10Options): Cifar10 {
  const dir = resolveCifar10Dir(opts.dir);
  const batches = CIFAR10_TRAIN_FILES.map((f) => readCifar10Batch(join(dir, f)));
  const nAll = batches.reduce((s, b) => s + b.n, 0);
  const all: CifarBatch = {
    pixels: new Uint8Array(nAll * CIFAR10_IMAGE_BYTES),
    labels: new Uint8Array(nAll),
    n: nAll,
  };
  let o = 0;
  for (const b of batches) {
    all.pixels.set(b.pixels, o * CIFAR10_IMAGE_BYTES);
    all.labels.set(b.labels, o);
    o += b.n;
  }
  const test = readCifar10Batch(join(dir, CIFAR10_TEST_FILE));
  const nVal = opts.nVal ?? Math.min(10000, Math.floor(nAll / 5));
  const nTrain = opts.nTrain ?? Math.min(40000, nAll - nVal);
  if (!Number.isInteger(nVal) || nVal < 0)
    throw new Error(`loadCifar10: nVal must be a non-negative integer, got ${nVal}`);
  if (!Number.isInteger(nTrain) || nTrain < 1 || nTrain + nVal > nAll)
    throw new Error(
      `loadCifar10: nTrain + nVal = ${nTrain} + ${nVal} must be at most the ${nAll} training images`,
    );
  const nTest = opts.nTest ?? test.n;
  if (!Number.isInteger(nTest) || nTest < 0 || nTest > test.n)
    throw new Error(`loadCifar10: nTest must be an integer in [0, ${test.n}], got ${nTest}`);
  const scale = opts.scale ?? "standardize";
  if (scale !== "unit" && scale !== "standardize")
    throw new Error(`loadCifar10: scale must be "standardize" or "unit", got ${String(scale)}`);
  const split = randomSplit(nAll, { train: nTrain, val: nVal, test: 0 }, opts.seed ?? 0);
  const testIdx = Int32Array.from({ length: nTest }, (_, i) => i);
  return {
    train: gather(all, split.train, scale),
    val: gather(all, split.val, scale),
    test: gather(test, testIdx, scale),
    classNames: CIFAR10_CLASS_NAMES.slice(),
  };
}

function gather(b: CifarBatch, idx: Int32Array, scale: "standardize" | "unit"): ImageSet {
  const d = CIFAR10_IMAGE_BYTES;
  const n = idx.length;
  const X = new Float64Array(d * n);
  const labels = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const src = idx[j] * d;
    for (let i = 0; i < d; i++) X[j * d + i] = b.pixels[src + i] / 255;
    labels[j] = b.labels[idx[j]];
  }
  if (scale === "standardize") standardizeColumnsInPlace(X, d, n);
  return { X, labels, index: Int32Array.from(idx), n, d, height: 32, width: 32, channels: 3 };
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
