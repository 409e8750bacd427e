/**
 * `gnvpro predict --model DIR/model.json --y FILE --out FILE [--jacobian FILE] [--iterate best|last]`
 *
 * Reads inputs (NPY or CSV, samples as rows), writes predictions n × q (regression, original units)
 * or class probabilities n × classes (classification) in the format of --out's extension. With
 * --jacobian (regression models), also each sample's Jacobian ∂outputs/∂inputs: NPY of shape
 * (n, q, d), or CSV with one row per sample holding the q × d matrix row by row.
 * Everything is validated before anything is written; files are written atomically.
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import { Model } from "../../model/model.js";
import { encodeMatrix, formatOf, readMatrix, writeFilesAtomic } from "../../model/io.js";

export interface PredictOptions {
  model: string;
  y: string;
  out: string;
  jacobian?: string;
  iterate?: "best" | "last";
  json?: boolean;
}

export interface PredictReport {
  n: number;
  outputs: number;
  out: string;
  jacobian: string | null;
  iterate: "best" | "last";
}

export function runPredict(o: PredictOptions): PredictReport {
  formatOf(o.out, "output");
  if (o.jacobian !== undefined) formatOf(o.jacobian, "jacobian output");
  if (o.jacobian !== undefined && resolve(o.jacobian) === resolve(o.out))
    throw new Error(`options --out and --jacobian name the same file ${o.out}`);
  if (o.iterate !== undefined && o.iterate !== "best" && o.iterate !== "last")
    throw new Error(`option --iterate: expected "best" or "last", got "${String(o.iterate)}"`);
  const model = Model.load(o.model);
  if (o.jacobian !== undefined && model.info.task !== "regression")
    throw new Error(
      `option --jacobian: only for regression models; ${o.model} is a ${model.info.task} model`,
    );
  const ym = readMatrix(o.y, "inputs");
  const { d } = model.info;
  if (ym.cols !== d)
    throw new Error(`inputs ${o.y}: ${ym.cols} columns, the model takes ${d} inputs per sample`);
  for (let k = 0; k < ym.data.length; k++)
    if (!Number.isFinite(ym.data[k]))
      throw new Error(
        `inputs ${o.y}: non-finite value (${ym.data[k]}) at row ${Math.floor(k / d) + 1}, column ${(k % d) + 1}`,
      );
  const n = ym.rows;
  const which = o.iterate ?? model.select;
  // n × d row-major is d × n column-major: samples as columns, no transpose needed.
  const P = model.predict(ym.data, n, which);
  const q = model.outputs;
  const files = [{ path: o.out, bytes: encodeMatrix(o.out, P, [n, q], "output") }];
  if (o.jacobian !== undefined) {
    const J = model.jacobian(ym.data, n, which);
    files.push({
      path: o.jacobian,
      bytes: encodeMatrix(o.jacobian, J, [n, model.info.q, d], "jacobian output"),
    });
  }
  writeFilesAtomic(files);
  return { n, outputs: q, out: o.out, jacobian: o.jacobian ?? null, iterate: which };
}

export function register(program: Command): void {
  program
    .command("predict")
    .description("predict with a trained model (inputs as rows, NPY or CSV by extension)")
    .requiredOption("--model <file>", "model file written by `gnvpro train` (DIR/model.json)")
    .requiredOption("--y <file>", "inputs, one sample per row (.npy or .csv)")
    .requiredOption("--out <file>", "predictions (regression) or class probabilities (.npy or .csv)")
    .option("--jacobian <file>", "regression: also write each sample's Jacobian d(outputs)/d(inputs)")
    .option("--iterate <which>", "best (best-validation, default as saved) or last iterate")
    .option("--json", "print a JSON report to stdout")
    .action((opts: PredictOptions) => {
      const r = runPredict(opts);
      if (opts.json) process.stdout.write(JSON.stringify(r) + "\n");
      else
        process.stderr.write(
          `wrote ${r.n} × ${r.outputs} ${r.out}${r.jacobian !== null ? ` and Jacobians to ${r.jacobian}` : ""} (${r.iterate} iterate)\n`,
        );
    });
}
