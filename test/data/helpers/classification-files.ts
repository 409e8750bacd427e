/**
 * Writers of small test files in the exact on-disk formats, written independently of the readers:
 * MATLAB level-5 MAT-files (both byte orders, compressed or not, small-element names, values
 * stored in a narrower type than the array class as MATLAB does), and CIFAR-10 binary batches.
 */
import { deflateSync } from "node:zlib";

/** miXXX element type codes (MathWorks MAT-file format, table 1-1). */
export const miINT8 = 1;
export const miUINT8 = 2;
export const miINT16 = 3;
export const miUINT16 = 4;
export const miINT32 = 5;
export const miUINT32 = 6;
export const miSINGLE = 7;
export const miDOUBLE = 9;
export const miINT64 = 12;
export const miUINT64 = 13;
export const miMATRIX = 14;
export const miCOMPRESSED = 15;

/** mxXXX array class codes. */
export const mxCELL = 1;
export const mxSTRUCT = 2;
export const mxCHAR = 4;
export const mxDOUBLE = 6;
export const mxSINGLE = 7;
export const mxINT8 = 8;
export const mxUINT8 = 9;
export const mxINT16 = 10;
export const mxUINT16 = 11;
export const mxINT32 = 12;

export interface MatVarSpec {
  name: string;
  /** mx class code */
  cls: number;
  dims: number[];
  /** mi storage type of the values */
  storage: number;
  /** values in column-major order */
  values: number[];
  imag?: number[];
  logical?: boolean;
  /** raw payload after the name instead of values (cell/struct contents) */
  rawAfterName?: Uint8Array;
}

export interface MatFileSpec {
  little?: boolean;
  compress?: boolean;
  headerText?: string;
  /** version word (0x0100 for level 5, 0x0200 marks v7.3) */
  version?: number;
}

const SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8 };

function encodeValues(type: number, values: number[], little: boolean): Uint8Array {
  const size = SIZE[type];
  const out = new Uint8Array(values.length * size);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => {
    const o = i * size;
    switch (type) {
      case miINT8:
        dv.setInt8(o, v);
        break;
      case miUINT8:
        dv.setUint8(o, v);
        break;
      case miINT16:
        dv.setInt16(o, v, little);
        break;
      case miUINT16:
        dv.setUint16(o, v, little);
        break;
      case miINT32:
        dv.setInt32(o, v, little);
        break;
      case miUINT32:
        dv.setUint32(o, v, little);
        break;
      case miSINGLE:
        dv.setFloat32(o, v, little);
        break;
      case miDOUBLE:
        dv.setFloat64(o, v, little);
        break;
      case miINT64:
        dv.setBigInt64(o, BigInt(v), little);
        break;
      case miUINT64:
        dv.setBigUint64(o, BigInt(v), little);
        break;
      default:
        throw new Error(`test writer: storage type ${type}`);
    }
  });
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** One data element: small form when the payload has at most 4 bytes and `small` is allowed. */
export function element(
  type: number,
  payload: Uint8Array,
  little: boolean,
  small = true,
  pad = true,
): Uint8Array {
  if (small && payload.length <= 4) {
    const out = new Uint8Array(8);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, ((payload.length << 16) | type) >>> 0, little);
    out.set(payload, 4);
    return out;
  }
  const padLen = pad ? (8 - (payload.length % 8)) % 8 : 0;
  const out = new Uint8Array(8 + payload.length + padLen);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, type, little);
  dv.setUint32(4, payload.length, little);
  out.set(payload, 8);
  return out;
}

/** The miMATRIX element of one variable (uncompressed). */
export function matrixElement(v: MatVarSpec, little: boolean): Uint8Array {
  const flags = new Uint8Array(8);
  const fdv = new DataView(flags.buffer);
  let word = v.cls;
  if (v.imag !== undefined) word |= 0x800;
  if (v.logical) word |= 0x200;
  fdv.setUint32(0, word, little);
  const name = new Uint8Array(Array.from(v.name, (ch) => ch.charCodeAt(0)));
  const parts = [
    element(miUINT32, flags, little, false),
    element(miINT32, encodeValues(miINT32, v.dims, little), little, false),
    element(miINT8, name, little),
  ];
  if (v.rawAfterName !== undefined) parts.push(v.rawAfterName);
  else {
    parts.push(element(v.storage, encodeValues(v.storage, v.values, little), little));
    if (v.imag !== undefined) parts.push(element(v.storage, encodeValues(v.storage, v.imag, little), little));
  }
  return element(miMATRIX, concat(parts), little, false);
}

/** The 128-byte level-5 header. */
export function matHeader(opts: MatFileSpec = {}): Uint8Array {
  const little = opts.little ?? true;
  const h = new Uint8Array(128).fill(0x20);
  const text =
    opts.headerText ?? "MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: Thu Jan  1 00:00:00 2026";
  for (let i = 0; i < text.length && i < 116; i++) h[i] = text.charCodeAt(i);
  h.fill(0, 116, 124); // subsystem data offset: none
  const dv = new DataView(h.buffer);
  dv.setUint16(124, opts.version ?? 0x0100, little);
  // endian indicator: 'M' 'I' written as one 16-bit integer
  dv.setUint16(126, (0x4d << 8) | 0x49, little);
  return h;
}

/** A complete level-5 MAT-file holding `vars`. */
export function matFile(vars: MatVarSpec[], opts: MatFileSpec = {}): Uint8Array {
  const little = opts.little ?? true;
  const parts = [matHeader(opts)];
  for (const v of vars) {
    const m = matrixElement(v, little);
    if (opts.compress) parts.push(element(miCOMPRESSED, deflateSync(m), little, false, false));
    else parts.push(m);
  }
  return concat(parts);
}

/** A CIFAR-10 binary batch: for each image, its label byte then its 3072 pixel bytes. */
export function cifarBatch(
  labels: number[],
  pixel: (img: number, channel: number, row: number, col: number) => number,
): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((lab, j) => {
    const o = j * 3073;
    out[o] = lab;
    for (let ch = 0; ch < 3; ch++)
      for (let r = 0; r < 32; r++)
        for (let c = 0; c < 32; c++) out[o + 1 + ch * 1024 + r * 32 + c] = pixel(j, ch, r, c);
  });
  return out;
}
