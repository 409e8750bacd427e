import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gnvpro } from "./helpers.js";
import { writeNpy, readNpy } from "../../src/util/npy.js";
import { Rng } from "../../src/util/rng.js";
import { loadModel, predict } from "../../src/api/index.js";
import { runTrainCommand, type TrainFlags } from "../../src/cli/commands/train.js";
import { runPredict } from "../../src/cli/commands/predict.js";

const dir = mkdtempSync(join(tmpdir(), "gnv-cli-"));
const n = 80;
const d = 3;
const q = 2;
{
  const rng = new Rng(5);
  const Y = rng.fillUniform(new Float64Array(n * d), -1, 1);
  const C = new Float64Array(n * q);
  const L = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [a, b, c] = [Y[i * d], Y[i * d + 1], Y[i * d + 2]];
    C[i * q] = Math.sin(2 * a) + b * b + 3;
    C[i * q + 1] = a * c - 1;
    L[i] = a * a + b * b < 0.5 ? 4 : a > 0 ? 7 : 9;
  }
  writeNpy(join(dir, "Y.npy"), Y, [n, d]);
  writeNpy(join(dir, "C.npy"), C, [n, q]);
  writeNpy(join(dir, "L.npy"), L, [n]);
  writeFileSync(
    join(dir, "Y.csv"),
    Array.from({ length: n }, (_, i) => Array.from(Y.subarray(i * d, i * d + d)).join(",")).join("\n") + "\n",
  );
  const Ybad = Float64Array.from(Y);
  Ybad[7] = NaN;
  writeNpy(join(dir, "Ynan.npy"), Ybad, [n, d]);
  writeNpy(join(dir, "Cshort.npy"), C.subarray(0, (n - 1) * q), [n - 1, q]);
  writeNpy(join(dir, "Y1.npy"), Y.subarray(0, d), [1, d]);
  writeNpy(join(dir, "C1.npy"), C.subarray(0, q), [1, q]);
  writeFileSync(join(dir, "bad-config.json"), JSON.stringify({ alphaW: "big" }));
}
const base = ["--task", "regression", "--width", "4", "--budget", "30", "--quiet"];

test("train on user regression data, then predict (NPY and CSV, Jacobians), model reloads identically", async () => {
  const out = join(dir, "reg");
  const r = await gnvpro([
    "train",
    "--y",
    join(dir, "Y.csv"),
    "--c",
    join(dir, "C.npy"),
    ...base,
    "--out",
    out,
    "--json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  for (const k of ["optimizer", "task", "status", "workUnits", "wallSeconds"]) assert.ok(k in s, k);
  assert.equal(s.optimizer, "gnvpro");
  assert.ok(s.workUnits <= 30);
  for (const p of ["train", "val", "test"])
    for (const w of ["last", "best"]) {
      assert.equal(typeof s[p][w].loss, "number");
      assert.equal(typeof s[p][w].relErr, "number");
      assert.equal(typeof s[p][w].relErrFro, "number");
    }
  assert.ok(s.train.last.relErr < 0.5, `training relative error ${s.train.last.relErr}`);
  for (const f of ["model.json", "summary.json", "history.csv"]) assert.ok(existsSync(join(out, f)), f);
  const hist = readFileSync(join(out, "history.csv"), "utf8").trim().split("\n");
  assert.match(hist[0], /^iteration,level,workUnits,wallMs,loss/);
  assert.ok(hist.length >= 2);

  const [p, c] = await Promise.all([
    gnvpro([
      "predict",
      "--model",
      join(out, "model.json"),
      "--y",
      join(dir, "Y.npy"),
      "--out",
      join(dir, "P.npy"),
      "--jacobian",
      join(dir, "J.npy"),
    ]),
    gnvpro([
      "predict",
      "--model",
      join(out, "model.json"),
      "--y",
      join(dir, "Y.csv"),
      "--out",
      join(dir, "P.csv"),
    ]),
  ]);
  assert.equal(p.code, 0, p.stderr);
  const P = readNpy(join(dir, "P.npy"));
  assert.deepEqual(P.shape, [n, q]);
  const J = readNpy(join(dir, "J.npy"));
  assert.deepEqual(J.shape, [n, q, d]);
  // the library reloads the file to the same predictions
  const model = loadModel(join(out, "model.json"));
  const rows = Array.from({ length: n }, (_, i) =>
    Array.from(readNpy(join(dir, "Y.npy")).data.subarray(i * d, i * d + d)),
  );
  const again = predict(model, rows);
  for (let i = 0; i < n; i++) for (let k = 0; k < q; k++) assert.equal(again[i][k], P.data[i * q + k]);
  assert.equal(c.code, 0, c.stderr);
  const csv = readFileSync(join(dir, "P.csv"), "utf8").trim().split("\n");
  assert.equal(csv.length, n);
  assert.equal(Number(csv[0].split(",")[0]), P.data[0]);
});

test("train on user labels (classification, test fraction 0), probabilities from predict", async () => {
  const out = join(dir, "cls");
  const r = await gnvpro([
    "train",
    "--y",
    join(dir, "Y.npy"),
    "--c",
    join(dir, "L.npy"),
    "--task",
    "classification",
    "--split",
    "0.7,0.3,0",
    "--width",
    "4",
    "--budget",
    "20",
    "--alpha-w",
    "1e-3",
    "--out",
    out,
    "--json",
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.task, "classification");
  assert.equal(s.test.last, null);
  assert.equal(typeof s.val.best.accuracy, "number");
  const p = await gnvpro([
    "predict",
    "--model",
    join(out, "model.json"),
    "--y",
    join(dir, "Y.npy"),
    "--out",
    join(dir, "prob.npy"),
  ]);
  assert.equal(p.code, 0, p.stderr);
  const P = readNpy(join(dir, "prob.npy"));
  assert.deepEqual(P.shape, [n, 3]);
  for (let i = 0; i < n; i++)
    assert.ok(Math.abs(P.data[3 * i] + P.data[3 * i + 1] + P.data[3 * i + 2] - 1) < 1e-12);
  assert.throws(
    () =>
      runPredict({
        model: join(out, "model.json"),
        y: join(dir, "Y.npy"),
        out: join(dir, "x.npy"),
        jacobian: join(dir, "xj.npy"),
      }),
    /--jacobian: only for regression/,
  );
  assert.ok(!existsSync(join(dir, "x.npy")));
});

test("every documented error: a one-line message naming the problem, nothing written", async () => {
  const Y = join(dir, "Y.npy");
  const C = join(dir, "C.npy");
  const flags = { task: "regression", width: "4", budget: "30", quiet: true };
  const cases: [TrainFlags, RegExp][] = [
    [{ y: join(dir, "missing.npy"), c: C, ...flags }, /missing\.npy: file not found/],
    [{ y: Y, c: join(dir, "Cshort.npy"), ...flags }, /80 rows but targets .* have 79/],
    [{ y: join(dir, "Ynan.npy"), c: C, ...flags }, /non-finite value \(NaN\) at row 3, column 2/],
    [{ y: Y, c: C, ...flags, optimizer: "newton" }, /setting "optimizer"/],
    [{ y: Y, c: C, ...flags, split: "0.5,0.3,0.3" }, /add up to 1\.1, not 1/],
    [
      { y: join(dir, "Y1.npy"), c: join(dir, "C1.npy"), ...flags, split: "0.4,0.3,0.3" },
      /training split is empty/,
    ],
    [{ y: Y, c: C, ...flags, config: join(dir, "bad-config.json") }, /bad-config\.json: setting "alphaW"/],
    [{ y: Y, c: C, ...flags, budget: "lots" }, /option --budget: expected a number/],
    [{ experiment: "nope", quiet: true }, /setting "experiment"/],
    [
      { y: Y, c: join(dir, "L.npy"), task: "classification", alphaW: "0", quiet: true },
      /setting "alphaW": cross-entropy needs/,
    ],
  ];
  for (const [i, [f, re]] of cases.entries()) {
    const out = join(dir, `err${i}`);
    await assert.rejects(runTrainCommand({ ...f, out }), (e: Error) => {
      assert.match(e.message, re);
      assert.ok(!e.message.includes("\n"), `case ${i}: one line`);
      return true;
    });
    assert.ok(!existsSync(out), `case ${i} wrote its output directory`);
  }
  assert.throws(
    () => runPredict({ model: join(dir, "nomodel.json"), y: Y, out: join(dir, "pp.npy") }),
    /nomodel\.json: file not found/,
  );
  assert.throws(
    () => runPredict({ model: join(dir, "reg", "model.json"), y: Y, out: join(dir, "pp.bin") }),
    /unsupported extension/,
  );
  assert.ok(!readdirSync(dir).includes("pp.npy"));
  // through the command line: non-zero exit and exactly one line on stderr
  const results = await Promise.all([
    gnvpro([
      "train",
      "--y",
      join(dir, "missing.npy"),
      "--c",
      C,
      "--task",
      "regression",
      "--out",
      join(dir, "e1"),
    ]),
    gnvpro([
      "train",
      "--y",
      Y,
      "--c",
      C,
      "--task",
      "regression",
      "--optimizer",
      "newton",
      "--out",
      join(dir, "e2"),
    ]),
  ]);
  for (const r of results) {
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /^gnvpro: /);
  }
  assert.ok(!existsSync(join(dir, "e1")) && !existsSync(join(dir, "e2")));
});

test("Ctrl-C writes a checkpoint; --resume finishes with the uninterrupted run's history", async () => {
  const args = [
    "train",
    "--y",
    Y(),
    "--c",
    join(dir, "C.npy"),
    "--task",
    "regression",
    "--width",
    "4",
    "--budget",
    "40",
    "--krylov-max-iter",
    "3",
    "--quiet",
  ];
  const full = join(dir, "full");
  const cut = join(dir, "cut");
  const [a, b] = await Promise.all([
    gnvpro([...args, "--out", full]),
    gnvpro([...args, "--out", cut], { GNVPRO_TEST_SIGINT_AT_ITER: "2" }),
  ]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 130, b.stderr);
  assert.match(b.stderr, /gnvpro train --resume/);
  assert.ok(existsSync(join(cut, "checkpoint.json")));
  assert.ok(!existsSync(join(cut, "model.json")));
  const c = await gnvpro(["train", "--resume", cut, "--quiet"]);
  assert.equal(c.code, 0, c.stderr);
  const strip = (f: string) =>
    readFileSync(f, "utf8")
      .trim()
      .split("\n")
      .map((l) =>
        l
          .split(",")
          .filter((_, k) => k !== 3)
          .join(","),
      ); // drop wallMs
  assert.deepEqual(strip(join(cut, "history.csv")), strip(join(full, "history.csv")));
  const sa = JSON.parse(readFileSync(join(full, "summary.json"), "utf8"));
  const sc = JSON.parse(readFileSync(join(cut, "summary.json"), "utf8"));
  assert.deepEqual(sc.test, sa.test);
});

function Y(): string {
  return join(dir, "Y.npy");
}
