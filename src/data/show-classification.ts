/**
 * `gnvpro data show` pictures of the classification data sets (Vega-Lite specs for renderSvg):
 *
 * - hyperspectral scenes (indian-pines, indian-pines-synthetic): the label map (the sample's pixel
 *   marked) and the mean spectrum of every class with the sample's spectrum on top;
 * - images (mnist, cifar10): a grid of up to 36 images from the sample on, each with its class.
 *
 * Rasters (label map, images) are embedded as PNG data URLs in Vega-Lite image marks drawn without
 * smoothing: a few kilobytes where one rect mark per pixel would cost megabytes.
 */
import { deflateSync } from "node:zlib";
import type { TopLevelSpec } from "vega-lite";
import type { Dataset } from "./dataset.js";
import type { Json } from "./registry.js";
import { CLASS_COLOURS } from "../report/labelmap.js";

type Part = Record<string, unknown>;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Encode an 8-bit greyscale (channels 1) or RGB (channels 3) image as PNG. `pixels` is row-major,
 * channels interleaved (length width·height·channels).
 */
export function encodePng(width: number, height: number, channels: 1 | 3, pixels: Uint8Array): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new Error(`encodePng: bad size ${width}×${height}`);
  if (pixels.length !== width * height * channels)
    throw new Error(
      `encodePng: ${width}×${height}×${channels} needs ${width * height * channels} bytes, got ${pixels.length}`,
    );
  const stride = width * channels;
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++)
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const chunk = (type: string, data: Uint8Array): Uint8Array => {
    const out = new Uint8Array(12 + data.length);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, data.length);
    for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
    out.set(data, 8);
    dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  const hv = new DataView(ihdr.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 1 ? 0 : 2; // colour type: grey / RGB
  const parts = [
    Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function pngUrl(width: number, height: number, channels: 1 | 3, pixels: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(encodePng(width, height, channels, pixels)).toString("base64")}`;
}

const BACKGROUND = [235, 235, 235];

function rgb(hex: string): [number, number, number] {
  return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
}

/** Run-length text of a label map: "label*count" items separated by spaces, row-major. */
export function encodeLabelMap(labels: ArrayLike<number>): string {
  const out: string[] = [];
  let i = 0;
  while (i < labels.length) {
    let e = i + 1;
    while (e < labels.length && labels[e] === labels[i]) e++;
    out.push(`${labels[i]}*${e - i}`);
    i = e;
  }
  return out.join(" ");
}

/** Inverse of encodeLabelMap; checks the total length. */
export function decodeLabelMap(rle: string, length: number): Int32Array {
  const out = new Int32Array(length);
  let o = 0;
  for (const item of rle.trim().split(/\s+/)) {
    const m = /^(-?\d+)\*(\d+)$/.exec(item);
    if (m === null) throw new Error(`label map: bad run '${item}'`);
    const v = Number(m[1]);
    const c = Number(m[2]);
    if (o + c > length) throw new Error(`label map: runs exceed ${length} pixels`);
    out.fill(v, o, o + c);
    o += c;
  }
  if (o !== length) throw new Error(`label map: runs cover ${o} of ${length} pixels`);
  return out;
}

function classOf(ds: Dataset, j: number): number {
  let best = 0;
  for (let a = 1; a < ds.q; a++) if (ds.C[j * ds.q + a] > ds.C[j * ds.q + best]) best = a;
  return best;
}

function info(ds: Dataset): { [key: string]: Json } {
  return ds.manifest?.info ?? {};
}

function checkSample(ds: Dataset, i: number): void {
  if (!Number.isInteger(i) || i < 0 || i >= ds.n)
    throw new Error(`data show: sample ${i} out of range 0..${ds.n - 1}`);
}

/**
 * A hyperspectral scene data set (samples = labelled pixels in row-major order, Y = raw spectra,
 * C = one-hot classes, manifest info with height, width, classNames, labelMap and wavelengths):
 * the label map with sample i's pixel circled, and the mean spectrum per class with sample i's.
 */
export async function hsiShowSpec(ds: Dataset, i: number): Promise<TopLevelSpec> {
  checkSample(ds, i);
  const inf = info(ds);
  const H = Number(inf.height);
  const W = Number(inf.width);
  if (!(H >= 1 && W >= 1) || typeof inf.labelMap !== "string")
    throw new Error(
      `data show: ${ds.dir ?? ds.name}: the manifest lacks the scene's height, width and labelMap`,
    );
  const labels = decodeLabelMap(inf.labelMap, H * W);
  const names = Array.isArray(inf.classNames)
    ? inf.classNames.map(String)
    : Array.from({ length: ds.q }, (_, k) => `class ${k + 1}`);
  const lam = Array.isArray(inf.wavelengthsNm) ? inf.wavelengthsNm.map(Number) : [];
  const bandX = (b: number): number =>
    lam.length === 2 ? lam[0] + ((lam[1] - lam[0]) * b) / Math.max(1, ds.d - 1) : b + 1;
  // the sample's pixel: the i-th labelled pixel in row-major order
  let p = -1;
  for (let k = 0, seen = 0; k < H * W; k++)
    if (labels[k] > 0) {
      if (seen === i) {
        p = k;
        break;
      }
      seen++;
    }
  const img = new Uint8Array(H * W * 3);
  for (let k = 0; k < H * W; k++) {
    const c = labels[k] > 0 ? rgb(CLASS_COLOURS[(labels[k] - 1) % CLASS_COLOURS.length]) : BACKGROUND;
    img.set(c, 3 * k);
  }
  const scale = Math.max(1, Math.floor(360 / Math.max(H, W)));
  // mean spectra
  const sums = new Float64Array(ds.q * ds.d);
  const counts = new Float64Array(ds.q);
  for (let j = 0; j < ds.n; j++) {
    const k = classOf(ds, j);
    counts[k]++;
    for (let b = 0; b < ds.d; b++) sums[k * ds.d + b] += ds.Y[j * ds.d + b];
  }
  const lines: Record<string, number | string>[] = [];
  for (let k = 0; k < ds.q; k++)
    if (counts[k] > 0)
      for (let b = 0; b < ds.d; b++)
        lines.push({ x: bandX(b), v: sums[k * ds.d + b] / counts[k], cls: `${k + 1} ${names[k] ?? ""}` });
  const sample = Array.from({ length: ds.d }, (_, b) => ({ x: bandX(b), v: ds.Y[i * ds.d + b] }));
  const domain = Array.from({ length: ds.q }, (_, k) => `${k + 1} ${names[k] ?? ""}`);
  const range = domain.map((_, k) => CLASS_COLOURS[k % CLASS_COLOURS.length]);
  const synthetic = inf.synthetic === true;
  const mapPart: Part = {
    title: `label map ${H}×${W} (grey: background); sample ${i} at row ${Math.floor(p / W)}, col ${p % W}`,
    width: W * scale,
    height: H * scale,
    layer: [
      {
        data: { values: [{ x: 0, y: 0, url: pngUrl(W, H, 3, img) }] },
        mark: {
          type: "image",
          width: W * scale,
          height: H * scale,
          aspect: false,
          smooth: false,
          align: "left",
          baseline: "top",
          aria: false,
        },
        encoding: {
          x: {
            field: "x",
            type: "quantitative",
            scale: { domain: [0, W], nice: false },
            axis: { title: "column" },
          },
          y: {
            field: "y",
            type: "quantitative",
            scale: { domain: [0, H], reverse: true, nice: false },
            axis: { title: "row" },
          },
          url: { field: "url", type: "nominal" },
        },
      },
      {
        data: { values: [{ x: (p % W) + 0.5, y: Math.floor(p / W) + 0.5 }] },
        mark: { type: "point", size: 200, color: "black", strokeWidth: 2 },
        encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
      },
    ],
  };
  const specPart: Part = {
    title: `mean spectrum per class; dashed: sample ${i} (class ${classOf(ds, i) + 1})`,
    width: 520,
    height: 320,
    layer: [
      {
        data: { values: lines },
        mark: { type: "line", strokeWidth: 1.5 },
        encoding: {
          x: { field: "x", type: "quantitative", title: lam.length === 2 ? "wavelength (nm)" : "band" },
          y: { field: "v", type: "quantitative", title: "value" },
          color: { field: "cls", type: "nominal", title: "class", scale: { domain, range } },
        },
      },
      {
        data: { values: sample },
        mark: { type: "line", color: "black", strokeDash: [4, 3], strokeWidth: 1.5 },
        encoding: { x: { field: "x", type: "quantitative" }, y: { field: "v", type: "quantitative" } },
      },
    ],
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: `${synthetic ? "SYNTHETIC " : ""}${ds.name}: ${ds.n} labelled pixels, ${ds.d} bands, ${ds.q} classes`,
    hconcat: [mapPart, specPart],
  } as unknown as TopLevelSpec;
}

/**
 * An image data set (manifest info with height, width, channels, classNames; Y columns are images,
 * channel planes one after the other, each row-major): a grid of up to 36 images from sample i on,
 * each scaled to its own min..max for display and titled with its class.
 */
export async function imageGridShowSpec(ds: Dataset, i: number): Promise<TopLevelSpec> {
  checkSample(ds, i);
  const inf = info(ds);
  const H = Number(inf.height);
  const W = Number(inf.width);
  const ch = Number(inf.channels ?? 1);
  if (!(H >= 1 && W >= 1) || (ch !== 1 && ch !== 3) || H * W * ch !== ds.d)
    throw new Error(
      `data show: ${ds.dir ?? ds.name}: the manifest's height, width, channels do not match d = ${ds.d}`,
    );
  const names = Array.isArray(inf.classNames) ? inf.classNames.map(String) : [];
  const count = Math.min(36, ds.n - i);
  const cols = Math.min(6, count);
  const cell = Math.max(48, 3 * Math.max(H, W));
  const tiles: Record<string, number | string>[] = [];
  for (let t = 0; t < count; t++) {
    const j = i + t;
    const x = ds.Y.subarray(j * ds.d, (j + 1) * ds.d);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of x) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const s = hi > lo ? 255 / (hi - lo) : 0;
    const px = new Uint8Array(H * W * ch);
    for (let c = 0; c < ch; c++)
      for (let k = 0; k < H * W; k++) px[k * ch + c] = Math.round((x[c * H * W + k] - lo) * s);
    const k = classOf(ds, j);
    tiles.push({
      col: t % cols,
      row: Math.floor(t / cols),
      url: pngUrl(W, H, ch as 1 | 3, px),
      label: `#${j}: ${names[k] ?? k}`,
    });
  }
  const rows = Math.ceil(count / cols);
  const gridW = cols * cell;
  const gridH = rows * (cell + 14);
  const pos = (f: string, n: number, reverse = false): Part => ({
    field: f,
    type: "quantitative",
    scale: { domain: [0, n], reverse },
    axis: null,
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: `${ds.name}: samples ${i}..${i + count - 1} of ${ds.n} (${H}×${W}${ch === 3 ? "×3" : ""})`,
    width: gridW,
    height: gridH,
    data: { values: tiles },
    transform: [{ calculate: "datum.row + 0.08", as: "ty" }],
    layer: [
      {
        mark: {
          type: "image",
          width: cell - 8,
          height: cell - 8,
          aspect: false,
          smooth: false,
          align: "left",
          baseline: "top",
          aria: false,
        },
        encoding: { x: pos("col", cols), y: pos("ty", rows, true), url: { field: "url", type: "nominal" } },
      },
      {
        mark: { type: "text", align: "left", baseline: "top", fontSize: 10, dy: cell - 6 },
        encoding: {
          x: pos("col", cols),
          y: pos("ty", rows, true),
          text: { field: "label", type: "nominal" },
        },
      },
    ],
  } as unknown as TopLevelSpec;
}
