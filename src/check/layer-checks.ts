/**
 * Derivative checks of a network element (src/layers/types.ts contract) with respect to θ and to
 * its input Y: Taylor tests of the JVP and adjoint tests of the VJP against the JVP.
 */
import type { Layer } from "../layers/types.js";
import { Rng } from "../util/rng.js";
import {
  adjointTest,
  taylorTest,
  type AdjointResult,
  type TaylorOptions,
  type TaylorResult,
} from "./derivative-tests.js";

export interface LayerCheckOptions {
  /** Number of samples (default 3). */
  n?: number;
  seed?: number;
  /** θ: initialised by the layer, then perturbed by N(0, thetaNoise²) so biases are not zero (default 0.1). */
  thetaNoise?: number;
  /** Input Y ~ N(0, inputScale²) (default 1). */
  inputScale?: number;
  /** Given input instead of random (nIn × n). */
  Y?: Float64Array;
  taylor?: TaylorOptions;
  adjointTol?: number;
}

export interface LayerCheckResults {
  taylorTheta: TaylorResult | null;
  taylorInput: TaylorResult;
  adjointTheta: AdjointResult | null;
  adjointInput: AdjointResult;
}

function randn(rng: Rng, len: number, scale = 1): Float64Array {
  return rng.fillNormal(new Float64Array(len), scale);
}

export function checkLayer(layer: Layer, opts: LayerCheckOptions = {}): LayerCheckResults {
  const n = opts.n ?? 3;
  const rng = new Rng(opts.seed ?? 1);
  const theta = new Float64Array(layer.nParams);
  layer.init(theta, rng);
  const noise = opts.thetaNoise ?? 0.1;
  for (let i = 0; i < theta.length; i++) theta[i] += noise * rng.normal();
  const Y = opts.Y ?? randn(rng, layer.nIn * n, opts.inputScale ?? 1);
  const state = layer.forward(theta, Y, n);
  const dTheta = randn(rng, layer.nParams);
  const dY = randn(rng, layer.nIn * n);
  const U = randn(rng, layer.nOut * n);

  let taylorTheta: TaylorResult | null = null;
  let adjointTheta: AdjointResult | null = null;
  if (layer.nParams > 0) {
    taylorTheta = taylorTest(
      (th) => layer.forward(th, Y, n).out,
      (d) => layer.jvp(state, d, null),
      theta,
      dTheta,
      opts.taylor,
    );
    const g = new Float64Array(layer.nParams);
    adjointTheta = adjointTest(
      (v) => layer.jvp(state, v, null),
      (u) => {
        layer.vjp(state, u, g, false);
        return g;
      },
      dTheta,
      U,
      opts.adjointTol,
    );
  }
  const taylorInput = taylorTest(
    (y) => layer.forward(theta, y, n).out,
    (d) => layer.jvp(state, null, d),
    Y,
    dY,
    opts.taylor,
  );
  const adjointInput = adjointTest(
    (v) => layer.jvp(state, null, v),
    (u) => {
      const r = layer.vjp(state, u, null, true);
      if (r === null) throw new Error("checkLayer: vjp returned null with wantInput = true");
      return r;
    },
    dY,
    U,
    opts.adjointTol,
  );
  return { taylorTheta, taylorInput, adjointTheta, adjointInput };
}
