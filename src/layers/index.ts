/** Network elements with exact JVP/VJP (contract in types.ts) and networks built from them. */
export type { Layer, LayerState, LayerSpec, LinearOperator } from "./types.js";
export {
  ACTIVATIONS,
  ActivationLayer,
  SMOOTH_RELU_ETA,
  applyActivation,
  fastTanh,
  type ActivationName,
} from "./activations.js";
export { Dense, type DenseOptions } from "./dense.js";
export { ResidualEuler, type ResidualOptions } from "./residual.js";
export { AntisymResNet, type AntisymResNetOptions } from "./antisym-resnet.js";
export { Conv2D, type Conv2DOptions, type Padding, type Precision } from "./conv2d.js";
export { AvgPool2D, GlobalAvgPool } from "./pool.js";
export { Flatten } from "./flatten.js";
export { Sequential } from "./sequential.js";
export { kaimingUniform, xavierUniform } from "./init.js";
export { layerFromSpec, registerLayer, type LayerBuilder } from "./spec.js";
export {
  mlp,
  resnetSurrogate,
  cnnCifar,
  type ResNetSurrogateOptions,
  type CnnCifarOptions,
} from "./networks.js";
export { prolongate, isProlongable, type Prolongated } from "./prolongate.js";
