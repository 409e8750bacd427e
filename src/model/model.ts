/**
 * A trained model: the feature extractor F (architecture spec + θ), the last layer W, the
 * preprocessing, and the task. Outputs S = W [F(P(y)); 1] (GNVPRO.md §1), then
 *   regression:      S + μ_c (targets back in original units),
 *   cross-entropy:   softmax(S), class probabilities,
 *   logistic (q=1):  [1 − σ(s), σ(s)].
 *
 * File format (DIR/model.json), plain JSON:
 *   { format: "gnvpro-model", version: 1, task, loss, d, q, m, inShape, classes?, network (layer
 *     spec), preprocessing, select ("best" | "last"), iterates: { last: {theta, W, iteration,
 *     workUnits}, best: {…} | null }, provenance, settings }
 * θ and W are arrays of numbers (JSON keeps float64 exactly); W is q × (m+1), column-major, with
 * the bias in the last column.
 */
import { readFileSync } from "node:fs";
import { kernels } from "../kernels/index.js";
import type { Layer, LayerSpec } from "../layers/types.js";
import { layerFromSpec } from "../layers/spec.js";
import {
  applyInputs,
  checkPreprocessing,
  inputScale,
  invertTargets,
  type Preprocessing,
} from "./preprocessing.js";
import { writeFileAtomic } from "./io.js";

export type ModelTask = "regression" | "classification";
export type ModelLoss = "least-squares" | "cross-entropy" | "logistic";

/** One set of trained weights. */
export interface Iterate {
  theta: Float64Array;
  /** q × (m+1), column-major, bias in the last column */
  W: Float64Array;
  iteration: number;
  workUnits: number;
  /** the network of this iterate when it differs from the model's (an earlier multilevel level) */
  net?: Layer;
}

export interface ModelInfo {
  task: ModelTask;
  loss: ModelLoss;
  /** input dimension (raw), output rows q of W, feature dimension m */
  d: number;
  q: number;
  m: number;
  inShape: number[];
  /** class labels in output order (classification) */
  classes?: number[];
  preprocessing: Preprocessing;
  /** free-form record of where the data came from */
  provenance: string;
  /** the settings the model was trained with (for the record) */
  settings?: Record<string, unknown>;
}

export const MODEL_FORMAT = "gnvpro-model";
export const MODEL_VERSION = 1;

/** Samples per forward pass when predicting (bounded memory whatever n is). */
function chunkSize(nIn: number): number {
  return Math.max(16, Math.min(4096, Math.floor(5e5 / Math.max(1, nIn))));
}

export class Model {
  /** which iterate predictions use unless told otherwise */
  select: "best" | "last";

  constructor(
    readonly net: Layer,
    readonly info: ModelInfo,
    readonly last: Iterate,
    readonly best: Iterate | null,
    select: "best" | "last" = "best",
  ) {
    const { d, q, m } = info;
    if (net.nIn !== d) throw new Error(`Model: network takes ${net.nIn} inputs, model declares d = ${d}`);
    if (net.nOut !== m) throw new Error(`Model: network gives ${net.nOut} features, model declares m = ${m}`);
    for (const [name, it] of [
      ["last", last],
      ["best", best],
    ] as const) {
      if (it === null) continue;
      const itNet = it.net ?? net;
      if (itNet.nIn !== d || itNet.nOut !== m)
        throw new Error(
          `Model: ${name} iterate's network maps ${itNet.nIn} → ${itNet.nOut}, expected ${d} → ${m}`,
        );
      if (it.theta.length !== itNet.nParams)
        throw new Error(
          `Model: ${name} iterate has ${it.theta.length} parameters, the network ${itNet.nParams}`,
        );
      if (it.W.length !== q * (m + 1))
        throw new Error(`Model: ${name} iterate's W has ${it.W.length} entries, expected ${q}×${m + 1}`);
    }
    checkPreprocessing(info.preprocessing, d, info.task === "regression" ? q : 0, "Model");
    this.select = select;
  }

  /** Number of prediction outputs per sample: q (regression), number of classes (classification). */
  get outputs(): number {
    return this.info.loss === "logistic" ? 2 : this.info.q;
  }

  iterate(which?: "best" | "last"): Iterate {
    const w = which ?? this.select;
    return w === "best" && this.best !== null ? this.best : this.last;
  }

  /** Raw outputs S = W Ẑ (q × n, model units: centred targets / logits) of raw inputs Y (d × n). */
  scores(Y: Float64Array, n: number, which?: "best" | "last"): Float64Array {
    const { d, q, m } = this.info;
    if (Y.length < d * n) throw new Error(`Model.predict: inputs hold ${Y.length} values, need ${d}×${n}`);
    const it = this.iterate(which);
    const S = new Float64Array(q * n);
    const bs = chunkSize(d);
    for (let j0 = 0; j0 < n; j0 += bs) {
      const nc = Math.min(bs, n - j0);
      const Yc = applyInputs(this.info.preprocessing.inputs, Y.subarray(j0 * d, (j0 + nc) * d), d, nc);
      const st = (it.net ?? this.net).forward(it.theta, Yc, nc);
      const Sc = S.subarray(j0 * q, (j0 + nc) * q);
      kernels().dgemm("N", "N", q, nc, m, 1, it.W, q, st.out, m, 0, Sc, q);
      for (let j = 0; j < nc; j++) for (let i = 0; i < q; i++) Sc[i + j * q] += it.W[i + m * q];
    }
    return S;
  }

  /**
   * Predictions for raw inputs Y (d × n, column-major): regression outputs in the data's units
   * (q × n), or class probabilities (classes × n).
   */
  predict(Y: Float64Array, n: number, which?: "best" | "last"): Float64Array {
    const S = this.scores(Y, n, which);
    const { q, loss } = this.info;
    if (loss === "least-squares") return invertTargets(this.info.preprocessing.targets, S, q, n);
    if (loss === "logistic") {
      const P = new Float64Array(2 * n);
      for (let j = 0; j < n; j++) {
        const s = S[j];
        const p1 = s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s));
        P[2 * j] = 1 - p1;
        P[2 * j + 1] = p1;
      }
      return P;
    }
    for (let j = 0; j < n; j++) {
      let mx = -Infinity;
      for (let i = 0; i < q; i++) mx = Math.max(mx, S[i + j * q]);
      let sum = 0;
      for (let i = 0; i < q; i++) {
        const e = Math.exp(S[i + j * q] - mx);
        S[i + j * q] = e;
        sum += e;
      }
      for (let i = 0; i < q; i++) S[i + j * q] /= sum;
    }
    return S;
  }

  /**
   * Each sample's Jacobian of the regression outputs with respect to the raw inputs,
   * ∂s_i/∂y_i = W_{:,1:m} J_F(P(y_i)) diag(dP/dy): returned n × q × d, row-major
   * (entry (i, k, j) at (i·q + k)·d + j). Uses min(d, q) forward-mode (JVP) or reverse-mode (VJP)
   * passes of the network over the samples.
   */
  jacobian(Y: Float64Array, n: number, which?: "best" | "last"): Float64Array {
    const { d, q, m, loss } = this.info;
    if (loss !== "least-squares")
      throw new Error("Model.jacobian: only for regression models (least-squares surrogates)");
    const scale = inputScale(this.info.preprocessing.inputs, d);
    if (scale === null)
      throw new Error("Model.jacobian: not available with per-sample input standardisation");
    if (Y.length < d * n) throw new Error(`Model.jacobian: inputs hold ${Y.length} values, need ${d}×${n}`);
    const it = this.iterate(which);
    const net = it.net ?? this.net;
    const J = new Float64Array(n * q * d);
    const bs = chunkSize(Math.max(d, m, q));
    const k = kernels();
    for (let j0 = 0; j0 < n; j0 += bs) {
      const nc = Math.min(bs, n - j0);
      const Yc = applyInputs(this.info.preprocessing.inputs, Y.subarray(j0 * d, (j0 + nc) * d), d, nc);
      const st = net.forward(it.theta, Yc, nc);
      if (d <= q) {
        const dY = new Float64Array(d * nc);
        const dS = new Float64Array(q * nc);
        for (let jj = 0; jj < d; jj++) {
          dY.fill(0);
          for (let s = 0; s < nc; s++) dY[jj + s * d] = scale[jj];
          const dZ = net.jvp(st, null, dY);
          k.dgemm("N", "N", q, nc, m, 1, it.W, q, dZ, m, 0, dS, q);
          for (let s = 0; s < nc; s++)
            for (let i = 0; i < q; i++) J[((j0 + s) * q + i) * d + jj] = dS[i + s * q];
        }
      } else {
        const U = new Float64Array(m * nc);
        for (let i = 0; i < q; i++) {
          for (let s = 0; s < nc; s++) for (let r = 0; r < m; r++) U[r + s * m] = it.W[i + r * q];
          const gY = net.vjp(st, U, null, true)!;
          for (let s = 0; s < nc; s++)
            for (let jj = 0; jj < d; jj++) J[((j0 + s) * q + i) * d + jj] = gY[jj + s * d] * scale[jj];
        }
      }
    }
    return J;
  }

  toJSON(): Record<string, unknown> {
    const it = (x: Iterate | null) =>
      x === null
        ? null
        : {
            iteration: x.iteration,
            workUnits: x.workUnits,
            ...(x.net !== undefined ? { network: x.net.toJSON() } : {}),
            theta: Array.from(x.theta),
            W: Array.from(x.W),
          };
    const { task, loss, d, q, m, inShape, classes, preprocessing, provenance, settings } = this.info;
    return {
      format: MODEL_FORMAT,
      version: MODEL_VERSION,
      task,
      loss,
      d,
      q,
      m,
      inShape,
      ...(classes !== undefined ? { classes } : {}),
      network: this.net.toJSON(),
      preprocessing,
      select: this.select,
      iterates: { last: it(this.last), best: it(this.best) },
      provenance,
      ...(settings !== undefined ? { settings } : {}),
    };
  }

  /** Write the model file atomically. */
  save(file: string): void {
    writeFileAtomic(file, JSON.stringify(this.toJSON()) + "\n");
  }

  static fromJSON(obj: unknown, where = "model"): Model {
    const o = obj as Record<string, unknown>;
    if (o === null || typeof o !== "object" || o.format !== MODEL_FORMAT)
      throw new Error(`${where}: not a gnvpro model file (format field is not "${MODEL_FORMAT}")`);
    if (o.version !== MODEL_VERSION)
      throw new Error(`${where}: unsupported model version ${String(o.version)}`);
    const num = (k: string): number => {
      const v = o[k];
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0)
        throw new Error(`${where}: field "${k}" must be a non-negative integer`);
      return v;
    };
    const task = o.task;
    if (task !== "regression" && task !== "classification") throw new Error(`${where}: bad field "task"`);
    const loss = o.loss;
    if (loss !== "least-squares" && loss !== "cross-entropy" && loss !== "logistic")
      throw new Error(`${where}: bad field "loss"`);
    const arr = (v: unknown, name: string): Float64Array => {
      if (!Array.isArray(v) || !v.every((x) => typeof x === "number" && Number.isFinite(x)))
        throw new Error(`${where}: field "${name}" must be an array of finite numbers`);
      return Float64Array.from(v as number[]);
    };
    const iterate = (v: unknown, name: string): Iterate | null => {
      if (v === null || v === undefined) return null;
      const r = v as Record<string, unknown>;
      let itNet: Layer | undefined;
      if (r.network !== undefined) {
        try {
          itNet = layerFromSpec(r.network as LayerSpec);
        } catch (e) {
          throw new Error(`${where}: field "${name}.network": ${(e as Error).message}`);
        }
      }
      return {
        ...(itNet !== undefined ? { net: itNet } : {}),
        theta: arr(r.theta, `${name}.theta`),
        W: arr(r.W, `${name}.W`),
        iteration: typeof r.iteration === "number" ? r.iteration : 0,
        workUnits: typeof r.workUnits === "number" ? r.workUnits : 0,
      };
    };
    const its = (o.iterates ?? {}) as Record<string, unknown>;
    const last = iterate(its.last, "iterates.last");
    if (last === null) throw new Error(`${where}: field "iterates.last" is missing`);
    const best = iterate(its.best, "iterates.best");
    if (o.network === null || typeof o.network !== "object")
      throw new Error(`${where}: field "network" missing`);
    let net: Layer;
    try {
      net = layerFromSpec(o.network as LayerSpec);
    } catch (e) {
      throw new Error(`${where}: field "network": ${(e as Error).message}`);
    }
    const select = o.select === "last" ? "last" : "best";
    const info: ModelInfo = {
      task,
      loss,
      d: num("d"),
      q: num("q"),
      m: num("m"),
      inShape: Array.isArray(o.inShape) ? (o.inShape as number[]) : [num("d")],
      classes: Array.isArray(o.classes) ? (o.classes as number[]) : undefined,
      preprocessing: o.preprocessing as Preprocessing,
      provenance: typeof o.provenance === "string" ? o.provenance : "",
      settings: (o.settings as Record<string, unknown> | undefined) ?? undefined,
    };
    if (info.preprocessing === null || typeof info.preprocessing !== "object")
      throw new Error(`${where}: field "preprocessing" missing`);
    try {
      return new Model(net, info, last, best, select);
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).message.replace(/^Model: /, "")}`);
    }
  }

  static load(file: string): Model {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      throw new Error(`model ${file}: file not found or unreadable`);
    }
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      throw new Error(`model ${file}: not valid JSON`);
    }
    return Model.fromJSON(obj, `model ${file}`);
  }
}
