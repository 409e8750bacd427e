import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { TrustRegion } from "../../src/optimizers/trust-region.js";
import { Lbfgs } from "../../src/optimizers/lbfgs.js";
import { Adam } from "../../src/optimizers/adam.js";
import { Sgd } from "../../src/optimizers/sgd.js";
import { trainSync } from "../../src/training/train.js";
import { sameHistory } from "../../src/training/history.js";
import { decodeState, encodeState, readCheckpoint, writeCheckpoint } from "../../src/training/checkpoint.js";
import type { BaseState, Optimizer } from "../../src/optimizers/types.js";
import type { WorkCounter } from "../../src/objectives/types.js";
import { Logistic, Rosenbrock, StochasticQuadratic } from "../optimizers/problems.js";

const tmp = () => mkdtempSync(join(tmpdir(), "gnvpro-train-"));

test("checkpoint encoding is exact: Float64Array views, NaN, ±Infinity, -0, nested state", () => {
  const big = new Float64Array([1, 2, 3, Math.PI, 1e-310, -0, NaN]);
  const value = {
    a: big.subarray(2),
    n: NaN,
    p: Infinity,
    m: -Infinity,
    z: 1 / 3,
    list: [big.subarray(0, 1)],
    s: "x",
    b: null,
  };
  const back = decodeState(encodeState(value)) as typeof value;
  assert.ok(back.a instanceof Float64Array);
  assert.deepEqual(Array.from(back.a), Array.from(big.subarray(2)));
  assert.ok(Object.is(back.a[3], -0) && Number.isNaN(back.a[4]));
  assert.ok(Number.isNaN(back.n) && back.p === Infinity && back.m === -Infinity && back.z === 1 / 3);
  assert.deepEqual(Array.from(back.list[0]), [1]);
  const dir = tmp();
  try {
    assert.throws(() => readCheckpoint(join(dir, "missing.json")), /cannot read/);
    writeCheckpoint(join(dir, "bad.json"), { hello: 1 } as never);
    assert.throws(() => readCheckpoint(join(dir, "bad.json")), /not a gnvpro checkpoint/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("validation and training metrics cost no work units, even when they evaluate the objective", () => {
  const obj = new Logistic(100, 3, 5);
  const other = Float64Array.from([1, 2, 3, 4]);
  const plain = trainSync({
    optimizer: new TrustRegion({ maxIterations: 5 }),
    objective: new Logistic(100, 3, 5),
    x0: new Float64Array(4),
  });
  const res = trainSync({
    optimizer: new TrustRegion({ maxIterations: 5 }),
    objective: obj,
    x0: new Float64Array(4),
    validate: (x) => ({ loss: obj.evaluate(other).value + obj.evaluate(x).value, metric: 0.5 }),
    trainMetric: (x) => obj.evaluate(x).value,
  });
  assert.deepEqual(
    res.history.map((r) => r.workUnits),
    plain.history.map((r) => r.workUnits),
  );
  assert.deepEqual(res.x, plain.x);
  assert.ok(res.history.every((r) => r.valMetric === 0.5 && r.trainMetric !== null));
  assert.ok(res.best !== null && res.best.iteration === res.history.length - 1);
});

type Obj = { work: WorkCounter; dim: number };
function resumeEqualsUninterrupted<O extends Obj, S extends BaseState>(
  make: () => O,
  opt: () => Optimizer<O, S>,
  x0: Float64Array,
  stopAt: (row: { iteration: number; accepted: boolean | null }) => boolean,
  budget = Infinity,
): void {
  const full = trainSync({ optimizer: opt(), objective: make(), x0, budget });
  const dir = tmp();
  try {
    const path = join(dir, "cp.json");
    const part = trainSync({
      optimizer: opt(),
      objective: make(),
      x0,
      budget,
      checkpoint: { path },
      callbacks: { onIteration: (row) => (stopAt(row) ? "stop" : undefined) },
    });
    assert.equal(part.status, "interrupted");
    assert.ok(part.history.length < full.history.length);
    const rest = trainSync({ optimizer: opt(), objective: make(), resume: path, budget });
    assert.equal(rest.status, full.status);
    assert.ok(sameHistory(rest.history, full.history), "resumed history differs from the uninterrupted one");
    assert.deepEqual(rest.x, full.x);
    assert.equal(rest.workUnits, full.workUnits);
  } finally {
    rmSync(dir, { recursive: true });
  }
}

test("resume equals uninterrupted: trust region (stopped right after a rejection), L-BFGS, ADAM, SGD", () => {
  const x0 = Float64Array.from([-1.2, 1, -1.2, 1]);
  const tr = () => new TrustRegion({ initialRadius: 10, gradAtol: 1e-10, krylovMaxIterations: 4 });
  resumeEqualsUninterrupted(
    () => new Rosenbrock(4),
    tr,
    x0,
    (r) => r.accepted === false,
  );
  resumeEqualsUninterrupted(
    () => new Rosenbrock(4),
    tr,
    x0,
    (r) => r.iteration === 7,
    60,
  );
  resumeEqualsUninterrupted(
    () => new Rosenbrock(4),
    () => new Lbfgs({ gradAtol: 1e-10 }),
    x0,
    (r) => r.iteration === 12,
  );
  resumeEqualsUninterrupted(
    () => new StochasticQuadratic(30, 3, 1),
    () => new Adam({ learningRate: 0.05, batchSize: 7, maxIterations: 12, seed: 3 }),
    new Float64Array(3),
    (r) => r.iteration === 5,
  );
  resumeEqualsUninterrupted(
    () => new StochasticQuadratic(30, 3, 1),
    () => new Sgd({ learningRate: 0.01, batchSize: 4, maxIterations: 9, seed: 3 }),
    new Float64Array(3),
    (r) => r.iteration === 1,
  );
});

test("resume rejects a checkpoint of another optimizer or dimension; a finished budget run continues", () => {
  const dir = tmp();
  try {
    const path = join(dir, "cp.json");
    const x0 = Float64Array.from([-1.2, 1]);
    const a = trainSync({
      optimizer: new TrustRegion(),
      objective: new Rosenbrock(2),
      x0,
      budget: 10,
      checkpoint: { path },
    });
    assert.equal(a.status, "budget");
    assert.throws(
      () => trainSync({ optimizer: new Lbfgs(), objective: new Rosenbrock(2), resume: path }),
      /trust-region/,
    );
    assert.throws(
      () => trainSync({ optimizer: new TrustRegion(), objective: new Rosenbrock(4), resume: path }),
      /length 2/,
    );
    // a run ended by its budget continues with a larger one (Krylov solves truncated to fit the old
    // budget stay as they were, so this is not the run a larger budget would have made from the start)
    const b = trainSync({
      optimizer: new TrustRegion(),
      objective: new Rosenbrock(2),
      resume: path,
      budget: 25,
    });
    assert.ok(b.history.length > a.history.length);
    assert.ok(sameHistory(b.history.slice(0, a.history.length - 1), a.history.slice(0, -1)));
    assert.ok(b.workUnits > 10 && b.workUnits <= 25);
    assert.throws(() => trainSync({ optimizer: new TrustRegion(), objective: new Rosenbrock(2) }), /x0/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("SIGINT: the run finishes its iteration, writes a checkpoint, says how to resume; resuming completes it", async () => {
  const dir = tmp();
  try {
    const path = join(dir, "cp.json");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "test/training/fixtures/sigint-child.ts", path],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    let sent = false;
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (!sent && out.includes("ITER 1\n")) {
        sent = true;
        child.kill("SIGINT");
      }
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60000);
    const code: number | null = await new Promise((res) => child.on("close", (c) => res(c)));
    clearTimeout(timer);
    assert.equal(code, 130, `stderr: ${err}`);
    assert.ok(!out.includes("FINISHED"));
    assert.match(err, /Checkpoint written to .*cp\.json.*resume/);
    assert.ok(existsSync(path));
    const cp = readCheckpoint(path);
    assert.equal(cp.state && (cp.state as BaseState).status, "interrupted");
    const x0 = Float64Array.from([-1.2, 1, -1.2, 1]);
    const opt = () => new TrustRegion({ initialRadius: 10, gradAtol: 1e-10, krylovMaxIterations: 4 });
    const full = trainSync({ optimizer: opt(), objective: new Rosenbrock(4), x0 });
    const rest = trainSync({ optimizer: opt(), objective: new Rosenbrock(4), resume: path });
    assert.ok(sameHistory(rest.history, full.history));
    assert.equal(rest.status, "converged");
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("driver options are checked", () => {
  const o = { optimizer: new TrustRegion(), objective: new Rosenbrock(2), x0: new Float64Array(2) };
  assert.throws(() => trainSync({ ...o, budget: -1 }), /budget/);
  assert.throws(() => trainSync({ ...o, validateEvery: 0 }), /validateEvery/);
  const r = trainSync({ ...o, maxIterations: 2 });
  assert.equal(r.status, "max-iterations");
  assert.equal(r.history.length, 3);
});
