/**
 * The training driver (GNVPRO.md §4–5): `train(...)` runs an optimizer on an objective within a
 * work-unit budget, records one history row per iteration, evaluates validation data through a
 * callback (0 work units, clock paused), writes checkpoints, and on SIGINT finishes the current
 * iteration, writes a checkpoint and exits with a message saying how to resume.
 *
 * Resuming from a checkpoint restores the optimizer state, the objective's own state (if it has
 * one), the history and the work units used; the objective's caches are rebuilt at no charge
 * (`prepareResume` followed by resetting the counter), so the resumed run produces exactly the rows
 * an uninterrupted run would have (wall time aside).
 */
import type { WorkCounter } from "../objectives/types.js";
import {
  isStateful,
  type BaseState,
  type Optimizer,
  type Status,
  type StepInfo,
} from "../optimizers/types.js";
import { readCheckpoint, writeCheckpoint, type Checkpoint } from "./checkpoint.js";
import type { HistoryRow } from "./history.js";

export interface Metrics {
  loss: number;
  metric: number | null;
}

export interface InnerSolveInfo {
  iterations: number;
  /** e.g. "converged", "max-iterations" (any short label) */
  flag: string;
}

export interface TrainCallbacks<S> {
  /** after every row (row 0 included); return "stop" to end the run with status "interrupted" */
  onIteration?: (row: HistoryRow, state: S) => void | "stop";
}

export interface TrainOptions<O extends { work: WorkCounter }, S extends BaseState> {
  optimizer: Optimizer<O, S>;
  objective: O;
  /** starting point (ignored when resuming) */
  x0?: Float64Array;
  /** hard work-unit budget (total, counted by objective.work); default Infinity */
  budget?: number;
  /** driver-level iteration cap (in addition to the optimizer's own) */
  maxIterations?: number;
  /** validation loss and metric at x: 0 work units, wall clock paused */
  validate?: (x: Float64Array) => Metrics;
  /** training metric at x: 0 work units, wall clock paused */
  trainMetric?: (x: Float64Array) => number | null;
  /** statistics of the objective's last inner solve (VarPro), for the history */
  innerStats?: () => InnerSolveInfo | null;
  /** evaluate validation every k iterations (and always at the first and last row); default 1 */
  validateEvery?: number;
  callbacks?: TrainCallbacks<S>;
  /** checkpointing: file path, and how often (iterations; 0 = only on interrupt and at the end) */
  checkpoint?: { path: string; every?: number; meta?: unknown };
  /** resume from a checkpoint (object or path); x0 is then ignored */
  resume?: Checkpoint<S> | string;
  /** SIGINT: "exit" (checkpoint, message, exit code 130), "return" (checkpoint, return status
   *  "interrupted"), "ignore" (no handler). Default "exit" when a checkpoint path is set, else "return". */
  sigint?: "exit" | "return" | "ignore";
  /** multilevel: level number written into the rows, work units offset added to the rows */
  level?: number;
  workOffset?: number;
  /** how to tell the user to resume (used in the SIGINT message) */
  resumeHint?: (path: string) => string;
}

export interface TrainResult<S extends BaseState> {
  status: Status;
  /** the last good iterate */
  x: Float64Array;
  state: S;
  history: HistoryRow[];
  workUnits: number;
  wallMs: number;
  /** the best-validation iterate (null without validation) */
  best: {
    iteration: number;
    workUnits: number;
    valLoss: number;
    valMetric: number | null;
    x: Float64Array;
  } | null;
  checkpointPath: string | null;
}

function checkBudget(b: number): void {
  if (!(b > 0)) throw new Error(`train: option budget must be > 0 work units, got ${b}`);
}

interface LoopContext {
  interrupted: number;
}

function* trainLoop<O extends { work: WorkCounter }, S extends BaseState>(
  opts: TrainOptions<O, S>,
  ctx: LoopContext,
): Generator<void, TrainResult<S>> {
  const { optimizer, objective } = opts;
  const budget = opts.budget ?? Infinity;
  checkBudget(budget);
  const maxIt = opts.maxIterations ?? Infinity;
  if (!(maxIt >= 0)) throw new Error(`train: option maxIterations must be ≥ 0, got ${maxIt}`);
  const every = opts.validateEvery ?? 1;
  if (!(Number.isInteger(every) && every >= 1))
    throw new Error(`train: option validateEvery must be an integer ≥ 1, got ${every}`);
  const level = opts.level ?? 0;
  const offset = opts.workOffset ?? 0;
  const work = objective.work;
  const cpPath = opts.checkpoint?.path ?? null;
  const cpEvery = opts.checkpoint?.every ?? 0;

  let history: HistoryRow[] = [];
  let wallMs = 0;
  let state: S;
  let best: TrainResult<S>["best"] = null;

  // measured work excludes validation: every metric call restores the counter
  const free = <T>(f: () => T): T => {
    const u = work.units;
    try {
      return f();
    } finally {
      work.set(u);
    }
  };

  const makeRow = (st: S, info: StepInfo, validateNow: boolean): HistoryRow => {
    const tm = opts.trainMetric ? free(() => opts.trainMetric!(st.x)) : null;
    const val = opts.validate && validateNow ? free(() => opts.validate!(st.x)) : null;
    const inner = opts.innerStats ? opts.innerStats() : null;
    const row: HistoryRow = {
      iteration: st.iteration,
      level,
      workUnits: work.units + offset,
      wallMs,
      loss: info.loss,
      gradNorm: info.gradNorm,
      trainMetric: tm,
      valLoss: val ? val.loss : null,
      valMetric: val ? val.metric : null,
      radius: info.radius,
      krylovIterations: info.krylovIterations,
      forcing: info.forcing,
      accepted: info.accepted,
      rho: info.rho,
      stepNorm: info.stepNorm,
      stepSize: info.stepSize,
      lineSearchTrials: info.lineSearchTrials,
      innerIterations: inner ? inner.iterations : null,
      innerFlag: inner ? inner.flag : null,
      status: st.status,
    };
    if (val && Number.isFinite(val.loss) && (best === null || val.loss < best.valLoss))
      best = {
        iteration: st.iteration,
        workUnits: row.workUnits,
        valLoss: val.loss,
        valMetric: val.metric,
        x: Float64Array.from(st.x),
      };
    return row;
  };

  const snapshot = (): Checkpoint<S> => ({
    format: "gnvpro-checkpoint",
    version: 1,
    method: optimizer.method,
    optimizerOptions: (optimizer as unknown as { options?: unknown }).options ?? null,
    state,
    objectiveState: isStateful(objective) ? objective.saveState() : null,
    history,
    workUnits: work.units,
    wallMs,
    budget,
    best,
    meta: opts.checkpoint?.meta ?? null,
  });

  let t0 = performance.now();
  if (opts.resume !== undefined) {
    const cp = typeof opts.resume === "string" ? readCheckpoint<S>(opts.resume) : opts.resume;
    if (cp.method !== optimizer.method)
      throw new Error(
        `train: checkpoint was written by optimizer "${cp.method}", resuming with "${optimizer.method}"`,
      );
    state = cp.state;
    if (state.x.length !== (objective as unknown as { dim?: number }).dim)
      throw new Error(
        `train: checkpoint iterate has length ${state.x.length}, objective dim ${(objective as unknown as { dim?: number }).dim}`,
      );
    if (cp.objectiveState !== null && isStateful(objective)) objective.loadState(cp.objectiveState);
    optimizer.prepareResume(objective, state);
    work.set(cp.workUnits);
    history = cp.history.slice();
    wallMs = cp.wallMs;
    best = cp.best;
    // a run that had ended (budget) may continue with a larger budget
    if (state.status === "budget" || state.status === "interrupted") {
      state = { ...state, status: "running" };
      const last = history.length - 1;
      if (last >= 0) history[last] = { ...history[last], status: "running" };
    }
  } else {
    if (!opts.x0) throw new Error("train: option x0 is required unless resuming");
    state = optimizer.init(objective, opts.x0, budget);
    wallMs += performance.now() - t0;
    history.push(makeRow(state, optimizer.initialInfo(state), true));
    t0 = performance.now();
    const r = opts.callbacks?.onIteration?.(history[0], state);
    if (r === "stop" && state.status === "running") state = { ...state, status: "interrupted" };
  }

  let iters = 0;
  while (state.status === "running") {
    if (history.length > 0 && history[history.length - 1].iteration >= maxIt) {
      state = { ...state, status: "max-iterations" };
      break;
    }
    t0 = performance.now();
    const prevIteration = state.iteration;
    const { state: next, info } = optimizer.step(objective, state, budget);
    state = next;
    wallMs += performance.now() - t0;
    iters++;
    if (state.iteration === prevIteration && state.status !== "running") {
      // the optimizer stopped without starting an iteration (budget, non-finite model): no new row
      const last = history.length - 1;
      history[last] = { ...history[last], workUnits: work.units + offset, wallMs };
      break;
    }
    if (state.status === "running" && state.iteration >= maxIt)
      state = { ...state, status: "max-iterations" };
    const validateNow = state.status !== "running" || state.iteration % every === 0;
    const row = makeRow(state, info, validateNow);
    history.push(row);
    const r = opts.callbacks?.onIteration?.(row, state);
    if (r === "stop" && state.status === "running") state = { ...state, status: "interrupted" };
    if (ctx.interrupted > 0 && state.status === "running") state = { ...state, status: "interrupted" };
    if (cpPath && cpEvery > 0 && iters % cpEvery === 0 && state.status === "running")
      writeCheckpoint(cpPath, snapshot() as Checkpoint);
    if (state.status === "running") yield;
  }
  if (history.length > 0)
    history[history.length - 1] = { ...history[history.length - 1], status: state.status };
  if (cpPath) writeCheckpoint(cpPath, snapshot() as Checkpoint);
  return {
    status: state.status,
    x: state.x,
    state,
    history,
    workUnits: work.units,
    wallMs,
    best,
    checkpointPath: cpPath,
  };
}

/**
 * Runs the optimizer synchronously to the end. SIGINT cannot be honoured here (Node delivers
 * signals through the event loop, which a synchronous loop never yields to): use `train`.
 */
export function trainSync<O extends { work: WorkCounter }, S extends BaseState>(
  opts: TrainOptions<O, S>,
): TrainResult<S> {
  const gen = trainLoop(opts, { interrupted: 0 });
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
  }
}

/**
 * Runs the optimizer to the end, yielding to the event loop after every iteration so that SIGINT
 * is seen: the current iteration finishes, a checkpoint is written and the process exits (code
 * 130) with a message saying how to resume — or, with `sigint: "return"`, the run returns with
 * status "interrupted".
 */
export async function train<O extends { work: WorkCounter }, S extends BaseState>(
  opts: TrainOptions<O, S>,
): Promise<TrainResult<S>> {
  const cpPath = opts.checkpoint?.path ?? null;
  const sigintMode = opts.sigint ?? (cpPath ? "exit" : "return");
  const ctx: LoopContext = { interrupted: 0 };
  const onSigint = () => {
    ctx.interrupted++;
    if (ctx.interrupted > 1) {
      process.stderr.write("\nSecond interrupt: exiting without a checkpoint.\n");
      process.exit(130);
    }
    process.stderr.write(
      "\nInterrupt received: finishing the current iteration, then writing a checkpoint...\n",
    );
  };
  if (sigintMode !== "ignore") process.on("SIGINT", onSigint);
  let result: TrainResult<S>;
  try {
    const gen = trainLoop(opts, ctx);
    for (;;) {
      const r = gen.next();
      if (r.done) {
        result = r.value;
        break;
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    if (sigintMode !== "ignore") process.removeListener("SIGINT", onSigint);
  }
  if (result.status === "interrupted" && ctx.interrupted > 0) {
    const hint = cpPath
      ? opts.resumeHint
        ? opts.resumeHint(cpPath)
        : `resume with train({ ..., resume: "${cpPath}" }) or \`gnvpro train --resume ${cpPath}\``
      : "no checkpoint path was configured, so the state was not saved";
    process.stderr.write(
      `Interrupted after iteration ${result.state.iteration} (${result.workUnits.toFixed(2)} work units). ` +
        (cpPath ? `Checkpoint written to ${cpPath}; ${hint}.\n` : `${hint}.\n`),
    );
    if (sigintMode === "exit") process.exit(130);
  }
  return result;
}
