/**
 * The buffer contract of src/layers/types.ts: states stay valid across other calls, results of
 * jvp/vjp are the caller's (never overwritten by a later call), jvpInto/vjpInto agree with jvp/vjp,
 * and the column-blocked passes agree with one block.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { AntisymResNet } from "../../src/layers/antisym-resnet.js";
import { Dense } from "../../src/layers/dense.js";
import { Flatten } from "../../src/layers/flatten.js";
import { mlp, resnetSurrogate } from "../../src/layers/networks.js";
import { ResidualEuler } from "../../src/layers/residual.js";
import { Sequential } from "../../src/layers/sequential.js";
import { checkLayer } from "../../src/check/layer-checks.js";
import { Rng } from "../../src/util/rng.js";
import type { Layer } from "../../src/layers/types.js";

function maxDiff(a: Float64Array, b: Float64Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function randn(rng: Rng, len: number, scale = 1): Float64Array {
  return rng.fillNormal(new Float64Array(len), scale);
}

const NETS: [string, () => Layer][] = [
  ["MLP", () => mlp(3, [5, 4, 2])],
  ["resnetSurrogate", () => resnetSurrogate({ dIn: 3, width: 4, nt: 3, T: 2 })],
  ["AntisymResNet, 3 column blocks", () => new AntisymResNet({ width: 4, nt: 3, T: 2, blockEntries: 12 })],
  [
    "AntisymResNet identity, 2 column blocks",
    () => new AntisymResNet({ width: 3, nt: 2, act: "identity", blockEntries: 12 }),
  ],
  ["ResidualEuler", () => new ResidualEuler({ width: 4, nSteps: 3 })],
  ["Dense smoothRelu", () => new Dense({ nIn: 3, nOut: 4, act: "smoothRelu" })],
  [
    "Sequential with children without jvpInto",
    () => new Sequential([new Flatten([3]), new Dense({ nIn: 3, nOut: 4, act: "tanh" }), new Flatten([4])]),
  ],
];

for (const [name, make] of NETS) {
  test(`${name}: a state stays valid across other forward/JVP/VJP calls; results are never overwritten`, () => {
    const net = make();
    const rng = new Rng(21);
    const n = 7;
    const th = randn(rng, net.nParams, 0.5);
    const Y = randn(rng, net.nIn * n);
    const v1 = randn(rng, net.nParams);
    const v2 = randn(rng, net.nParams);
    const dY = randn(rng, net.nIn * n);
    const U1 = randn(rng, net.nOut * n);
    const U2 = randn(rng, net.nOut * n);
    const s1 = net.forward(th, Y, n);
    const out1 = s1.out.slice();
    const j1 = net.jvp(s1, v1, dY);
    const j1c = j1.slice();
    const g1 = new Float64Array(net.nParams);
    const a1 = net.vjp(s1, U1, g1, true) as Float64Array;
    const a1c = a1.slice();
    const g1c = g1.slice();
    // other work on the same instance: other directions at the same state, another point, another
    // sample count
    const j0 = net.jvp(s1, v2, dY);
    const a0 = net.vjp(s1, U2, new Float64Array(net.nParams), true) as Float64Array;
    assert.ok(j0 !== j1 && a0 !== a1);
    const th2 = randn(rng, net.nParams, 0.5);
    const s2 = net.forward(th2, randn(rng, net.nIn * (n + 4)), n + 4);
    net.jvp(s2, randn(rng, net.nParams), randn(rng, net.nIn * (n + 4)));
    net.vjp(s2, randn(rng, net.nOut * (n + 4)), new Float64Array(net.nParams), true);
    const j2 = net.jvp(s1, v2, null);
    const a2 = net.vjp(s1, U2, new Float64Array(net.nParams), true) as Float64Array;
    // earlier results untouched
    assert.deepEqual([...s1.out], [...out1]);
    assert.deepEqual([...j1], [...j1c]);
    assert.deepEqual([...a1], [...a1c]);
    assert.deepEqual([...g1], [...g1c]);
    assert.ok(j2 !== j1 && a2 !== a1);
    // and the state still gives the same derivatives (bit for bit: same operations on the same data)
    assert.deepEqual([...net.jvp(s1, v1, dY)], [...j1c]);
    const g3 = new Float64Array(net.nParams);
    assert.deepEqual([...(net.vjp(s1, U1, g3, true) as Float64Array)], [...a1c]);
    assert.deepEqual([...g3], [...g1c]);
  });

  test(`${name}: jvpInto/vjpInto agree with jvp/vjp`, () => {
    const net = make();
    if (net.jvpInto === undefined || net.vjpInto === undefined) return;
    const rng = new Rng(22);
    const n = 5;
    const s = net.forward(randn(rng, net.nParams, 0.5), randn(rng, net.nIn * n), n);
    const v = randn(rng, net.nParams);
    const dY = randn(rng, net.nIn * n);
    const U = randn(rng, net.nOut * n);
    const out = new Float64Array(net.nOut * n).fill(7); // stale contents must be overwritten
    net.jvpInto(s, v, dY, out);
    assert.deepEqual([...out], [...net.jvp(s, v, dY)]);
    net.jvpInto(s, null, dY, out);
    assert.deepEqual([...out], [...net.jvp(s, null, dY)]);
    net.jvpInto(s, null, null, out);
    assert.ok(out.every((x) => x === 0));
    const g1 = new Float64Array(net.nParams).fill(3);
    const g2 = new Float64Array(net.nParams);
    const back = new Float64Array(net.nIn * n).fill(5);
    net.vjpInto(s, U, g1, back);
    assert.deepEqual([...back], [...(net.vjp(s, U, g2, true) as Float64Array)]);
    assert.deepEqual([...g1], [...g2]);
    const g3 = new Float64Array(net.nParams);
    net.vjpInto(s, U, g3, null);
    assert.deepEqual([...g3], [...g2]);
    assert.throws(() => net.jvpInto!(s, v, dY, new Float64Array(net.nOut * n + 1)), /out has length/);
  });
}

test("AntisymResNet: column blocks (uneven, one sample each, tanh and identity) give the one-block results", () => {
  const rng = new Rng(23);
  for (const act of ["tanh", "identity"] as const) {
    const w = 4;
    const n = 11;
    const one = new AntisymResNet({ width: w, nt: 3, T: 2, act });
    const th = randn(rng, one.nParams, 0.5);
    const Y = randn(rng, w * n);
    const v = randn(rng, one.nParams);
    const dY = randn(rng, w * n);
    const U = randn(rng, w * n);
    const s1 = one.forward(th, Y, n);
    const j1 = one.jvp(s1, v, dY);
    const g1 = new Float64Array(one.nParams);
    const a1 = one.vjp(s1, U, g1, true) as Float64Array;
    for (const be of [12, 16, 1]) {
      // 12 entries: 3 samples per block (blocks 3,3,3,2); 16: 4 per block; 1: one sample per block
      const blocked = new AntisymResNet({ width: w, nt: 3, T: 2, act, blockEntries: be });
      const s2 = blocked.forward(th, Y, n);
      assert.ok(maxDiff(s1.out, s2.out) <= 1e-14, `forward ${act} ${be}`);
      assert.ok(maxDiff(j1, blocked.jvp(s2, v, dY)) <= 1e-13, `JVP ${act} ${be}`);
      const g2 = new Float64Array(one.nParams);
      assert.ok(maxDiff(a1, blocked.vjp(s2, U, g2, true) as Float64Array) <= 1e-13, `VJP ${act} ${be}`);
      assert.ok(maxDiff(g1, g2) <= 1e-12, `gradient ${act} ${be}`);
    }
  }
  const r = checkLayer(new AntisymResNet({ width: 3, nt: 3, T: 2, blockEntries: 6 }), {
    n: 5,
    seed: 24,
    thetaNoise: 0.3,
  });
  assert.ok(r.taylorTheta!.pass && r.taylorInput.pass);
  assert.ok(r.adjointTheta!.relErr <= 1e-12 && r.adjointInput.relErr <= 1e-12);
  assert.throws(() => new AntisymResNet({ width: 3, nt: 2, blockEntries: 0 }), /blockEntries/);
});
