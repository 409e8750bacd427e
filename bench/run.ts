/**
 * The benchmark suite (`npm run bench`; `npm run bench -- --quick` for a run of a few minutes).
 *
 * 1. The paper's claim: for every experiment that runs here (cdr, dcr, indian-pines — the synthetic
 *    scene unless real files are given —, mnist, circle) `gnvpro compare` over ≥ 5 fixed seeds
 *    (src/compare: same orchestration, same DIR/summary.json, report and plots, written under
 *    bench/results/runs/): per optimizer the final train/validation/test metric, work units, wall
 *    and CPU time, wall and CPU time per work unit, and the work units and time GNvpro (and every
 *    other method) needs to reach ADAM's best validation metric, and the ratio to ADAM's own.
 * 2. Per-work-unit cost against the targets (native backend, one thread): the CDR network
 *    (400 samples, width 8, 3 weight points) and a classification network (900 × 64, 10 classes,
 *    width 32, 5 weight points, T = 4); after one unrecorded warm-up run, medians of 5 runs with
 *    their range.
 * 3. A TensorFlow.js peer (bench/peer, an optional separate install: `npm ci --prefix bench/peer`;
 *    wasm backend, ADAM, float32, one thread) training the same network on the same CDR and Circle
 *    data: seconds per epoch and to the validation target, beside gnvpro's ADAM and GNvpro on the
 *    same network.
 * 4. The kernel, small-kernel, layer, VarPro, data (and teacher) benchmarks of package.json (`bench:*`).
 *
 * Writes bench/results/bench.json (bench-quick.json) with machine, backend, versions, date and load
 * averages, and bench/results/bench.md (bench-quick.md) with the tables; a full run also replaces the
 * README's Performance table (between the bench:begin/bench:end markers).
 *
 *   npm run bench [-- --quick] [--only cdr,circle] [--seeds 5] [--jobs 1] [--skip peer,micro,perwu]
 *
 * Every stage runs in its own process with GNVPRO_THREADS=1 and a time limit; a failing stage is
 * recorded (with its stderr tail) and the suite goes on.
 */
import { spawnSync, spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import type { OptimizerName, PartialSettings, Settings } from "../src/experiments/config.js";
import type { Dataset } from "../src/experiments/userdata.js";
import type { CompareHooks, CompareResult, MethodResult, TrainOutcome } from "../src/compare/compare.js";
import type { Spread } from "../src/compare/aggregate.js";

const root = new URL("..", import.meta.url).pathname;
const resultsDir = join(root, "bench", "results");
const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(`--${name}`);
function opt(name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}
const quick = flag("quick");
/** the bench:* scripts in their --quick form (always with --quick; on request with --micro-quick) */
const microQuick = quick || flag("micro-quick");

// ---------------------------------------------------------------------------------------------
// Configuration

/** The experiments of the claim, with the settings the bench uses (overrides of the preset). */
interface ExperimentPlan {
  name: string;
  /** overrides of the preset (full run) */
  full: PartialSettings;
  /** overrides for --quick */
  quick: PartialSettings;
  /** why the bench differs from the paper's setting, if it does */
  note: string;
  timeoutMin: number;
  /** ADAM/SGD learning-rate grid of the full run as factors of the preset's rate (default: compare's
   *  0.1, 0.3, 1, 3) */
  lrFactors?: number[];
}

const EXPERIMENTS: ExperimentPlan[] = [
  {
    name: "cdr",
    full: {},
    quick: { levels: 1, nt: 3, budget: 60 },
    note: "paper setting (800 samples 400/200/200, width 8, 2→3→5 weight points, 200 WU per level)",
    timeoutMin: 30,
  },
  {
    name: "circle",
    full: {},
    quick: { n: 2100, maxIter: 10, budget: 40 },
    note: "paper setting (7000 points, tanh MLP 2→4→4, 50 iterations/epochs)",
    timeoutMin: 30,
  },
  {
    name: "dcr",
    full: { n: 1000, levels: 1, nt: 3, budget: 200 },
    quick: { n: 500, levels: 1, budget: 20 },
    lrFactors: [0.3, 1, 3],
    note: "reduced: 1000 samples (800/100/100) instead of 10 000, one level with 3 weight points and 200 WU instead of 2→3→5 points × 400 WU, ADAM/SGD tuned over 0.3, 1, 3 × the preset's rate; to fit the suite's time on a shared 2-core machine",
    timeoutMin: 40,
  },
  {
    name: "indian-pines",
    full: { budget: 20, maxIter: 20 },
    quick: { budget: 6, maxIter: 6 },
    lrFactors: [1],
    note: "synthetic scene (no real files here); reduced: budget 20 WU instead of 500, ADAM/SGD at the preset's rate (no tuning)",
    timeoutMin: 40,
  },
  {
    name: "mnist",
    full: { n: 300, epochs: 1, maxIter: 2, blockSize: 250, budget: 12 },
    quick: { n: 300, epochs: 1, maxIter: 1, blockSize: 250, budget: 4 },
    lrFactors: [1],
    note: "reduced to a toy: 300 of the 60 000 images (250/50, test 60), block-sampled GNvpro 1 epoch of one 250-image block (3 trust-region steps), ADAM/SGD 2 epochs at the preset's rate (no tuning): the CNN in TypeScript costs ~10 CPU-s per work unit per 1000 images on this machine",
    timeoutMin: 40,
  },
];

const SEEDS = Number(opt("seeds") ?? (quick ? 2 : 5));
const JOBS = Math.max(1, Number(opt("jobs") ?? 1));
const ONLY = opt("only")?.split(",");
const SKIP = new Set((opt("skip") ?? "").split(",").filter((s) => s !== ""));
const tag = quick ? "-quick" : "";
/** --reuse: take every stage's result from an earlier run's files (.tmp/bench/*.json, the previous
 *  bench JSON's micro results) when present, and run only the missing stages */
const REUSE = flag("reuse");

function reused(file: string): StageResult {
  process.stdout.write(`  reusing ${file.replace(root, "")}\n`);
  return { ok: true, seconds: 0, loadBefore: [], loadAfter: [] };
}
const childEnv = { ...process.env, GNVPRO_THREADS: "1" };
const tsxBin = join(root, "node_modules", ".bin", "tsx");

// ---------------------------------------------------------------------------------------------
// Small helpers

function spreadOf(values: readonly (number | null | undefined)[]): Spread {
  const s = values
    .filter((v): v is number => typeof v === "number" && Number.isFinite(v))
    .sort((a, b) => a - b);
  if (s.length === 0) return { n: 0, median: null, min: null, max: null, q1: null, q3: null };
  const q = (p: number) => {
    const h = (s.length - 1) * p;
    const lo = Math.floor(h);
    return s[lo] + (h - lo) * (s[Math.ceil(h)] - s[lo]);
  };
  return { n: s.length, median: q(0.5), min: s[0], max: s[s.length - 1], q1: q(0.25), q3: q(0.75) };
}

function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function get(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const k of path.split(".")) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

function g3(v: number | null, digits = 3): string {
  if (v === null) return "—";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(digits - 1);
  return String(Number(v.toPrecision(digits)));
}

/** "median [min, max]" (or the single value). */
function sp(s: Spread | undefined, scale = 1, digits = 3): string {
  if (!s || s.median === null) return "—";
  const m = g3(s.median * scale, digits);
  if (s.n > 1 && s.min !== null && s.max !== null && s.min !== s.max)
    return `${m} [${g3(s.min * scale, digits)}, ${g3(s.max * scale, digits)}]`;
  return m;
}

function load(): number[] {
  return loadavg().map((x) => Number(x.toFixed(2)));
}

function cpuSecondsSince(c0: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

interface StageResult {
  ok: boolean;
  seconds: number;
  loadBefore: number[];
  loadAfter: number[];
  stderrTail?: string;
}

/** Run a command (stdout/stderr streamed to a log file) with a time limit; resolves when it ends. */
function runLogged(cmd: string, args: string[], logFile: string, timeoutMin: number): Promise<StageResult> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const loadBefore = load();
    const log = createWriteStream(logFile);
    log.write(`$ ${cmd} ${args.join(" ")}\n`);
    let stderr = "";
    const child = spawn(cmd, args, { cwd: root, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (d: Buffer) => log.write(d));
    child.stderr.on("data", (d: Buffer) => {
      log.write(d);
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMin * 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      log.end();
      const r: StageResult = {
        ok: code === 0,
        seconds: (performance.now() - t0) / 1000,
        loadBefore,
        loadAfter: load(),
      };
      if (code !== 0) r.stderrTail = (stderr || `exit ${code ?? "killed (time limit)"}`).slice(-800);
      resolve(r);
    });
  });
}

/** Run async tasks at most `jobs` at a time. */
async function pool<T>(tasks: (() => Promise<T>)[], jobs: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, worker));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Child: one experiment's compare (reusing src/compare), digested

/** Wrap the train hook to record each run's CPU time in its summary (aggregated like the rest). */
function withCpuTime(h: CompareHooks): CompareHooks {
  return {
    settingsFor: (o, e) => h.settingsFor(o, e),
    loadData: (s) => h.loadData(s),
    async train(s: Settings, d: Dataset): Promise<TrainOutcome> {
      const c0 = process.cpuUsage();
      const out = await h.train(s, d);
      (out.summary as unknown as Record<string, unknown>).cpuSeconds = cpuSecondsSince(c0);
      return out;
    },
  };
}

interface MethodDigest {
  method: string;
  optimizer: string;
  kind: string;
  lr: number | null;
  status: string;
  train: Spread;
  val: Spread;
  test: Spread;
  workUnits: Spread;
  wallSeconds: Spread;
  cpuSeconds: Spread;
  wallMsPerWU: Spread;
  cpuMsPerWU: Spread;
  reach: { workUnits: Spread; wallSeconds: Spread; cpuSeconds: Spread; seedsReached: number; seeds: number };
  /** per seed: this method's WU (and wall time) to ADAM's best over ADAM's own */
  ratioToAdam: { workUnits: Spread; wallSeconds: Spread };
}

export interface ExperimentDigest {
  experiment: string;
  note: string;
  settings: PartialSettings;
  data: string;
  task: string;
  metric: string;
  higherIsBetter: boolean;
  seeds: number[];
  target: Spread;
  methods: MethodDigest[];
  claim: {
    holds: boolean | null;
    text: string;
    gnvproWU: Spread;
    adamWU: Spread;
    ratio: Spread;
    seedsFewer: number;
    seeds: number;
  };
  cpuSeconds: number;
  wallSeconds: number;
  load: number[];
  summaryJson: string;
  report: string;
}

function digest(
  res: CompareResult,
  plan: ExperimentPlan,
  settings: PartialSettings,
): Omit<ExperimentDigest, "cpuSeconds" | "wallSeconds" | "load" | "summaryJson" | "report"> {
  const m = res.metric.name;
  const adam = res.results.find((r) => r.optimizer === "adam");
  const adamReach = new Map<number, { w: number; t: number } | null>();
  for (const s of adam?.perSeed ?? [])
    adamReach.set(s.seed, s.reach ? { w: s.reach.workUnits, t: s.reach.wallSeconds } : null);
  const methods: MethodDigest[] = res.results.map((r: MethodResult) => {
    const per = r.perSeed;
    const f = (path: string) => spreadOf(per.map((p) => num(get(p.summary, path))));
    const ratioW: (number | null)[] = [];
    const ratioT: (number | null)[] = [];
    for (const p of per) {
      const a = adamReach.get(p.seed);
      ratioW.push(p.reach && a && a.w > 0 ? p.reach.workUnits / a.w : null);
      ratioT.push(p.reach && a && a.t > 0 ? p.reach.wallSeconds / a.t : null);
    }
    return {
      method: r.label,
      optimizer: r.optimizer,
      kind: r.kind,
      lr: per[0]?.lr ?? null,
      status: String(r.summary.status ?? ""),
      train: f(`train.best.${m}`),
      val: f(`val.best.${m}`),
      test: f(`test.best.${m}`),
      workUnits: f("workUnits"),
      wallSeconds: f("wallSeconds"),
      cpuSeconds: f("cpuSeconds"),
      wallMsPerWU: spreadOf(
        per.map((p) => {
          const w = num(p.summary.workUnits);
          const t = num(p.summary.wallSeconds);
          return w && t !== null ? (1000 * t) / w : null;
        }),
      ),
      cpuMsPerWU: spreadOf(
        per.map((p) => {
          const w = num(p.summary.workUnits);
          const t = num(p.summary.cpuSeconds);
          return w && t !== null ? (1000 * t) / w : null;
        }),
      ),
      reach: {
        workUnits: spreadOf(per.map((p) => p.reach?.workUnits)),
        wallSeconds: spreadOf(per.map((p) => p.reach?.wallSeconds)),
        // CPU seconds to the target, pro rata of the run's CPU time by its wall time
        cpuSeconds: spreadOf(
          per.map((p) => {
            const t = num(p.summary.wallSeconds);
            const c = num(p.summary.cpuSeconds);
            return p.reach && t && c !== null ? (p.reach.wallSeconds * c) / t : null;
          }),
        ),
        seedsReached: per.filter((p) => p.reach !== null).length,
        seeds: per.length,
      },
      ratioToAdam: { workUnits: spreadOf(ratioW), wallSeconds: spreadOf(ratioT) },
    };
  });
  const gn = methods.find((x) => x.optimizer === "gnvpro");
  const ad = methods.find((x) => x.optimizer === "adam");
  let claim: ExperimentDigest["claim"];
  if (!gn || !ad) {
    claim = {
      holds: null,
      text: "GNvpro or ADAM not run",
      gnvproWU: spreadOf([]),
      adamWU: spreadOf([]),
      ratio: spreadOf([]),
      seedsFewer: 0,
      seeds: 0,
    };
  } else {
    const g = res.results.find((r) => r.optimizer === "gnvpro")!;
    let fewer = 0;
    for (const p of g.perSeed) {
      const a = adamReach.get(p.seed);
      if (p.reach && a && p.reach.workUnits < a.w) fewer++;
    }
    const seeds = g.perSeed.length;
    const holds = fewer * 2 > seeds;
    claim = {
      holds,
      text:
        `GNvpro reached ADAM's best validation ${res.metric.label} on ${gn.reach.seedsReached}/${seeds} seeds, ` +
        `in fewer work units than ADAM on ${fewer}/${seeds}: ` +
        `median ${sp(gn.reach.workUnits)} WU vs ADAM ${sp(ad.reach.workUnits)} WU (ratio ${sp(gn.ratioToAdam.workUnits)})`,
      gnvproWU: gn.reach.workUnits,
      adamWU: ad.reach.workUnits,
      ratio: gn.ratioToAdam.workUnits,
      seedsFewer: fewer,
      seeds,
    };
  }
  return {
    experiment: plan.name,
    note: plan.note,
    settings,
    data: res.provenance.description,
    task: res.task,
    metric: res.metric.label,
    higherIsBetter: res.metric.higherIsBetter,
    seeds: res.seeds,
    target: spreadOf(res.target.perSeed),
    methods,
    claim,
  };
}

async function childCompare(name: string, outFile: string): Promise<void> {
  const { trainPipelineHooks } = await import("../src/compare/hooks.js");
  const { runCompare } = await import("../src/compare/compare.js");
  const { writeCompare } = await import("../src/compare/output.js");
  const { labelMapsFor } = await import("../src/compare/labelmaps.js");
  const plan = EXPERIMENTS.find((e) => e.name === name);
  if (!plan) throw new Error(`bench: unknown experiment "${name}"`);
  const settings = quick ? plan.quick : plan.full;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const base = trainPipelineHooks({ experiment: name, layers: [settings] });
  const hooks = withCpuTime(base);
  const first = hooks.settingsFor("gnvpro", {});
  const seeds = Array.from({ length: SEEDS }, (_, i) => first.seed + i);
  const lrGrid: Partial<Record<"adam" | "sgd", number[]>> = {};
  const factors = quick ? [1] : plan.lrFactors;
  if (factors !== undefined) {
    const r = (x: number) => Number(x.toPrecision(6));
    lrGrid.adam = factors.map((f) => r(f * hooks.settingsFor("adam", {}).lr));
    lrGrid.sgd = factors.map((f) => r(f * hooks.settingsFor("sgd", {}).lr));
  }
  const log = (line: string) => process.stdout.write(`[${name}] ${line}\n`);
  const res = await runCompare(hooks, { seeds, lrGrid, log });
  const dir = join(resultsDir, "runs", `${name}${tag}`);
  const labelMaps = await labelMapsFor(res, base.preset);
  const files = await writeCompare(
    dir,
    res,
    {
      experiment: name,
      compare: { seeds, bench: quick ? "quick" : "full", overrides: settings, lrGrid },
    },
    labelMaps ? { labelMaps } : {},
  );
  const d: ExperimentDigest = {
    ...digest(res, plan, settings),
    cpuSeconds: cpuSecondsSince(c0),
    wallSeconds: (performance.now() - t0) / 1000,
    load: load(),
    summaryJson: files.summary.replace(root, ""),
    report: files.report.replace(root, ""),
  };
  writeFileSync(outFile, JSON.stringify(d, null, 1));
}

// ---------------------------------------------------------------------------------------------
// Child: cost per work unit against the targets

interface PerWuFigure {
  name: string;
  network: string;
  optimizer: string;
  targetMs: number | null;
  reference: string;
  runs: number;
  workUnits: Spread;
  /** whole training call (set-up, initial inner solve, validation included) per WU */
  wallMsPerWU: Spread;
  /** the training clock of GNVPRO.md §4 (paused during validation) per WU: what the target means */
  trainWallMsPerWU?: Spread;
  cpuMsPerWU: Spread;
  meetsTarget: boolean | null;
  load: number[];
}

/** Gaussian-mixture classification data: 10 classes, 64 features (the varpro bench's size). */
function mixtureData(
  n: number,
  d: number,
  classes: number,
  seed: number,
  RngCtor: typeof import("../src/util/rng.js").Rng,
) {
  const rng = new RngCtor(seed);
  const means = rng.fillNormal(new Float64Array(classes * d));
  const Y = new Float64Array(n * d);
  const L = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    L[i] = c;
    for (let j = 0; j < d; j++) Y[i * d + j] = 0.6 * means[c * d + j] + rng.normal();
  }
  return { ym: { rows: n, cols: d, data: Y }, cm: { rows: n, cols: 1, data: L } };
}

async function childPerWu(outFile: string): Promise<void> {
  const { trainPipelineHooks } = await import("../src/compare/hooks.js");
  const { datasetFromRows } = await import("../src/experiments/userdata.js");
  const { Rng } = await import("../src/util/rng.js");
  const { kernels } = await import("../src/kernels/index.js");
  kernels().setThreads(1);
  // one unrecorded warm-up run per configuration (V8 compiles the hot paths during the first run:
  // it read 0.67 ms/WU on CDR where the next runs read 0.20–0.36), then the recorded runs
  const reps = quick ? 1 : 5;
  const figures: PerWuFigure[] = [];

  const measure = async (
    name: string,
    network: string,
    hooks: CompareHooks,
    data: Dataset,
    optimizer: OptimizerName,
    extra: PartialSettings,
    targetMs: number | null,
    reference: string,
  ) => {
    const w: number[] = [];
    const wall: number[] = [];
    const trainWall: number[] = [];
    const cpu: number[] = [];
    const l0 = load();
    await hooks.train(hooks.settingsFor(optimizer, extra), data);
    for (let r = 0; r < reps; r++) {
      const s = hooks.settingsFor(optimizer, extra);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const out = await hooks.train(s, data);
      const dt = performance.now() - t0;
      const dc = cpuSecondsSince(c0) * 1000;
      w.push(out.summary.workUnits);
      wall.push(dt / out.summary.workUnits);
      trainWall.push((out.summary.wallSeconds * 1000) / out.summary.workUnits);
      cpu.push(dc / out.summary.workUnits);
    }
    const wallS = spreadOf(wall);
    const trainS = spreadOf(trainWall);
    const cpuS = spreadOf(cpu);
    figures.push({
      name,
      network,
      optimizer,
      targetMs,
      reference,
      runs: reps,
      workUnits: spreadOf(w),
      wallMsPerWU: wallS,
      trainWallMsPerWU: trainS,
      cpuMsPerWU: cpuS,
      meetsTarget: targetMs === null ? null : (trainS.median ?? Infinity) <= targetMs,
      load: [...l0, ...load()],
    });
    process.stdout.write(
      `${name} ${optimizer}: ${sp(trainS)} ms/WU training clock, ${sp(wallS)} ms/WU whole call, ${sp(cpuS)} ms/WU CPU\n`,
    );
  };

  // CDR network: 400 training samples, width 8, 3 weight points (one level). Runs of 600 WU (the
  // paper's CDR budget, 3 × 200) and 200 WU for classification: shorter runs measure mostly the
  // early phase (more evaluations and inner solves per WU) and V8's warm-up (150 WU read 0.98 ms/WU
  // on CDR where 600 WU read 0.5)
  const cdrLayers: PartialSettings = { levels: 1, nt: 3, width: 8, budget: quick ? 30 : 600 };
  const cdr = trainPipelineHooks({ experiment: "cdr", layers: [cdrLayers] });
  const cdrData = await cdr.loadData(cdr.settingsFor("gnvpro", {}));
  await measure(
    "CDR",
    "400 × 55 → 72, width 8, 3 weight points",
    cdr,
    cdrData,
    "gnvpro",
    {},
    0.25,
    "PyTorch 1.13 float64 0.5 ms, MATLAB/Octave 6.8 ms",
  );
  await measure("CDR", "same", cdr, cdrData, "adam", { budget: quick ? 10 : 40 }, null, "");

  // classification: 900 × 64, 10 classes, width 32, 5 weight points, T = 4
  const { ym, cm } = mixtureData(1200, 64, 10, 2021, Rng);
  const clsData = datasetFromRows(ym, cm, "classification", [0.75, 0.25, 0], 7, {
    y: "mixture",
    c: "labels",
  });
  const cls = trainPipelineHooks({
    layers: [
      {
        y: "mixture",
        c: "labels",
        task: "classification",
        width: 32,
        nt: 5,
        T: 4,
        levels: 1,
        alphaTheta: 1e-3,
        alphaW: 1e-3,
        budget: quick ? 10 : 200,
        batchSize: 32,
        lr: 1e-3,
      },
    ],
  });
  await measure(
    "classification",
    "900 × 64, 10 classes, width 32, 5 weight points, T = 4",
    cls,
    clsData,
    "gnvpro",
    {},
    1.5,
    "PyTorch: 3.2 ms GNvpro",
  );
  await measure(
    "classification",
    "same",
    cls,
    clsData,
    "adam",
    { budget: quick ? 4 : 20 },
    null,
    "PyTorch: 17 ms ADAM batch 32",
  );
  writeFileSync(outFile, JSON.stringify(figures, null, 1));
}

// ---------------------------------------------------------------------------------------------
// Child: the TensorFlow.js peer on CDR and Circle

interface PeerDigest {
  experiment: string;
  network: string;
  epochs: number;
  lr: number;
  batchSize: number;
  target: number | null;
  targetSource: string;
  metric: string;
  tfjs: {
    version: string;
    backend: string;
    secondsPerEpoch: Spread;
    cpuSecondsPerEpoch: Spread;
    secondsToTarget: Spread;
    epochsToTarget: Spread;
    reached: number;
    bestValMetric: Spread;
    cpuSeconds: Spread;
  } | null;
  tfjsError?: string;
  gnvproAdam: {
    secondsPerEpoch: Spread;
    cpuSecondsPerEpoch: Spread;
    secondsToTarget: Spread;
    epochsToTarget: Spread;
    reached: number;
    bestValMetric: Spread;
  };
  gnvpro: { secondsToTarget: number | null; workUnitsToTarget: number | null; bestValMetric: number | null };
  runs: number;
  load: number[];
}

async function childPeer(
  name: string,
  outFile: string,
  target: number | null,
  lrIn: number | null,
): Promise<void> {
  const { trainPipelineHooks } = await import("../src/compare/hooks.js");
  const { continuousRows } = await import("../src/compare/compare.js");
  const { bestValMetric, firstReach } = await import("../src/compare/target.js");
  const { kernels } = await import("../src/kernels/index.js");
  kernels().setThreads(1);
  const reps = quick ? 1 : 3;
  const isCdr = name === "cdr";
  const epochs = isCdr ? (quick ? 20 : 100) : quick ? 5 : 50;
  const layers: PartialSettings = isCdr ? { levels: 1, nt: 3, width: 8 } : quick ? { n: 2100 } : {};
  const hooks = trainPipelineHooks({ experiment: name, layers: [layers] });
  const sAdam0 = hooks.settingsFor("adam", {});
  const lr = lrIn ?? sAdam0.lr;
  const sAdam = { ...sAdam0, lr, maxIter: epochs, budget: 2 * epochs + 1e-9 };
  const data = await hooks.loadData(sAdam);
  const higher = data.task === "classification";
  const l0 = load();

  // gnvpro's own ADAM on the same network and data
  const perEpoch: number[] = [];
  const cpuPerEpoch: number[] = [];
  const toTarget: (number | null)[] = [];
  const epochsTo: (number | null)[] = [];
  const bests: (number | null)[] = [];
  let tgt = target;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const out = await hooks.train(sAdam, data);
    const cpu = cpuSecondsSince(c0);
    const rows = continuousRows(out.history);
    const best = bestValMetric(rows, higher);
    bests.push(best);
    if (tgt === null) tgt = best;
    const ep = rows.filter((x) => x.workUnits > 0);
    perEpoch.push(out.summary.wallSeconds / Math.max(1, ep.length));
    cpuPerEpoch.push(cpu / Math.max(1, ep.length));
    const hit = tgt !== null ? firstReach(rows, tgt, higher) : null;
    toTarget.push(hit ? hit.wallMs / 1000 : null);
    epochsTo.push(hit ? hit.workUnits / 2 : null);
  }
  // GNvpro on the same network, same number of work units
  const sG = { ...hooks.settingsFor("gnvpro", {}), budget: 2 * epochs };
  const g = await hooks.train(sG, data);
  const gRows = continuousRows(g.history);
  const gHit = tgt !== null ? firstReach(gRows, tgt, higher) : null;

  const net = isCdr
    ? { kind: "resnet", d: data.d, width: sAdam.width, nt: sAdam.nt, T: sAdam.T, eps: 1e-4 }
    : { kind: "mlp", d: data.d, hidden: [4, 4] };
  const problem = {
    name,
    task: data.task,
    loss: data.loss,
    network: net,
    q: data.q,
    train: { Y: Array.from(data.train.Y), C: Array.from(data.train.C), n: data.train.n },
    val: { Y: Array.from(data.val.Y), C: Array.from(data.val.C), n: data.val.n },
    lr,
    batchSize: sAdam.batchSize,
    epochs,
    target: tgt,
    higherIsBetter: higher,
    reps,
    seed: sAdam.seed,
    alphaTheta: sAdam.alphaTheta,
    alphaW: sAdam.alphaW,
  };
  mkdirSync(join(root, ".tmp", "bench"), { recursive: true });
  const pf = join(root, ".tmp", "bench", `peer-${name}${tag}-problem.json`);
  const of = join(root, ".tmp", "bench", `peer-${name}${tag}-out.json`);
  writeFileSync(pf, JSON.stringify(problem));
  const r = spawnSync(process.execPath, [join(root, "bench", "peer", "peer.mjs"), pf, of], {
    cwd: root,
    env: childEnv,
    encoding: "utf8",
    timeout: 30 * 60_000,
  });
  let tfjs: PeerDigest["tfjs"] = null;
  let tfjsError: string | undefined;
  if (r.status === 0 && existsSync(of)) {
    const o = JSON.parse(readFileSync(of, "utf8")) as {
      tfjs: string;
      backend: string;
      reps: {
        secondsPerEpoch: number;
        cpuSecondsPerEpoch: number;
        cpuSeconds: number;
        bestValMetric: number | null;
        reach: { epoch: number; trainSeconds: number } | null;
      }[];
    };
    tfjs = {
      version: o.tfjs,
      backend: o.backend,
      secondsPerEpoch: spreadOf(o.reps.map((x) => x.secondsPerEpoch)),
      cpuSecondsPerEpoch: spreadOf(o.reps.map((x) => x.cpuSecondsPerEpoch)),
      secondsToTarget: spreadOf(o.reps.map((x) => x.reach?.trainSeconds)),
      epochsToTarget: spreadOf(o.reps.map((x) => x.reach?.epoch)),
      reached: o.reps.filter((x) => x.reach !== null).length,
      bestValMetric: spreadOf(o.reps.map((x) => x.bestValMetric)),
      cpuSeconds: spreadOf(o.reps.map((x) => x.cpuSeconds)),
    };
  } else tfjsError = (r.stderr || r.error?.message || `exit ${r.status}`).slice(-800);
  const d: PeerDigest = {
    experiment: name,
    network: isCdr
      ? `${data.d} → width ${sAdam.width} tanh, antisymmetric ResNet ${sAdam.nt} weight points (RK4), affine → ${data.q}`
      : `${data.d} → tanh MLP 4, 4 → affine → 1 (logistic)`,
    epochs,
    lr,
    batchSize: sAdam.batchSize,
    target: tgt,
    targetSource:
      target !== null
        ? "best validation metric of gnvpro's ADAM in the compare run (median over seeds)"
        : "best validation metric of gnvpro's ADAM on this network",
    metric: higher ? "accuracy" : "mean relative error",
    tfjs,
    ...(tfjsError !== undefined ? { tfjsError } : {}),
    gnvproAdam: {
      secondsPerEpoch: spreadOf(perEpoch),
      cpuSecondsPerEpoch: spreadOf(cpuPerEpoch),
      secondsToTarget: spreadOf(toTarget),
      epochsToTarget: spreadOf(epochsTo),
      reached: toTarget.filter((x) => x !== null).length,
      bestValMetric: spreadOf(bests),
    },
    gnvpro: {
      secondsToTarget: gHit ? gHit.wallMs / 1000 : null,
      workUnitsToTarget: gHit ? gHit.workUnits : null,
      bestValMetric: bestValMetric(gRows, higher),
    },
    runs: reps,
    load: [...l0, ...load()],
  };
  writeFileSync(outFile, JSON.stringify(d, null, 1));
}

// ---------------------------------------------------------------------------------------------
// Parent: the suite

function ensurePeer(): string | null {
  const dir = join(root, "bench", "peer");
  if (existsSync(join(dir, "node_modules", "@tensorflow", "tfjs-backend-wasm"))) return null;
  process.stdout.write("installing the TensorFlow.js peer (npm ci --prefix bench/peer)…\n");
  const r = spawnSync("npm", ["ci", "--prefix", dir, "--no-audit", "--no-fund"], {
    cwd: root,
    encoding: "utf8",
    timeout: 10 * 60_000,
  });
  if (r.status !== 0)
    return `npm ci --prefix bench/peer failed: ${(r.stderr || r.error?.message || "").slice(-400)}`;
  return null;
}

function packageScripts(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    scripts?: Record<string, string>;
  };
  return pkg.scripts ?? {};
}

function versions(): Record<string, string> {
  const v: Record<string, string> = {};
  const read = (p: string) => {
    try {
      return (JSON.parse(readFileSync(p, "utf8")) as { version: string }).version;
    } catch {
      return "not installed";
    }
  };
  v.tfjs = read(join(root, "bench", "peer", "node_modules", "@tensorflow", "tfjs", "package.json"));
  v["tfjs-backend-wasm"] = read(
    join(root, "bench", "peer", "node_modules", "@tensorflow", "tfjs-backend-wasm", "package.json"),
  );
  const git = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" });
  v.commit = git.status === 0 ? git.stdout.trim() : "unknown";
  return v;
}

function markdown(r: BenchResult): string {
  const L: string[] = [];
  const m = r.machine;
  L.push(
    `Measured ${r.date} on ${m.cpu}, ${m.os}, Node ${m.node}, backend ${m.backend} (${m.blas}), GNVPRO_THREADS=1${r.quick ? ", **quick mode** (reduced sizes, not the paper's figures)" : ""}. ` +
      `Load average at the start ${r.loadStart.join(" / ")}, at the end ${r.loadEnd.join(" / ")} (shared machine: wall times are inflated; CPU times are the steadier figure). ` +
      `Figures over seeds: median [min, max]. With --reuse, stages come from earlier runs: each section gives its own load.`,
  );
  L.push("");
  L.push("### GNvpro vs ADAM: work to reach ADAM's best validation metric");
  L.push("");
  L.push(
    "| experiment | seeds | ADAM's best val (target) | GNvpro's best val | GNvpro WU to target | ADAM WU to its best | WU ratio GNvpro/ADAM | GNvpro CPU s to target | ADAM CPU s to its best | claim holds |",
  );
  L.push("|---|---|---|---|---|---|---|---|---|---|");
  for (const e of r.experiments) {
    if ("error" in e) {
      L.push(`| ${e.experiment} | — | failed: ${e.error.split("\n")[0].slice(0, 80)} | | | | | | | |`);
      continue;
    }
    const g = e.methods.find((x) => x.optimizer === "gnvpro");
    const a = e.methods.find((x) => x.optimizer === "adam");
    const pct = e.higherIsBetter ? 100 : 1;
    const unit = e.higherIsBetter ? " %" : "";
    const vacuous = e.claim.adamWU.median === 0;
    const verdict =
      e.claim.holds === null
        ? "—"
        : vacuous
          ? "vacuous: ADAM never improved on the shared starting point (its best is at 0 WU)"
          : e.claim.holds
            ? `yes (${e.claim.seedsFewer}/${e.claim.seeds} seeds)`
            : `no (${e.claim.seedsFewer}/${e.claim.seeds} seeds)`;
    L.push(
      `| ${e.experiment} | ${e.seeds.length} | ${sp(e.target, pct)}${unit} (${e.metric}) | ${sp(g?.val, pct)}${unit} | ${sp(g?.reach.workUnits)}${g && g.reach.seedsReached < g.reach.seeds ? ` (${g.reach.seedsReached}/${g.reach.seeds} reached)` : ""} | ${sp(a?.reach.workUnits)} | ${sp(e.claim.ratio, 1, 2)} | ${sp(g?.reach.cpuSeconds)} | ${sp(a?.reach.cpuSeconds)} | ${verdict} |`,
    );
  }
  L.push("");
  for (const e of r.experiments) {
    if ("error" in e) continue;
    const pct = e.higherIsBetter ? 100 : 1;
    const ml = e.higherIsBetter ? "accuracy %" : e.metric;
    L.push(
      `#### ${e.experiment} (${e.seeds.length} seeds; ${g3(e.cpuSeconds)} CPU s, ${g3(e.wallSeconds)} wall s, load average ${e.load.join(" / ")} at its end; ${r.quick ? `quick settings ${JSON.stringify(e.settings)}` : e.note})`,
    );
    L.push("");
    L.push(
      `| method | train ${ml} | val ${ml} | test ${ml} | WU | wall s | CPU s | ms/WU wall | ms/WU CPU | WU to ADAM best | wall s to ADAM best | WU ratio to ADAM |`,
    );
    L.push("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (const x of e.methods) {
      const opt = x.kind === "optimizer";
      L.push(
        `| ${x.method}${x.lr !== null ? ` (lr ${g3(x.lr)})` : ""} | ${sp(x.train, pct)} | ${sp(x.val, pct)} | ${sp(x.test, pct)} | ${opt ? sp(x.workUnits) : "0"} | ${sp(x.wallSeconds)} | ${opt ? sp(x.cpuSeconds) : ""} | ${opt ? sp(x.wallMsPerWU) : ""} | ${opt ? sp(x.cpuMsPerWU) : ""} | ${opt ? (x.reach.seedsReached === 0 ? "not reached" : `${sp(x.reach.workUnits)}${x.reach.seedsReached < x.reach.seeds ? ` (${x.reach.seedsReached}/${x.reach.seeds})` : ""}`) : ""} | ${opt ? sp(x.reach.wallSeconds) : ""} | ${opt ? sp(x.ratioToAdam.workUnits, 1, 2) : ""} |`,
      );
    }
    L.push("");
  }
  if (r.perWu.length > 0) {
    const loads = r.perWu.flatMap((f) => [f.load[0], f.load[3]]).filter((x) => x !== undefined);
    L.push(
      `### Cost per work unit (native, one thread; median [min, max] of ${r.perWu[0].runs} runs after one unrecorded warm-up run; training clock = the run's own wall clock, paused during validation as GNVPRO.md §4 defines; whole call = set-up, initial inner solve and validation included; CPU = process CPU time of the whole call, V8's background threads included; 1-min load average ${g3(Math.min(...loads), 2)}–${g3(Math.max(...loads), 2)})`,
    );
    L.push("");
    L.push(
      "| problem | optimizer | ms/WU training clock | ms/WU whole call | ms/WU CPU | target | meets target (training clock) | reference |",
    );
    L.push("|---|---|---|---|---|---|---|---|");
    for (const f of r.perWu)
      L.push(
        `| ${f.name}: ${f.network} | ${f.optimizer} | ${f.trainWallMsPerWU ? sp(f.trainWallMsPerWU) : "—"} | ${sp(f.wallMsPerWU)} | ${sp(f.cpuMsPerWU)} | ${f.targetMs === null ? "" : `≤ ${f.targetMs}`} | ${f.meetsTarget === null ? "" : f.meetsTarget ? "yes" : "no"} | ${f.reference} |`,
      );
    L.push("");
  }
  if (r.peer.length > 0) {
    L.push("### TensorFlow.js peer (wasm, float32, ADAM, one thread) on the same network and data");
    L.push("");
    L.push(
      "| experiment | network | epochs | target | tfjs CPU s/epoch | tfjs wall s/epoch | tfjs wall s to target | gnvpro ADAM CPU s/epoch | gnvpro ADAM wall s/epoch | gnvpro ADAM wall s to target | GNvpro wall s to target (WU) |",
    );
    L.push("|---|---|---|---|---|---|---|---|---|---|---|");
    for (const p of r.peer) {
      if ("error" in p) {
        L.push(`| ${p.experiment} | failed: ${p.error.split("\n")[0].slice(0, 80)} | | | | | | |`);
        continue;
      }
      const pct = p.metric === "accuracy" ? 100 : 1;
      const t = p.tfjs;
      L.push(
        `| ${p.experiment} | ${p.network} | ${p.epochs} | ${p.target === null ? "—" : g3(p.target * pct)}${p.metric === "accuracy" ? " %" : ""} ${p.metric} | ${t ? sp(t.cpuSecondsPerEpoch) : `not run: ${(p.tfjsError ?? "").split("\n")[0].slice(0, 60)}`} | ${t ? sp(t.secondsPerEpoch) : ""} | ${t ? (t.reached === 0 ? `not reached (best ${sp(t.bestValMetric, pct)})` : `${sp(t.secondsToTarget)}${t.reached < p.runs ? ` (${t.reached}/${p.runs})` : ""}`) : ""} | ${sp(p.gnvproAdam.cpuSecondsPerEpoch)} | ${sp(p.gnvproAdam.secondsPerEpoch)} | ${p.gnvproAdam.reached === 0 ? `not reached (best ${sp(p.gnvproAdam.bestValMetric, pct)})` : sp(p.gnvproAdam.secondsToTarget)} | ${p.gnvpro.secondsToTarget === null ? `not reached (best ${g3((p.gnvpro.bestValMetric ?? NaN) * pct)})` : `${g3(p.gnvpro.secondsToTarget)} (${g3(p.gnvpro.workUnitsToTarget)} WU)`} |`,
      );
    }
    L.push("");
    L.push(
      `Peer: @tensorflow/tfjs ${r.versions.tfjs} with tfjs-backend-wasm ${r.versions["tfjs-backend-wasm"]}, installed only into bench/peer (npm ci --prefix bench/peer). tfjs: seconds per epoch exclude its validation pass and "to target" counts its training time only; gnvpro's figures are whole runs (they include its per-epoch train and validation metrics). gnvpro float64, tfjs float32.`,
    );
    L.push("");
  }
  if (r.micro.length > 0) {
    L.push("### Kernel, layer and objective benchmarks");
    L.push("");
    L.push("| script | status | wall s | results |");
    L.push("|---|---|---|---|");
    for (const s of r.micro)
      L.push(`| npm run ${s.script} | ${s.ok ? "ok" : "FAILED"} | ${g3(s.seconds)} | ${s.log} |`);
    L.push("");
  }
  L.push(
    `Regenerate: \`npm run bench\` (full, ~1 h on 2 idle cores) or \`npm run bench -- --quick\` (a few minutes); results in bench/results/bench${r.quick ? "-quick" : ""}.json and .md, per-experiment reports in bench/results/runs/.`,
  );
  return L.join("\n") + "\n";
}

interface BenchResult {
  date: string;
  quick: boolean;
  machine: Record<string, string>;
  versions: Record<string, string>;
  loadStart: number[];
  loadEnd: number[];
  seeds: number;
  wallSeconds: number;
  experiments: (ExperimentDigest | { experiment: string; error: string })[];
  perWu: PerWuFigure[];
  peer: (PeerDigest | { experiment: string; error: string })[];
  micro: (StageResult & { script: string; log: string })[];
}

function updateReadme(md: string): void {
  const f = join(root, "README.md");
  const text = readFileSync(f, "utf8");
  const a = "<!-- bench:begin -->";
  const b = "<!-- bench:end -->";
  const i = text.indexOf(a);
  const j = text.indexOf(b);
  if (i < 0 || j < i) {
    process.stdout.write("README.md has no bench:begin/bench:end markers; not updated\n");
    return;
  }
  writeFileSync(f, text.slice(0, i + a.length) + "\n" + md + text.slice(j));
}

async function parent(): Promise<void> {
  const t0 = performance.now();
  mkdirSync(join(resultsDir, "runs"), { recursive: true });
  const logDir = join(root, ".tmp", "bench");
  mkdirSync(logDir, { recursive: true });
  const { machineInfo } = await import("../src/compare/output.js");
  const { kernels } = await import("../src/kernels/index.js");
  kernels().setThreads(1);
  const machine = machineInfo();
  const loadStart = load();
  process.stdout.write(
    `gnvpro bench${quick ? " (quick)" : ""}: ${machine.cpu}, backend ${machine.backend}, load ${loadStart.join(" ")}; logs in .tmp/bench/\n`,
  );
  const self = join(root, "bench", "run.ts");
  const common = [...(quick ? ["--quick"] : []), "--seeds", String(SEEDS)];
  const plans = EXPERIMENTS.filter((e) => !ONLY || ONLY.includes(e.name));

  // Every stage is a task; tasks run `--jobs` at a time (a TensorFlow.js peer right after the
  // compare of its experiment, whose tuned ADAM learning rate it uses).
  const experiments: BenchResult["experiments"] = [];
  const peer: BenchResult["peer"] = [];
  const micro: BenchResult["micro"] = [];
  let perWu: PerWuFigure[] = [];
  const peerErr = SKIP.has("peer") ? null : ensurePeer();

  const runPeer = async (name: string, lr: number | null) => {
    if (peerErr !== null) {
      peer.push({ experiment: name, error: peerErr });
      return;
    }
    const f = join(logDir, `peer-${name}${tag}.json`);
    const args = [self, "--child-peer", name, "--out-file", f, ...common];
    if (lr !== null) args.push("--lr", String(lr));
    process.stdout.write(`peer ${name}…\n`);
    const st =
      REUSE && existsSync(f)
        ? reused(f)
        : await runLogged(tsxBin, args, join(logDir, `peer-${name}${tag}.log`), 40);
    if (st.ok && existsSync(f)) peer.push(JSON.parse(readFileSync(f, "utf8")) as PeerDigest);
    else peer.push({ experiment: name, error: st.stderrTail ?? "no output" });
    process.stdout.write(`peer ${name}: ${st.seconds.toFixed(0)} s\n`);
  };
  const tasks: (() => Promise<void>)[] = [];
  const withPeer = (name: string) => !SKIP.has("peer") && (name === "cdr" || name === "circle");
  // longest first, so that the pool ends together
  const longest = ["mnist", "indian-pines", "cdr", "dcr", "circle"];
  const byCost = [...plans].sort((x, y) => longest.indexOf(x.name) - longest.indexOf(y.name));
  for (const p of byCost) {
    tasks.push(async () => {
      let lr: number | null = null;
      if (!SKIP.has("compare")) {
        const out = join(logDir, `compare-${p.name}${tag}.json`);
        process.stdout.write(`compare ${p.name}…\n`);
        const st =
          REUSE && existsSync(out)
            ? reused(out)
            : await runLogged(
                tsxBin,
                [self, "--child-compare", p.name, "--out-file", out, ...common],
                join(logDir, `compare-${p.name}${tag}.log`),
                p.timeoutMin,
              );
        if (!st.ok || !existsSync(out)) {
          experiments.push({ experiment: p.name, error: st.stderrTail ?? "no output" });
          process.stdout.write(`compare ${p.name} FAILED (${st.seconds.toFixed(0)} s)\n`);
        } else {
          const d = JSON.parse(readFileSync(out, "utf8")) as ExperimentDigest;
          experiments.push(d);
          lr = d.methods.find((x) => x.optimizer === "adam")?.lr ?? null;
          process.stdout.write(
            `compare ${p.name}: ${st.seconds.toFixed(0)} s; ${d.claim.holds === null ? "" : d.claim.holds ? "claim holds" : "claim does not hold"}: ${d.claim.text}\n`,
          );
        }
      }
      if (withPeer(p.name)) await runPeer(p.name, lr);
    });
  }
  if (SKIP.has("compare"))
    for (const name of ["cdr", "circle"])
      if (withPeer(name) && (!ONLY || ONLY.includes(name))) tasks.push(() => runPeer(name, null));
  if (!SKIP.has("perwu"))
    tasks.push(async () => {
      const out = join(logDir, `perwu${tag}.json`);
      process.stdout.write("cost per work unit…\n");
      const st =
        REUSE && existsSync(out)
          ? reused(out)
          : await runLogged(
              tsxBin,
              [self, "--child-perwu", "--out-file", out, ...common],
              join(logDir, `perwu${tag}.log`),
              30,
            );
      if (st.ok && existsSync(out)) perWu = JSON.parse(readFileSync(out, "utf8")) as PerWuFigure[];
      else process.stdout.write(`cost per work unit failed: ${st.stderrTail}\n`);
      process.stdout.write(`cost per work unit: ${st.seconds.toFixed(0)} s\n`);
    });
  const previous = join(resultsDir, `bench${tag}.json`);
  const previousMicro =
    REUSE && existsSync(previous) ? (JSON.parse(readFileSync(previous, "utf8")) as BenchResult).micro : [];
  if (previousMicro.length > 0) micro.push(...previousMicro);
  else if (!SKIP.has("micro")) {
    const scripts = packageScripts();
    const wanted: [string, string[]][] = [
      ["bench:kernels", microQuick ? ["--quick"] : []],
      ["bench:layers", microQuick ? ["--quick"] : []],
      ["bench:small", microQuick ? ["--quick"] : []],
      ["bench:varpro", microQuick ? ["--quick"] : []],
      ["bench:data", microQuick ? ["--quick"] : []],
      ["bench:teacher", microQuick ? ["--budget", "100"] : ["--budget", "600"]],
    ];
    for (const [script, args] of wanted) {
      if (!(script in scripts)) continue;
      tasks.push(async () => {
        process.stdout.write(`${script}…\n`);
        const log = join(logDir, `${script.replace(":", "-")}${tag}.log`);
        const st = await runLogged("npm", ["run", "--silent", script, "--", ...args], log, 20);
        micro.push({ script, ...st, log: log.replace(root, "") });
        process.stdout.write(`${script}: ${st.ok ? "ok" : "FAILED"} ${st.seconds.toFixed(0)} s\n`);
      });
    }
  }
  await pool(tasks, JOBS);
  const order = (name: string) => EXPERIMENTS.findIndex((e) => e.name === name);
  experiments.sort((x, y) => order(x.experiment) - order(y.experiment));
  peer.sort((x, y) => order(x.experiment) - order(y.experiment));

  const result: BenchResult = {
    date: new Date().toISOString(),
    quick,
    machine,
    versions: versions(),
    loadStart,
    loadEnd: load(),
    seeds: SEEDS,
    wallSeconds: (performance.now() - t0) / 1000,
    experiments,
    perWu,
    peer,
    micro,
  };
  const md = markdown(result);
  writeFileSync(join(resultsDir, `bench${tag}.json`), JSON.stringify(result, null, 1) + "\n");
  writeFileSync(join(resultsDir, `bench${tag}.md`), md);
  if (!quick && !ONLY && SKIP.size === 0 && !flag("no-readme")) updateReadme(md);
  process.stdout.write("\n" + md);
  process.stdout.write(`\nwrote bench/results/bench${tag}.json and bench/results/bench${tag}.md\n`);
}

// ---------------------------------------------------------------------------------------------

const outFile = opt("out-file");
const childCompareName = opt("child-compare");
const childPeerName = opt("child-peer");
if (childCompareName !== undefined) await childCompare(childCompareName, outFile!);
else if (flag("child-perwu")) await childPerWu(outFile!);
else if (childPeerName !== undefined) {
  const t = opt("target");
  const lr = opt("lr");
  await childPeer(
    childPeerName,
    outFile!,
    t !== undefined ? Number(t) : null,
    lr !== undefined ? Number(lr) : null,
  );
} else {
  if (!Number.isInteger(SEEDS) || SEEDS < 1)
    throw new Error(`bench: --seeds must be a positive integer, got ${opt("seeds")}`);
  if (ONLY)
    for (const n of ONLY)
      if (!EXPERIMENTS.some((e) => e.name === n) && n !== "peer")
        throw new Error(`bench: --only: unknown experiment "${n}"`);
  await parent();
}
