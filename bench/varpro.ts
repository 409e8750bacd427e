/**
 * VarPro objective benchmark (`npm run bench:varpro`, `-- --quick` for a short run).
 *
 * Wall time of the reduced objective's value + gradient at a new point (forward pass, inner solve,
 * backward pass) and of one Gauss–Newton product H_GN·v, for
 *   - CDR: 400 samples, 55 → width-8 antisymmetric ResNet (3 weight points, T = 1), 72 outputs,
 *     least squares, α_θ = α_W = 1e-10 (target for H_GN·v: 0.5 ms);
 *   - classification: 900 samples × 64 features, 10 classes, width 32, 5 weight points, T = 4,
 *     cross-entropy, α_θ = α_W = 1e-3 (target for H_GN·v: 3 ms);
 * on the process's backend (native unless GNVPRO_BACKEND=js) with one BLAS thread. The network's own
 * JVP and VJP are timed too, to show what the VarPro algebra adds. Random data (timing only).
 * Prints a table and writes JSON to bench/results/varpro.json (varpro-quick.json with --quick).
 * Timings are medians over repeated runs. "+1st H·v" is value + gradient + one H_GN·v at a new point
 * (CPU time): the cross-entropy inner Hessian factor is formed on its first use, so it appears there
 * and not in value+grad.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { kernels } from "../src/kernels/index.js";
import { resnetSurrogate } from "../src/layers/networks.js";
import type { Layer } from "../src/layers/types.js";
import type { LossKind } from "../src/objectives/losses.js";
import { VarProObjective } from "../src/objectives/reduced.js";
import { Rng } from "../src/util/rng.js";

const quick = process.argv.includes("--quick");
const REPS = quick ? 20 : 200;
const root = new URL("..", import.meta.url).pathname;

const K = kernels();
K.setThreads(1);

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** CPU milliseconds (user + system) of each timed run, kept beside the wall times: on a loaded
 *  machine the CPU time of a one-thread computation is the better estimate of its idle wall time. */
const cpuLog: number[] = [];

/** Median wall milliseconds of fn over `reps` runs (after 3 warm-up runs); the median CPU
 *  milliseconds go to cpuLog. */
function timeMs(fn: (rep: number) => void, reps = REPS): number {
  for (let r = 0; r < 3; r++) fn(-1 - r);
  const t: number[] = [];
  const c: number[] = [];
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn(r);
    t.push(performance.now() - t0);
    const dc = process.cpuUsage(c0);
    c.push((dc.user + dc.system) / 1000);
  }
  cpuLog.push(median(c));
  return median(t);
}

interface Case {
  name: string;
  net: Layer;
  n: number;
  q: number;
  loss: LossKind;
  alpha: number;
  targetMs: number;
}

interface Row {
  case: string;
  backend: string;
  threads: number;
  params: number;
  valueGradMs: number;
  innerMs: number;
  innerNewtonSteps: number;
  /** cross-entropy: median preconditioned CG iterations and Hessian factorisations per inner solve */
  innerCgIterations: number;
  innerFactorizations: number;
  /**
   * value + gradient + the first H_GN·v at a new point (CPU ms): what one accepted trust-region
   * iteration pays besides its further H_GN·v (the inner Hessian factor is formed on first use)
   */
  newPointStepCpuMs: number;
  hessVecMs: number;
  /** CPU time of one H_GN·v (see cpuLog) */
  hessVecCpuMs: number;
  valueGradCpuMs: number;
  netJvpMs: number;
  netVjpMs: number;
  /** CPU time of H_GN·v minus the network's JVP and VJP: what the VarPro algebra adds */
  algebraCpuMs: number;
  targetHessVecMs: number;
  meetsTarget: boolean;
}

function run(c: Case): Row {
  const rng = new Rng(2021);
  const Y = rng.fillNormal(new Float64Array(c.net.nIn * c.n));
  const C = new Float64Array(c.q * c.n);
  if (c.loss === "least-squares") rng.fillNormal(C);
  else for (let i = 0; i < c.n; i++) C[rng.int(c.q) + i * c.q] = 1;
  const obj = new VarProObjective({ net: c.net, Y, C, loss: c.loss, alphaW: c.alpha, alphaTheta: c.alpha });
  const theta = new Float64Array(c.net.nParams);
  c.net.init(theta, rng);
  const dirs = Array.from({ length: 8 }, () => rng.fillNormal(new Float64Array(theta.length), 1e-3));
  // value + gradient at a new point each time (a small step, like an accepted trust-region step)
  const inner: number[] = [];
  const steps: number[] = [];
  const cgIts: number[] = [];
  const facts: number[] = [];
  let x = theta.slice();
  const valueGradMs = timeMs((r) => {
    const d = dirs[(r + 8) % 8];
    x = x.map((v, k) => v + d[k]);
    obj.evaluate(x);
    obj.gradient(x);
    const st = obj.lastInnerStats();
    if (st !== null && r >= 0) {
      inner.push(st.ms);
      steps.push(st.iterations);
      cgIts.push(st.cgIterations ?? 0);
      facts.push(st.factorizations ?? 0);
    }
  });
  const v = rng.fillNormal(new Float64Array(theta.length));
  timeMs((r) => {
    const d = dirs[(r + 8) % 8];
    x = x.map((w, k) => w + d[k]);
    obj.evaluate(x);
    obj.gradient(x);
    obj.hessVec(v);
  });
  const newPointStepCpuMs = cpuLog[cpuLog.length - 1];
  obj.gradient(x);
  const valueGradCpuMs = cpuLog[cpuLog.length - 2];
  const hessVecMs = timeMs(() => obj.hessVec(v));
  const hessVecCpuMs = cpuLog[cpuLog.length - 1];
  const st = c.net.forward(x, Y, c.n);
  const netJvpMs = timeMs(() => c.net.jvp(st, v, null));
  const netJvpCpuMs = cpuLog[cpuLog.length - 1];
  const U = rng.fillNormal(new Float64Array(c.net.nOut * c.n));
  const g = new Float64Array(theta.length);
  const netVjpMs = timeMs(() => c.net.vjp(st, U, g, false));
  const netVjpCpuMs = cpuLog[cpuLog.length - 1];
  return {
    case: c.name,
    backend: K.name,
    threads: K.info().threads,
    params: theta.length,
    valueGradMs,
    innerMs: median(inner),
    innerNewtonSteps: median(steps),
    innerCgIterations: median(cgIts),
    innerFactorizations: median(facts),
    newPointStepCpuMs,
    hessVecMs,
    hessVecCpuMs,
    valueGradCpuMs,
    netJvpMs,
    netVjpMs,
    algebraCpuMs: hessVecCpuMs - netJvpCpuMs - netVjpCpuMs,
    targetHessVecMs: c.targetMs,
    meetsTarget: Math.min(hessVecMs, hessVecCpuMs) <= c.targetMs,
  };
}

const cases: Case[] = [
  {
    name: "CDR (n=400, 55→8, nt=3, q=72, LS)",
    net: resnetSurrogate({ dIn: 55, width: 8, nt: 3, T: 1 }),
    n: 400,
    q: 72,
    loss: "least-squares",
    alpha: 1e-10,
    targetMs: 0.5,
  },
  {
    name: "classification (n=900, 64→32, nt=5, T=4, q=10, CE)",
    net: resnetSurrogate({ dIn: 64, width: 32, nt: 5, T: 4 }),
    n: 900,
    q: 10,
    loss: "cross-entropy",
    alpha: 1e-3,
    targetMs: 3,
  },
];

const rows = cases.map(run);
const f = (v: number) => v.toFixed(3).padStart(8);
console.log(`backend ${K.name} (${K.info().name} ${K.info().version}), threads ${K.info().threads}`);
console.log(
  `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores (medians in ms; cpu = CPU time)`,
);
console.log(
  "case                                                 value+grad    (cpu)  (inner) +1st H·v(cpu)  H_GN·v    (cpu)  net JVP  net VJP  algebra(cpu)  target",
);
for (const r of rows)
  console.log(
    `${r.case.padEnd(52)} ${f(r.valueGradMs)} ${f(r.valueGradCpuMs)} ${f(r.innerMs)} ${f(r.newPointStepCpuMs)}     ${f(r.hessVecMs)} ${f(r.hessVecCpuMs)} ${f(r.netJvpMs)} ${f(r.netVjpMs)} ${f(r.algebraCpuMs)}      ${r.targetHessVecMs} ${r.meetsTarget ? "met" : "MISSED"}`,
  );
mkdirSync(join(root, "bench/results"), { recursive: true });
const out = join(root, `bench/results/varpro${quick ? "-quick" : ""}.json`);
writeFileSync(
  out,
  JSON.stringify({ date: new Date().toISOString(), quick, loadAverage: loadavg()[0], rows }, null, 2) + "\n",
);
console.log(`wrote ${out}`);
