/**
 * Generated data sets on disk: Y.npy and C.npy (float64, little-endian, samples as rows) and
 * manifest.json recording the generator, its version, every parameter, the seed, the shapes, the
 * SHA-256 of each array file, the timing and the backend.
 *
 * Cache: the manifest's `cacheKey` is the SHA-256 of the canonical JSON of (generator, generator
 * version, parameters, n, seed) — everything that determines the arrays. Generating into a
 * directory whose manifest has the same key and whose files still match their recorded hashes
 * does nothing (use `force` to regenerate). `cachedDir(root, ...)` names a directory per key, so
 * callers that only need "this data set" can share one cache root.
 *
 * Every parameter is validated before anything is written; the arrays are written to temporary
 * files and renamed, the manifest last, so an interrupted run never leaves a manifest describing
 * missing or partial arrays.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { kernels } from "../kernels/index.js";
import { encodeNpy } from "../util/npy.js";
import { VERSION } from "../version.js";
import { getGenerator, type GenerateContext, type Json } from "./registry.js";

export const MANIFEST_FORMAT = "gnvpro-data/1";

export interface FileRecord {
  sha256: string;
  bytes: number;
  /** Shape as stored: [n, d] (samples as rows). */
  shape: number[];
}

export interface Manifest {
  format: string;
  generator: string;
  generatorVersion: string;
  gnvproVersion: string;
  n: number;
  seed: number;
  params: { [key: string]: Json };
  cacheKey: string;
  /** Y is d_in per sample, C is q per sample. */
  d: number;
  q: number;
  layout: string;
  files: { [name: string]: FileRecord };
  /** threads: BLAS threads of the main thread; workers: threads solving samples (each with one BLAS thread). */
  timing: { seconds: number; backend: string; threads: number; workers: number };
  info: { [key: string]: Json };
  created: string;
}

/** JSON with object keys sorted at every level: a stable text for hashing. */
export function canonicalJson(v: Json): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(",")}}`;
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function cacheKey(
  generator: string,
  generatorVersion: string,
  params: { [key: string]: Json },
  n: number,
  seed: number,
): string {
  return sha256(canonicalJson({ generator, generatorVersion, params, n, seed }));
}

/** `root/<generator>-<first 16 hex digits of the key>`. */
export function cachedDir(root: string, generator: string, key: string): string {
  return join(root, `${generator}-${key.slice(0, 16)}`);
}

/** Read and minimally check a manifest; throws naming the file. */
export function readManifest(dir: string): Manifest {
  const file = join(dir, "manifest.json");
  let m: unknown;
  try {
    m = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`readManifest: cannot read ${file}: ${(err as Error).message}`);
  }
  const o = m as Partial<Manifest>;
  if (typeof o !== "object" || o === null || typeof o.generator !== "string" || typeof o.files !== "object")
    throw new Error(`readManifest: ${file} is not a gnvpro data manifest`);
  return o as Manifest;
}

/** True when `dir` holds a manifest with this key and every file matches its recorded hash. */
export function isUpToDate(dir: string, key: string): boolean {
  if (!existsSync(join(dir, "manifest.json"))) return false;
  let m: Manifest;
  try {
    m = readManifest(dir);
  } catch {
    return false;
  }
  if (m.cacheKey !== key || m.format !== MANIFEST_FORMAT) return false;
  for (const [name, rec] of Object.entries(m.files)) {
    const f = join(dir, name);
    if (!existsSync(f) || statSync(f).size !== rec.bytes) return false;
    if (sha256(readFileSync(f)) !== rec.sha256) return false;
  }
  return true;
}

function writeAtomic(file: string, bytes: Uint8Array | string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new Error(`cannot write ${file}: ${(err as Error).message}`);
  }
}

export interface GenerateOptions {
  generator: string;
  /** Output directory (created if missing). */
  out: string;
  /** Number of samples (default: the generator's). */
  n?: number;
  seed?: number;
  /** Parameter overrides (validated by the generator). */
  params?: { [key: string]: unknown };
  /** Regenerate even when `out` is up to date. */
  force?: boolean;
  onProgress?: GenerateContext["onProgress"];
}

export interface GenerateResult {
  dir: string;
  manifest: Manifest;
  /** True when nothing was generated because `out` was up to date. */
  cached: boolean;
}

/** Validate the request and return the resolved parameters and cache key; writes nothing. */
export function planDataset(opts: GenerateOptions): {
  params: { [key: string]: Json };
  n: number;
  seed: number;
  key: string;
} {
  const gen = getGenerator(opts.generator);
  const n = opts.n ?? gen.defaultN;
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${gen.name}: the number of samples must be a positive integer, got ${n}`);
  const seed = opts.seed ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new Error(`${gen.name}: the seed must be a non-negative integer, got ${seed}`);
  const params = gen.resolveParams(opts.params ?? {});
  return { params, n, seed, key: cacheKey(gen.name, gen.version, params, n, seed) };
}

/** Generate a data set into `opts.out` unless it is already there (see the file comment). */
export async function generateDataset(opts: GenerateOptions): Promise<GenerateResult> {
  const gen = getGenerator(opts.generator);
  const { params, n, seed, key } = planDataset(opts);
  if (existsSync(opts.out) && !statSync(opts.out).isDirectory())
    throw new Error(`${gen.name}: output ${opts.out} exists and is not a directory`);
  if (!opts.force && isUpToDate(opts.out, key))
    return { dir: opts.out, manifest: readManifest(opts.out), cached: true };

  const t0 = performance.now();
  const set = await gen.generate(params, n, seed, { onProgress: opts.onProgress });
  const seconds = (performance.now() - t0) / 1000;
  if (set.n !== n || set.Y.length !== set.d * n || set.C.length !== set.q * n)
    throw new Error(
      `${gen.name}: generator returned inconsistent shapes (n ${set.n}, d ${set.d}, q ${set.q})`,
    );
  // Column-major d×n is row-major n×d: the NPY files hold samples as rows without a transpose.
  const yBytes = encodeNpy(set.Y, [n, set.d]);
  const cBytes = encodeNpy(set.C, [n, set.q]);
  const k = kernels();
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    generator: gen.name,
    generatorVersion: gen.version,
    gnvproVersion: VERSION,
    n,
    seed,
    params,
    cacheKey: key,
    d: set.d,
    q: set.q,
    layout: "Y.npy: n×d inputs, C.npy: n×q targets; float64 little-endian, C order, one sample per row",
    files: {
      "Y.npy": { sha256: sha256(yBytes), bytes: yBytes.length, shape: [n, set.d] },
      "C.npy": { sha256: sha256(cBytes), bytes: cBytes.length, shape: [n, set.q] },
    },
    timing: { seconds, backend: k.name, threads: k.info().threads, workers: set.workers ?? 1 },
    info: set.info ?? {},
    created: new Date().toISOString(),
  };
  mkdirSync(opts.out, { recursive: true });
  // Remove a stale manifest first so that a crash between the writes cannot leave it describing new files.
  rmSync(join(opts.out, "manifest.json"), { force: true });
  writeAtomic(join(opts.out, "Y.npy"), yBytes);
  writeAtomic(join(opts.out, "C.npy"), cBytes);
  writeAtomic(join(opts.out, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  return { dir: opts.out, manifest, cached: false };
}

/** Generate (or reuse) a data set under a shared cache root; returns its directory. */
export async function ensureCachedDataset(
  root: string,
  opts: Omit<GenerateOptions, "out">,
): Promise<GenerateResult> {
  const gen = getGenerator(opts.generator);
  const { key } = planDataset({ ...opts, out: root });
  return generateDataset({ ...opts, out: cachedDir(root, gen.name, key) });
}
