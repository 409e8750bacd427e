/**
 * ADAM (Kingma & Ba 2015) on minibatches of the joint objective (GNVPRO.md §5):
 *
 *   m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²,
 *   x ← x − η m̂ / (√v̂ + ε),   m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)                         (5.1)
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

export interface AdamOptions extends MinibatchOptions {
  beta1: number;
  beta2: number;
  epsilon: number;
}

export const DEFAULT_ADAM: AdamOptions = {
  learningRate: 1e-3,
  batchSize: 32,
  maxIterations: 100000,
  seed: 1,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
};

export interface AdamState extends MinibatchState {
  method: "adam";
  m: Float64Array;
  v: Float64Array;
}

export class Adam implements Optimizer<StochasticObjective, AdamState> {
  readonly method = "adam";
  readonly options: AdamOptions;
  constructor(user: Partial<AdamOptions> = {}) {
    this.options = { ...DEFAULT_ADAM, ...user };
    const o = this.options;
    checkMinibatchOptions("adam", o);
    checkOption("adam", "beta1", o.beta1, (v) => v >= 0 && v < 1, "in [0, 1)");
    checkOption("adam", "beta2", o.beta2, (v) => v >= 0 && v < 1, "in [0, 1)");
    checkOption("adam", "epsilon", o.epsilon, (v) => v > 0, "> 0");
  }
  init(obj: StochasticObjective, x0: Float64Array): AdamState {
    if (x0.length !== obj.dim)
      throw new Error(`adam.init: x0 has length ${x0.length}, objective dim ${obj.dim}`);
    return {
      ...baseMinibatchState("adam", x0, this.options),
      method: "adam",
      m: new Float64Array(obj.dim),
      v: new Float64Array(obj.dim),
    };
  }
  prepareResume(): void {}
  initialInfo(st: AdamState): StepInfo {
    return minibatchInfo(st, this.options.learningRate);
  }
  step(obj: StochasticObjective, prev: AdamState, budget: number): StepResult<AdamState> {
    const o = this.options;
    return runEpoch(
      obj,
      prev,
      budget,
      o,
      (st) => ({ ...st, m: Float64Array.from(st.m), v: Float64Array.from(st.v) }),
      (st, g, t) => {
        const c1 = 1 - Math.pow(o.beta1, t);
        const c2 = 1 - Math.pow(o.beta2, t);
        const { x, m, v } = st;
        for (let i = 0; i < x.length; i++) {
          m[i] = o.beta1 * m[i] + (1 - o.beta1) * g[i];
          v[i] = o.beta2 * v[i] + (1 - o.beta2) * g[i] * g[i];
          x[i] -= (o.learningRate * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + o.epsilon);
        }
      },
    );
  }
}
