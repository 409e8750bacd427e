/**
 * Label maps of a segmentation comparison (Indian Pines): the true class of every labelled pixel
 * and each optimizer's prediction (best-validation iterate), drawn by src/report/labelmap.ts.
 *
 * Needs the data set to say where its samples sit in the image: the optional `image` field
 * (height, width, class names and the pixel index of every train/val/test sample).
 */
import type { Preset } from "../experiments/presets.js";
import type { Dataset, Part } from "../experiments/userdata.js";
import type { LabelMap } from "../report/labelmap.js";
import { OPTIMIZER_LABELS, type CompareResult } from "./compare.js";

/** Where a data set's samples sit in an image (segmentation data sets). */
export interface ImageLayout {
  height: number;
  width: number;
  classNames?: string[];
  /** Pixel index (row · width + col) of every sample of each part, in the parts' column order. */
  pixels: { train: Int32Array; val: Int32Array; test: Int32Array };
}

export function imageLayoutOf(ds: Dataset): ImageLayout | null {
  const im = (ds as Dataset & { image?: ImageLayout }).image;
  if (im === undefined || im === null) return null;
  if (
    im.pixels.train.length !== ds.train.n ||
    im.pixels.val.length !== ds.val.n ||
    im.pixels.test.length !== ds.test.n
  )
    throw new Error("label maps: the data set's pixel indices do not match its train/val/test sizes");
  return im;
}

function argmaxColumns(S: Float64Array, q: number, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    let b = 0;
    for (let a = 1; a < q; a++) if (S[a + j * q] > S[b + j * q]) b = a;
    out[j] = b;
  }
  return out;
}

/** The true map and one predicted map per optimizer of the first seed; null when not a segmentation. */
export async function labelMapsFor(
  res: CompareResult,
  _preset: Preset | null,
): Promise<{ maps: LabelMap[]; classNames?: string[] } | null> {
  const ds = res.firstSeed.data;
  if (ds.task !== "classification" || ds.q < 2) return null;
  const im = imageLayoutOf(ds);
  if (im === null) return null;
  const N = im.height * im.width;
  const parts: [Part, Int32Array][] = [
    [ds.train, im.pixels.train],
    [ds.val, im.pixels.val],
    [ds.test, im.pixels.test],
  ];
  const truth = new Int32Array(N).fill(-1);
  for (const [p, px] of parts) {
    const lab = argmaxColumns(p.C, ds.q, p.n);
    for (let j = 0; j < p.n; j++) truth[px[j]] = lab[j];
  }
  const maps: LabelMap[] = [{ title: "true labels", height: im.height, width: im.width, labels: truth }];
  for (const [opt, model] of Object.entries(res.firstSeed.models)) {
    if (!model) continue;
    const pred = new Int32Array(N).fill(-1);
    for (const [p, px] of parts) {
      if (p.n === 0) continue;
      const lab = argmaxColumns(model.scores(p.Y, p.n, "best"), ds.q, p.n);
      for (let j = 0; j < p.n; j++) pred[px[j]] = lab[j];
    }
    maps.push({
      title: `${OPTIMIZER_LABELS[opt as keyof typeof OPTIMIZER_LABELS]} (predicted)`,
      height: im.height,
      width: im.width,
      labels: pred,
    });
  }
  return { maps, classNames: im.classNames };
}
