/**
 * One training run, from settings to a saved model: the engine behind `gnvpro train`, the
 * library's `fit`, and `gnvpro compare`.
 *
 *   prepareRun(settings)   loads and validates everything (data, network, options) and writes nothing;
 *   executeRun(prepared)   trains (multilevel for ResNets: GNVPRO.md §4), evaluates the last and the
 *                          best-validation iterates in the data's original units, and — given an
 *                          output directory — writes model.json, summary.json, history.csv and
 *                          config.json there (atomically, at the end; a checkpoint while running).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { kernels } from "../kernels/index.js";
import type { Layer } from "../layers/types.js";
import type { LossKind } from "../objectives/losses.js";
import { accuracy, meanRelativeError, relativeFrobeniusError } from "../objectives/metrics.js";
import { VarProObjective } from "../objectives/reduced.js";
import { JointObjective } from "../objectives/joint.js";
import { WorkCounter, type GNObjective } from "../objectives/types.js";
import { TrustRegion } from "../optimizers/trust-region.js";
import { Lbfgs } from "../optimizers/lbfgs.js";
import { Adam } from "../optimizers/adam.js";
import { Sgd } from "../optimizers/sgd.js";
import { BlockSampledTR, blockProblem, splitBlocks } from "../optimizers/block-sampled.js";
import { solveInnerCE } from "../objectives/inner-ce.js";
import { solveInnerLS } from "../objectives/inner-ls.js";
import { selectColumns } from "../data/split.js";
import type { BaseState, Optimizer } from "../optimizers/types.js";
import { train, type Metrics } from "../training/train.js";
import { SubsampledVarPro } from "../training/subsampled-varpro.js";
import { readCheckpoint, type Checkpoint } from "../training/checkpoint.js";
import type { HistoryRow } from "../training/history.js";
import { Rng } from "../util/rng.js";
import { Model, type Iterate } from "../model/model.js";
import { writeFilesAtomic } from "../model/io.js";
import {
  applyInputs,
  applyTargets,
  fitCentre,
  fitStandardize,
  type Preprocessing,
} from "../model/preprocessing.js";
import { PRESET_NAMES, type Settings } from "./config.js";
import { getPreset, type Preset } from "./presets.js";
import { loadPresetData } from "./datasets.js";
import { loadUserData, type Dataset } from "./userdata.js";
import { allMetrics, historyCsv, partMetrics, type Summary } from "./summary.js";
import { buildNetworks, prolongate } from "./networks.js";

export interface PreparedRun {
  settings: Settings;
  preset: Preset | null;
  data: Dataset;
  preprocessing: Preprocessing;
  /** training data in model units (preprocessed inputs, centred targets) */
  Ytrain: Float64Array;
  Ctrain: Float64Array;
  /** the network of each level (one level unless multilevel) */
  nets: Layer[];
  theta0: Float64Array;
}

export interface RunHooks {
  /** after every history row */
  onRow?: (row: HistoryRow, level: number, levels: number) => void;
  /** polled after every iteration: true stops the run with status "interrupted" (checkpointed) */
  shouldStop?: () => boolean;
  /** data generation progress */
  onDataProgress?: (done: number, total: number) => void;
}

export interface RunResult {
  summary: Summary;
  model: Model;
  history: HistoryRow[];
  /** the output directory, if one was given */
  out: string | null;
  /** set when the run was interrupted: the checkpoint to resume from */
  checkpoint: string | null;
}

/** Salt of the initialisation's random stream ("INIT"). */
const INIT_SALT = 0x494e4954;

/** Load the data (preset or user), fit the preprocessing, build the networks; writes nothing. */
export async function prepareRun(s: Settings, hooks: RunHooks = {}): Promise<PreparedRun> {
  const preset = s.experiment !== undefined ? getPreset(s.experiment) : null;
  const data =
    preset !== null
      ? await loadPresetData(preset, s, { onProgress: hooks.onDataProgress })
      : loadUserData({ y: s.y!, c: s.c!, task: s.task!, split: s.split, seed: s.seed });
  return prepareFromData(s, preset, data);
}

/** As prepareRun, for data already in memory. */
export function prepareFromData(s: Settings, preset: Preset | null, data: Dataset): PreparedRun {
  if (data.train.n === 0) throw new Error(`setting "split": the training split is empty`);
  const { d, q } = data;
  if (data.loss === "cross-entropy" && !(s.alphaW > 0))
    throw new Error(
      `setting "alphaW": cross-entropy needs α_W > 0 (the inner problem has no minimiser otherwise)`,
    );
  const inputs =
    data.inputs === "standardize"
      ? fitStandardize(data.train.Y, d, data.train.n)
      : data.inputs === "per-sample"
        ? ({ kind: "per-sample" } as const)
        : ({ kind: "none" } as const);
  const targets =
    data.task === "regression" && data.centreTargets
      ? fitCentre(data.train.C, q, data.train.n)
      : ({ kind: "none" } as const);
  const preprocessing: Preprocessing = { inputs, targets };
  const Ytrain = applyInputs(inputs, data.train.Y, d, data.train.n);
  const Ctrain =
    data.task === "regression" ? applyTargets(targets, data.train.C, q, data.train.n) : data.train.C;
  const nets = buildNetworks(s, preset, data);
  const theta0 = new Float64Array(nets[0].nParams);
  nets[0].init(theta0, new Rng(s.seed ^ INIT_SALT)); // a stream independent of data generation
  return { settings: s, preset, data, preprocessing, Ytrain, Ctrain, nets, theta0 };
}

/** What the runner needs of one optimizer on one level. */
interface MethodSetup {
  optimizer: Optimizer<never, BaseState>;
  objective: { work: WorkCounter; dim: number };
  x0: Float64Array;
  thetaOf(x: Float64Array): Float64Array;
  weightsOf(x: Float64Array): Float64Array;
  /** training outputs S (model units) at x when cheaply available */
  trainScores?(x: Float64Array): Float64Array;
  innerStats?(): { iterations: number; flag: string } | null;
}

function setupMethod(p: PreparedRun, net: Layer, theta: Float64Array, level: number): MethodSetup {
  const s = p.settings;
  const loss = p.data.loss as LossKind;
  const alphaTheta = s.alphaTheta / 2 ** level;
  const common = { net, Y: p.Ytrain, C: p.Ctrain, loss, alphaW: s.alphaW, alphaTheta };
  if (s.optimizer === "gnvpro" && p.preset?.blockSampled === true)
    return setupBlockSampled(p, net, theta, alphaTheta);
  if (s.optimizer === "gnvpro" || s.optimizer === "lbfgs-vp") {
    // subsampled curvature (optimizers/subsampled-curvature.ts) needs an objective that builds subsets
    const sampled = s.optimizer === "gnvpro" && s.curvatureFraction < 1;
    const obj = sampled ? new SubsampledVarPro(common) : new VarProObjective(common);
    const optimizer =
      s.optimizer === "gnvpro"
        ? new TrustRegion({
            maxIterations: s.maxIter,
            krylovMaxIterations: s.krylovMaxIter,
            forcing: { kind: "fixed", eta: Math.min(s.krylovTol, 0.5) },
            curvatureSample: sampled ? { fraction: s.curvatureFraction, rhoBelow: 1e-4, seed: s.seed } : null,
          })
        : new Lbfgs({ maxIterations: s.maxIter, memory: 10 });
    return {
      optimizer: optimizer as unknown as Optimizer<never, BaseState>,
      objective: obj,
      x0: Float64Array.from(theta),
      thetaOf: (x) => x,
      weightsOf: (x) => Float64Array.from(obj.weights(x)),
      trainScores: (x) => obj.outputs(x),
      innerStats: () => {
        const st = obj.lastInnerStats();
        return st === null
          ? null
          : { iterations: st.iterations, flag: st.converged ? "converged" : "not-converged" };
      },
    };
  }
  // joint methods start from W₀ = W(θ₀) (GNVPRO.md §5)
  const W0 = new VarProObjective({ ...common, work: new WorkCounter() }).weights(theta);
  const obj = new JointObjective(common);
  const optimizer =
    s.optimizer === "gn"
      ? new TrustRegion({
          maxIterations: s.maxIter,
          krylovMaxIterations: s.krylovMaxIter,
          forcing: { kind: "fixed", eta: Math.min(s.krylovTol, 0.5) },
        })
      : s.optimizer === "adam"
        ? new Adam({ learningRate: s.lr, batchSize: s.batchSize, maxIterations: s.maxIter, seed: s.seed })
        : new Sgd({
            learningRate: s.lr,
            batchSize: s.batchSize,
            maxIterations: s.maxIter,
            seed: s.seed,
            momentum: s.momentum,
          });
  return {
    optimizer: optimizer as unknown as Optimizer<never, BaseState>,
    objective: obj,
    x0: obj.join(Float64Array.from(theta), W0),
    thetaOf: (x) => Float64Array.from(obj.split(x).theta),
    weightsOf: (x) => Float64Array.from(obj.split(x).W),
  };
}

/**
 * W(θ) on the whole training set without keeping the network's activations: features computed in
 * chunks, then the inner solve (GNVPRO.md §2a/§2b) on Ẑ. For block-sampled runs, whose data are too
 * large for one full-batch objective.
 */
function innerWeightsChunked(p: PreparedRun, net: Layer, theta: Float64Array): Float64Array {
  const { d, q } = p.data;
  const n = p.data.train.n;
  const m = net.nOut;
  const Z = new Float64Array(m * n);
  const bs = Math.max(1, Math.min(n, Math.floor(2e6 / Math.max(d, 1))));
  for (let j0 = 0; j0 < n; j0 += bs) {
    const nc = Math.min(bs, n - j0);
    Z.set(net.forward(theta, p.Ytrain.subarray(j0 * d, (j0 + nc) * d), nc).out, j0 * m);
  }
  const alphaW = p.settings.alphaW;
  if (p.data.loss === "least-squares") return solveInnerLS(Z, m, n, p.Ctrain, q, alphaW).W;
  return solveInnerCE(Z, m, n, p.Ctrain, q, alphaW, {
    loss: p.data.loss === "logistic" ? "logistic" : "cross-entropy",
  }).W;
}

/** Block-sampled GNvpro (GNVPRO.md §4): trust-region steps on blocks of the training set in turn. */
function setupBlockSampled(p: PreparedRun, net: Layer, theta: Float64Array, alphaTheta: number): MethodSetup {
  const s = p.settings;
  const { d, q } = p.data;
  const n = p.data.train.n;
  const work = new WorkCounter();
  // One block objective alive at a time: each keeps the network's activations of its samples, so
  // keeping all of them would hold the whole training set's activations (gigabytes for images).
  // A block re-entered later starts afresh (its cross-entropy inner solve cold-starts then).
  let active: { k: number; obj: VarProObjective } | null = null;
  const blockObjective = (k: number, idx: Int32Array): VarProObjective => {
    if (active === null || active.k !== k)
      active = {
        k,
        obj: new VarProObjective({
          net,
          Y: selectColumns(p.Ytrain, d, idx),
          C: selectColumns(p.Ctrain, q, idx),
          loss: p.data.loss as LossKind,
          alphaW: s.alphaW,
          alphaTheta,
          work,
          workScale: idx.length / n,
        }),
      };
    return active.obj;
  };
  const blocks = splitBlocks(n, Math.min(s.blockSize, n), new Rng(s.seed + 1)).map((idx, k) => {
    const objective: GNObjective = {
      dim: net.nParams,
      work,
      evaluate: (x) => blockObjective(k, idx).evaluate(x),
      gradient: (x) => blockObjective(k, idx).gradient(x),
      hessVec: (v) => blockObjective(k, idx).hessVec(v),
    };
    return { objective, fraction: idx.length / n };
  });
  const problem = blockProblem(work, blocks);
  const optimizer = new BlockSampledTR({
    trustRegion: {
      krylovMaxIterations: s.krylovMaxIter,
      forcing: { kind: "fixed", eta: Math.min(s.krylovTol, 0.5) },
    },
    itersPerBlock: s.blockIters,
    epochs: s.epochs,
    seed: s.seed,
  });
  let cache: { theta: Float64Array; W: Float64Array } | null = null;
  return {
    optimizer: optimizer as unknown as Optimizer<never, BaseState>,
    objective: problem,
    x0: Float64Array.from(theta),
    thetaOf: (x) => x,
    weightsOf: (x) => {
      if (cache === null || cache.theta.length !== x.length || cache.theta.some((v, i) => v !== x[i]))
        cache = { theta: Float64Array.from(x), W: innerWeightsChunked(p, net, x) };
      return Float64Array.from(cache.W);
    },
  };
}

/** The headline validation metric: mean relative error (regression) or accuracy. */
function headline(m: ReturnType<typeof partMetrics>): number | null {
  if (m === null) return null;
  if (m.accuracy !== undefined) return m.accuracy;
  return m.relErr ?? m.relErrFro ?? null;
}

function modelInfo(p: PreparedRun, net: Layer) {
  const { data } = p;
  return {
    task: data.task,
    loss: data.loss,
    d: data.d,
    q: data.q,
    m: net.nOut,
    inShape: data.inShape,
    classes: data.classes,
    preprocessing: p.preprocessing,
    provenance: data.provenance,
    settings: { ...p.settings } as Record<string, unknown>,
  };
}

/** Metadata the runner keeps in the driver's checkpoint (multilevel position, earlier levels). */
interface RunMeta {
  format: "gnvpro-train-run";
  settings: Settings;
  level: number;
  workOffset: number;
  previous: HistoryRow[];
  best: {
    level: number;
    iteration: number;
    workUnits: number;
    valLoss: number;
    theta: number[];
    W: number[];
  } | null;
}

export interface ExecuteOptions {
  /** output directory (created); null: write nothing */
  out: string | null;
  /** resume from this checkpoint (DIR/checkpoint.json of an earlier run) */
  resume?: Checkpoint<BaseState> | null;
}

/** Train as prepared; see the module comment. */
export async function executeRun(
  p: PreparedRun,
  o: ExecuteOptions,
  hooks: RunHooks = {},
): Promise<RunResult> {
  const s = p.settings;
  const levels = p.nets.length;
  const cpPath = o.out !== null ? join(o.out, "checkpoint.json") : null;
  if (o.out !== null) mkdirSync(o.out, { recursive: true });
  const meta0 = (o.resume?.meta ?? null) as RunMeta | null;
  let level = meta0?.level ?? 0;
  let workOffset = meta0?.workOffset ?? 0;
  const history: HistoryRow[] = meta0 !== null ? meta0.previous.slice() : [];
  let bestAll: RunMeta["best"] = meta0?.best ?? null;
  let theta = p.theta0;
  let lastTheta = p.theta0;
  let lastW: Float64Array | null = null;
  let lastIter = 0;
  let status = "running";
  let interrupted = false;
  let wallMs = history.length > 0 ? history[history.length - 1].wallMs : 0;

  const blockSampled = s.optimizer === "gnvpro" && p.preset?.blockSampled === true;
  for (; level < levels; level++) {
    const net = p.nets[level];
    // the driver's wall clock starts at 0 on every level: rows carry the cumulative time
    const wallOffset = history.length > 0 ? history[history.length - 1].wallMs : 0;
    const m = setupMethod(p, net, theta, level);
    const valModel = (x: Float64Array) =>
      new Model(
        net,
        modelInfo(p, net),
        { theta: m.thetaOf(x), W: m.weightsOf(x), iteration: 0, workUnits: 0 },
        null,
        "last",
      );
    const validate =
      p.data.val.n > 0
        ? (x: Float64Array): Metrics => {
            const pm = partMetrics(valModel(x), p.data, p.data.val, "last")!;
            return { loss: pm.loss, metric: headline(pm) };
          }
        : undefined;
    const trainMetric = (x: Float64Array): number | null => {
      const { data } = p;
      if (m.trainScores !== undefined) {
        const S = Float64Array.from(m.trainScores(x));
        if (data.task === "classification") return accuracy(S, data.train.C, data.q, data.train.n);
        const t = p.preprocessing.targets;
        if (t.kind === "centre")
          for (let j = 0; j < data.train.n; j++)
            for (let i = 0; i < data.q; i++) S[i + j * data.q] += t.mean[i];
        try {
          return meanRelativeError(S, data.train.C, data.q, data.train.n);
        } catch {
          return relativeFrobeniusError(S, data.train.C, data.q, data.train.n);
        }
      }
      return headline(partMetrics(valModel(x), data, data.train, "last"));
    };
    const meta: RunMeta = {
      format: "gnvpro-train-run",
      settings: s,
      level,
      workOffset,
      previous: history.slice(),
      best: bestAll,
    };
    const resumeHere = o.resume !== undefined && o.resume !== null && meta0 !== null && level === meta0.level;
    const res = await train({
      optimizer: m.optimizer,
      objective: m.objective as never,
      x0: m.x0,
      budget: s.budget,
      validate,
      // block-sampled runs: metrics need full passes over large data, so only every block's end
      trainMetric: blockSampled ? undefined : trainMetric,
      validateEvery: blockSampled ? s.blockIters : 1,
      innerStats: m.innerStats,
      callbacks: {
        onIteration: (row) => {
          hooks.onRow?.({ ...row, wallMs: row.wallMs + wallOffset }, level, levels);
          if (hooks.shouldStop?.()) {
            interrupted = true;
            return "stop";
          }
        },
      },
      checkpoint: cpPath !== null ? { path: cpPath, every: 0, meta } : undefined,
      resume: resumeHere ? o.resume! : undefined,
      sigint: "ignore",
      level,
      workOffset,
    });
    history.push(...res.history.map((r) => ({ ...r, wallMs: r.wallMs + wallOffset })));
    wallMs = wallOffset + res.wallMs;
    status = res.status;
    lastTheta = m.thetaOf(res.x);
    lastW = m.weightsOf(res.x);
    lastIter = res.state.iteration;
    if (res.best !== null && (bestAll === null || res.best.valLoss < bestAll.valLoss)) {
      bestAll = {
        level,
        iteration: res.best.iteration,
        workUnits: res.best.workUnits,
        valLoss: res.best.valLoss,
        theta: Array.from(m.thetaOf(res.best.x)),
        W: Array.from(m.weightsOf(res.best.x)),
      };
    }
    workOffset += res.workUnits;
    if (interrupted || status === "interrupted") {
      status = "interrupted";
      interrupted = true;
      break;
    }
    if (status === "non-finite") break;
    if (level + 1 < levels) theta = prolongate(net, p.nets[level + 1], lastTheta);
  }

  const finalNet = p.nets[Math.min(level, levels - 1)];
  const last: Iterate = { theta: lastTheta, W: lastW!, iteration: lastIter, workUnits: workOffset };
  const best: Iterate | null =
    bestAll === null
      ? null
      : {
          theta: Float64Array.from(bestAll.theta),
          W: Float64Array.from(bestAll.W),
          iteration: bestAll.iteration,
          workUnits: bestAll.workUnits,
          ...(p.nets[bestAll.level] !== finalNet ? { net: p.nets[bestAll.level] } : {}),
        };
  const model = new Model(finalNet, modelInfo(p, finalNet), last, best, s.select);
  const metrics = allMetrics(model, p.data);
  const summary: Summary = {
    optimizer: s.optimizer,
    task: p.data.task,
    experiment: s.experiment ?? null,
    data: p.data.provenance,
    status,
    workUnits: workOffset,
    wallSeconds: wallMs / 1000,
    iterations: history.filter((r) => r.iteration > 0).length,
    levels,
    ...metrics,
    best:
      bestAll === null
        ? { level: Math.min(level, levels - 1), iteration: last.iteration, workUnits: last.workUnits }
        : { level: bestAll.level, iteration: bestAll.iteration, workUnits: bestAll.workUnits },
    select: s.select,
    backend: kernels().name,
    seed: s.seed,
    settings: { ...s } as Record<string, unknown>,
  };
  if (o.out !== null && !interrupted) {
    writeFilesAtomic([
      { path: join(o.out, "model.json"), bytes: JSON.stringify(model.toJSON()) + "\n" },
      { path: join(o.out, "summary.json"), bytes: JSON.stringify(summary, null, 2) + "\n" },
      {
        path: join(o.out, "history.csv"),
        bytes: historyCsv(history as unknown as Record<string, unknown>[]),
      },
      { path: join(o.out, "config.json"), bytes: JSON.stringify(s, null, 2) + "\n" },
    ]);
  }
  return { summary, model, history, out: o.out, checkpoint: interrupted ? cpPath : null };
}

/** Read DIR/checkpoint.json of an interrupted (or finished) run and its settings. */
export function readRunCheckpoint(dir: string): { checkpoint: Checkpoint<BaseState>; settings: Settings } {
  const path = join(dir, "checkpoint.json");
  let cp: Checkpoint<BaseState>;
  try {
    cp = readCheckpoint<BaseState>(path);
  } catch (e) {
    throw new Error(`option --resume: cannot read ${path}: ${(e as Error).message}`);
  }
  const meta = cp.meta as RunMeta | null;
  if (meta === null || meta.format !== "gnvpro-train-run" || typeof meta.settings !== "object")
    throw new Error(`option --resume: ${path} was not written by \`gnvpro train\``);
  if (meta.settings.experiment !== undefined && !PRESET_NAMES.includes(meta.settings.experiment))
    throw new Error(`option --resume: ${path} names an unknown experiment`);
  return { checkpoint: cp, settings: meta.settings };
}
