/**
 * The paper's experiments (GNVPRO.md §6) as presets: data, network, loss, regularisation and the
 * per-optimizer budgets and settings of the reference scripts. Every field can be overridden by a
 * config file or a flag (see config.ts). Data loading lives in datasets.ts.
 */
import type { OptimizerName, PartialSettings, PresetName, Task } from "./config.js";

export type LossName = "least-squares" | "cross-entropy" | "logistic";

/** How inputs are preprocessed (saved with the model; see src/model/preprocessing.ts). */
export type InputPreprocessing = "none" | "standardize" | "per-sample";

export type NetworkKind =
  /** opening tanh layer + antisymmetric ResNet (RK4, weights piecewise linear in time) */
  | "resnet"
  /** tanh multilayer perceptron; hidden widths from `hidden` */
  | "mlp"
  /** the CIFAR-10 network: conv 5×5 → ReLU → avgpool 2 → conv 5×5 → ReLU → global avgpool */
  | "cnn";

export interface Preset {
  name: PresetName;
  description: string;
  task: Task;
  loss: LossName;
  network: NetworkKind;
  /** MLP hidden widths (network "mlp"). */
  hidden?: number[];
  /** CNN input shape [C, H, W] (network "cnn"). */
  imageShape?: [number, number, number];
  /** Default settings for GNvpro (and anything not overridden per optimizer). */
  settings: PartialSettings;
  /** Per-optimizer overrides (budgets, learning rates, batch sizes). */
  optimizers: Partial<Record<OptimizerName, PartialSettings>>;
  inputs: InputPreprocessing;
  /** Centre regression targets by the training mean (DCR). */
  centreTargets: boolean;
  /** Block-sampled GNvpro (CIFAR-10, MNIST): data too large for full batches. */
  blockSampled: boolean;
  /** How the split is made, in words (for summaries and reports). */
  splitNote: string;
}

const stochastic = (lr: number, batchSize: number): Partial<Record<OptimizerName, PartialSettings>> => ({
  adam: { lr, batchSize },
  sgd: { lr: lr * 10, batchSize, momentum: 0.9 },
});

/** GNVPRO.md §6, CIFAR-10 row: the CNN's regularisation and block-sampled GNvpro settings (MNIST shares them). */
const CNN_BLOCK_SAMPLED: PartialSettings = {
  alphaTheta: 1e-4,
  alphaW: 5e-3,
  // block-sampled GNvpro is bounded by its epochs; the budget is only a safety net
  budget: 100000,
  maxIter: 100000,
  krylovMaxIter: 30,
  krylovTol: 1e-2,
  blockSize: 10000,
  blockIters: 3,
  epochs: 2,
};

export const PRESETS: Record<PresetName, Preset> = {
  cdr: {
    name: "cdr",
    description:
      "CDR surrogate: 55 reaction parameters → 72 observations of a convection–diffusion–reaction PDE",
    task: "regression",
    loss: "least-squares",
    network: "resnet",
    settings: {
      n: 800,
      split: [0.5, 0.25, 0.25],
      width: 8,
      nt: 2,
      T: 1,
      levels: 3,
      alphaTheta: 1e-10,
      alphaW: 1e-10,
      budget: 200,
      maxIter: 1000,
      krylovMaxIter: 20,
      krylovTol: 1e-2,
    },
    optimizers: stochastic(1e-2, 10),
    inputs: "none",
    centreTargets: false,
    blockSampled: false,
    splitNote: "random 400/200/200 of 800 generated samples",
  },
  dcr: {
    name: "dcr",
    description: "DCR surrogate: 3 conductivity parameters → 882 potential observations (two dipoles)",
    task: "regression",
    loss: "least-squares",
    network: "resnet",
    settings: {
      n: 10000,
      split: [0.8, 0.1, 0.1],
      width: 16,
      nt: 2,
      T: 1,
      levels: 3,
      alphaTheta: 1e-10,
      alphaW: 1e-10,
      budget: 400,
      maxIter: 1000,
      krylovMaxIter: 20,
      krylovTol: 1e-2,
    },
    optimizers: stochastic(1e-2, 32),
    inputs: "none",
    centreTargets: true,
    blockSampled: false,
    splitNote: "random 8000/1000/1000 of 10 000 generated samples; targets centred by the training mean",
  },
  "indian-pines": {
    name: "indian-pines",
    description:
      "Indian Pines segmentation: each pixel's standardised 220-band spectrum → one of 16 classes (real files from --data-dir, else a synthetic scene)",
    task: "classification",
    loss: "cross-entropy",
    network: "resnet",
    settings: {
      width: 32,
      nt: 4,
      T: 4,
      levels: 1,
      alphaTheta: 1e-3,
      alphaW: 1e-3,
      budget: 500,
      maxIter: 1000,
      krylovMaxIter: 50,
      krylovTol: 1e-2,
    },
    optimizers: stochastic(1e-3, 32),
    inputs: "per-sample",
    centreTargets: false,
    blockSampled: false,
    splitNote:
      "per class min(count − 10, 312) pixels, 20% of them test, the rest training; all other pixels validation",
  },
  cifar10: {
    name: "cifar10",
    description: "CIFAR-10 classification: 32×32×3 images, 10 classes (binary files from --data-dir)",
    task: "classification",
    loss: "cross-entropy",
    network: "cnn",
    imageShape: [3, 32, 32],
    settings: {
      split: [0.8, 0.2, 0],
      ...CNN_BLOCK_SAMPLED,
    },
    optimizers: stochastic(1e-3, 64),
    inputs: "per-sample",
    centreTargets: false,
    blockSampled: true,
    splitNote: "40 000 training / 10 000 validation from the training batches; the 10 000 test images",
  },
  mnist: {
    name: "mnist",
    description:
      "MNIST classification: 28×28 digits, 10 classes, the CIFAR-10 network with one input channel",
    task: "classification",
    loss: "cross-entropy",
    network: "cnn",
    imageShape: [1, 28, 28],
    settings: {
      split: [50 / 60, 10 / 60, 0],
      ...CNN_BLOCK_SAMPLED,
    },
    optimizers: stochastic(1e-3, 64),
    inputs: "per-sample",
    centreTargets: false,
    blockSampled: true,
    splitNote: "50 000 training / 10 000 validation from the training set; the 10 000 test images",
  },
  circle: {
    name: "circle",
    description: "Circle toy: 2-D points inside an ellipse vs the ring around it (two classes)",
    task: "classification",
    loss: "logistic",
    network: "mlp",
    hidden: [4, 4],
    settings: {
      n: 7000,
      split: [5 / 7, 1 / 7, 1 / 7],
      alphaTheta: 1e-6,
      alphaW: 1e-8,
      budget: 1000,
      maxIter: 50,
      krylovMaxIter: 10,
      krylovTol: 1e-3,
    },
    optimizers: stochastic(1e-2, 32),
    inputs: "none",
    centreTargets: false,
    blockSampled: false,
    splitNote: "random 5000/1000/1000 of 7000 generated points",
  },
  peaks: {
    name: "peaks",
    description: "Peaks toy: 5 classes from level sets of MATLAB's peaks function on [−3,3]²",
    task: "classification",
    loss: "cross-entropy",
    network: "mlp",
    hidden: [8, 8],
    settings: {
      n: 7000,
      split: [5 / 7, 1 / 7, 1 / 7],
      alphaTheta: 1e-6,
      alphaW: 1e-6,
      budget: 1000,
      maxIter: 100,
      krylovMaxIter: 10,
      krylovTol: 1e-3,
    },
    optimizers: stochastic(1e-2, 32),
    inputs: "none",
    centreTargets: false,
    blockSampled: false,
    splitNote: "random 5000/1000/1000 of 7000 generated points, equal counts per class",
  },
};

export function getPreset(name: string): Preset {
  const p = (PRESETS as Record<string, Preset | undefined>)[name];
  if (p === undefined)
    throw new Error(`unknown experiment "${name}" (known: ${Object.keys(PRESETS).join(", ")})`);
  return p;
}

/** The preset's settings for an optimizer: the common ones overlaid with the optimizer's own. */
export function presetSettings(p: Preset, optimizer: OptimizerName): PartialSettings {
  return { experiment: p.name, ...p.settings, ...(p.optimizers[optimizer] ?? {}) };
}
