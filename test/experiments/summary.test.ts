import { test } from "node:test";
import assert from "node:assert/strict";
import { Model, type Iterate } from "../../src/model/model.js";
import { resnetSurrogate } from "../../src/layers/networks.js";
import { Rng } from "../../src/util/rng.js";
import { allMetrics, partMetrics } from "../../src/experiments/summary.js";
import type { Dataset } from "../../src/experiments/userdata.js";

function setup(bestOf: (last: Iterate) => Iterate) {
  const d = 3;
  const q = 2;
  const width = 4;
  const rng = new Rng(5);
  const net = resnetSurrogate({ dIn: d, width, nt: 3, T: 1 });
  const theta = new Float64Array(net.nParams);
  net.init(theta, rng);
  const W = rng.fillNormal(new Float64Array(q * (width + 1)));
  const part = (n: number) => ({
    Y: rng.fillNormal(new Float64Array(d * n)),
    C: rng.fillNormal(new Float64Array(q * n)).map((v) => v + 3),
    n,
  });
  const ds: Dataset = {
    task: "regression",
    loss: "least-squares",
    d,
    q,
    inShape: [d],
    train: part(12),
    val: part(7),
    test: part(5),
    provenance: "test",
    inputs: "none",
    centreTargets: false,
  };
  const info = {
    task: "regression" as const,
    loss: "least-squares" as const,
    d,
    q,
    m: width,
    inShape: [d],
    preprocessing: { inputs: { kind: "none" as const }, targets: { kind: "none" as const } },
    provenance: "test",
  };
  const last: Iterate = { theta, W, iteration: 4, workUnits: 8 };
  return { model: new Model(net, info, last, bestOf(last), "best"), ds };
}

test("allMetrics: a best iterate equal to the last one (a copy) gets the last one's metrics", () => {
  const { model, ds } = setup((l) => ({
    ...l,
    theta: Float64Array.from(l.theta),
    W: Float64Array.from(l.W),
  }));
  const m = allMetrics(model, ds);
  for (const p of ["train", "val", "test"] as const) {
    assert.deepEqual(m[p].best, m[p].last);
    assert.deepEqual(m[p].best, partMetrics(model, ds, ds[p], "best"));
  }
});

test("allMetrics: a different best iterate (θ or W) gets its own metrics", () => {
  for (const change of ["theta", "W"] as const) {
    const { model, ds } = setup((l) => {
      const b = { ...l, theta: Float64Array.from(l.theta), W: Float64Array.from(l.W) };
      b[change][1] += 0.5;
      return b;
    });
    const m = allMetrics(model, ds);
    for (const p of ["train", "val", "test"] as const) {
      assert.deepEqual(m[p].best, partMetrics(model, ds, ds[p], "best"));
      assert.notDeepEqual(m[p].best, m[p].last);
    }
  }
});
