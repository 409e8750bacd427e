/**
 * NumPy `.npy` files (format versions 1.0, 2.0 and 3.0).
 *
 * Layout: the magic string "\x93NUMPY", one byte major and one byte minor version, the header
 * length (2 bytes little-endian in v1, 4 bytes in v2/v3), then an ASCII (v1/v2) or UTF-8 (v3)
 * Python dict literal `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }` padded with
 * spaces and ended by "\n" so that the data start on a 64-byte boundary; then the raw data.
 *
 * Reading converts every supported dtype to float64 and always returns C (row-major) order, so a
 * file holding n samples as rows of d features reads as an n×d row-major array — which is exactly
 * the column-major d×n matrix "samples as columns" that gnvpro uses, with no copy or transpose.
 * Writing produces float64, little-endian, C order.
 */
import { readFileSync, writeFileSync } from "node:fs";

export interface NpyArray {
  /** The values, converted to float64, in C (row-major) order whatever the file's order. */
  data: Float64Array;
  /** The array's shape ([] for a 0-d array). */
  shape: number[];
  /** The file's dtype descriptor, e.g. "<f8", "|u1". */
  dtype: string;
  /** Whether the file stored the array in Fortran (column-major) order. */
  fortranOrder: boolean;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

type Kind = "f" | "i" | "u" | "b";

interface Dtype {
  kind: Kind;
  size: number;
  little: boolean;
}

function parseDescr(descr: string, where: string): Dtype {
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  if (m === null) throw new Error(`readNpy: ${where}: unsupported dtype '${descr}'`);
  const [, order, kind, sizeStr] = m;
  const size = Number(sizeStr);
  const ok: Record<Kind, number[]> = { f: [4, 8], i: [1, 2, 4, 8], u: [1, 2, 4, 8], b: [1] };
  if (!ok[kind as Kind].includes(size)) throw new Error(`readNpy: ${where}: unsupported dtype '${descr}'`);
  if (order === "|" && size !== 1) throw new Error(`readNpy: ${where}: unsupported dtype '${descr}'`);
  // '=' is native order; every platform Node runs on that matters here is little-endian.
  return { kind: kind as Kind, size, little: order !== ">" };
}

interface Header {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  dataOffset: number;
}

function parseHeader(buf: Uint8Array, where: string): Header {
  if (buf.length < 10)
    throw new Error(`readNpy: ${where}: file too short (${buf.length} bytes) to be an NPY file`);
  for (let i = 0; i < MAGIC.length; i++) {
    if (buf[i] !== MAGIC[i]) throw new Error(`readNpy: ${where}: not an NPY file (bad magic string)`);
  }
  const major = buf[6];
  const minor = buf[7];
  if (minor !== 0 || major < 1 || major > 3)
    throw new Error(`readNpy: ${where}: unsupported NPY format version ${major}.${minor}`);
  let hlen: number;
  let start: number;
  if (major === 1) {
    hlen = buf[8] | (buf[9] << 8);
    start = 10;
  } else {
    if (buf.length < 12) throw new Error(`readNpy: ${where}: file too short for an NPY v${major} header`);
    hlen = (buf[8] | (buf[9] << 8) | (buf[10] << 16)) + buf[11] * 16777216;
    start = 12;
  }
  if (start + hlen > buf.length)
    throw new Error(
      `readNpy: ${where}: truncated header (needs ${hlen} bytes, file has ${buf.length - start} after the preamble)`,
    );
  const text = Buffer.from(buf.buffer, buf.byteOffset + start, hlen).toString(
    major === 3 ? "utf8" : "latin1",
  );
  const t = text.trim();
  if (!t.startsWith("{") || !t.endsWith("}"))
    throw new Error(
      `readNpy: ${where}: malformed header (not a dict literal): ${JSON.stringify(t.slice(0, 80))}`,
    );
  const descrM = /['"]descr['"]\s*:\s*(['"])([^'"]*)\1/.exec(t);
  if (descrM === null) {
    if (/['"]descr['"]\s*:\s*\[/.test(t))
      throw new Error(`readNpy: ${where}: unsupported dtype (structured arrays are not supported)`);
    throw new Error(`readNpy: ${where}: malformed header (no 'descr' entry)`);
  }
  const fortM = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(t);
  if (fortM === null) throw new Error(`readNpy: ${where}: malformed header (no 'fortran_order' entry)`);
  const shapeM = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(t);
  if (shapeM === null) throw new Error(`readNpy: ${where}: malformed header (no 'shape' tuple)`);
  const shape: number[] = [];
  for (const part of shapeM[1].split(",")) {
    const s = part.trim().replace(/L$/, "");
    if (s === "") continue;
    if (!/^\d+$/.test(s)) throw new Error(`readNpy: ${where}: malformed header (bad shape entry '${s}')`);
    shape.push(Number(s));
  }
  return { descr: descrM[2], fortranOrder: fortM[1] === "True", shape, dataOffset: start + hlen };
}

/** Decode the bytes of an NPY file; `name` is used in error messages. */
export function decodeNpy(bytes: Uint8Array, name = "<buffer>"): NpyArray {
  const h = parseHeader(bytes, name);
  const dt = parseDescr(h.descr, name);
  let count = 1;
  for (const s of h.shape) count *= s;
  if (!Number.isSafeInteger(count * dt.size))
    throw new Error(`readNpy: ${name}: array too large (${count} elements)`);
  const need = count * dt.size;
  const have = bytes.length - h.dataOffset;
  if (have < need)
    throw new Error(
      `readNpy: ${name}: truncated data (shape (${h.shape.join(", ")}) of ${h.descr} needs ${need} bytes, file has ${have})`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset + h.dataOffset, need);
  const raw = new Float64Array(count);
  const le = dt.little;
  if (dt.kind === "f" && dt.size === 8) {
    if (le) {
      // Copy to an aligned buffer (the data offset need not be 8-aligned in the caller's buffer).
      const aligned = new Uint8Array(need);
      aligned.set(bytes.subarray(h.dataOffset, h.dataOffset + need));
      raw.set(new Float64Array(aligned.buffer, 0, count));
    } else for (let i = 0; i < count; i++) raw[i] = view.getFloat64(8 * i, false);
  } else if (dt.kind === "f") {
    for (let i = 0; i < count; i++) raw[i] = view.getFloat32(4 * i, le);
  } else if (dt.kind === "b") {
    for (let i = 0; i < count; i++) {
      const v = view.getUint8(i);
      if (v > 1) throw new Error(`readNpy: ${name}: bool element ${i} has byte value ${v} (expected 0 or 1)`);
      raw[i] = v;
    }
  } else if (dt.kind === "i") {
    if (dt.size === 1) for (let i = 0; i < count; i++) raw[i] = view.getInt8(i);
    else if (dt.size === 2) for (let i = 0; i < count; i++) raw[i] = view.getInt16(2 * i, le);
    else if (dt.size === 4) for (let i = 0; i < count; i++) raw[i] = view.getInt32(4 * i, le);
    else
      for (let i = 0; i < count; i++) {
        const v = view.getBigInt64(8 * i, le);
        const x = Number(v);
        if (!Number.isSafeInteger(x))
          throw new Error(
            `readNpy: ${name}: int64 element ${i} (${v}) is not exactly representable as float64`,
          );
        raw[i] = x;
      }
  } else {
    if (dt.size === 1) for (let i = 0; i < count; i++) raw[i] = view.getUint8(i);
    else if (dt.size === 2) for (let i = 0; i < count; i++) raw[i] = view.getUint16(2 * i, le);
    else if (dt.size === 4) for (let i = 0; i < count; i++) raw[i] = view.getUint32(4 * i, le);
    else
      for (let i = 0; i < count; i++) {
        const v = view.getBigUint64(8 * i, le);
        const x = Number(v);
        if (!Number.isSafeInteger(x))
          throw new Error(
            `readNpy: ${name}: uint64 element ${i} (${v}) is not exactly representable as float64`,
          );
        raw[i] = x;
      }
  }
  const data = h.fortranOrder && h.shape.length > 1 ? fortranToC(raw, h.shape) : raw;
  return { data, shape: h.shape, dtype: h.descr, fortranOrder: h.fortranOrder };
}

/** Reorder a Fortran-order (first index fastest) array into C order (last index fastest). */
function fortranToC(src: Float64Array, shape: number[]): Float64Array {
  const nd = shape.length;
  const out = new Float64Array(src.length);
  if (nd === 2) {
    const [r, c] = shape;
    for (let j = 0; j < c; j++) for (let i = 0; i < r; i++) out[i * c + j] = src[i + j * r];
    return out;
  }
  const fStride = new Array<number>(nd);
  let s = 1;
  for (let k = 0; k < nd; k++) {
    fStride[k] = s;
    s *= shape[k];
  }
  const idx = new Array<number>(nd).fill(0);
  for (let lin = 0; lin < src.length; lin++) {
    let off = 0;
    for (let k = 0; k < nd; k++) off += idx[k] * fStride[k];
    out[lin] = src[off];
    for (let k = nd - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

/** Read an NPY file (any supported dtype, converted to float64, C order). */
export function readNpy(file: string): NpyArray {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new Error(`readNpy: cannot read ${file}: ${(err as Error).message}`);
  }
  return decodeNpy(bytes, file);
}

function checkShape(op: string, data: ArrayLike<number>, shape: readonly number[]): void {
  let count = 1;
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0)
      throw new Error(`${op}: shape entries must be non-negative integers, got [${shape.join(", ")}]`);
    count *= s;
  }
  if (count !== data.length)
    throw new Error(
      `${op}: shape [${shape.join(", ")}] holds ${count} elements but the data have ${data.length}`,
    );
}

/** Encode float64 data (C order for `shape`) as the bytes of an NPY file (v1.0, or v2.0 for huge headers). */
export function encodeNpy(data: Float64Array | readonly number[], shape: readonly number[]): Buffer {
  checkShape("writeNpy", data, shape);
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  let major = 1;
  let pre = 10;
  let total = pre + dict.length + 1;
  let padded = Math.ceil(total / 64) * 64;
  if (padded - pre > 0xffff) {
    major = 2;
    pre = 12;
    total = pre + dict.length + 1;
    padded = Math.ceil(total / 64) * 64;
  }
  const hlen = padded - pre;
  const out = Buffer.alloc(padded + 8 * data.length);
  MAGIC.forEach((b, i) => (out[i] = b));
  out[6] = major;
  out[7] = 0;
  if (major === 1) out.writeUInt16LE(hlen, 8);
  else out.writeUInt32LE(hlen, 8);
  const header = dict + " ".repeat(hlen - dict.length - 1) + "\n";
  out.write(header, pre, "latin1");
  // Buffer.alloc gives an 8-aligned allocation of its own (not from the pool) for sizes ≥ 4 KiB;
  // write through a DataView so that alignment never matters.
  const view = new DataView(out.buffer, out.byteOffset + padded, 8 * data.length);
  for (let i = 0; i < data.length; i++) view.setFloat64(8 * i, data[i], true);
  return out;
}

/** Write float64 data (C order for `shape`) to an NPY file (little-endian '<f8'). */
export function writeNpy(
  file: string,
  data: Float64Array | readonly number[],
  shape: readonly number[],
): void {
  const bytes = encodeNpy(data, shape);
  try {
    writeFileSync(file, bytes);
  } catch (err) {
    throw new Error(`writeNpy: cannot write ${file}: ${(err as Error).message}`);
  }
}
