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
export type { Evaluation, SmoothObjective, GNObjective, StochasticObjective } from "./objectives/types.js";
export * from "./objectives/index.js";
// Outer optimizers (trust-region Newton–Krylov, L-BFGS, ADAM, SGD, block-sampled) and the training driver.
export * from "./optimizers/index.js";
export * from "./training/index.js";
// High-level API: train on arrays or a paper experiment, predict, Jacobians, model files.
export { fit, runExperiment, predict, jacobian, loadModel, Model, PRESETS } from "./api/index.js";
export type { FitOptions, FitResult, FitSettings, Rows, Preset, Summary, PartMetrics } from "./api/index.js";
// Classification data: MNIST, CIFAR-10 and Indian Pines loaders, the synthetic hyperspectral scene, splits.
export { parseIdx, readIdxFile, encodeIdx } from "./data/idx.js";
export type { IdxArray, IdxType } from "./data/idx.js";
export { loadMnist, readMnist, mnistDir } from "./data/mnist.js";
export type { ImageSet, Mnist, MnistOptions } from "./data/mnist.js";
export { loadCifar10, parseCifar10Batch, readCifar10Batch, resolveCifar10Dir } from "./data/cifar10.js";
export type { Cifar10, Cifar10Options } from "./data/cifar10.js";
export { parseMat, readMatFile, matNumeric } from "./data/mat.js";
export type { MatFile, MatVariable, MatClass } from "./data/mat.js";
export {
  loadIndianPines,
  prepareHsiClassification,
  INDIAN_PINES_CLASS_NAMES,
  INDIAN_PINES_COUNTS,
} from "./data/indian-pines.js";
export type { HsiScene, HsiSet, HsiClassification, HsiPrepOptions } from "./data/indian-pines.js";
export { generateHsiScene, HSI_SYNTHETIC_DEFAULTS } from "./data/hsi-synthetic.js";
export type { HsiSyntheticOptions, HsiSyntheticScene } from "./data/hsi-synthetic.js";
export { linearSoftmaxAccuracy } from "./data/hsi-synthetic-calibration.js";
export { classBalancedSplit, randomSplit, oneHot } from "./data/split.js";
export type { SplitIndices, ClassBalancedSplit } from "./data/split.js";
export { standardizeColumns, standardizeColumnsInPlace } from "./data/standardize.js";
// Surrogate and toy data (CDR, DCR, circle, peaks), generated data sets on disk, NPY and CSV files.
export { readNpy, writeNpy, encodeNpy, decodeNpy } from "./util/npy.js";
export type { NpyArray } from "./util/npy.js";
export { readCsv, writeCsv, parseCsv, formatCsv } from "./util/csv.js";
export type { CsvTable, CsvReadOptions, CsvWriteOptions } from "./util/csv.js";
export { CdrProblem, resolveCdrParams } from "./data/cdr.js";
export type { CdrParams } from "./data/cdr.js";
export { DcrProblem, resolveDcrParams } from "./data/dcr.js";
export type { DcrParams } from "./data/dcr.js";
export { circleData, peaksData, peaks } from "./data/toys.js";
export { generateDataset, ensureCachedDataset, readManifest, cacheKey } from "./data/manifest.js";
export type { Manifest, GenerateOptions, GenerateResult } from "./data/manifest.js";
export { loadDataset } from "./data/dataset.js";
export type { Dataset as StoredDataset } from "./data/dataset.js";
export { registerGenerator, getGenerator, listGenerators, registerShowRenderer } from "./data/registry.js";
export type { DataGenerator, GeneratedSet } from "./data/registry.js";
// Comparison of optimizers (`gnvpro compare`) and reports.
export { runCompare, runBaselines, COMPARE_OPTIMIZERS, OPTIMIZER_LABELS } from "./compare/compare.js";
export type {
  CompareHooks,
  CompareOptions,
  CompareResult,
  MethodResult,
  SeedRun,
} from "./compare/compare.js";
export { trainPipelineHooks } from "./compare/hooks.js";
export { writeCompare, formatCompareTable } from "./compare/output.js";
export { meanPredictor, ridge, linearClassifier } from "./compare/baselines.js";
export type { BaselineData, BaselineResult } from "./compare/baselines.js";
export { spread, aggregateSummaries } from "./compare/aggregate.js";
export type { Spread } from "./compare/aggregate.js";
export { bestValMetric, firstReach } from "./compare/target.js";
export { renderSvg } from "./report/vega.js";
export { curveSpec, observationsSpec } from "./report/plots.js";
export { labelMapsSvg } from "./report/labelmap.js";
export type { LabelMap } from "./report/labelmap.js";
export { renderReportHtml, externalReferences } from "./report/html.js";
export type { ReportInput } from "./report/html.js";
export type { Trace, TraceRow, MetricInfo } from "./report/history.js";
