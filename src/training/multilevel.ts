/**
 * Multilevel training for ResNets (GNVPRO.md §4, the reference's): train with few weight time
 * points, prolongate the network to twice the weight intervals (midpoints inserted, linear
 * interpolation in time: 2 → 3 → 5 points), halve α_θ, continue. Every level gets the budget again.
 *
 * The driver is generic: `setup(level, previous)` builds level `level`'s objective and optimizer
 * (previous = the last level's network, iterate and α_θ, or null on level 0 / on resume) — use
 * `prolongateResNetLevel` for the standard step. The combined history counts work units
 * cumulatively over the levels and tags every row with its level.
 */
import type { WorkCounter } from "../objectives/types.js";
import type { BaseState, Optimizer, Status } from "../optimizers/types.js";
import { isProlongable, prolongate } from "../layers/prolongate.js";
import type { Layer } from "../layers/types.js";
import { readCheckpoint, type Checkpoint } from "./checkpoint.js";
import type { HistoryRow } from "./history.js";
import { train, type InnerSolveInfo, type Metrics, type TrainCallbacks, type TrainResult } from "./train.js";

export interface LevelSetup<O extends { work: WorkCounter }, S extends BaseState> {
  objective: O;
  optimizer: Optimizer<O, S>;
  /** starting iterate of this level (ignored on resume) */
  x0: Float64Array;
  validate?: (x: Float64Array) => Metrics;
  trainMetric?: (x: Float64Array) => number | null;
  innerStats?: () => InnerSolveInfo | null;
  callbacks?: TrainCallbacks<S>;
}

export interface LevelResult<S extends BaseState> {
  level: number;
  result: TrainResult<S>;
}

export interface MultilevelOptions<O extends { work: WorkCounter }, S extends BaseState> {
  levels: number;
  /** work-unit budget of EACH level */
  budgetPerLevel: number;
  /** level = 0, 1, …; previous = the finished level's result (null for level 0 and on resume) */
  setup: (level: number, previous: LevelResult<S> | null) => LevelSetup<O, S>;
  checkpoint?: { path: string; every?: number };
  /** resume a multilevel run from its checkpoint (setup(level, null) must rebuild that level) */
  resume?: string;
  sigint?: "exit" | "return" | "ignore";
}

export interface MultilevelResult<S extends BaseState> {
  status: Status;
  x: Float64Array;
  levels: LevelResult<S>[];
  /** all levels' rows, work units cumulative */
  history: HistoryRow[];
  workUnits: number;
  wallMs: number;
}

interface MultilevelMeta {
  multilevel: true;
  level: number;
  workOffset: number;
  wallOffset: number;
  previousHistory: HistoryRow[];
}

/** Statuses after which the next level still runs (a level's end is not the run's failure). */
const CONTINUE: readonly Status[] = [
  "budget",
  "converged",
  "max-iterations",
  "radius-collapsed",
  "line-search-failed",
];

export async function trainMultilevel<O extends { work: WorkCounter }, S extends BaseState>(
  opts: MultilevelOptions<O, S>,
): Promise<MultilevelResult<S>> {
  if (!(Number.isInteger(opts.levels) && opts.levels >= 1))
    throw new Error(`trainMultilevel: option levels must be an integer ≥ 1, got ${opts.levels}`);
  if (!(opts.budgetPerLevel > 0))
    throw new Error(`trainMultilevel: option budgetPerLevel must be > 0, got ${opts.budgetPerLevel}`);
  let start = 0;
  let workOffset = 0;
  let wallOffset = 0;
  let history: HistoryRow[] = [];
  let resumeCp: Checkpoint<S> | null = null;
  if (opts.resume !== undefined) {
    resumeCp = readCheckpoint<S>(opts.resume);
    const meta = resumeCp.meta as Partial<MultilevelMeta> | null;
    if (!meta || meta.multilevel !== true || typeof meta.level !== "number")
      throw new Error(`trainMultilevel: ${opts.resume} is not a multilevel checkpoint`);
    start = meta.level;
    workOffset = meta.workOffset ?? 0;
    wallOffset = meta.wallOffset ?? 0;
    history = meta.previousHistory ?? [];
  }
  const levels: LevelResult<S>[] = [];
  let previous: LevelResult<S> | null = null;
  let status: Status = "running";
  let x: Float64Array = new Float64Array(0);
  if (resumeCp !== null && resumeCp.state.status !== "interrupted" && resumeCp.state.status !== "running") {
    // the checkpointed level had finished: continue with the next level from its final iterate
    const cp = resumeCp;
    previous = {
      level: start,
      result: {
        status: cp.state.status,
        x: cp.state.x,
        state: cp.state,
        history: cp.history,
        workUnits: cp.workUnits,
        wallMs: cp.wallMs,
        best: cp.best,
        checkpointPath: opts.resume ?? null,
      },
    };
    history = history.concat(cp.history);
    workOffset += cp.workUnits;
    wallOffset += cp.wallMs;
    resumeCp = null;
    x = cp.state.x;
    status = cp.state.status;
    start++;
  }
  for (let level = start; level < opts.levels; level++) {
    const s = opts.setup(level, previous);
    const meta: MultilevelMeta = {
      multilevel: true,
      level,
      workOffset,
      wallOffset,
      previousHistory: history,
    };
    const result = await train({
      optimizer: s.optimizer,
      objective: s.objective,
      x0: s.x0,
      budget: opts.budgetPerLevel,
      validate: s.validate,
      trainMetric: s.trainMetric,
      innerStats: s.innerStats,
      callbacks: s.callbacks,
      level,
      workOffset,
      checkpoint: opts.checkpoint ? { ...opts.checkpoint, meta } : undefined,
      resume: level === start && resumeCp !== null ? resumeCp : undefined,
      sigint: opts.sigint,
      resumeHint: (p) =>
        `resume with trainMultilevel({ ..., resume: "${p}" }) or \`gnvpro train --resume ${p}\``,
    });
    // rows of this level (on resume the checkpoint already holds this level's earlier rows)
    history = history.concat(result.history);
    workOffset += result.workUnits;
    wallOffset += result.wallMs;
    x = result.x;
    status = result.status;
    previous = { level, result };
    levels.push(previous);
    if (!CONTINUE.includes(status)) break;
  }
  return { status, x, levels, history, workUnits: workOffset, wallMs: wallOffset };
}

/**
 * The standard multilevel step for a network holding a time-dependent ResNet: prolongate network and
 * θ (GNVPRO.md §4: midpoints inserted, RK4 following the weight grid) and halve α_θ.
 */
export function prolongateResNetLevel(
  net: Layer,
  theta: Float64Array,
  alphaTheta: number,
): { net: Layer; theta: Float64Array; alphaTheta: number } {
  if (!isProlongable(net))
    throw new Error("prolongateResNetLevel: the network holds no time-dependent ResNet to prolongate");
  const p = prolongate(net, theta);
  return { net: p.net, theta: p.theta, alphaTheta: alphaTheta / 2 };
}
