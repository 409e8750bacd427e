/**
 * The worker-thread side of src/data/parallel.ts: solves the PDE for a chunk of samples.
 */
import { parentPort } from "node:worker_threads";
import { CdrProblem, resolveCdrParams } from "./cdr.js";
import { DcrProblem, resolveDcrParams } from "./dcr.js";
import { toGeneralBand, toSymBandLower, type GeneralBand, type SymBand } from "./fv.js";
import type { WorkerReply, WorkerRequest } from "./parallel.js";

interface Solver {
  key: string;
  d: number;
  q: number;
  observe(y: Float64Array, out: Float64Array, off: number): void;
}

let cached: Solver | null = null;

function solverFor(req: WorkerRequest): Solver {
  const key = `${req.kind}:${JSON.stringify(req.params)}`;
  if (cached !== null && cached.key === key) return cached;
  const raw = req.params as { [key: string]: unknown };
  if (req.kind === "cdr") {
    const prob = new CdrProblem(resolveCdrParams(raw));
    const work: GeneralBand = toGeneralBand(prob.transport);
    cached = { key, d: prob.p, q: prob.q, observe: (y, out, off) => void prob.observe(y, out, off, work) };
  } else {
    const prob = new DcrProblem(resolveDcrParams(raw));
    const work: SymBand = toSymBandLower(prob.operator(new Float64Array(prob.grid.cells).fill(1)));
    cached = { key, d: prob.d, q: prob.q, observe: (y, out, off) => void prob.observe(y, out, off, work) };
  }
  return cached;
}

parentPort?.on("message", (req: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    const s = solverFor(req);
    const C = new Float64Array(s.q * req.count);
    for (let j = 0; j < req.count; j++) s.observe(req.Y.subarray(j * s.d, (j + 1) * s.d), C, j * s.q);
    reply = { start: req.start, count: req.count, C };
    parentPort?.postMessage(reply, [C.buffer as ArrayBuffer]);
  } catch (err) {
    reply = { start: req.start, count: req.count, error: (err as Error).message };
    parentPort?.postMessage(reply);
  }
});
