/**
 * File helpers for models and predictions: matrices read and written as NPY or CSV by the file's
 * extension (samples as rows), and atomic writes (a temporary file in the same directory, then a
 * rename), so that an error or an interruption never leaves a partial file behind.
 */
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { encodeNpy, readNpy } from "../util/npy.js";
import { formatCsv, readCsv } from "../util/csv.js";

/** A matrix as on disk: `rows` samples × `cols` values, row-major. */
export interface RowMatrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export type MatrixFormat = "npy" | "csv";

/** The format a file name asks for (".npy" or ".csv"); throws naming the file otherwise. */
export function formatOf(file: string, what: string): MatrixFormat {
  const ext = extname(file).toLowerCase();
  if (ext === ".npy") return "npy";
  if (ext === ".csv" || ext === ".txt") return "csv";
  throw new Error(`${what} ${file}: unsupported extension "${ext}" (use .npy or .csv)`);
}

/**
 * Read a matrix of samples as rows. A 1-D array (NPY of shape (n,), or a one-column CSV) is n × 1.
 * Throws naming the file when it is missing, unreadable or not 1-D/2-D.
 */
export function readMatrix(file: string, what: string): RowMatrix {
  const fmt = formatOf(file, what);
  if (!existsSync(file)) throw new Error(`${what} ${file}: file not found`);
  if (statSync(file).isDirectory()) throw new Error(`${what} ${file}: is a directory, expected a file`);
  if (fmt === "npy") {
    let a;
    try {
      a = readNpy(file);
    } catch (e) {
      throw new Error(`${what} ${file}: ${(e as Error).message.replace(/^readNpy: /, "")}`);
    }
    if (a.shape.length === 1) return { rows: a.shape[0], cols: 1, data: a.data };
    if (a.shape.length === 2) return { rows: a.shape[0], cols: a.shape[1], data: a.data };
    throw new Error(`${what} ${file}: expected a 1-D or 2-D array, got shape (${a.shape.join(", ")})`);
  }
  let t;
  try {
    t = readCsv(file);
  } catch (e) {
    throw new Error(`${what} ${file}: ${(e as Error).message.replace(/^readCsv: /, "")}`);
  }
  return { rows: t.rows, cols: t.cols, data: t.data };
}

/** Encode a row-major matrix (or a higher-dimensional array for NPY) for `file`'s format. */
export function encodeMatrix(
  file: string,
  data: Float64Array,
  shape: readonly number[],
  what: string,
): Buffer {
  const fmt = formatOf(file, what);
  if (fmt === "npy") return encodeNpy(data, shape);
  const rows = shape[0];
  const cols = shape.slice(1).reduce((a, b) => a * b, 1);
  return Buffer.from(formatCsv(data, rows, cols), "utf8");
}

/** Write bytes to `file` atomically (temporary file in the same directory, then rename). */
export function writeFileAtomic(file: string, bytes: Buffer | string): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new Error(`cannot write ${file}: ${(e as Error).message}`);
  }
}

/** Write several files so that either all of them appear or (on an error) none of the new ones. */
export function writeFilesAtomic(files: readonly { path: string; bytes: Buffer | string }[]): void {
  const tmps: string[] = [];
  try {
    for (const f of files) {
      const tmp = join(dirname(f.path), `.${basename(f.path)}.${process.pid}.tmp`);
      writeFileSync(tmp, f.bytes);
      tmps.push(tmp);
    }
  } catch (e) {
    for (const t of tmps) rmSync(t, { force: true });
    throw new Error(`cannot write ${files.map((f) => f.path).join(", ")}: ${(e as Error).message}`);
  }
  files.forEach((f, i) => renameSync(tmps[i], f.path));
}

/** Transpose a rows × cols row-major matrix into cols × rows row-major (= rows × cols column-major). */
export function transpose(data: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j];
  return out;
}
