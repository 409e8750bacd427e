import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Model } from "../../src/model/model.js";
import { resnetSurrogate, mlp } from "../../src/layers/networks.js";
import { Rng } from "../../src/util/rng.js";
import { fitCentre, fitStandardize } from "../../src/model/preprocessing.js";

function regressionModel(d = 3, q = 4, width = 5) {
  const rng = new Rng(7);
  const net = resnetSurrogate({ dIn: d, width, nt: 3, T: 1 });
  const theta = new Float64Array(net.nParams);
  net.init(theta, rng);
  const W = rng.fillNormal(new Float64Array(q * (width + 1)));
  const Ytr = rng.fillNormal(new Float64Array(d * 30), 2);
  const Ctr = rng.fillNormal(new Float64Array(q * 30), 1);
  const info = {
    task: "regression" as const,
    loss: "least-squares" as const,
    d,
    q,
    m: width,
    inShape: [d],
    preprocessing: { inputs: fitStandardize(Ytr, d, 30), targets: fitCentre(Ctr, q, 30) },
    provenance: "test",
  };
  const theta2 = Float64Array.from(theta, (v) => v * 0.9);
  return new Model(
    net,
    info,
    { theta, W, iteration: 5, workUnits: 10 },
    { theta: theta2, W, iteration: 3, workUnits: 6 },
    "best",
  );
}

test("a saved model reloads to identical predictions (both iterates)", () => {
  const m = regressionModel();
  const Y = new Rng(1).fillNormal(new Float64Array(3 * 11));
  const file = join(mkdtempSync(join(tmpdir(), "gnv-model-")), "model.json");
  m.save(file);
  const r = Model.load(file);
  for (const which of ["best", "last"] as const)
    assert.deepEqual(r.predict(Y, 11, which), m.predict(Y, 11, which));
  assert.notDeepEqual(m.predict(Y, 11, "best"), m.predict(Y, 11, "last"));
  assert.deepEqual(r.predict(Y, 11), m.predict(Y, 11, "best"));
});

test("Jacobian: Taylor test through predict (slope 2), JVP and VJP paths agree", () => {
  for (const [d, q] of [
    [3, 4],
    [5, 2],
  ]) {
    const m = regressionModel(d, q);
    const n = 4;
    const rng = new Rng(11);
    const Y = rng.fillNormal(new Float64Array(d * n));
    const V = rng.fillNormal(new Float64Array(d * n));
    const J = m.jacobian(Y, n);
    const S0 = m.predict(Y, n);
    const errs: number[] = [];
    const errs1: number[] = [];
    for (const h of [1e-2, 5e-3, 2.5e-3]) {
      const Yh = Y.map((v, k) => v + h * V[k]);
      const Sh = m.predict(Yh, n);
      let e = 0;
      let e1 = 0;
      for (let i = 0; i < n; i++)
        for (let k = 0; k < q; k++) {
          let jv = 0;
          for (let j = 0; j < d; j++) jv += J[(i * q + k) * d + j] * V[j + i * d];
          e += (Sh[k + i * q] - S0[k + i * q] - h * jv) ** 2;
          e1 += (Sh[k + i * q] - S0[k + i * q]) ** 2;
        }
      errs.push(Math.sqrt(e));
      errs1.push(Math.sqrt(e1));
    }
    const slope = Math.log2(errs[0] / errs[1]);
    const slope1 = Math.log2(errs1[0] / errs1[1]);
    assert.ok(Math.abs(slope - 2) < 0.2, `slope with derivative ${slope}`);
    assert.ok(Math.abs(slope1 - 1) < 0.2, `slope without derivative ${slope1}`);
  }
});

test("classification model: probabilities sum to 1; logistic gives two columns", () => {
  const net = mlp(2, [4, 4]);
  const theta = new Float64Array(net.nParams);
  net.init(theta, new Rng(3));
  const W = new Rng(4).fillNormal(new Float64Array(1 * 5));
  const base = {
    task: "classification" as const,
    d: 2,
    m: 4,
    inShape: [2],
    provenance: "t",
    preprocessing: { inputs: { kind: "none" as const }, targets: { kind: "none" as const } },
  };
  const lg = new Model(
    net,
    { ...base, loss: "logistic", q: 1, classes: [0, 1] },
    { theta, W, iteration: 0, workUnits: 0 },
    null,
  );
  const Y = new Rng(5).fillNormal(new Float64Array(2 * 6));
  const P = lg.predict(Y, 6);
  assert.equal(P.length, 12);
  for (let j = 0; j < 6; j++) assert.ok(Math.abs(P[2 * j] + P[2 * j + 1] - 1) < 1e-15);
  assert.throws(() => lg.jacobian(Y, 6), /only for regression/);
  const W3 = new Rng(6).fillNormal(new Float64Array(3 * 5));
  const ce = new Model(
    net,
    { ...base, loss: "cross-entropy", q: 3, classes: [0, 1, 2] },
    { theta, W: W3, iteration: 0, workUnits: 0 },
    null,
  );
  const P3 = ce.predict(Y, 6);
  for (let j = 0; j < 6; j++) assert.ok(Math.abs(P3[3 * j] + P3[3 * j + 1] + P3[3 * j + 2] - 1) < 1e-14);
});

test("model file errors name the problem", () => {
  assert.throws(() => Model.fromJSON({ format: "x" }), /not a gnvpro model file/);
  const m = regressionModel().toJSON();
  assert.throws(() => Model.fromJSON({ ...m, iterates: { last: { theta: [1, 2], W: [] } } }), /parameters/);
  assert.throws(() => Model.load("/nonexistent/model.json"), /not found/);
});

test("a best iterate from an earlier multilevel level keeps its own network through save/load", () => {
  const d = 3;
  const q = 2;
  const coarse = resnetSurrogate({ dIn: d, width: 4, nt: 2 });
  const fine = resnetSurrogate({ dIn: d, width: 4, nt: 3 });
  const rng = new Rng(9);
  const tc = rng.fillNormal(new Float64Array(coarse.nParams), 0.3);
  const tf = rng.fillNormal(new Float64Array(fine.nParams), 0.3);
  const W = rng.fillNormal(new Float64Array(q * 5));
  const info = {
    task: "regression" as const,
    loss: "least-squares" as const,
    d,
    q,
    m: 4,
    inShape: [d],
    provenance: "t",
    preprocessing: { inputs: { kind: "none" as const }, targets: { kind: "none" as const } },
  };
  const m = new Model(
    fine,
    info,
    { theta: tf, W, iteration: 2, workUnits: 9 },
    { theta: tc, W, iteration: 1, workUnits: 3, net: coarse },
    "best",
  );
  const Y = rng.fillNormal(new Float64Array(d * 5));
  const file = join(mkdtempSync(join(tmpdir(), "gnv-model-")), "model.json");
  m.save(file);
  const r = Model.load(file);
  assert.deepEqual(r.predict(Y, 5), m.predict(Y, 5));
  assert.deepEqual(r.predict(Y, 5, "last"), m.predict(Y, 5, "last"));
  assert.deepEqual(r.jacobian(Y, 5), m.jacobian(Y, 5));
  assert.throws(
    () =>
      new Model(
        fine,
        info,
        { theta: tf, W, iteration: 0, workUnits: 0 },
        { theta: tc, W, iteration: 0, workUnits: 0 },
      ),
    /best iterate has/,
  );
});
