/**
 * Data-generation benchmark (`npm run bench:data`, `-- --quick` for 1/10 of the samples,
 * `-- --backend native|js` for one backend): the default CDR (800 samples) and DCR (10 000)
 * sets, end to end as `gnvpro data generate` does it (parameters, solves in worker threads,
 * baselines, hashing, NPY files), on both kernel backends. Goals on the native backend on the
 * project machine (issue 6): CDR ≤ 20 s, DCR ≤ 60 s.
 *
 * Each backend runs in its own process (GNVPRO_BACKEND). Reported per set: wall-clock seconds,
 * process CPU seconds (all threads), the workers used, and the single-sample solve time in the main
 * thread (best of several, CPU ms, one BLAS thread) — with the load average, since on a machine
 * shared with other work the wall-clock figure alone says little. Results: bench/results/data.json.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { kernels } from "../src/kernels/index.js";
import { generateDataset } from "../src/data/manifest.js";
import { CdrProblem, resolveCdrParams } from "../src/data/cdr.js";
import { DcrProblem, resolveDcrParams } from "../src/data/dcr.js";
import { workerCount } from "../src/data/parallel.js";
import { Rng } from "../src/util/rng.js";

const quick = process.argv.includes("--quick");
const root = new URL("..", import.meta.url).pathname;

interface Row {
  set: string;
  backend: string;
  n: number;
  workers: number;
  wallS: number;
  cpuS: number;
  perSampleCpuMs: number;
  goalS: number | null;
  loadBefore: number;
  loadAfter: number;
}

/** Best CPU milliseconds of one call over a few repetitions. */
function bestCpuMs(fn: () => void, reps = 5): number {
  fn();
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1000);
  }
  return best;
}

async function child(): Promise<void> {
  const k = kernels();
  const rows: Row[] = [];
  const dir = mkdtempSync(join(tmpdir(), "gnvpro-bench-data-"));
  const rng = new Rng(1);
  try {
    const cdr = new CdrProblem(resolveCdrParams({}));
    const dcr = new DcrProblem(resolveDcrParams({}));
    const sets = [
      {
        set: "cdr",
        n: quick ? 80 : 800,
        goal: 20,
        per: () => cdr.observe(rng.fillUniform(new Float64Array(55))),
        min: 100,
      },
      {
        set: "dcr",
        n: quick ? 1000 : 10000,
        goal: 60,
        per: () =>
          dcr.observe([rng.uniformRange(0.2, 0.8), rng.uniformRange(0.2, 0.8), rng.uniformRange(-2, 2)]),
        min: 50,
      },
    ];
    for (const s of sets) {
      const perSampleCpuMs = bestCpuMs(s.per);
      const loadBefore = loadavg()[0];
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const r = await generateDataset({
        generator: s.set,
        out: join(dir, s.set),
        n: s.n,
        seed: 1,
        force: true,
      });
      const wallS = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      rows.push({
        set: s.set,
        backend: k.name,
        n: r.manifest.n,
        workers: workerCount(s.n, s.min),
        wallS,
        cpuS: (c.user + c.system) / 1e6,
        perSampleCpuMs,
        goalS: k.name === "native" && !quick ? s.goal : null,
        loadBefore,
        loadAfter: loadavg()[0],
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(rows) + "\n");
}

function parent(): void {
  const only = process.argv.indexOf("--backend");
  const backends = only >= 0 ? [process.argv[only + 1]] : ["native", "js"];
  const all: Row[] = [];
  for (const b of backends) {
    const args = [
      "--import",
      "tsx",
      new URL(import.meta.url).pathname,
      "--child",
      ...(quick ? ["--quick"] : []),
    ];
    const r = spawnSync(process.execPath, args, {
      cwd: root,
      env: { ...process.env, GNVPRO_BACKEND: b },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 1 << 24,
    });
    if (r.status !== 0) {
      process.stderr.write(`bench:data: the ${b} run failed (exit ${r.status})\n`);
      continue;
    }
    const lines = r.stdout.trim().split("\n");
    all.push(...(JSON.parse(lines[lines.length - 1]) as Row[]));
  }
  const f = (v: number, d = 2): string => v.toFixed(d);
  process.stdout.write(
    `${cpus()[0]?.model ?? "cpu"} × ${availableParallelism()}\n` +
      "set  backend     n  workers  wall s   cpu s  ms/sample(cpu)  goal      load before/after\n",
  );
  for (const r of all)
    process.stdout.write(
      `${r.set.padEnd(4)} ${r.backend.padEnd(7)} ${String(r.n).padStart(6)} ${String(r.workers).padStart(8)} ${f(r.wallS).padStart(7)} ${f(r.cpuS).padStart(7)} ${f(r.perSampleCpuMs).padStart(15)}  ${(r.goalS === null ? "—" : `≤ ${r.goalS} s ${r.wallS <= r.goalS ? "met" : "MISSED"}`).padEnd(12)} ${f(r.loadBefore, 1)}/${f(r.loadAfter, 1)}\n`,
    );
  mkdirSync(join(root, "bench", "results"), { recursive: true });
  const file = join(root, "bench", "results", quick ? "data-quick.json" : "data.json");
  writeFileSync(
    file,
    JSON.stringify(
      { date: new Date().toISOString(), cpu: cpus()[0]?.model, cores: availableParallelism(), rows: all },
      null,
      2,
    ) + "\n",
  );
  process.stdout.write(`→ ${file}\n`);
}

if (process.argv.includes("--child")) await child();
else parent();
