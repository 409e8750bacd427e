/**
 * Small-kernel benchmark (`npm run bench:small`, `-- --quick` for a short run): the two kernels that
 * decide the cost of small networks, one thread, CPU time per call (median of interleaved batches,
 * so that a slow phase of a shared machine hits every variant alike):
 *   1. the fused bias + tanh + derivative sweep `dtanhBias` (ns per entry) — native best path
 *      (AVX2+FMA where the CPU has it), native portable path (forced), the js backend, and a plain
 *      Math.tanh loop — on inputs uniform in [−3, 3] drawn from a pool much larger than one call
 *      (branch predictors cannot learn them); the pool copy is measured and subtracted;
 *   2. dgemm at the shapes of the CDR and classification networks (µs per call) — OpenBLAS through
 *      the addon, the addon's direct small-matrix kernel, and `kernels().dgemm` (which picks by the
 *      rule of docs/DESIGN.md "Small GEMMs").
 * Writes bench/results/small-kernels.json (small-kernels-quick.json with --quick).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { jsKernels, nativeKernels, nativeLoadError } from "../src/kernels/index.js";
import { loadAddon } from "../src/kernels/native/load.js";
import { setNativeTanhMinEntries } from "../src/kernels/native/index.js";
import { Rng } from "../src/util/rng.js";

const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 5 : 15;
const root = new URL("..", import.meta.url).pathname;

const native = nativeKernels();
const loaded = loadAddon();
if (native === null || !("addon" in loaded)) {
  process.stderr.write(
    `bench:small: native kernels unavailable (${nativeLoadError()}); nothing to compare\n`,
  );
  process.exit(0);
}
const addon = loaded.addon;
addon.setThreads(1);
if (addon.dtanhBias === undefined || addon.dgemmSmall === undefined) {
  process.stderr.write(
    "bench:small: this addon build has no dtanhBias/dgemmSmall; run npm run build:native\n",
  );
  process.exit(1);
}
const dtanhBias = addon.dtanhBias.bind(addon);
const dgemmSmall = addon.dgemmSmall.bind(addon);
setNativeTanhMinEntries(0);

/** CPU nanoseconds of this process. */
function cpuNs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) * 1e3;
}
function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[s.length >> 1];
}

/** Median CPU ns per call of each variant over ROUNDS interleaved batches of `reps` calls. */
function interleaved(variants: Record<string, (r: number) => void>, reps: number): Record<string, number> {
  const res: Record<string, number[]> = {};
  for (const k of Object.keys(variants)) res[k] = [];
  for (const f of Object.values(variants)) for (let r = 0; r < Math.min(reps, 50); r++) f(r); // warm-up
  for (let round = 0; round < ROUNDS; round++)
    for (const [k, f] of Object.entries(variants)) {
      const t0 = cpuNs();
      for (let r = 0; r < reps; r++) f(r);
      res[k].push((cpuNs() - t0) / reps);
    }
  const out: Record<string, number> = {};
  for (const [k, a] of Object.entries(res)) out[k] = median(a);
  return out;
}

interface TanhRow {
  m: number;
  n: number;
  nsPerEntry: Record<string, number>;
}
const tanhRows: TanhRow[] = [];
process.stdout.write(
  `== fused bias + tanh + derivative (dtanhBias), ns per entry, inputs uniform in [−3, 3] ==\n`,
);
for (const [m, n] of [
  [32, 900],
  [8, 400],
  [64, 5000],
] as const) {
  const L = m * n;
  const POOL = 16;
  const rng = new Rng(5);
  const pool = new Float64Array(L * POOL);
  for (let i = 0; i < pool.length; i++) pool[i] = rng.uniformRange(-3, 3);
  const b = new Float64Array(m);
  for (let i = 0; i < m; i++) b[i] = rng.uniformRange(-0.1, 0.1);
  const Z = new Float64Array(L);
  const D = new Float64Array(L);
  const load = (r: number): void => Z.set(pool.subarray((r % POOL) * L, ((r % POOL) + 1) * L));
  const reps = Math.max(POOL, Math.ceil((quick ? 1e5 : 3e5) / L));
  const t = interleaved(
    {
      copy: (r) => load(r),
      "native best path": (r) => {
        load(r);
        dtanhBias(m, n, Z, b, D, 0);
      },
      "native portable path": (r) => {
        load(r);
        dtanhBias(m, n, Z, b, D, 1);
      },
      "kernels() native (validation included)": (r) => {
        load(r);
        native.dtanhBias(m, n, Z, b, D);
      },
      "js backend": (r) => {
        load(r);
        jsKernels.dtanhBias(m, n, Z, b, D);
      },
      "Math.tanh loop": (r) => {
        load(r);
        for (let j = 0, o = 0; j < n; j++, o += m)
          for (let i = 0; i < m; i++) {
            const y = Math.tanh(Z[o + i] + b[i]);
            Z[o + i] = y;
            D[o + i] = 1 - y * y;
          }
      },
    },
    reps,
  );
  const ns: Record<string, number> = {};
  for (const [k, v] of Object.entries(t)) if (k !== "copy") ns[k] = (v - t.copy) / L;
  tanhRows.push({ m, n, nsPerEntry: ns });
  process.stdout.write(
    `${m}×${n}: ${Object.entries(ns)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(" | ")}\n`,
  );
}

interface GemmRow {
  shape: string;
  usPerCall: Record<string, number>;
}
const gemmRows: GemmRow[] = [];
process.stdout.write(`\n== dgemm at the networks' shapes, µs per call (C ← op(A) op(B), β = 0) ==\n`);
const shapes: [string, 0 | 1, 0 | 1, number, number, number][] = [
  ["CDR stage K·Y: 8×8 · 8×400 (NN)", 0, 0, 8, 400, 8],
  ["CDR adjoint Kᵀ·G: 8×8ᵀ · 8×400 (TN)", 1, 0, 8, 400, 8],
  ["CDR weight gradient G·Yᵀ: 8×400 · (8×400)ᵀ (NT)", 0, 1, 8, 8, 400],
  ["CDR opening layer: 8×55 · 55×400 (NN)", 0, 0, 8, 400, 55],
  ["classification stage: 32×32 · 32×900 (NN)", 0, 0, 32, 900, 32],
  ["classification gradient: 32×900 · (32×900)ᵀ (NT)", 0, 1, 32, 32, 900],
];
const rng = new Rng(9);
const rand = (len: number): Float64Array => {
  const a = new Float64Array(len);
  for (let i = 0; i < len; i++) a[i] = rng.normal();
  return a;
};
for (const [name, tA, tB, m, n, k] of shapes) {
  const A = rand(m * k);
  const B = rand(k * n);
  const C = new Float64Array(m * n);
  const lda = tA ? k : m;
  const ldb = tB ? n : k;
  const TA = tA ? "T" : "N";
  const TB = tB ? "T" : "N";
  const reps = Math.max(20, Math.min(20000, Math.floor((quick ? 3e7 : 1e8) / (m * n * k * 4 + 2000))));
  const t = interleaved(
    {
      "OpenBLAS (addon)": () => addon.dgemm(tA, tB, m, n, k, 1, A, lda, B, ldb, 0, C, m),
      "direct kernel (addon)": () => dgemmSmall(tA, tB, m, n, k, 1, A, lda, B, ldb, 0, C, m, 0),
      "kernels().dgemm": () => native.dgemm(TA, TB, m, n, k, 1, A, lda, B, ldb, 0, C, m),
    },
    reps,
  );
  const us: Record<string, number> = {};
  for (const [key, v] of Object.entries(t)) us[key] = v / 1000;
  gemmRows.push({ shape: name, usPerCall: us });
  process.stdout.write(
    `${name}: ${Object.entries(us)
      .map(([key, v]) => `${key} ${v.toFixed(2)}`)
      .join(" | ")}\n`,
  );
}

const outDir = join(root, "bench", "results");
mkdirSync(outDir, { recursive: true });
const file = join(outDir, `small-kernels${quick ? "-quick" : ""}.json`);
writeFileSync(
  file,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      quick,
      node: process.version,
      cpu: cpus()[0]?.model ?? "unknown",
      loadAverage: loadavg(),
      config: addon.config(),
      tanh: tanhRows,
      gemm: gemmRows,
    },
    null,
    1,
  ),
);
process.stdout.write(`wrote ${file.replace(root, "")}\n`);
