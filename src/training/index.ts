/** The training driver's public API (GNVPRO.md §4–5): train, multilevel, checkpoints, comparison. */
export { train, trainSync } from "./train.js";
export type { TrainOptions, TrainResult, TrainCallbacks, Metrics, InnerSolveInfo } from "./train.js";
export { sameHistory } from "./history.js";
export type { HistoryRow } from "./history.js";
export {
  writeCheckpoint,
  readCheckpoint,
  encodeState,
  decodeState,
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
} from "./checkpoint.js";
export type { Checkpoint } from "./checkpoint.js";
export { trainMultilevel, prolongateResNetLevel } from "./multilevel.js";
export type { MultilevelOptions, MultilevelResult, LevelSetup, LevelResult } from "./multilevel.js";
export { teacherProblem, TEACHER_FULL, affineOutputs } from "./teacher.js";
export type { TeacherOptions, TeacherProblem } from "./teacher.js";
export { compareOptimizers, formatFigures, gnvproOptimizer } from "./compare.js";
export type { CompareOptions, MethodFigures, RegressionData, GnvproVariant } from "./compare.js";
export { SubsampledVarPro } from "./subsampled-varpro.js";
