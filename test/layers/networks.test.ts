import { test } from "node:test";
import assert from "node:assert/strict";
import { cnnCifar, mlp, resnetSurrogate } from "../../src/layers/networks.js";
import { checkLayer } from "../../src/check/layer-checks.js";
import { adjointTest } from "../../src/check/derivative-tests.js";
import { Sequential } from "../../src/layers/sequential.js";
import { Dense } from "../../src/layers/dense.js";
import { AntisymResNet } from "../../src/layers/antisym-resnet.js";
import { Flatten } from "../../src/layers/flatten.js";
import { layerFromSpec } from "../../src/layers/spec.js";
import { Rng } from "../../src/util/rng.js";
import type { Layer } from "../../src/layers/types.js";

function assertNetwork(net: Layer, seed: number, h0?: number): void {
  const r = checkLayer(net, { n: 3, seed, taylor: h0 ? { h0 } : {} });
  assert.ok(
    r.taylorTheta!.pass && !r.taylorTheta!.exact,
    `Taylor θ: ${r.taylorTheta!.slope0}, ${r.taylorTheta!.slope1}`,
  );
  assert.ok(r.taylorInput.pass, `Taylor Y: ${r.taylorInput.slope0}, ${r.taylorInput.slope1}`);
  assert.ok(r.adjointTheta!.relErr <= 1e-12, `adjoint θ ${r.adjointTheta!.relErr}`);
  assert.ok(r.adjointInput.relErr <= 1e-12, `adjoint Y ${r.adjointInput.relErr}`);
}

test("MLP 4→6→5→3 tanh: Taylor and adjoint w.r.t. θ and input", () => assertNetwork(mlp(4, [6, 5, 3]), 1));
test("resnetSurrogate (antisymmetric ResNet, RK4): Taylor and adjoint", () =>
  assertNetwork(resnetSurrogate({ dIn: 5, width: 4, nt: 3, T: 1 }), 2));
test("small CNN (conv ReLU, pool, conv ReLU, global pool): Taylor and adjoint", () =>
  assertNetwork(cnnCifar({ channels: 2, H: 4, W: 4, c1: 2, c2: 3, k: 3 }), 3, 1e-4));

test("Sequential: one θ with views; gradient when the input adjoint is not wanted", () => {
  const net = new Sequential([
    new Flatten([2, 2]),
    new Dense({ nIn: 4, nOut: 3, act: "tanh" }),
    new Dense({ nIn: 3, nOut: 2 }),
  ]);
  assert.equal(net.nParams, 15 + 8);
  assert.deepEqual(net.offsets, [0, 0, 15, 23]);
  const rng = new Rng(5);
  const th = new Float64Array(net.nParams);
  net.init(th, rng);
  const Y = rng.fillNormal(new Float64Array(8));
  const st = net.forward(th, Y, 2);
  const U = rng.fillNormal(new Float64Array(4));
  const g1 = new Float64Array(net.nParams);
  const g2 = new Float64Array(net.nParams);
  assert.equal(net.vjp(st, U, g1, false), null);
  const dY = net.vjp(st, U, g2, true);
  assert.ok(dY !== null && dY.length === 8);
  assert.deepEqual([...g1], [...g2]);
  // views: changing θ of layer 2 in place is seen by the layer
  net.view(th, 2).fill(0);
  assert.ok(net.forward(th, Y, 2).out.every((v) => v === 0));
  assert.throws(
    () => new Sequential([new Dense({ nIn: 2, nOut: 3 }), new Dense({ nIn: 4, nOut: 1 })]),
    /takes 4 inputs/,
  );
});

test("Sequential regOperator: identity on the opening layer, time differences on the ResNet", () => {
  const net = resnetSurrogate({ dIn: 3, width: 3, nt: 3 });
  const L = net.regOperator();
  const open = net.layers[0].nParams;
  const res = net.layers[1] as AntisymResNet;
  assert.equal(L.cols, net.nParams);
  assert.equal(L.rows, open + 2 * res.pPoint);
  const rng = new Rng(6);
  const x = rng.fillNormal(new Float64Array(L.cols));
  const y = rng.fillNormal(new Float64Array(L.rows));
  const ar = adjointTest(
    (v) => {
      const o = new Float64Array(L.rows);
      L.apply(v, o);
      return o;
    },
    (u) => {
      const o = new Float64Array(L.cols);
      L.applyT(u, o);
      return o;
    },
    x,
    y,
  );
  assert.ok(ar.relErr <= 1e-12);
  const o = new Float64Array(L.rows);
  L.apply(x, o);
  for (let i = 0; i < open; i++) assert.equal(o[i], x[i]);
  const p = res.pPoint;
  assert.ok(Math.abs(o[open] - (x[open + p] - x[open]) / res.h) < 1e-14);
});

test("spec: toJSON → layerFromSpec round-trips every network; bad specs are rejected", () => {
  const nets: Layer[] = [
    mlp(3, [4, 2], "smoothRelu"),
    resnetSurrogate({ dIn: 3, width: 4, nt: 3, T: 2, eps: 1e-3 }),
    cnnCifar({ channels: 1, H: 4, W: 4, c1: 2, c2: 2, k: 3, precision: "f32" }),
  ];
  for (const net of nets) {
    const json = JSON.parse(JSON.stringify(net.toJSON()));
    const back = layerFromSpec(json);
    assert.deepEqual(back.toJSON(), net.toJSON());
    const rng = new Rng(1);
    const th = new Float64Array(net.nParams);
    net.init(th, rng);
    const Y = rng.fillNormal(new Float64Array(net.nIn * 2));
    assert.deepEqual([...back.forward(th, Y, 2).out], [...net.forward(th, Y, 2).out]);
  }
  assert.throws(() => layerFromSpec({ type: "nope" }), /unknown layer type "nope"/);
  assert.throws(() => layerFromSpec({ type: "dense", nIn: "3", nOut: 2 }), /"nIn" must be a number/);
  assert.throws(() => layerFromSpec({ type: "dense", nIn: 3, nOut: 2, act: "swish" }), /unknown activation/);
  assert.throws(() => layerFromSpec(null), /expected an object/);
});
