import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTrainCommand } from "../../src/cli/commands/train.js";
import { loadModel } from "../../src/api/index.js";

const dir = mkdtempSync(join(tmpdir(), "gnv-presets-"));
process.env.GNVPRO_DATA_CACHE = join(dir, "cache");

test("experiment circle (logistic MLP) on a small generated set", async () => {
  const out = join(dir, "circle");
  const s = await runTrainCommand({ experiment: "circle", n: "280", maxIter: "4", quiet: true, out });
  assert.ok(s !== null);
  assert.equal(s.task, "classification");
  assert.equal(s.experiment, "circle");
  assert.match(s.data, /generated circle data/);
  assert.equal(s.iterations, 4);
  assert.equal(typeof s.test.best?.accuracy, "number");
  const m = loadModel(join(out, "model.json"));
  assert.equal(m.info.loss, "logistic");
  assert.equal(m.outputs, 2);
});

test("experiment cdr: multilevel (2 levels), per-level budget, summary and history across levels", async () => {
  const out = join(dir, "cdr");
  const s = await runTrainCommand({
    experiment: "cdr",
    n: "60",
    levels: "2",
    budget: "12",
    quiet: true,
    out,
  });
  assert.ok(s !== null);
  assert.equal(s.levels, 2);
  assert.ok(s.workUnits <= 24 + 1e-9, `work units ${s.workUnits}`);
  assert.equal(s.settings.alphaTheta, 1e-10);
  const hist = readFileSync(join(out, "history.csv"), "utf8").trim().split("\n").slice(1);
  const levels = new Set(hist.map((l) => l.split(",")[1]));
  assert.deepEqual([...levels].sort(), ["0", "1"]);
  const wu = hist.map((l) => Number(l.split(",")[2]));
  for (let i = 1; i < wu.length; i++) assert.ok(wu[i] >= wu[i - 1], "work units never decrease");
  assert.ok(existsSync(join(out, "model.json")));
  const m = loadModel(join(out, "model.json"));
  assert.equal(m.info.d, 55);
  assert.equal(m.info.q, 72);
});

test("experiment settings: flags override the preset, errors for impossible combinations", async () => {
  await assert.rejects(
    runTrainCommand({ experiment: "circle", levels: "2", quiet: true, out: join(dir, "x1") }),
    /setting "levels"/,
  );
  await assert.rejects(
    runTrainCommand({ experiment: "cifar10", quiet: true, out: join(dir, "x2") }),
    /needs --data-dir/,
  );
  assert.ok(!existsSync(join(dir, "x1")) && !existsSync(join(dir, "x2")));
});

test("the split is random with respect to generated data (its stream differs from the generator's)", async () => {
  const { prepareRun } = await import("../../src/experiments/run.js");
  const { resolveSettings } = await import("../../src/experiments/config.js");
  const { getPreset, presetSettings } = await import("../../src/experiments/presets.js");
  const p = await prepareRun(resolveSettings(presetSettings(getPreset("circle"), "gnvpro"), { n: 700 }));
  for (const part of [p.data.train, p.data.val, p.data.test]) {
    const frac = part.C.reduce((a, b) => a + b, 0) / part.n;
    assert.ok(frac > 0.3 && frac < 0.7, `class-1 fraction ${frac} of ${part.n}`);
  }
});

test("experiment mnist: block-sampled GNvpro on a few real images", async () => {
  const out = join(dir, "mnist");
  const s = await runTrainCommand({
    experiment: "mnist",
    n: "40",
    blockSize: "12",
    epochs: "1",
    blockIters: "1",
    krylovMaxIter: "2",
    quiet: true,
    out,
  });
  assert.ok(s !== null);
  assert.match(s.data, /real MNIST/);
  assert.equal(s.iterations, 3); // three blocks, one trust-region step each, one epoch
  assert.equal(typeof s.test.last?.accuracy, "number");
  const m = loadModel(join(out, "model.json"));
  assert.deepEqual(m.info.inShape, [1, 28, 28]);
  assert.equal(m.info.preprocessing.inputs.kind, "per-sample");
});

test("multilevel run interrupted in its second level resumes to the uninterrupted history", async () => {
  const flags = { experiment: "cdr", n: "60", levels: "2", budget: "12", krylovMaxIter: "2", quiet: true };
  const full = await runTrainCommand({ ...flags, out: join(dir, "ml-full") });
  assert.ok(full !== null);
  process.env.GNVPRO_TEST_SIGINT_AT_ITER = "2:1";
  const errWrite = process.stderr.write;
  try {
    process.stderr.write = () => true; // keep the interrupt messages out of the test output
    const cut = await runTrainCommand({ ...flags, out: join(dir, "ml-cut") });
    assert.equal(cut, null);
  } finally {
    process.stderr.write = errWrite;
    delete process.env.GNVPRO_TEST_SIGINT_AT_ITER;
  }
  process.exitCode = 0;
  assert.ok(existsSync(join(dir, "ml-cut", "checkpoint.json")));
  assert.ok(!existsSync(join(dir, "ml-cut", "model.json")));
  const resumed = await runTrainCommand({ resume: join(dir, "ml-cut"), quiet: true });
  assert.ok(resumed !== null);
  const strip = (f: string) =>
    readFileSync(f, "utf8")
      .trim()
      .split("\n")
      .map((l) =>
        l
          .split(",")
          .filter((_, k) => k !== 3)
          .join(","),
      );
  assert.deepEqual(strip(join(dir, "ml-cut", "history.csv")), strip(join(dir, "ml-full", "history.csv")));
  assert.deepEqual(resumed.test, full.test);
  assert.deepEqual(resumed.best, full.best);
});
