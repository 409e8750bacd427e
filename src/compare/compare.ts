/**
 * `gnvpro compare`: the paper's comparison (GNVPRO.md §5–6) in one call.
 *
 * For every seed: load the data once, run GNvpro, GN, L-BFGS-VarPro, ADAM and SGD from the same
 * initial point through the train pipeline (src/experiments, one run per optimizer with that
 * optimizer's preset settings), ADAM and SGD with their learning rate tuned on the validation set
 * over a small grid, and the sanity baselines. Then: the best validation metric ADAM reaches is the
 * target, and for every method the work units and wall time at which it first reached it.
 * Over seeds: medians and spreads of every numeric field.
 *
 * This module does the orchestration and the arithmetic; training and data loading come in
 * through `CompareHooks` (src/compare/hooks.ts binds them to the train API), so that the logic is
 * testable and nothing is duplicated.
 */
import type { OptimizerName, PartialSettings, Settings } from "../experiments/config.js";
import type { Summary } from "../experiments/summary.js";
import type { Dataset } from "../experiments/userdata.js";
import type { Model } from "../model/model.js";
import { applyInputs, fitStandardize, type InputTransform } from "../model/preprocessing.js";
import type { HistoryRow } from "../training/history.js";
import { ACCURACY, REL_ERR, type MetricInfo, type Trace, type TraceRow } from "../report/history.js";
import { aggregateSummaries, spread, type Spread } from "./aggregate.js";
import {
  linearClassifier,
  meanPredictor,
  ridge,
  type BaselineData,
  type BaselineResult,
} from "./baselines.js";
import { bestValMetric, firstReach } from "./target.js";

export const COMPARE_OPTIMIZERS: readonly OptimizerName[] = ["gnvpro", "gn", "lbfgs-vp", "adam", "sgd"];

export const OPTIMIZER_LABELS: Record<OptimizerName, string> = {
  gnvpro: "GNvpro",
  gn: "GN",
  "lbfgs-vp": "L-BFGS-VarPro",
  adam: "ADAM",
  sgd: "SGD",
};

/** Default learning-rate grid, as factors of the preset's learning rate. */
export const LR_FACTORS = [0.1, 0.3, 1, 3] as const;

/** What one training run gives back. */
export interface TrainOutcome {
  summary: Summary;
  history: HistoryRow[];
  model: Model;
}

/** The train API, as compare uses it. */
export interface CompareHooks {
  /**
   * The settings of one optimizer's run: defaults < preset (common + the optimizer's own) < config
   * file < flags < `extra`. Throws naming the bad field.
   */
  settingsFor(optimizer: OptimizerName, extra: PartialSettings): Settings;
  /** Load or generate the data set of a run (compare calls it once per seed). */
  loadData(settings: Settings, onProgress?: (done: number, total: number) => void): Promise<Dataset>;
  /** Train one run on an already loaded data set, silently. */
  train(settings: Settings, data: Dataset): Promise<TrainOutcome>;
}

export interface CompareOptions {
  /** Seeds to run (each repeats everything). */
  seeds: number[];
  optimizers?: readonly OptimizerName[];
  /** Learning-rate grids (absolute); default LR_FACTORS × the preset's rate. Empty: no tuning. */
  lrGrid?: Partial<Record<"adam" | "sgd", number[]>>;
  /** Progress messages (one line each). */
  log?: (line: string) => void;
}

export interface TuningEntry {
  lr: number;
  /** best validation metric of the run */
  bestValMetric: number | null;
  workUnits: number;
  wallSeconds: number;
}

/** One method (optimizer or baseline) on one seed. */
export interface SeedRun {
  seed: number;
  /** The train summary (optimizers) or the baseline result, without its settings. */
  summary: Record<string, unknown>;
  /** First reach of ADAM's best validation metric of this seed (null: not reached / no target). */
  reach: { workUnits: number; wallSeconds: number; iteration: number } | null;
  /** Learning-rate tuning (ADAM/SGD). */
  tuning?: TuningEntry[];
  /** The learning rate used (ADAM/SGD). */
  lr?: number;
}

export interface MethodResult {
  optimizer: string;
  label: string;
  kind: "optimizer" | "baseline";
  /** Median over seeds of every numeric field of the train summary (the value itself for one seed). */
  summary: Record<string, unknown>;
  reachedAdamBest: {
    /** medians over the seeds that reached it (null: none did) */
    workUnits: number | null;
    wallSeconds: number | null;
    seedsReached: number;
    seeds: number;
  };
  spread: Record<string, Spread>;
  perSeed: SeedRun[];
}

export interface CompareResult {
  task: "regression" | "classification";
  metric: MetricInfo;
  /** How the data came about, and the data's description. */
  provenance: { kind: string; description: string };
  seeds: number[];
  target: { perSeed: (number | null)[]; median: number | null };
  results: MethodResult[];
  /** The settings of every optimizer's run (first seed; the seed itself varies). */
  settings: Record<string, Settings>;
  /** Histories of every optimizer and seed (plots; the CSV files). */
  traces: Trace[];
  /** The first seed's data set and models (for prediction figures). */
  firstSeed: { data: Dataset; models: Partial<Record<OptimizerName, Model>> };
}

/** "generated", "real", "synthetic stand-in" or "user data", from a data set's provenance text. */
export function provenanceKind(text: string): string {
  if (/synthetic/i.test(text)) return "synthetic stand-in";
  if (/^\s*user/i.test(text)) return "user data";
  if (/^\s*real/i.test(text) || /\breal\b/i.test(text)) return "real";
  if (/generat/i.test(text)) return "generated";
  return "unspecified";
}

export function metricOf(task: "regression" | "classification"): MetricInfo {
  return task === "regression" ? REL_ERR : ACCURACY;
}

/**
 * History rows made monotone across multilevel levels: when a level restarts the wall clock or the
 * work-unit count, its rows are offset by the previous level's last (continuous) value. Every other
 * field (level, level-local iteration, radius, ...) is kept.
 */
export function continuousRows<R extends TraceRow>(rows: readonly R[]): R[] {
  const out: R[] = [];
  let wOff = 0;
  let tOff = 0;
  let prevW = -Infinity;
  let prevT = -Infinity;
  for (const r of rows) {
    let w = r.workUnits + wOff;
    let t = r.wallMs + tOff;
    // a restarted counter: the new level's count starts from the previous total
    if (w < prevW) {
      wOff = prevW;
      w = r.workUnits + wOff;
    }
    if (t < prevT) {
      tOff = prevT;
      t = r.wallMs + tOff;
    }
    prevW = w;
    prevT = t;
    out.push({ ...r, workUnits: w, wallMs: t });
  }
  return out;
}

/** The baselines' view of a data set: inputs preprocessed as the networks see them. */
export function baselineData(ds: Dataset): BaselineData {
  let t: InputTransform;
  if (ds.inputs === "standardize") t = fitStandardize(ds.train.Y, ds.d, ds.train.n);
  else if (ds.inputs === "per-sample") t = { kind: "per-sample" };
  else t = { kind: "none" };
  const part = (p: Dataset["train"]) => ({ Y: applyInputs(t, p.Y, ds.d, p.n), C: p.C, n: p.n });
  return { loss: ds.loss, d: ds.d, q: ds.q, train: part(ds.train), val: part(ds.val), test: part(ds.test) };
}

/** The baselines of a task (GNVPRO.md §5). */
export function runBaselines(ds: Dataset): BaselineResult[] {
  const bd = baselineData(ds);
  if (ds.loss === "least-squares") return [meanPredictor(bd), ridge(bd)];
  return [linearClassifier(bd)];
}

function better(a: number | null, b: number | null, higher: boolean): boolean {
  if (a === null) return false;
  if (b === null) return true;
  return higher ? a > b : a < b;
}

function withoutSettings(s: object): Record<string, unknown> {
  const { settings: _s, ...rest } = s as Record<string, unknown>;
  return rest;
}

export async function runCompare(hooks: CompareHooks, o: CompareOptions): Promise<CompareResult> {
  const optimizers = o.optimizers ?? COMPARE_OPTIMIZERS;
  if (optimizers.length === 0) throw new Error("compare: no optimizers to compare");
  if (o.seeds.length === 0) throw new Error("compare: option --seeds must be at least 1");
  const log = o.log ?? (() => {});
  const runs = new Map<string, { label: string; kind: "optimizer" | "baseline"; perSeed: SeedRun[] }>();
  const add = (key: string, label: string, kind: "optimizer" | "baseline", r: SeedRun) => {
    let e = runs.get(key);
    if (!e) runs.set(key, (e = { label, kind, perSeed: [] }));
    e.perSeed.push(r);
  };
  const traces: Trace[] = [];
  const targets: (number | null)[] = [];
  const settingsRecord: Record<string, Settings> = {};
  let task: "regression" | "classification" | null = null;
  let provenance = "";
  let firstSeed: CompareResult["firstSeed"] | null = null;

  for (const seed of o.seeds) {
    const base = hooks.settingsFor(optimizers[0], { seed });
    log(`seed ${seed}: loading data`);
    let shown = 0;
    const data = await hooks.loadData(base, (done, total) => {
      // a line at every quarter of a long generation
      const quarter = Math.floor((4 * done) / Math.max(1, total));
      if (quarter > shown && done < total) {
        shown = quarter;
        log(`seed ${seed}: generating data, ${done}/${total} samples`);
      }
    });
    task = data.task;
    if (seed === o.seeds[0]) provenance = data.provenance;
    const metric = metricOf(data.task);
    const models: Partial<Record<OptimizerName, Model>> = {};
    const seedRows = new Map<string, TraceRow[]>();
    const seedRuns = new Map<string, SeedRun>();

    for (const opt of optimizers) {
      const s = hooks.settingsFor(opt, { seed });
      if (seed === o.seeds[0]) settingsRecord[opt] = s;
      let chosen: { out: TrainOutcome; lr?: number } | null = null;
      let tuning: TuningEntry[] | undefined;
      const grid =
        opt === "adam" || opt === "sgd"
          ? (o.lrGrid?.[opt] ?? LR_FACTORS.map((f) => Number((f * s.lr).toPrecision(6))))
          : [];
      if (grid.length > 0) {
        tuning = [];
        let bestMetric: number | null = null;
        for (const lr of grid) {
          log(`seed ${seed}: ${OPTIMIZER_LABELS[opt]} with learning rate ${lr}`);
          const out = await hooks.train({ ...s, lr }, data);
          const bm = bestValMetric(out.history, metric.higherIsBetter);
          tuning.push({
            lr,
            bestValMetric: bm,
            workUnits: out.summary.workUnits,
            wallSeconds: out.summary.wallSeconds,
          });
          if (chosen === null || better(bm, bestMetric, metric.higherIsBetter)) {
            chosen = { out, lr };
            bestMetric = bm;
          }
        }
      } else {
        log(`seed ${seed}: ${OPTIMIZER_LABELS[opt]}`);
        chosen = { out: await hooks.train(s, data) };
      }
      const { out, lr } = chosen!;
      if (lr !== undefined && seed === o.seeds[0]) settingsRecord[opt] = { ...s, lr };
      models[opt] = out.model;
      const rows = continuousRows(out.history);
      seedRows.set(opt, rows);
      traces.push({ method: opt, label: OPTIMIZER_LABELS[opt], seed, rows });
      const run: SeedRun = { seed, summary: withoutSettings(out.summary), reach: null };
      if (tuning) {
        run.tuning = tuning;
        run.lr = lr;
      }
      seedRuns.set(opt, run);
    }

    // ADAM's best validation metric is the target of this seed
    const adamRows = seedRows.get("adam");
    const target = adamRows ? bestValMetric(adamRows, metric.higherIsBetter) : null;
    targets.push(target);
    for (const opt of optimizers) {
      const run = seedRuns.get(opt)!;
      if (target !== null) {
        const r = firstReach(seedRows.get(opt)!, target, metric.higherIsBetter);
        run.reach = r
          ? { workUnits: r.workUnits, wallSeconds: r.wallMs / 1000, iteration: r.iteration }
          : null;
      }
      add(opt, OPTIMIZER_LABELS[opt], "optimizer", run);
    }

    log(`seed ${seed}: baselines`);
    for (const b of runBaselines(data)) {
      add(b.optimizer, b.label, "baseline", { seed, summary: { ...b }, reach: null });
    }
    if (firstSeed === null) firstSeed = { data, models };
  }

  const results: MethodResult[] = [];
  for (const [key, e] of runs) {
    const { median } = aggregateSummaries(e.perSeed.map((r) => r.summary));
    // spreads over the summaries plus the reach figures
    const withReach = e.perSeed.map((r) => ({
      ...r.summary,
      reachedAdamBest: { workUnits: r.reach?.workUnits ?? null, wallSeconds: r.reach?.wallSeconds ?? null },
      ...(r.lr !== undefined ? { lr: r.lr } : {}),
    }));
    const agg = aggregateSummaries(withReach);
    const reachW = spread(e.perSeed.map((r) => r.reach?.workUnits));
    const reachT = spread(e.perSeed.map((r) => r.reach?.wallSeconds));
    agg.spread["reachedAdamBest.workUnits"] = reachW;
    agg.spread["reachedAdamBest.wallSeconds"] = reachT;
    results.push({
      optimizer: key,
      label: e.label,
      kind: e.kind,
      summary: median,
      reachedAdamBest: {
        workUnits: reachW.median,
        wallSeconds: reachT.median,
        seedsReached: reachW.n,
        seeds: e.perSeed.length,
      },
      spread: agg.spread,
      perSeed: e.perSeed,
    });
  }
  return {
    task: task!,
    metric: metricOf(task!),
    provenance: { kind: provenanceKind(provenance), description: provenance },
    seeds: [...o.seeds],
    target: { perSeed: targets, median: spread(targets).median },
    results,
    settings: settingsRecord,
    traces,
    firstSeed: firstSeed!,
  };
}
