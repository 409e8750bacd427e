/** The objectives' public API (GNVPRO.md §1–3): losses, metrics, regularisers, inner solvers, VarPro and joint objectives. */
export {
  LOSS_KINDS,
  parseLossKind,
  checkTargets,
  lossValue,
  lossPoint,
  applyLossHessian,
  softplus,
  sigmoid,
} from "./losses.js";
export type { LossKind, LossPoint } from "./losses.js";
export {
  meanRelativeError,
  relativeFrobeniusError,
  meanSquaredError,
  accuracy,
  predictedClasses,
} from "./metrics.js";
export {
  identityOperator,
  timeDifferenceOperator,
  blockDiagonalOperator,
  ThetaRegularizer,
  tikhonovValue,
} from "./regularizers.js";
export { solveInnerLS, solveInnerLSHat } from "./inner-ls.js";
export type { InnerLSOptions, InnerLSResult } from "./inner-ls.js";
export { solveInnerCE, solveInnerCEHat, formInnerHessian, applyHW } from "./inner-ce.js";
export type { InnerCEOptions, InnerCEResult, InnerCEStats } from "./inner-ce.js";
export {
  JACOBIAN_VARIANTS,
  weightJvp,
  outputsJvp,
  outputsVjp,
  gaussNewtonFeatures,
} from "./reduced-jacobian.js";
export type { InnerFactor, JacobianPoint, JacobianVariant } from "./reduced-jacobian.js";
export { VarProObjective } from "./reduced.js";
export type { VarProOptions, InnerStats } from "./reduced.js";
export { JointObjective } from "./joint.js";
export type { JointOptions } from "./joint.js";
