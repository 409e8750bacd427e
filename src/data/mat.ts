/**
 * A reader for MATLAB level-5 MAT-files (the format of `save -v6` and `save -v7`, compressed or
 * not), enough for numeric arrays such as the Indian Pines scene. Written on node:zlib; the npm
 * reader `mat-for-js` was considered and not used (GPL-3.0 licence, a single release).
 *
 * Format (MathWorks, "MAT-File Format", level 5):
 *
 *  - a 128-byte header: 116 bytes of text, 8 bytes subsystem offset, a 16-bit version (0x0100) and
 *    the endian indicator, the characters "MI" written as a 16-bit integer: the bytes read "IM" in
 *    a little-endian file and "MI" in a big-endian one. A v7.3 file (version 0x0200) is HDF5 and
 *    is rejected with a "re-save with -v7" error.
 *  - then data elements, each an 8-byte tag (32-bit type, 32-bit byte count) and its data padded to
 *    a multiple of 8 bytes; the "small element" form packs a count ≤ 4 into the upper 16 bits of the
 *    type word and the data into the tag's second word. Top-level elements are miMATRIX (14) or
 *    miCOMPRESSED (15: a zlib stream holding one miMATRIX element, not padded).
 *  - miMATRIX: sub-elements array flags (miUINT32 ×2: class in the low byte, complex 0x800,
 *    global 0x400, logical 0x200), dimensions (miINT32, ≥ 2), name (miINT8), the real part and, if
 *    complex, the imaginary part, in column-major order. The storage type of the values may be
 *    narrower than the array's class (MATLAB stores a double array of small integers as miUINT8).
 *
 * Numeric and char arrays are decoded to float64 (64-bit integers beyond 2^53 lose precision);
 * cell, struct, object, sparse and function arrays are listed with their name and class but not
 * decoded. Every size is checked against the bytes present: the parser returns the complete file
 * or throws an Error naming the file and the problem.
 */
import { readFileSync } from "node:fs";
import { inflateSync } from "node:zlib";

export type MatClass =
  | "cell"
  | "struct"
  | "object"
  | "char"
  | "sparse"
  | "double"
  | "single"
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "function"
  | "opaque";

const CLASS_NAMES: Record<number, MatClass> = {
  1: "cell",
  2: "struct",
  3: "object",
  4: "char",
  5: "sparse",
  6: "double",
  7: "single",
  8: "int8",
  9: "uint8",
  10: "int16",
  11: "uint16",
  12: "int32",
  13: "uint32",
  14: "int64",
  15: "uint64",
  16: "function",
  17: "opaque",
};

/** Element type codes (miINT8 … miUTF32). */
export const MI = {
  INT8: 1,
  UINT8: 2,
  INT16: 3,
  UINT16: 4,
  INT32: 5,
  UINT32: 6,
  SINGLE: 7,
  DOUBLE: 9,
  INT64: 12,
  UINT64: 13,
  MATRIX: 14,
  COMPRESSED: 15,
  UTF8: 16,
  UTF16: 17,
  UTF32: 18,
} as const;

/** Byte size of each numeric element type. */
const MI_SIZE: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 2,
  5: 4,
  6: 4,
  7: 4,
  9: 8,
  12: 8,
  13: 8,
  16: 1,
  17: 2,
  18: 4,
};

export interface MatVariable {
  name: string;
  className: MatClass;
  /** MATLAB dimensions (at least 2). */
  dims: number[];
  /** Values in MATLAB's column-major order as float64; null for classes not decoded. */
  data: Float64Array | null;
  /** Imaginary part of a complex array. */
  imag: Float64Array | null;
  logical: boolean;
}

export interface MatFile {
  /** The header's descriptive text. */
  header: string;
  littleEndian: boolean;
  variables: MatVariable[];
}

export interface MatParseOptions {
  /** Largest decompressed size of one compressed element, in bytes (default 1 GiB). */
  maxInflatedBytes?: number;
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const V73_MESSAGE =
  "MATLAB v7.3 (HDF5) MAT-files are not supported; re-save it in MATLAB with save(file, ..., '-v7')";

/** Parse a level-5 MAT-file held in memory. `where` names the file in error messages. */
export function parseMat(buf: Uint8Array, where = "<MAT buffer>", opts: MatParseOptions = {}): MatFile {
  const fail = (msg: string): never => {
    throw new Error(`MAT ${where}: ${msg}`);
  };
  const maxInflated = opts.maxInflatedBytes ?? 1 << 30;
  if (startsWith(buf, 0, HDF5_SIGNATURE) || startsWith(buf, 512, HDF5_SIGNATURE)) fail(V73_MESSAGE);
  if (buf.length < 128) fail(`file too short (${buf.length} bytes) for the 128-byte level-5 header`);
  const e0 = buf[126];
  const e1 = buf[127];
  let little: boolean;
  if (e0 === 0x49 && e1 === 0x4d) little = true;
  else if (e0 === 0x4d && e1 === 0x49) little = false;
  else
    return fail(
      "not a MATLAB level-5 MAT-file (no 'MI' endian indicator at bytes 126–127; level-4 and other formats are not supported)",
    );
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const version = dv.getUint16(124, little);
  if (version === 0x0200) fail(V73_MESSAGE);
  if (version !== 0x0100) fail(`unsupported MAT-file version 0x${version.toString(16).padStart(4, "0")}`);
  let header = "";
  for (let i = 0; i < 116 && buf[i] !== 0; i++) header += String.fromCharCode(buf[i]);
  header = header.trimEnd();

  const variables: MatVariable[] = [];
  let pos = 128;
  while (pos < buf.length) {
    const rest = buf.length - pos;
    if (rest < 8) {
      if (buf.subarray(pos).every((b) => b === 0)) break; // zero padding after the last element
      fail(`truncated data element tag at byte ${pos} (${rest} bytes left)`);
    }
    const word = dv.getUint32(pos, little);
    if (word >>> 16 !== 0)
      fail(`unexpected small data element (type ${word & 0xffff}) at top level, byte ${pos}`);
    const type = word;
    const nbytes = dv.getUint32(pos + 4, little);
    const end = pos + 8 + nbytes;
    if (end > buf.length)
      fail(
        `truncated: element at byte ${pos} announces ${nbytes} bytes, only ${buf.length - pos - 8} remain`,
      );
    if (type === MI.MATRIX) {
      variables.push(parseMatrix(buf.subarray(pos + 8, end), little, `${where}, element at byte ${pos}`));
      pos = end + pad8(nbytes);
      if (pos > buf.length) pos = buf.length; // a missing final pad is harmless
    } else if (type === MI.COMPRESSED) {
      let inflated: Buffer;
      try {
        inflated = inflateSync(buf.subarray(pos + 8, end), { maxOutputLength: maxInflated });
      } catch (err) {
        const m = (err as Error).message;
        return fail(
          /Cannot create a Buffer larger|maxOutputLength|output length/i.test(m)
            ? `compressed element at byte ${pos} inflates to more than ${maxInflated} bytes`
            : `compressed element at byte ${pos} is not a valid zlib stream (${m})`,
        );
      }
      const where2 = `${where}, compressed element at byte ${pos}`;
      if (inflated.length < 8)
        fail(`compressed element at byte ${pos} inflates to ${inflated.length} bytes, no tag`);
      const idv = new DataView(inflated.buffer, inflated.byteOffset, inflated.byteLength);
      const itype = idv.getUint32(0, little);
      const inb = idv.getUint32(4, little);
      if (itype !== MI.MATRIX)
        fail(`compressed element at byte ${pos} holds element type ${itype}, expected miMATRIX (14)`);
      if (8 + inb > inflated.length)
        fail(
          `compressed element at byte ${pos}: inner element announces ${inb} bytes, only ${inflated.length - 8} inflated`,
        );
      if (inflated.length > 8 + inb + pad8(inb))
        fail(
          `compressed element at byte ${pos}: ${inflated.length - 8 - inb} unexpected bytes after the inner element`,
        );
      variables.push(parseMatrix(inflated.subarray(8, 8 + inb), little, where2));
      pos = end;
      // Compressed elements are not padded; tolerate writers that pad them with zeros anyway.
      const aligned = pos + pad8(pos);
      if (
        aligned !== pos &&
        aligned + 8 <= buf.length &&
        buf.subarray(pos, aligned).every((b) => b === 0) &&
        !isTopLevelTag(dv, pos, little) &&
        isTopLevelTag(dv, aligned, little)
      )
        pos = aligned;
    } else {
      fail(
        `unexpected data element type ${type} at top level, byte ${pos} (expected miMATRIX or miCOMPRESSED)`,
      );
    }
  }
  return { header, littleEndian: little, variables };
}

/** Read and parse a level-5 MAT-file. */
export function readMatFile(path: string, opts: MatParseOptions = {}): MatFile {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    throw new Error(`MAT ${path}: cannot read file (${(err as Error).message})`);
  }
  return parseMat(buf, path, opts);
}

interface Sub {
  type: number;
  data: Uint8Array;
  next: number;
}

/** Read the sub-element at `pos` of `buf` (normal or small form). */
function readSub(
  buf: Uint8Array,
  pos: number,
  little: boolean,
  what: string,
  fail: (m: string) => never,
): Sub {
  if (pos + 8 > buf.length) fail(`truncated array: no room for the ${what} tag`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const word = dv.getUint32(pos, little);
  const small = word >>> 16;
  if (small !== 0) {
    if (small > 4) fail(`bad small-element byte count ${small} in the ${what}`);
    return { type: word & 0xffff, data: buf.subarray(pos + 4, pos + 4 + small), next: pos + 8 };
  }
  const nbytes = dv.getUint32(pos + 4, little);
  const end = pos + 8 + nbytes;
  if (end > buf.length)
    fail(`truncated array: the ${what} announces ${nbytes} bytes, only ${buf.length - pos - 8} remain`);
  return { type: word, data: buf.subarray(pos + 8, end), next: Math.min(end + pad8(nbytes), buf.length) };
}

function parseMatrix(body: Uint8Array, little: boolean, where: string): MatVariable {
  const fail = (msg: string): never => {
    throw new Error(`MAT ${where}: ${msg}`);
  };
  if (body.length === 0) fail("empty miMATRIX element");
  const flagsEl = readSub(body, 0, little, "array flags", fail);
  if (flagsEl.type !== MI.UINT32 || flagsEl.data.length !== 8)
    fail(`array flags must be 8 bytes of miUINT32, got type ${flagsEl.type} of ${flagsEl.data.length} bytes`);
  const fdv = view(flagsEl.data);
  const flags = fdv.getUint32(0, little);
  const classCode = flags & 0xff;
  const className = CLASS_NAMES[classCode];
  if (className === undefined) fail(`unknown array class code ${classCode}`);
  const complex = (flags & 0x800) !== 0;
  const logical = (flags & 0x200) !== 0;
  if (className === "opaque") return { name: "", className, dims: [], data: null, imag: null, logical };

  const dimsEl = readSub(body, flagsEl.next, little, "dimensions", fail);
  if (dimsEl.type !== MI.INT32 || dimsEl.data.length % 4 !== 0 || dimsEl.data.length < 8)
    fail(
      `dimensions must be at least two miINT32 values, got type ${dimsEl.type} of ${dimsEl.data.length} bytes`,
    );
  const ddv = view(dimsEl.data);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < dimsEl.data.length / 4; i++) {
    const d = ddv.getInt32(4 * i, little);
    if (d < 0) fail(`negative dimension ${d}`);
    dims.push(d);
    count *= d;
  }
  const nameEl = readSub(body, dimsEl.next, little, "array name", fail);
  if (nameEl.type !== MI.INT8 && nameEl.type !== MI.UINT8 && nameEl.type !== MI.UTF8)
    fail(`array name must be miINT8 text, got type ${nameEl.type}`);
  let name = "";
  for (const b of nameEl.data) {
    if (b < 0x20 || b > 0x7e) fail("array name holds a non-printable byte");
    name += String.fromCharCode(b);
  }
  const numeric = className !== "cell" && className !== "struct" && className !== "object";
  if (!numeric || className === "sparse" || className === "function")
    return { name, className, dims, data: null, imag: null, logical };

  const at = `variable '${name}' (${className} [${dims.join("×")}])`;
  const realEl = readSub(body, nameEl.next, little, `real part of ${at}`, fail);
  const data = decodeNumeric(realEl, count, little, `real part of ${at}`, fail);
  let imag: Float64Array | null = null;
  let next = realEl.next;
  if (complex) {
    const imEl = readSub(body, next, little, `imaginary part of ${at}`, fail);
    imag = decodeNumeric(imEl, count, little, `imaginary part of ${at}`, fail);
    next = imEl.next;
  }
  if (next < body.length) fail(`${body.length - next} unexpected bytes after the data of ${at}`);
  return { name, className, dims, data, imag, logical };
}

function decodeNumeric(
  el: Sub,
  count: number,
  little: boolean,
  what: string,
  fail: (m: string) => never,
): Float64Array {
  const size = MI_SIZE[el.type];
  if (size === undefined) fail(`unsupported storage type ${el.type} for the ${what}`);
  if (el.data.length !== count * size)
    fail(
      `inconsistent size: the ${what} needs ${count} values (${count * size} bytes of type ${el.type}), got ${el.data.length} bytes`,
    );
  const dv = view(el.data);
  const out = new Float64Array(count);
  switch (el.type) {
    case MI.INT8:
      for (let i = 0; i < count; i++) out[i] = dv.getInt8(i);
      break;
    case MI.UINT8:
    case MI.UTF8:
      for (let i = 0; i < count; i++) out[i] = dv.getUint8(i);
      break;
    case MI.INT16:
      for (let i = 0; i < count; i++) out[i] = dv.getInt16(2 * i, little);
      break;
    case MI.UINT16:
    case MI.UTF16:
      for (let i = 0; i < count; i++) out[i] = dv.getUint16(2 * i, little);
      break;
    case MI.INT32:
      for (let i = 0; i < count; i++) out[i] = dv.getInt32(4 * i, little);
      break;
    case MI.UINT32:
    case MI.UTF32:
      for (let i = 0; i < count; i++) out[i] = dv.getUint32(4 * i, little);
      break;
    case MI.SINGLE:
      for (let i = 0; i < count; i++) out[i] = dv.getFloat32(4 * i, little);
      break;
    case MI.DOUBLE:
      for (let i = 0; i < count; i++) out[i] = dv.getFloat64(8 * i, little);
      break;
    case MI.INT64:
      for (let i = 0; i < count; i++) out[i] = Number(dv.getBigInt64(8 * i, little));
      break;
    case MI.UINT64:
      for (let i = 0; i < count; i++) out[i] = Number(dv.getBigUint64(8 * i, little));
      break;
  }
  return out;
}

/**
 * The numeric variable `name` of a parsed MAT-file, with an error naming the file, the variable and
 * what is wrong when it is missing, not numeric or complex.
 */
export function matNumeric(file: MatFile, name: string, where: string): MatVariable & { data: Float64Array } {
  const v = file.variables.find((x) => x.name === name);
  if (v === undefined) {
    const names = file.variables.map((x) => `'${x.name}' (${x.className})`).join(", ") || "none";
    throw new Error(`MAT ${where}: no variable '${name}' (variables: ${names})`);
  }
  if (v.data === null || v.className === "char")
    throw new Error(`MAT ${where}: variable '${name}' is a ${v.className} array, expected a numeric array`);
  if (v.imag !== null) throw new Error(`MAT ${where}: variable '${name}' is complex, expected a real array`);
  return v as MatVariable & { data: Float64Array };
}

function isTopLevelTag(dv: DataView, pos: number, little: boolean): boolean {
  if (pos + 8 > dv.byteLength) return false;
  const t = dv.getUint32(pos, little);
  return t === MI.MATRIX || t === MI.COMPRESSED;
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function pad8(n: number): number {
  return (8 - (n % 8)) % 8;
}

function startsWith(buf: Uint8Array, at: number, sig: number[]): boolean {
  if (buf.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (buf[at + i] !== sig[i]) return false;
  return true;
}
