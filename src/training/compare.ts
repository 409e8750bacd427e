/**
 * The optimizer comparison on a least-squares regression problem (issue 5, item 6): GNvpro,
 * L-BFGS-VarPro, GN without VarPro and ADAM with a tuned learning rate, all from the same θ₀ with
 * W₀ = W(θ₀) (GNVPRO.md §5), each with the same work-unit budget. For every method: the work units
 * and wall time at which the validation mean relative error first reaches each target, and the
 * error at the end of the budget. Validation costs no work units and is excluded from wall time.
 */
import type { Layer } from "../layers/types.js";
import { JointObjective } from "../objectives/joint.js";
import { meanRelativeError, relativeFrobeniusError } from "../objectives/metrics.js";
import { VarProObjective } from "../objectives/reduced.js";
import { Adam } from "../optimizers/adam.js";
import { Lbfgs } from "../optimizers/lbfgs.js";
import { tuneLearningRate } from "../optimizers/lr-tuning.js";
import { TrustRegion, type TrustRegionUserOptions } from "../optimizers/trust-region.js";
import { Hybrid, type HybridOptions } from "../optimizers/hybrid.js";
import type { GNObjective } from "../objectives/types.js";
import type { BaseState, Optimizer } from "../optimizers/types.js";
import type { HistoryRow } from "./history.js";
import { affineOutputs } from "./teacher.js";
import { SubsampledVarPro } from "./subsampled-varpro.js";
import { trainSync, type Metrics } from "./train.js";

export interface RegressionData {
  Y: Float64Array;
  C: Float64Array;
  n: number;
}

/**
 * A GNvpro variant: trust-region options, optionally run as the L-BFGS → trust-region hybrid
 * (optimizers/hybrid.ts) with the given switch settings.
 */
export type GnvproVariant = TrustRegionUserOptions & {
  hybrid?: Partial<Omit<HybridOptions, "trustRegion">>;
};

/** The optimizer of a GNvpro variant. */
export function gnvproOptimizer(v: GnvproVariant): Optimizer<GNObjective, BaseState> {
  const { hybrid, ...tr } = v;
  const opt = hybrid ? new Hybrid({ ...hybrid, trustRegion: tr }) : new TrustRegion(tr);
  return opt as unknown as Optimizer<GNObjective, BaseState>;
}

export interface CompareOptions {
  makeNet: () => Layer;
  theta0: Float64Array;
  train: RegressionData;
  val: RegressionData;
  alphaW: number;
  alphaTheta: number;
  budget: number;
  targets: readonly number[];
  /** GNvpro variants by name (default: { gnvpro: {} }) */
  gnvpro?: Record<string, GnvproVariant>;
  /** GN (joint) trust-region options (default: those of the first GNvpro variant) */
  gn?: TrustRegionUserOptions;
  methods?: readonly ("gnvpro" | "lbfgs-varpro" | "gn" | "adam")[];
  adam?: { grid: readonly number[]; batchSize: number; tuneBudget: number; seed: number };
  onRow?: (method: string, row: HistoryRow) => void;
}

export interface MethodFigures {
  method: string;
  status: string;
  workUnits: number;
  wallMs: number;
  /** per target: first work units / wall ms with val mean rel. error ≤ target (null: never) */
  reach: { target: number; workUnits: number | null; wallMs: number | null }[];
  finalValRelErr: number;
  finalValFrobErr: number;
  bestValRelErr: number;
  learningRate?: number;
  history: HistoryRow[];
}

function figures(
  method: string,
  r: { status: string; workUnits: number; wallMs: number; history: HistoryRow[] },
  targets: readonly number[],
  frob: number,
): MethodFigures {
  const h = r.history;
  const reach = targets.map((t) => {
    const row = h.find((x) => x.valMetric !== null && x.valMetric <= t);
    return { target: t, workUnits: row ? row.workUnits : null, wallMs: row ? row.wallMs : null };
  });
  const vals = h.map((x) => x.valMetric).filter((v): v is number => v !== null && Number.isFinite(v));
  return {
    method,
    status: r.status,
    workUnits: r.workUnits,
    wallMs: r.wallMs,
    reach,
    finalValRelErr: vals.length ? vals[vals.length - 1] : NaN,
    finalValFrobErr: frob,
    bestValRelErr: vals.length ? Math.min(...vals) : NaN,
    history: h,
  };
}

export async function compareOptimizers(o: CompareOptions): Promise<MethodFigures[]> {
  const methods = o.methods ?? ["gnvpro", "lbfgs-varpro", "gn", "adam"];
  const out: MethodFigures[] = [];
  const q = o.train.C.length / o.train.n;
  const varproOptions = () => ({
    net: o.makeNet(),
    Y: o.train.Y,
    C: o.train.C,
    loss: "least-squares" as const,
    alphaW: o.alphaW,
    alphaTheta: o.alphaTheta,
  });
  const reduced = () => new VarProObjective(varproOptions());
  const joint = () =>
    new JointObjective({
      net: o.makeNet(),
      Y: o.train.Y,
      C: o.train.C,
      loss: "least-squares",
      alphaW: o.alphaW,
      alphaTheta: o.alphaTheta,
    });
  const valReduced =
    (obj: VarProObjective) =>
    (x: Float64Array): Metrics => {
      const S = obj.predict(x, o.val.Y);
      return {
        loss: relativeFrobeniusError(S, o.val.C, q, o.val.n),
        metric: meanRelativeError(S, o.val.C, q, o.val.n),
      };
    };
  const net = o.makeNet();
  const m = net.nOut;
  const jointOutputs = (x: Float64Array) => {
    const theta = x.subarray(0, net.nParams);
    const W = x.subarray(net.nParams);
    const Z = net.forward(theta.slice(), o.val.Y, o.val.n).out;
    return affineOutputs(W, Z, q, m, o.val.n);
  };
  const valJoint = (x: Float64Array): Metrics => {
    const S = jointOutputs(x);
    return {
      loss: relativeFrobeniusError(S, o.val.C, q, o.val.n),
      metric: meanRelativeError(S, o.val.C, q, o.val.n),
    };
  };
  // W₀ = W(θ₀) from the inner solve (not charged to any method)
  const x0Joint = (() => {
    const r = reduced();
    const W0 = r.weights(o.theta0);
    return joint().join(o.theta0, W0);
  })();
  const cb = (name: string) => ({ onIteration: (row: HistoryRow) => void o.onRow?.(name, row) });
  const lastFrob = (h: HistoryRow[]) => {
    for (let i = h.length - 1; i >= 0; i--) if (h[i].valLoss !== null) return h[i].valLoss as number;
    return NaN;
  };

  const variants = o.gnvpro ?? { gnvpro: {} };
  if (methods.includes("gnvpro"))
    for (const [name, trOpts] of Object.entries(variants)) {
      // a VarPro objective that can also build itself on subsets (subsampled curvature)
      const obj = new SubsampledVarPro(varproOptions());
      const r = trainSync({
        optimizer: gnvproOptimizer(trOpts),
        objective: obj,
        x0: o.theta0,
        budget: o.budget,
        validate: valReduced(obj),
        callbacks: cb(name),
      });
      out.push(figures(name, r, o.targets, lastFrob(r.history)));
    }
  if (methods.includes("lbfgs-varpro")) {
    const obj = reduced();
    const r = trainSync({
      optimizer: new Lbfgs(),
      objective: obj,
      x0: o.theta0,
      budget: o.budget,
      validate: valReduced(obj),
      callbacks: cb("lbfgs-varpro"),
    });
    out.push(figures("lbfgs-varpro", r, o.targets, lastFrob(r.history)));
  }
  if (methods.includes("gn")) {
    const obj = joint();
    const { hybrid: _h, ...gnOpts }: GnvproVariant = o.gn ?? Object.values(variants)[0] ?? {};
    const r = trainSync({
      optimizer: new TrustRegion(gnOpts),
      objective: obj,
      x0: x0Joint,
      budget: o.budget,
      validate: valJoint,
      callbacks: cb("gn"),
    });
    out.push(figures("gn", r, o.targets, lastFrob(r.history)));
  }
  if (methods.includes("adam")) {
    const a = o.adam ?? {
      grid: [1e-3, 3e-3, 1e-2, 3e-2],
      batchSize: 32,
      tuneBudget: Math.min(o.budget, 600),
      seed: 1,
    };
    const run = (lr: number, budget: number, name?: string) =>
      trainSync({
        optimizer: new Adam({ learningRate: lr, batchSize: a.batchSize, seed: a.seed }),
        objective: joint(),
        x0: x0Joint,
        budget,
        validate: valJoint,
        callbacks: name ? cb(name) : undefined,
      });
    const tuned = await tuneLearningRate((lr) => run(lr, a.tuneBudget), a.grid);
    const r = run(tuned.learningRate, o.budget, "adam");
    const f = figures("adam", r, o.targets, lastFrob(r.history));
    f.learningRate = tuned.learningRate;
    out.push(f);
  }
  return out;
}

/** A plain-text table of the comparison. */
export function formatFigures(rows: readonly MethodFigures[], targets: readonly number[]): string {
  const fmt = (v: number | null, d = 0) => (v === null ? "—" : v.toFixed(d));
  const head = [
    "method",
    ...targets.flatMap((t) => [`WU@${t}`, `s@${t}`]),
    "val relErr end",
    "val frob end",
    "WU used",
    "status",
  ];
  const lines = [head.join(" | ")];
  for (const r of rows) {
    lines.push(
      [
        r.method + (r.learningRate !== undefined ? ` (lr ${r.learningRate})` : ""),
        ...r.reach.flatMap((x) => [fmt(x.workUnits), fmt(x.wallMs === null ? null : x.wallMs / 1000, 2)]),
        r.finalValRelErr.toExponential(2),
        r.finalValFrobErr.toExponential(2),
        r.workUnits.toFixed(0),
        r.status,
      ].join(" | "),
    );
  }
  return lines.join("\n");
}
