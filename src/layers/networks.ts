/**
 * Standard feature extractors F(·; θ) of GNVPRO.md §6. The affine last layer W is NOT part of
 * these networks: VarPro owns it (GNVPRO.md §1–2).
 */
import type { ActivationName } from "./activations.js";
import { AntisymResNet } from "./antisym-resnet.js";
import { Conv2D, type Precision } from "./conv2d.js";
import { Dense } from "./dense.js";
import { AvgPool2D, GlobalAvgPool } from "./pool.js";
import { Sequential } from "./sequential.js";

/** MLP dIn → widths[0] → … → widths[last], every layer σ(Ky + b). E.g. mlp(2, [4, 4]) for the circle toy. */
export function mlp(dIn: number, widths: readonly number[], act: ActivationName = "tanh"): Sequential {
  if (widths.length === 0) throw new Error("mlp: widths must list at least one layer width");
  const layers: Dense[] = [];
  let d = dIn;
  for (const w of widths) {
    layers.push(new Dense({ nIn: d, nOut: w, act }));
    d = w;
  }
  return new Sequential(layers);
}

export interface ResNetSurrogateOptions {
  dIn: number;
  width: number;
  /** Weight time points of the ResNet (≥ 2). */
  nt: number;
  /** Final time (default 1). */
  T?: number;
  /** ε of K = A − Aᵀ − εI (default 1e-4). */
  eps?: number;
}

/** The surrogate network of the CDR/DCR/Indian Pines experiments: an opening layer tanh(K₀y + b₀)
 *  to `width`, then an antisymmetric ResNet (RK4, weights piecewise linear in time). */
export function resnetSurrogate(opts: ResNetSurrogateOptions): Sequential {
  return new Sequential([
    new Dense({ nIn: opts.dIn, nOut: opts.width, act: "tanh" }),
    new AntisymResNet({ width: opts.width, nt: opts.nt, T: opts.T ?? 1, eps: opts.eps }),
  ]);
}

export interface CnnCifarOptions {
  /** Input channels (default 3). */
  channels?: number;
  /** Image size (default 32 × 32). */
  H?: number;
  W?: number;
  /** Channels of the two convolutions (default 32, 64). */
  c1?: number;
  c2?: number;
  /** Kernel size (default 5). */
  k?: number;
  precision?: Precision;
}

/** CIFAR-10 network of GNVPRO.md §6: conv k×k (C→c1) ReLU, average pool 2, conv k×k (c1→c2) ReLU,
 *  global average pool; features c2. Convolutions use "same" padding. */
export function cnnCifar(opts: CnnCifarOptions = {}): Sequential {
  const C = opts.channels ?? 3;
  const H = opts.H ?? 32;
  const W = opts.W ?? 32;
  const c1 = opts.c1 ?? 32;
  const c2 = opts.c2 ?? 64;
  const k = opts.k ?? 5;
  const precision = opts.precision ?? "f64";
  return new Sequential([
    new Conv2D({ inC: C, H, W, outC: c1, k, padding: "same", act: "relu", precision }),
    new AvgPool2D({ C: c1, H, W, k: 2 }),
    new Conv2D({ inC: c1, H: H / 2, W: W / 2, outC: c2, k, padding: "same", act: "relu", precision }),
    new GlobalAvgPool({ C: c2, H: H / 2, W: W / 2 }),
  ]);
}
