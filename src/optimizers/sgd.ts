/**
 * SGD with (Nesterov) momentum on minibatches (GNVPRO.md §5), in the common form
 *
 *   v ← μ v + g,   x ← x − η (g + μ v)   (Nesterov)    or    x ← x − η v   (heavy ball)        (5.2)
 *
 * One iteration = one epoch (2 work units); see minibatch.ts.
 */
import type { StochasticObjective } from "../objectives/types.js";
import {
  baseMinibatchState,
  checkMinibatchOptions,
  minibatchInfo,
  runEpoch,
  type MinibatchOptions,
  type MinibatchState,
} from "./minibatch.js";
import { checkOption, type Optimizer, type StepInfo, type StepResult } from "./types.js";

export interface SgdOptions extends MinibatchOptions {
  momentum: number;
  nesterov: boolean;
}

export const DEFAULT_SGD: SgdOptions = {
  learningRate: 1e-2,
  batchSize: 32,
  maxIterations: 100000,
  seed: 1,
  momentum: 0.9,
  nesterov: true,
};

export interface SgdState extends MinibatchState {
  method: "sgd";
  velocity: Float64Array;
}

export class Sgd implements Optimizer<StochasticObjective, SgdState> {
  readonly method = "sgd";
  readonly options: SgdOptions;
  constructor(user: Partial<SgdOptions> = {}) {
    this.options = { ...DEFAULT_SGD, ...user };
    checkMinibatchOptions("sgd", this.options);
    checkOption("sgd", "momentum", this.options.momentum, (v) => v >= 0 && v < 1, "in [0, 1)");
  }
  init(obj: StochasticObjective, x0: Float64Array): SgdState {
    if (x0.length !== obj.dim)
      throw new Error(`sgd.init: x0 has length ${x0.length}, objective dim ${obj.dim}`);
    return {
      ...baseMinibatchState("sgd", x0, this.options),
      method: "sgd",
      velocity: new Float64Array(obj.dim),
    };
  }
  prepareResume(): void {}
  initialInfo(st: SgdState): StepInfo {
    return minibatchInfo(st, this.options.learningRate);
  }
  step(obj: StochasticObjective, prev: SgdState, budget: number): StepResult<SgdState> {
    const o = this.options;
    return runEpoch(
      obj,
      prev,
      budget,
      o,
      (st) => ({ ...st, velocity: Float64Array.from(st.velocity) }),
      (st, g) => {
        const { x, velocity: v } = st;
        const mu = o.momentum;
        for (let i = 0; i < x.length; i++) {
          v[i] = mu * v[i] + g[i];
          x[i] -= o.learningRate * (o.nesterov ? g[i] + mu * v[i] : v[i]);
        }
      },
    );
  }
}
