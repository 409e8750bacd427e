/**
 * A data set in memory: inputs Y (d×n) and targets C (q×n), column-major, samples as columns,
 * plus the manifest when it came from `gnvpro data generate`.
 *
 * On disk (Y.npy, C.npy) samples are rows; an n×d C-order array is exactly the column-major d×n
 * matrix, so loading needs no transpose (readNpy already converts Fortran-order files).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readNpy } from "../util/npy.js";
import { readManifest, type Manifest } from "./manifest.js";

export interface Dataset {
  /** Generator name from the manifest, or "unknown". */
  name: string;
  d: number;
  q: number;
  n: number;
  /** d×n, column-major. */
  Y: Float64Array;
  /** q×n, column-major. */
  C: Float64Array;
  manifest: Manifest | null;
  dir: string | null;
}

function asRows(file: string, shape: number[], what: string): { rows: number; cols: number } {
  if (shape.length === 1) return { rows: shape[0], cols: 1 };
  if (shape.length === 2) return { rows: shape[0], cols: shape[1] };
  throw new Error(
    `loadDataset: ${file}: ${what} must be 1-D or 2-D (samples as rows), got shape (${shape.join(", ")})`,
  );
}

/** Load Y.npy, C.npy and (if present) manifest.json from a directory. */
export function loadDataset(dir: string): Dataset {
  if (!existsSync(dir)) throw new Error(`loadDataset: directory ${dir} does not exist`);
  const fy = join(dir, "Y.npy");
  const fc = join(dir, "C.npy");
  for (const f of [fy, fc]) if (!existsSync(f)) throw new Error(`loadDataset: missing ${f}`);
  const manifest = existsSync(join(dir, "manifest.json")) ? readManifest(dir) : null;
  const y = readNpy(fy);
  const c = readNpy(fc);
  const ys = asRows(fy, y.shape, "Y");
  const cs = asRows(fc, c.shape, "C");
  if (ys.rows !== cs.rows)
    throw new Error(`loadDataset: ${fy} has ${ys.rows} samples (rows) but ${fc} has ${cs.rows}`);
  if (manifest !== null && (manifest.n !== ys.rows || manifest.d !== ys.cols || manifest.q !== cs.cols))
    throw new Error(
      `loadDataset: ${join(dir, "manifest.json")} describes n ${manifest.n}, d ${manifest.d}, q ${manifest.q} but the files hold n ${ys.rows}, d ${ys.cols}, q ${cs.cols}`,
    );
  return {
    name: manifest?.generator ?? "unknown",
    d: ys.cols,
    q: cs.cols,
    n: ys.rows,
    Y: y.data,
    C: c.data,
    manifest,
    dir,
  };
}

/** Column i of a d×n matrix as a view. */
export function column(A: Float64Array, rows: number, i: number): Float64Array {
  return A.subarray(i * rows, (i + 1) * rows);
}

/** The data set restricted to the given samples (copies). */
export function subset(ds: Dataset, idx: ArrayLike<number>): Dataset {
  const m = idx.length;
  const Y = new Float64Array(ds.d * m);
  const C = new Float64Array(ds.q * m);
  for (let k = 0; k < m; k++) {
    const j = idx[k];
    if (!Number.isInteger(j) || j < 0 || j >= ds.n)
      throw new Error(`subset: sample index ${j} out of range 0..${ds.n - 1}`);
    Y.set(column(ds.Y, ds.d, j), k * ds.d);
    C.set(column(ds.C, ds.q, j), k * ds.q);
  }
  return { ...ds, n: m, Y, C };
}
