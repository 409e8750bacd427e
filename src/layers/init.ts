/**
 * Weight initialisation from a seeded generator (util/rng.ts only, so the same seed gives the same θ
 * on every backend).
 *
 * Kaiming (He) uniform: U(−b, b), b = gain·√(3 / fanIn), gain √2 (for ReLU-type activations).
 * Xavier (Glorot) uniform: U(−b, b), b = gain·√(6 / (fanIn + fanOut)), gain 1 (for tanh, sigmoid).
 */
import type { Rng } from "../util/rng.js";
import type { ActivationName } from "./activations.js";

export function kaimingUniform(out: Float64Array, fanIn: number, rng: Rng, gain = Math.SQRT2): Float64Array {
  if (!(fanIn > 0)) throw new Error(`kaimingUniform: fanIn must be positive, got ${fanIn}`);
  const b = gain * Math.sqrt(3 / fanIn);
  return rng.fillUniform(out, -b, b);
}

export function xavierUniform(
  out: Float64Array,
  fanIn: number,
  fanOut: number,
  rng: Rng,
  gain = 1,
): Float64Array {
  if (!(fanIn > 0) || !(fanOut > 0))
    throw new Error(`xavierUniform: fanIn and fanOut must be positive, got ${fanIn}, ${fanOut}`);
  const b = gain * Math.sqrt(6 / (fanIn + fanOut));
  return rng.fillUniform(out, -b, b);
}

/** The initialisation matching an activation: Kaiming for ReLU types, Xavier otherwise. */
export function initForActivation(
  act: ActivationName,
  out: Float64Array,
  fanIn: number,
  fanOut: number,
  rng: Rng,
): Float64Array {
  return act === "relu" || act === "smoothRelu"
    ? kaimingUniform(out, fanIn, rng)
    : xavierUniform(out, fanIn, fanOut, rng);
}
