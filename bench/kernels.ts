/**
 * Kernel benchmark (`npm run bench:kernels`, `-- --quick` for a short run):
 *   1. GEMM GFLOP/s at 64³, 256³, 1024³, f64 and f32, native (1 and 2 threads) and js;
 *   2. the Gram matrix of a 64×20000 matrix (dsyrk; dgemm/sgemm with transB "T");
 *   3. the small-product crossover between the addon and the TypeScript GEMM (one thread);
 *   4. the cost of calling OpenBLAS through the addon against calling it from C (bench/gemm_c.c,
 *      compiled here with cc when a compiler and OpenBLAS are available);
 *   5. 1 against 2 BLAS threads on a mixed GEMM + JavaScript workload (the CLI default).
 * Prints a table and writes JSON to bench/results/kernels.json (kernels-quick.json with --quick).
 * Timings are the best batch of several (robust to other processes on the machine).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { jsKernels, nativeKernels, nativeLoadError } from "../src/kernels/index.js";
import { NATIVE_GEMM_MIN_FLOPS, setNativeGemmMinFlops } from "../src/kernels/native/index.js";
import type { Kernels } from "../src/kernels/types.js";
import { Rng } from "../src/util/rng.js";

const quick = process.argv.includes("--quick");
const MIN_TIME = quick ? 0.03 : 0.2;
const BATCHES = quick ? 3 : 5;
const root = new URL("..", import.meta.url).pathname;

/** Best seconds per call of fn over BATCHES batches of at least MIN_TIME each. */
function time(fn: () => void, minTime = MIN_TIME, batches = BATCHES): number {
  fn();
  let reps = 1;
  for (let guard = 0; guard < 40; guard++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) fn();
    if ((performance.now() - t0) / 1000 >= minTime) break;
    reps *= 2;
  }
  let best = Infinity;
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) fn();
    best = Math.min(best, (performance.now() - t0) / 1000 / reps);
  }
  return best;
}

function rand(len: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const a = new Float64Array(len);
  for (let i = 0; i < len; i++) a[i] = rng.uniform() - 0.5;
  return a;
}

interface Row {
  what: string;
  dtype: "f64" | "f32";
  backend: string;
  threads: number;
  gflops: number;
  seconds: number;
}

const native = nativeKernels();
const backends: { k: Kernels; threads: number[] }[] = [];
if (native) backends.push({ k: native, threads: [1, 2] });
else process.stderr.write(`bench: native kernels unavailable (${nativeLoadError()}); js only\n`);
backends.push({ k: jsKernels, threads: [1] });

const rows: Row[] = [];
function record(r: Row): void {
  rows.push(r);
  process.stdout.write(
    `${r.what.padEnd(24)} ${r.dtype}  ${r.backend.padEnd(6)} ${String(r.threads).padStart(2)} thr  ${r.gflops.toFixed(2).padStart(8)} GFLOP/s  ${(r.seconds * 1e3).toFixed(3).padStart(10)} ms\n`,
  );
}

// 1. square GEMM -----------------------------------------------------------------------------
process.stdout.write(`\n== GEMM C = A B (square, transA = transB = "N") ==\n`);
const sizes = quick ? [64, 256] : [64, 256, 1024];
for (const n of sizes) {
  const A = rand(n * n, 1);
  const B = rand(n * n, 2);
  const C = new Float64Array(n * n);
  const A32 = Float32Array.from(A);
  const B32 = Float32Array.from(B);
  const C32 = new Float32Array(n * n);
  for (const { k, threads } of backends)
    for (const t of threads) {
      k.setThreads(t);
      const flops = 2 * n * n * n;
      const jsSlow = k.name === "js" && n >= 1024;
      const s64 = time(
        () => k.dgemm("N", "N", n, n, n, 1, A, n, B, n, 0, C, n),
        jsSlow ? 0 : MIN_TIME,
        jsSlow ? 2 : BATCHES,
      );
      record({
        what: `gemm ${n}^3`,
        dtype: "f64",
        backend: k.name,
        threads: t,
        gflops: flops / s64 / 1e9,
        seconds: s64,
      });
      const s32 = time(
        () => k.sgemm("N", "N", n, n, n, 1, A32, n, B32, n, 0, C32, n),
        jsSlow ? 0 : MIN_TIME,
        jsSlow ? 2 : BATCHES,
      );
      record({
        what: `gemm ${n}^3`,
        dtype: "f32",
        backend: k.name,
        threads: t,
        gflops: flops / s32 / 1e9,
        seconds: s32,
      });
    }
}

// 2. Gram matrix of a 64 × 20000 matrix --------------------------------------------------------
process.stdout.write(`\n== Gram matrix G = X Xᵀ of X 64×20000 (dsyrk counts n(n+1)k flops, gemm 2n²k) ==\n`);
{
  const n = 64;
  const kk = quick ? 5000 : 20000;
  const X = rand(n * kk, 3);
  const X32 = Float32Array.from(X);
  const G = new Float64Array(n * n);
  const G32 = new Float32Array(n * n);
  for (const { k, threads } of backends)
    for (const t of threads) {
      k.setThreads(t);
      const s1 = time(() => k.dsyrk("U", "N", n, kk, 1, X, n, 0, G, n));
      record({
        what: `gram syrk 64x${kk}`,
        dtype: "f64",
        backend: k.name,
        threads: t,
        gflops: (n * (n + 1) * kk) / s1 / 1e9,
        seconds: s1,
      });
      const s2 = time(() => k.dgemm("N", "T", n, n, kk, 1, X, n, X, n, 0, G, n));
      record({
        what: `gram gemm 64x${kk}`,
        dtype: "f64",
        backend: k.name,
        threads: t,
        gflops: (2 * n * n * kk) / s2 / 1e9,
        seconds: s2,
      });
      const s3 = time(() => k.sgemm("N", "T", n, n, kk, 1, X32, n, X32, n, 0, G32, n));
      record({
        what: `gram gemm 64x${kk}`,
        dtype: "f32",
        backend: k.name,
        threads: t,
        gflops: (2 * n * n * kk) / s3 / 1e9,
        seconds: s3,
      });
    }
}

// 3. small-product crossover ------------------------------------------------------------------
interface Cross {
  m: number;
  n: number;
  k: number;
  nativeUs: number;
  jsUs: number;
}
const cross: Cross[] = [];
let crossover: number | null = null;
if (native) {
  process.stdout.write(`\n== small products: addon vs TypeScript GEMM (1 thread, µs per call) ==\n`);
  native.setThreads(1);
  const saved = NATIVE_GEMM_MIN_FLOPS;
  setNativeGemmMinFlops(0);
  const shapes: [number, number, number][] = [];
  for (const s of [1, 2, 4, 6, 8, 12, 16, 24, 32, 48, 64]) shapes.push([s, s, s]);
  shapes.push([8, 400, 8], [8, 8, 400], [8, 400, 1], [1, 400, 8], [16, 400, 16], [32, 400, 32]);
  for (const [m, n, k] of shapes) {
    const A = rand(m * k, 4);
    const B = rand(k * n, 5);
    const C = new Float64Array(m * n);
    // interleave the two to share whatever load the machine has
    let tn = Infinity;
    let tj = Infinity;
    for (let r = 0; r < 3; r++) {
      tn = Math.min(
        tn,
        time(() => native.dgemm("N", "N", m, n, k, 1, A, m, B, k, 0, C, m), MIN_TIME / 3, 2),
      );
      tj = Math.min(
        tj,
        time(() => jsKernels.dgemm("N", "N", m, n, k, 1, A, m, B, k, 0, C, m), MIN_TIME / 3, 2),
      );
    }
    cross.push({ m, n, k, nativeUs: tn * 1e6, jsUs: tj * 1e6 });
    process.stdout.write(
      `${`${m}×${k} · ${k}×${n}`.padEnd(18)} mnk ${String(m * n * k).padStart(7)}  addon ${(tn * 1e6).toFixed(2).padStart(8)} µs  js ${(tj * 1e6).toFixed(2).padStart(8)} µs  ${tn < tj ? "addon" : "js"}\n`,
    );
  }
  setNativeGemmMinFlops(saved);
  // the smallest m·n·k above which the addon always wins
  const sorted = [...cross].sort((a, b) => a.m * a.n * a.k - b.m * b.n * b.k);
  for (let i = sorted.length - 1; i >= 0; i--) {
    if (sorted[i].nativeUs >= sorted[i].jsUs) {
      crossover = i + 1 < sorted.length ? sorted[i + 1].m * sorted[i + 1].n * sorted[i + 1].k : null;
      break;
    }
    if (i === 0) crossover = sorted[0].m * sorted[0].n * sorted[0].k;
  }
  process.stdout.write(`crossover: the addon wins from m·n·k ≈ ${crossover} (cut-off in use: ${saved})\n`);
}

// 4. addon against OpenBLAS from C --------------------------------------------------------------
interface Overhead {
  n: number;
  threads: number;
  dtype: "f64" | "f32";
  addonS: number;
  cS: number;
  overheadPct: number;
}
const overhead: Overhead[] = [];
let callNs: number | null = null;
if (native) {
  process.stdout.write(`\n== the addon against OpenBLAS called from C (dgemm/sgemm N N) ==\n`);
  const dir = mkdtempSync(join(tmpdir(), "gnvpro-bench-"));
  const exe = join(dir, "gemm_c");
  let haveC = true;
  try {
    const flags = execFileSync("bash", [join(root, "scripts/build-native.sh"), "--include-dirs"])
      .toString()
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((d) => `-I${d}`);
    const libs = execFileSync("bash", [join(root, "scripts/build-native.sh"), "--libs"])
      .toString()
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    execFileSync("cc", ["-O2", ...flags, join(root, "bench/gemm_c.c"), "-o", exe, ...libs], {
      stdio: "pipe",
    });
  } catch (e) {
    haveC = false;
    process.stdout.write(`(cannot compile bench/gemm_c.c: ${(e as Error).message.split("\n")[0]})\n`);
  }
  if (haveC) {
    for (const n of quick ? [256] : [256, 512, 1024])
      for (const t of [1, 2])
        for (const dtype of ["f64", "f32"] as const) {
          native.setThreads(t);
          const A = rand(n * n, 6);
          const B = rand(n * n, 7);
          let addonS = Infinity;
          let cS = Infinity;
          for (let r = 0; r < (quick ? 2 : 5); r++) {
            if (dtype === "f64") {
              const C = new Float64Array(n * n);
              addonS = Math.min(
                addonS,
                time(() => native.dgemm("N", "N", n, n, n, 1, A, n, B, n, 0, C, n), MIN_TIME, 3),
              );
            } else {
              const A32 = Float32Array.from(A);
              const B32 = Float32Array.from(B);
              const C = new Float32Array(n * n);
              addonS = Math.min(
                addonS,
                time(() => native.sgemm("N", "N", n, n, n, 1, A32, n, B32, n, 0, C, n), MIN_TIME, 3),
              );
            }
            const out = execFileSync(exe, [
              String(n),
              String(t),
              dtype === "f64" ? "d" : "s",
              String(MIN_TIME),
              "3",
            ]);
            cS = Math.min(cS, Number(out.toString().trim()));
          }
          const pct = (addonS / cS - 1) * 100;
          overhead.push({ n, threads: t, dtype, addonS, cS, overheadPct: pct });
          process.stdout.write(
            `${`${dtype} ${n}^3`.padEnd(12)} ${t} thr  addon ${((2 * n ** 3) / addonS / 1e9).toFixed(1).padStart(6)} GFLOP/s  C ${((2 * n ** 3) / cS / 1e9).toFixed(1).padStart(6)} GFLOP/s  addon − C ${pct >= 0 ? "+" : ""}${pct.toFixed(1)}%\n`,
          );
        }
  }
  // fixed cost of one call through the interface (validation + Node-API), on a 1×1×1 product
  setNativeGemmMinFlops(0);
  const a = new Float64Array(1);
  const c = new Float64Array(1);
  callNs = time(() => native.dgemm("N", "N", 1, 1, 1, 1, a, 1, a, 1, 0, c, 1)) * 1e9;
  setNativeGemmMinFlops(NATIVE_GEMM_MIN_FLOPS);
  process.stdout.write(`one 1×1×1 dgemm through the interface and the addon: ${callNs.toFixed(0)} ns\n`);
  // The addon copies nothing, so its whole cost over C is this fixed per-call cost (validation and
  // Node-API argument conversion): its share of a product is a load-independent bound on the overhead.
  for (const o of overhead)
    if (o.dtype === "f64" && o.threads === 1)
      process.stdout.write(
        `  = ${((callNs / 1e9 / o.cS) * 100).toFixed(4)}% of a ${o.n}^3 dgemm from C (${(o.cS * 1e3).toFixed(2)} ms)\n`,
      );
}

// 5. threads on a mixed workload ----------------------------------------------------------------
// What training does: a GEMM of a width-64 layer over a batch, then elementwise work in JavaScript.
interface Mixed {
  threads: number;
  width: number;
  batch: number;
  ms: number;
}
const mixed: Mixed[] = [];
if (native) {
  process.stdout.write(`\n== threads on a mixed workload: Z = tanh(K Y), K w×w, Y w×batch, then Kᵀ Z ==\n`);
  for (const [w, batch] of [
    [8, 400],
    [64, 2000],
    [256, 2000],
  ]) {
    const K = rand(w * w, 8);
    const Y = rand(w * batch, 9);
    const Z = new Float64Array(w * batch);
    const V = new Float64Array(w * batch);
    const step = () => {
      native.dgemm("N", "N", w, batch, w, 1, K, w, Y, w, 0, Z, w);
      for (let i = 0; i < Z.length; i++) Z[i] = Math.tanh(Z[i]);
      native.dgemm("T", "N", w, batch, w, 1, K, w, Z, w, 0, V, w);
    };
    for (const t of [1, 2]) {
      native.setThreads(t);
      const s = time(step);
      mixed.push({ threads: t, width: w, batch, ms: s * 1e3 });
      process.stdout.write(
        `width ${String(w).padStart(3)} batch ${batch}  ${t} thr  ${(s * 1e3).toFixed(3).padStart(9)} ms\n`,
      );
    }
  }
}

const result = {
  date: new Date().toISOString(),
  quick,
  host: { cpus: cpus().length, model: cpus()[0]?.model ?? "", loadavg: loadavg() },
  node: process.version,
  blas: native ? native.info() : null,
  gemm: rows,
  crossover: { cases: cross, addonWinsFromMnk: crossover, cutoffInUse: NATIVE_GEMM_MIN_FLOPS },
  addonVsC: overhead,
  callOverheadNs: callNs,
  mixed,
};
mkdirSync(join(root, "bench/results"), { recursive: true });
const file = join(root, "bench/results", quick ? "kernels-quick.json" : "kernels.json");
writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
process.stdout.write(
  `\nload average during the run: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}\nwrote ${file}\n`,
);
