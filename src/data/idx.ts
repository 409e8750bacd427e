/**
 * IDX files (the format of the MNIST distribution, LeCun et al.).
 *
 * Layout, all integers big-endian:
 *
 *     bytes 0–1   zero
 *     byte  2     element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
 *     byte  3     number of dimensions k (1 ≤ k)
 *     4·k bytes   the dimensions, unsigned 32-bit each (the first one varies slowest)
 *     then        the elements in row-major (C) order
 *
 * The parser checks the magic bytes, the type code, the dimensions and that the file holds exactly
 * the number of bytes the header announces (a truncated file and trailing bytes are both errors).
 * It either returns a complete array or throws an Error naming the file and the problem.
 */
import { readFileSync } from "node:fs";

export type IdxType = "uint8" | "int8" | "int16" | "int32" | "float32" | "float64";

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  type: IdxType;
  /** Dimensions, slowest-varying first (MNIST images: [n, 28, 28]). */
  dims: number[];
  /** The elements in row-major order (a fresh array, not a view of the file). */
  data: IdxData;
}

const TYPES: Record<number, { type: IdxType; size: number }> = {
  0x08: { type: "uint8", size: 1 },
  0x09: { type: "int8", size: 1 },
  0x0b: { type: "int16", size: 2 },
  0x0c: { type: "int32", size: 4 },
  0x0d: { type: "float32", size: 4 },
  0x0e: { type: "float64", size: 8 },
};

/** Largest number of dimensions accepted (the format allows 255; no real file has more than a few). */
export const IDX_MAX_DIMS = 16;

/** Parse an IDX file held in memory. `where` names the file in error messages. */
export function parseIdx(buf: Uint8Array, where = "<IDX buffer>"): IdxArray {
  const fail = (msg: string): never => {
    throw new Error(`IDX ${where}: ${msg}`);
  };
  if (buf.length < 4) fail(`file too short (${buf.length} bytes) for the 4-byte magic number`);
  if (buf[0] !== 0 || buf[1] !== 0)
    fail(
      `bad magic number 0x${hex2(buf[0])}${hex2(buf[1])}${hex2(buf[2])}${hex2(buf[3])} (must start with two zero bytes)`,
    );
  const t = TYPES[buf[2]];
  if (t === undefined) fail(`unsupported element type code 0x${hex2(buf[2])}`);
  const k = buf[3];
  if (k < 1 || k > IDX_MAX_DIMS)
    fail(`unsupported number of dimensions ${k} (expected 1 to ${IDX_MAX_DIMS})`);
  const headerBytes = 4 + 4 * k;
  if (buf.length < headerBytes)
    fail(`truncated header: ${k} dimensions need ${headerBytes} bytes, the file has ${buf.length}`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < k; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    count *= d;
  }
  const expected = headerBytes + count * t.size;
  if (buf.length !== expected) {
    const what = buf.length < expected ? "truncated" : "inconsistent size";
    fail(
      `${what}: header announces dims [${dims.join(", ")}] of ${t.type} = ${expected} bytes, the file has ${buf.length}`,
    );
  }
  const body = buf.subarray(headerBytes);
  let data: IdxData;
  switch (t.type) {
    case "uint8":
      data = body.slice();
      break;
    case "int8":
      data = new Int8Array(body.slice().buffer);
      break;
    default: {
      const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
      if (t.type === "int16") {
        const a = new Int16Array(count);
        for (let i = 0; i < count; i++) a[i] = dv.getInt16(2 * i, false);
        data = a;
      } else if (t.type === "int32") {
        const a = new Int32Array(count);
        for (let i = 0; i < count; i++) a[i] = dv.getInt32(4 * i, false);
        data = a;
      } else if (t.type === "float32") {
        const a = new Float32Array(count);
        for (let i = 0; i < count; i++) a[i] = dv.getFloat32(4 * i, false);
        data = a;
      } else {
        const a = new Float64Array(count);
        for (let i = 0; i < count; i++) a[i] = dv.getFloat64(8 * i, false);
        data = a;
      }
    }
  }
  return { type: t.type, dims, data };
}

/** Read and parse an IDX file. */
export function readIdxFile(path: string): IdxArray {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    throw new Error(`IDX ${path}: cannot read file (${(err as Error).message})`);
  }
  return parseIdx(buf, path);
}

/** Encode an array as an IDX file (big-endian, as the format requires). */
export function encodeIdx(arr: IdxArray): Uint8Array {
  const code = Number(Object.keys(TYPES).find((c) => TYPES[Number(c)].type === arr.type));
  const size = TYPES[code].size;
  const k = arr.dims.length;
  if (k < 1 || k > IDX_MAX_DIMS)
    throw new Error(`encodeIdx: ${k} dimensions (expected 1 to ${IDX_MAX_DIMS})`);
  const count = arr.dims.reduce((a, b) => a * b, 1);
  if (arr.data.length !== count)
    throw new Error(
      `encodeIdx: dims [${arr.dims.join(", ")}] need ${count} elements, got ${arr.data.length}`,
    );
  const out = new Uint8Array(4 + 4 * k + count * size);
  const dv = new DataView(out.buffer);
  out[2] = code;
  out[3] = k;
  arr.dims.forEach((d, i) => dv.setUint32(4 + 4 * i, d, false));
  const o = 4 + 4 * k;
  for (let i = 0; i < count; i++) {
    const v = arr.data[i];
    switch (arr.type) {
      case "uint8":
        dv.setUint8(o + i, v);
        break;
      case "int8":
        dv.setInt8(o + i, v);
        break;
      case "int16":
        dv.setInt16(o + 2 * i, v, false);
        break;
      case "int32":
        dv.setInt32(o + 4 * i, v, false);
        break;
      case "float32":
        dv.setFloat32(o + 4 * i, v, false);
        break;
      case "float64":
        dv.setFloat64(o + 8 * i, v, false);
        break;
    }
  }
  return out;
}

function hex2(b: number | undefined): string {
  return (b ?? 0).toString(16).padStart(2, "0");
}
