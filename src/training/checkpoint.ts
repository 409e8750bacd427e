/**
 * Checkpoints: the whole training state as JSON on disk (optimizer state with θ/W inside x, the
 * RNG state of stochastic methods inside the optimizer state, the objective's own state when it has
 * one, the history, the work units and wall time used). Float64Arrays are stored as base64 of
 * their little-endian bytes and non-finite numbers as tagged strings, so a round trip is exact to
 * the bit and a resumed run continues with exactly the history of an uninterrupted one.
 *
 * Files are written atomically (temporary file + rename) so an interrupt never leaves half a file.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import type { HistoryRow } from "./history.js";

export const CHECKPOINT_FORMAT = "gnvpro-checkpoint";
export const CHECKPOINT_VERSION = 1;

export interface Checkpoint<S = unknown> {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** optimizer method name (checked on resume) */
  method: string;
  /** optimizer options, for the record and for rebuilding the optimizer */
  optimizerOptions: unknown;
  state: S;
  objectiveState: unknown;
  history: HistoryRow[];
  workUnits: number;
  wallMs: number;
  budget: number;
  best: {
    iteration: number;
    workUnits: number;
    valLoss: number;
    valMetric: number | null;
    x: Float64Array;
  } | null;
  /** anything the caller wants back on resume (network spec, level, settings) */
  meta: unknown;
}

function replacer(this: unknown, _key: string, value: unknown): unknown {
  if (value instanceof Float64Array) {
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return { $f64: bytes.toString("base64") };
  }
  if (typeof value === "number" && !Number.isFinite(value)) return { $num: String(value) };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if (typeof o.$f64 === "string" && Object.keys(o).length === 1) {
      const bytes = Buffer.from(o.$f64, "base64");
      if (bytes.length % 8 !== 0)
        throw new Error("checkpoint: corrupt Float64Array (byte length not a multiple of 8)");
      const out = new Float64Array(bytes.length / 8);
      new Uint8Array(out.buffer).set(bytes);
      return out;
    }
    if (typeof o.$num === "string" && Object.keys(o).length === 1) {
      if (o.$num === "NaN") return NaN;
      if (o.$num === "Infinity") return Infinity;
      if (o.$num === "-Infinity") return -Infinity;
      throw new Error(`checkpoint: corrupt number tag ${o.$num}`);
    }
  }
  return value;
}

/** JSON text of any plain-data value with Float64Arrays and non-finite numbers, exactly. */
export function encodeState(value: unknown): string {
  return JSON.stringify(value, replacer);
}

export function decodeState(text: string): unknown {
  return JSON.parse(text, reviver);
}

export function writeCheckpoint(path: string, cp: Checkpoint): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, encodeState(cp));
  renameSync(tmp, path);
}

export function readCheckpoint<S = unknown>(path: string): Checkpoint<S> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(`readCheckpoint: cannot read ${path}: ${(e as Error).message}`);
  }
  let cp: unknown;
  try {
    cp = decodeState(text);
  } catch (e) {
    throw new Error(`readCheckpoint: ${path} is not valid checkpoint JSON: ${(e as Error).message}`);
  }
  const c = cp as Partial<Checkpoint<S>>;
  if (c === null || typeof c !== "object" || c.format !== CHECKPOINT_FORMAT)
    throw new Error(`readCheckpoint: ${path} is not a gnvpro checkpoint (format field missing)`);
  if (c.version !== CHECKPOINT_VERSION)
    throw new Error(
      `readCheckpoint: ${path} has checkpoint version ${c.version}, this gnvpro reads ${CHECKPOINT_VERSION}`,
    );
  if (!Array.isArray(c.history) || typeof c.workUnits !== "number" || c.state === undefined)
    throw new Error(`readCheckpoint: ${path} lacks history, workUnits or state`);
  return c as Checkpoint<S>;
}
