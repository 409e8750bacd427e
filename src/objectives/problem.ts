/**
 * Validation shared by every objective built on a network and a data set (the VarPro reduced
 * objective and the joint one): the shapes of Y and C, the targets for the loss, α_W, the work
 * scale, and the regularisation operator L of GNVPRO.md §1.
 */
import type { Layer, LinearOperator } from "../layers/types.js";
import { checkTargets, type LossKind } from "./losses.js";
import { identityOperator, ThetaRegularizer } from "./regularizers.js";

export interface ProblemOptions {
  net: Layer;
  /** inputs, nIn × n */
  Y: Float64Array;
  /** targets, q × n */
  C: Float64Array;
  loss: LossKind;
  alphaW: number;
  alphaTheta: number;
  regOperator?: LinearOperator;
  workScale?: number;
}

export interface CheckedProblem {
  n: number;
  q: number;
  workScale: number;
  reg: ThetaRegularizer;
}

/** Check a problem's data and options; `who` names the objective in the error messages. */
export function checkProblem(who: string, options: ProblemOptions): CheckedProblem {
  const { net, Y, C, loss } = options;
  if (loss !== "least-squares" && loss !== "cross-entropy" && loss !== "logistic")
    throw new Error(`${who}: unknown loss "${String(loss)}"`);
  if (!(Y instanceof Float64Array) || net.nIn < 1 || Y.length % net.nIn !== 0 || Y.length === 0)
    throw new Error(`${who}: inputs Y (${Y.length} entries) are not a ${net.nIn} × n matrix`);
  const n = Y.length / net.nIn;
  if (!(C instanceof Float64Array) || C.length % n !== 0 || C.length === 0)
    throw new Error(`${who}: targets C (${C.length} entries) are not a q × ${n} matrix`);
  const q = C.length / n;
  checkTargets(loss, C, q, n, `${who}: targets`);
  if (!(options.alphaW >= 0) || !Number.isFinite(options.alphaW))
    throw new Error(`${who}: α_W must be finite and ≥ 0, got ${options.alphaW}`);
  const workScale = options.workScale ?? 1;
  if (!(workScale > 0) || !Number.isFinite(workScale))
    throw new Error(`${who}: workScale must be > 0, got ${workScale}`);
  const L = options.regOperator ?? net.regOperator?.() ?? identityOperator(net.nParams);
  if (L.cols !== net.nParams)
    throw new Error(`${who}: regOperator has ${L.cols} columns, the network has ${net.nParams} weights`);
  return { n, q, workScale, reg: new ThetaRegularizer(options.alphaTheta, L) };
}
