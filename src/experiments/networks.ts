/**
 * The feature extractors of the presets and of user runs, one per multilevel level:
 *
 *   default ("resnet"): opening layer tanh(K₀y + b₀) to --width, then an antisymmetric ResNet
 *                       (K − Kᵀ − εI, tanh, RK4, weights piecewise linear in time on --nt points,
 *                       final time --T); level ℓ has (nt − 1)·2^ℓ + 1 weight points (2 → 3 → 5);
 *   "mlp":              tanh layers of the preset's hidden widths (circle, peaks);
 *   "cnn":              conv 5×5 (C→32) ReLU, average pool 2, conv 5×5 (32→64) ReLU, global average
 *                       pool (CIFAR-10; MNIST with one input channel);
 *   --net SPEC:         any layer spec `layerFromSpec` understands (one level only).
 *
 * The affine last layer W is not part of these networks: VarPro eliminates it.
 */
import type { Layer } from "../layers/types.js";
import { cnnCifar, mlp, resnetSurrogate } from "../layers/networks.js";
import { layerFromSpec } from "../layers/spec.js";
import { prolongate as prolongateNet } from "../layers/prolongate.js";
import type { Settings } from "./config.js";
import type { Preset } from "./presets.js";
import type { Dataset } from "./userdata.js";

/** Weight points of level ℓ: (nt − 1)·2^ℓ + 1. */
export function pointsAtLevel(nt: number, level: number): number {
  return (nt - 1) * 2 ** level + 1;
}

/** The network of every level for a run; validates a user --net spec against the data. */
export function buildNetworks(s: Settings, preset: Preset | null, data: Dataset): Layer[] {
  const d = data.d;
  if (s.net !== undefined) {
    let net: Layer;
    try {
      net = layerFromSpec(s.net);
    } catch (e) {
      throw new Error(`setting "net": ${(e as Error).message}`);
    }
    if (net.nIn !== d)
      throw new Error(`setting "net": the network takes ${net.nIn} inputs, the data have ${d}`);
    if (s.levels > 1)
      throw new Error(`setting "levels": multilevel training needs the default ResNet, not --net`);
    return [net];
  }
  const kind = preset?.network ?? "resnet";
  if (kind === "mlp") {
    if (s.levels > 1)
      throw new Error(`setting "levels": experiment ${preset!.name} uses an MLP (one level only)`);
    return [mlp(d, preset!.hidden ?? [s.width, s.width])];
  }
  if (kind === "cnn") {
    if (s.levels > 1)
      throw new Error(`setting "levels": experiment ${preset!.name} uses a CNN (one level only)`);
    const [C, H, W] = preset!.imageShape!;
    return [cnnCifar({ channels: C, H, W, precision: "f32" })];
  }
  const nets: Layer[] = [];
  for (let l = 0; l < s.levels; l++)
    nets.push(resnetSurrogate({ dIn: d, width: s.width, nt: pointsAtLevel(s.nt, l), T: s.T }));
  return nets;
}

/** θ of `from` carried to the next level's network `to` (ResNet weight grid refined by midpoints). */
export function prolongate(from: Layer, to: Layer, theta: Float64Array): Float64Array {
  const r = prolongateNet(from, theta);
  if (r.theta.length !== to.nParams)
    throw new Error(
      `prolongate: the refined network has ${r.theta.length} weights, the next level ${to.nParams}`,
    );
  return r.theta;
}
