/** Registers the derivative checks of every element and of the standard networks (w.r.t. θ and
 *  to the input), run by `gnvpro check-derivatives`. */
import { ActivationLayer, ACTIVATIONS } from "../layers/activations.js";
import { AntisymResNet } from "../layers/antisym-resnet.js";
import { Conv2D } from "../layers/conv2d.js";
import { Dense } from "../layers/dense.js";
import { Flatten } from "../layers/flatten.js";
import { cnnCifar, mlp, resnetSurrogate } from "../layers/networks.js";
import { AvgPool2D, GlobalAvgPool } from "../layers/pool.js";
import { ResidualEuler } from "../layers/residual.js";
import type { Layer } from "../layers/types.js";
import { checkLayer, type LayerCheckOptions } from "./layer-checks.js";
import { adjointOutcome, type CheckOutcome, registerCheck, taylorOutcome } from "./registry.js";

function layerOutcomes(name: string, layer: Layer, opts: LayerCheckOptions): CheckOutcome[] {
  const r = checkLayer(layer, opts);
  const out: CheckOutcome[] = [];
  if (r.taylorTheta) out.push(taylorOutcome(`${name} θ taylor`, r.taylorTheta));
  if (r.adjointTheta) out.push(adjointOutcome(`${name} θ adjoint`, r.adjointTheta));
  out.push(taylorOutcome(`${name} input taylor`, r.taylorInput));
  out.push(adjointOutcome(`${name} input adjoint`, r.adjointInput));
  return out;
}

function reg(
  name: string,
  description: string,
  make: () => Layer,
  opts: Omit<LayerCheckOptions, "seed"> = {},
): void {
  registerCheck({ name, description, run: (seed) => layerOutcomes(name, make(), { n: 3, ...opts, seed }) });
}

// piecewise-linear activations: steps small enough not to cross a kink
const kinkSafe = { taylor: { h0: 1e-4 } };

for (const act of ACTIVATIONS)
  reg(
    `layer/dense-${act}`,
    `Dense 5→4 σ=${act}`,
    () => new Dense({ nIn: 5, nOut: 4, act }),
    act === "relu" ? kinkSafe : {},
  );
reg("layer/activation-sigmoid", "elementwise sigmoid", () => new ActivationLayer("sigmoid", [6]));
reg(
  "layer/residual-euler",
  "forward-Euler residual block, width 4, 3 steps",
  () => new ResidualEuler({ width: 4, nSteps: 3 }),
);
reg(
  "layer/antisym-resnet",
  "antisymmetric ResNet, RK4, width 4, nt 3, T 2",
  () => new AntisymResNet({ width: 4, nt: 3, T: 2 }),
  {
    thetaNoise: 0.3,
  },
);
reg(
  "layer/conv2d-same",
  "conv 3×3 same, 2→3 channels, tanh",
  () => new Conv2D({ inC: 2, H: 5, W: 4, outC: 3, k: 3, act: "tanh" }),
);
reg(
  "layer/conv2d-valid",
  "conv 3×3 valid, 2→3 channels, tanh",
  () => new Conv2D({ inC: 2, H: 5, W: 4, outC: 3, k: 3, padding: "valid", act: "tanh" }),
);
reg("layer/avgpool2", "average pool 2×2", () => new AvgPool2D({ C: 2, H: 4, W: 4, k: 2 }));
reg("layer/global-avgpool", "global average pool", () => new GlobalAvgPool({ C: 3, H: 2, W: 3 }));
reg("layer/flatten", "flatten", () => new Flatten([2, 3, 2]));
reg("network/mlp", "MLP 8→16→16→4, tanh", () => mlp(8, [16, 16, 4]));
reg("network/resnet-surrogate", "CDR surrogate: 55→8 tanh + antisymmetric ResNet (RK4, nt 3)", () =>
  resnetSurrogate({ dIn: 55, width: 8, nt: 3, T: 1 }),
);
reg(
  "network/cnn",
  "small CNN: conv3×3(2→3) ReLU, avgpool2, conv3×3(3→4) ReLU, global pool",
  () => cnnCifar({ channels: 2, H: 4, W: 4, c1: 3, c2: 4, k: 3 }),
  kinkSafe,
);
