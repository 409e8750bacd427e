import { test } from "node:test";
import assert from "node:assert/strict";
import { prolongate, isProlongable } from "../../src/layers/prolongate.js";
import { resnetSurrogate, mlp } from "../../src/layers/networks.js";
import { AntisymResNet } from "../../src/layers/antisym-resnet.js";
import { Sequential } from "../../src/layers/sequential.js";
import { Rng } from "../../src/util/rng.js";

function relDiff(a: Float64Array, b: Float64Array): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    s += b[i] ** 2;
  }
  return Math.sqrt(d / s);
}

test("prolongate 2 → 3 → 5 → 9 → 17: same function up to RK4's error, which shrinks with refinement", () => {
  // a ResNet with strongly time-varying weights on T = 4, so the discretisation error is visible
  const coarse = resnetSurrogate({ dIn: 3, width: 4, nt: 2, T: 4 });
  const rng = new Rng(11);
  let theta = rng.fillNormal(new Float64Array(coarse.nParams), 0.8);
  let net: Sequential = coarse;
  const n = 6;
  const Y = rng.fillNormal(new Float64Array(3 * n));
  const outs: Float64Array[] = [net.forward(theta, Y, n).out];
  const nts: number[] = [2];
  for (let level = 0; level < 4; level++) {
    const p = prolongate(net, theta);
    assert.ok(p.net instanceof Sequential);
    net = p.net as Sequential;
    theta = p.theta;
    const res = net.layers[1] as AntisymResNet;
    nts.push(res.nt);
    // the weight function of time is unchanged: old points keep their values, midpoints average
    outs.push(net.forward(theta, Y, n).out);
  }
  assert.deepEqual(nts, [2, 3, 5, 9, 17]);
  // distance to the finest solution (the reference): decreases by about 2⁴ = 16 per level (RK4)
  const ref = outs[outs.length - 1];
  const errs = outs.slice(0, -1).map((o) => relDiff(o, ref));
  for (let i = 0; i + 1 < errs.length; i++) assert.ok(errs[i + 1] < errs[i] / 4, `errors ${errs}`);
  assert.ok(errs[0] > 1e-6, `the test network must show a discretisation error, got ${errs[0]}`);
  assert.ok(errs[errs.length - 1] < 1e-3 * errs[0] || errs[errs.length - 1] < 1e-9, `errors ${errs}`);
});

test("prolongate: opening layer kept, weights interpolated linearly, ‖Lθ‖² doubles", () => {
  const net = resnetSurrogate({ dIn: 2, width: 3, nt: 3 });
  const rng = new Rng(3);
  const th = rng.fillNormal(new Float64Array(net.nParams));
  const p = prolongate(net, th);
  const fine = p.net as Sequential;
  const open = net.layers[0].nParams;
  assert.deepEqual([...p.theta.subarray(0, open)], [...th.subarray(0, open)]);
  const pp = (net.layers[1] as AntisymResNet).pPoint;
  for (let i = 0; i < pp; i++) {
    assert.equal(p.theta[open + 2 * pp + i], th[open + pp + i]); // old point 1 → new point 2
    assert.equal(p.theta[open + pp + i], 0.5 * (th[open + i] + th[open + pp + i])); // midpoint
  }
  const norm2 = (L: ReturnType<Sequential["regOperator"]>, x: Float64Array, skip: number) => {
    const o = new Float64Array(L.rows);
    L.apply(x, o);
    let s = 0;
    for (let i = skip; i < o.length; i++) s += o[i] * o[i];
    return s;
  };
  const c = norm2(net.regOperator(), th, open);
  const f = norm2(fine.regOperator(), p.theta, open);
  assert.ok(Math.abs(f - 2 * c) < 1e-12 * c);
  assert.ok(isProlongable(net) && !isProlongable(mlp(2, [3])));
  assert.throws(() => prolongate(net, new Float64Array(3)), /theta has length 3/);
});
