/** The outer optimizers' public API (GNVPRO.md §4–5). */
export { TERMINAL_STATUSES, isStateful, workScaleOf } from "./types.js";
export type {
  Status,
  StepInfo,
  BaseState,
  StepResult,
  Optimizer,
  WorkScaled,
  StatefulObjective,
} from "./types.js";
export { steihaugCG, cutPath } from "./steihaug.js";
export type { CGPath, CGSegment, CGStop, SteihaugOptions, CutStep } from "./steihaug.js";
export { DEFAULT_FORCING, nextForcing } from "./forcing.js";
export type { ForcingKind, ForcingOptions } from "./forcing.js";
export {
  TrustRegion,
  DEFAULT_TRUST_REGION,
  REFERENCE_KRYLOV,
  GNVPRO_DEFAULTS,
  trustRegionOptions,
  actualReduction,
} from "./trust-region.js";
export type { TrustRegionOptions, TrustRegionUserOptions, TrustRegionState } from "./trust-region.js";
export { strongWolfe, DEFAULT_LINE_SEARCH } from "./line-search.js";
export type { LineSearchOptions, LineSearchPoint, LineSearchResult } from "./line-search.js";
export { Lbfgs, DEFAULT_LBFGS } from "./lbfgs.js";
export type { LbfgsOptions, LbfgsUserOptions, LbfgsState } from "./lbfgs.js";
export { Adam, DEFAULT_ADAM } from "./adam.js";
export type { AdamOptions, AdamState } from "./adam.js";
export { Sgd, DEFAULT_SGD } from "./sgd.js";
export type { SgdOptions, SgdState } from "./sgd.js";
export type { MinibatchOptions, MinibatchState } from "./minibatch.js";
export { tuneLearningRate, DEFAULT_LR_GRID, defaultScore } from "./lr-tuning.js";
export type { LrTuning, LrCandidate, TunableResult } from "./lr-tuning.js";
export { BlockSampledTR, blockProblem, splitBlocks, DEFAULT_BLOCK_SAMPLED } from "./block-sampled.js";
export type { Block, BlockProblem, BlockSampledOptions, BlockSampledState } from "./block-sampled.js";
export {
  DEFAULT_CURVATURE_SAMPLE,
  curvatureSampleOptions,
  hasCurvatureSubsets,
} from "./subsampled-curvature.js";
export type {
  CurvatureSubsets,
  CurvatureSampleOptions,
  CurvatureSampleUserOptions,
  CurvatureSampleState,
} from "./subsampled-curvature.js";
export { Hybrid, DEFAULT_HYBRID } from "./hybrid.js";
export type { HybridOptions, HybridState } from "./hybrid.js";
