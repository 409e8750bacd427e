/**
 * Multilevel prolongation (GNVPRO.md §4): a ResNet whose weights are piecewise linear in time on nt
 * points becomes one on 2nt − 1 points by inserting the midpoint of every weight interval (2 → 3 →
 * 5 → 9 points). Old points keep their weights, a new midpoint gets the average of its neighbours
 * (linear interpolation, so the weight FUNCTION of time is unchanged); RK4 then takes one step per
 * new interval (half the step). The network computes the same function up to RK4's
 * time-discretisation error, which shrinks with refinement.
 *
 * Under this map ‖Lθ‖² doubles (L of antisym-resnet.ts, scaled by 1/h): halve α_θ with each level.
 */
import { AntisymResNet } from "./antisym-resnet.js";
import { Sequential } from "./sequential.js";
import type { Layer } from "./types.js";

export interface Prolongated {
  net: Layer;
  theta: Float64Array;
}

/** True if `prolongate` changes this element (it holds a time-dependent ResNet). */
export function isProlongable(layer: Layer): boolean {
  if (layer instanceof AntisymResNet) return true;
  if (layer instanceof Sequential) return layer.layers.some(isProlongable);
  return false;
}

/** Prolongate a network and its θ. Only `AntisymResNet` (weights piecewise linear in time) is
 *  refined; every other element, `ResidualEuler` included (one weight set per Euler step, no
 *  interpolation defined), is kept as it is. */
export function prolongate(net: Layer, theta: Float64Array): Prolongated {
  if (theta.length !== net.nParams)
    throw new Error(`prolongate: theta has length ${theta.length}, expected nParams = ${net.nParams}`);
  if (net instanceof AntisymResNet) {
    const fine = new AntisymResNet({
      width: net.width,
      nt: 2 * net.nt - 1,
      T: net.T,
      eps: net.eps,
      act: net.act,
    });
    const p = net.pPoint;
    const out = new Float64Array(fine.nParams);
    for (let k = 0; k < net.nt; k++) out.set(theta.subarray(k * p, (k + 1) * p), 2 * k * p);
    for (let k = 0; k + 1 < net.nt; k++) {
      const o = (2 * k + 1) * p;
      for (let i = 0; i < p; i++) out[o + i] = 0.5 * (theta[k * p + i] + theta[(k + 1) * p + i]);
    }
    return { net: fine, theta: out };
  }
  if (net instanceof Sequential) {
    const parts = net.layers.map((l, i) => prolongate(l, net.view(theta, i)));
    const seq = new Sequential(parts.map((q) => q.net));
    const out = new Float64Array(seq.nParams);
    parts.forEach((q, i) => out.set(q.theta, seq.offsets[i]));
    return { net: seq, theta: out };
  }
  return { net, theta: Float64Array.from(theta) };
}
