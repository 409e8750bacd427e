/**
 * Parallel generation of PDE observations across samples with worker threads.
 *
 * The parameters Y are drawn in the main thread (so the random stream never depends on the number
 * of workers); workers receive chunks of columns of Y, solve each sample independently with the
 * same backend as the main thread (one BLAS thread each) and send back the matching columns of C.
 * Each sample's computation is the same whatever the chunking, so the arrays do not depend on the
 * number of workers. Chunks are handed out dynamically for load balance.
 *
 * Number of workers: GNVPRO_DATA_WORKERS if set (0 or 1 = in the main thread), otherwise
 * min(available cores, 4); small jobs always run in the main thread.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { kernels } from "../kernels/index.js";
import type { Json } from "./registry.js";

export type PdeKind = "cdr" | "dcr";

export interface WorkerRequest {
  kind: PdeKind;
  params: Json;
  /** First sample of the chunk. */
  start: number;
  /** The chunk's columns of Y (d × count). */
  Y: Float64Array;
  count: number;
}

export interface WorkerReply {
  start: number;
  count: number;
  /** q × count, or an error message. */
  C?: Float64Array;
  error?: string;
}

/** The number of workers to use for n samples (1 = in the main thread). */
export function workerCount(n: number, minPerWorker: number): number {
  const env = process.env.GNVPRO_DATA_WORKERS;
  let w: number;
  if (env !== undefined && env !== "") {
    w = Number(env);
    if (!Number.isInteger(w) || w < 0 || w > 256)
      throw new Error(`GNVPRO_DATA_WORKERS must be an integer in 0..256, got ${JSON.stringify(env)}`);
  } else w = Math.min(availableParallelism(), 4);
  return Math.max(1, Math.min(w, Math.floor(n / minPerWorker)));
}

function spawnWorker(env: NodeJS.ProcessEnv): Worker {
  // In the build the sources are .js files; under tsx (tests, development) they are .ts, and the
  // worker must register the tsx loader itself before importing them.
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./worker.js", import.meta.url), { env });
  const target = JSON.stringify(new URL("./worker.ts", import.meta.url).href);
  const tsx = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const boot = `import(${tsx}).then((m) => { m.register(); return import(${target}); });`;
  return new Worker(boot, { eval: true, env });
}

/**
 * Compute C (q × n) for the columns of Y (d × n) on `workers` threads. `onProgress` is called with
 * the number of finished samples.
 */
export async function observeInWorkers(
  kind: PdeKind,
  params: Json,
  Y: Float64Array,
  d: number,
  q: number,
  n: number,
  workers: number,
  onProgress?: (done: number, total: number) => void,
): Promise<Float64Array> {
  const C = new Float64Array(q * n);
  const chunk = Math.max(1, Math.min(64, Math.ceil(n / (workers * 8))));
  let next = 0;
  let done = 0;
  const env = { ...process.env, GNVPRO_THREADS: "1", GNVPRO_BACKEND: kernels().name };
  const pool: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let active = 0;
      let failed = false;
      const feed = (w: Worker): void => {
        if (failed) return;
        if (next >= n) {
          if (active === 0) resolve();
          return;
        }
        const start = next;
        const count = Math.min(chunk, n - start);
        next += count;
        active++;
        const req: WorkerRequest = { kind, params, start, Y: Y.slice(start * d, (start + count) * d), count };
        w.postMessage(req, [req.Y.buffer as ArrayBuffer]);
      };
      for (let i = 0; i < workers; i++) {
        const w = spawnWorker(env);
        pool.push(w);
        w.on("message", (r: WorkerReply) => {
          active--;
          if (r.error !== undefined || r.C === undefined) {
            failed = true;
            reject(new Error(r.error ?? "data worker returned no result"));
            return;
          }
          C.set(r.C, r.start * q);
          done += r.count;
          onProgress?.(done, n);
          feed(w);
          if (next >= n && active === 0) resolve();
        });
        w.on("error", (err) => {
          failed = true;
          reject(new Error(`data worker failed: ${err.message}`));
        });
        w.on("exit", (code) => {
          if (code !== 0 && !failed && (next < n || active > 0)) {
            failed = true;
            reject(new Error(`data worker exited with code ${code}`));
          }
        });
        feed(w);
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return C;
}
