/**
 * Backend selection, once per process at the first call of kernels():
 * - GNVPRO_BACKEND=js → the pure-TypeScript kernels; GNVPRO_BACKEND=native → the OpenBLAS addon, and a
 *   clear error if it cannot be loaded; unset → native when the addon loads, else js with one notice
 *   on stderr.
 * - GNVPRO_THREADS=n sets the BLAS threads (default DEFAULT_THREADS, the fastest in our measurements;
 *   see docs/DESIGN.md).
 */
import { availableParallelism } from "node:os";
import type { Kernels } from "./types.js";
import { jsKernels } from "./js/index.js";
import { makeNativeKernels } from "./native/index.js";
import { loadAddon } from "./native/load.js";

export type { Kernels, Trans, Uplo, Side, Diag, BlasInfo } from "./types.js";
export { jsKernels } from "./js/index.js";

/**
 * BLAS threads when GNVPRO_THREADS is unset: 2, the fastest measured on the 2-core reference machine
 * (docs/DESIGN.md, "Threads"), but never more than the cores available.
 */
export const DEFAULT_THREADS = Math.max(1, Math.min(2, availableParallelism()));

let current: Kernels | null = null;
let nativeCache: Kernels | null | undefined;
let nativeError = "";

/** The native backend, or null (with the reason in nativeLoadError()) when the addon does not load. */
export function nativeKernels(): Kernels | null {
  if (nativeCache === undefined) {
    const r = loadAddon();
    if ("addon" in r) nativeCache = makeNativeKernels(r.addon);
    else {
      nativeCache = null;
      nativeError = r.error;
    }
  }
  return nativeCache;
}

/** Why the native addon did not load ("" if it did or was not tried). */
export function nativeLoadError(): string {
  return nativeError;
}

function threadsFromEnv(): number {
  const s = process.env.GNVPRO_THREADS;
  if (s === undefined || s === "") return DEFAULT_THREADS;
  const t = Number(s);
  if (!Number.isInteger(t) || t < 1 || t > 1024)
    throw new Error(`GNVPRO_THREADS must be a positive integer, got ${JSON.stringify(s)}`);
  return t;
}

function select(): Kernels {
  const want = process.env.GNVPRO_BACKEND ?? "";
  if (want !== "" && want !== "native" && want !== "js")
    throw new Error(`GNVPRO_BACKEND must be "native" or "js", got ${JSON.stringify(want)}`);
  const threads = threadsFromEnv();
  if (want === "js") return jsKernels;
  const k = nativeKernels();
  if (k === null) {
    if (want === "native")
      throw new Error(
        `GNVPRO_BACKEND=native but the native kernels cannot be loaded (${nativeError}); run \`npm run setup\` (needs libopenblas-dev and liblapacke-dev)`,
      );
    process.stderr.write(
      `gnvpro: native kernels unavailable (${nativeError}); using the pure-TypeScript kernels (slower). Run \`npm run setup\` to build them.\n`,
    );
    return jsKernels;
  }
  k.setThreads(threads);
  return k;
}

/** The process-wide kernels, chosen at first use. */
export function kernels(): Kernels {
  if (current === null) current = select();
  return current;
}
