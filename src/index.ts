/** gnvpro: the library's public API. */
export { VERSION } from "./version.js";
export { kernels } from "./kernels/index.js";
export type { Kernels, Trans, Uplo, Side, Diag, BlasInfo } from "./kernels/index.js";
export { Rng } from "./util/rng.js";
export type { RngState } from "./util/rng.js";
export * from "./layers/index.js";
export { taylorTest, adjointTest, checkLayer, registerCheck, runChecks, listChecks } from "./check/index.js";
export type { TaylorOptions, TaylorResult, AdjointResult, CheckOutcome, NamedCheck } from "./check/index.js";
export { COST, WorkCounter } from "./objectives/types.js";
export type {
  Evaluation,
  SmoothObjective,
  GNObjective,
  StochasticObjective,
} from "./objectives/types.js";
export * from "./objectives/index.js";
// High-level API: train on arrays or a paper experiment, predict, Jacobians, model files.
export { fit, runExperiment, predict, jacobian, loadModel, Model, PRESETS } from "./api/index.js";
export type { FitOptions, FitResult, FitSettings, Rows, Preset, Summary, PartMetrics } from "./api/index.js";
