/**
 * The "teacher" regression problem of the optimizer acceptance test (issue 5, item 6): inputs in
 * [−1, 1]^55, 72 outputs, targets produced by a randomly initialised network of the CDR surrogate's
 * architecture (opening layer tanh(K₀y + b₀) to width 8, antisymmetric RK4 ResNet) and a random
 * affine last layer, so that a perfect fit exists (a zero-residual problem). Split 400/200/200 like
 * the CDR experiment. A student network of the same architecture starts from its own random θ₀.
 */
import { resnetSurrogate } from "../layers/networks.js";
import type { Layer } from "../layers/types.js";
import { Rng } from "../util/rng.js";

export interface TeacherOptions {
  nIn: number;
  q: number;
  nTrain: number;
  nVal: number;
  nTest: number;
  width: number;
  /** weight time points of the teacher's and the student's ResNet */
  nt: number;
  seed: number;
}

export const TEACHER_FULL: TeacherOptions = {
  nIn: 55,
  q: 72,
  nTrain: 400,
  nVal: 200,
  nTest: 200,
  width: 8,
  nt: 3,
  seed: 1,
};

export interface TeacherProblem {
  options: TeacherOptions;
  makeNet: () => Layer;
  theta0: Float64Array;
  thetaTeacher: Float64Array;
  train: { Y: Float64Array; C: Float64Array; n: number };
  val: { Y: Float64Array; C: Float64Array; n: number };
  test: { Y: Float64Array; C: Float64Array; n: number };
}

export function teacherProblem(o: TeacherOptions = TEACHER_FULL): TeacherProblem {
  const rng = new Rng(o.seed);
  const makeNet = () => resnetSurrogate({ dIn: o.nIn, width: o.width, nt: o.nt });
  const net = makeNet();
  // teacher: the network's own random initialisation (seeded independently of the student's θ₀)
  const thetaT = new Float64Array(net.nParams);
  net.init(thetaT, rng);
  const m = net.nOut;
  const Wt = rng.fillNormal(new Float64Array(o.q * (m + 1)));
  const n = o.nTrain + o.nVal + o.nTest;
  const Y = rng.fillUniform(new Float64Array(o.nIn * n), -1, 1);
  const Z = net.forward(thetaT, Y, n).out;
  const C = new Float64Array(o.q * n);
  for (let j = 0; j < n; j++)
    for (let i = 0; i < o.q; i++) {
      let s = Wt[i + m * o.q];
      for (let k = 0; k < m; k++) s += Wt[i + k * o.q] * Z[k + j * m];
      C[i + j * o.q] = s;
    }
  const part = (a: number, b: number) => ({
    Y: Y.slice(a * o.nIn, b * o.nIn),
    C: C.slice(a * o.q, b * o.q),
    n: b - a,
  });
  const theta0 = new Float64Array(net.nParams);
  net.init(theta0, new Rng(o.seed + 1000));
  return {
    options: o,
    makeNet,
    theta0,
    thetaTeacher: thetaT,
    train: part(0, o.nTrain),
    val: part(o.nTrain, o.nTrain + o.nVal),
    test: part(o.nTrain + o.nVal, n),
  };
}

/** S = W [Z; 1ᵀ] for W q × (m+1) and features Z m × n (column-major). */
export function affineOutputs(
  W: Float64Array,
  Z: Float64Array,
  q: number,
  m: number,
  n: number,
): Float64Array {
  const S = new Float64Array(q * n);
  for (let j = 0; j < n; j++)
    for (let i = 0; i < q; i++) {
      let s = W[i + m * q];
      for (let k = 0; k < m; k++) s += W[i + k * q] * Z[k + j * m];
      S[i + j * q] = s;
    }
  return S;
}
