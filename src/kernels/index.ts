/**
 * Backend selection. PLACEHOLDER until the native addon lands: always the js backend.
 * Contract (foundation issue): native when the addon loads, else js with one notice on stderr;
 * GNVPRO_BACKEND=native|js forces one; GNVPRO_THREADS sets BLAS threads.
 */
import type { Kernels } from "./types.js";
import { jsKernels } from "./js/index.js";

export type { Kernels, Trans, Uplo, Side, Diag, BlasInfo } from "./types.js";

let current: Kernels | null = null;

/** The process-wide kernels, chosen at first use. */
export function kernels(): Kernels {
  if (current === null) current = jsKernels;
  return current;
}
