import { test } from "node:test";
import assert from "node:assert/strict";
import { Conv2D } from "../../src/layers/conv2d.js";
import { AvgPool2D, GlobalAvgPool } from "../../src/layers/pool.js";
import { Flatten } from "../../src/layers/flatten.js";
import { ActivationLayer } from "../../src/layers/activations.js";
import { checkLayer } from "../../src/check/layer-checks.js";
import { Rng } from "../../src/util/rng.js";
import type { Layer } from "../../src/layers/types.js";

function assertChecks(
  layer: Layer,
  opts: { seed: number; n?: number; h0?: number; exactInput?: boolean },
): void {
  const r = checkLayer(layer, { n: opts.n ?? 2, seed: opts.seed, taylor: opts.h0 ? { h0: opts.h0 } : {} });
  if (r.taylorTheta)
    assert.ok(r.taylorTheta.pass, `Taylor θ: ${r.taylorTheta.slope0}, ${r.taylorTheta.slope1}`);
  assert.ok(r.taylorInput.pass, `Taylor Y: ${r.taylorInput.slope0}, ${r.taylorInput.slope1}`);
  if (opts.exactInput) assert.ok(r.taylorInput.exact, "linear in the input");
  if (r.adjointTheta) assert.ok(r.adjointTheta.relErr <= 1e-12, `adjoint θ ${r.adjointTheta.relErr}`);
  assert.ok(r.adjointInput.relErr <= 1e-12, `adjoint Y ${r.adjointInput.relErr}`);
}

/** Direct (loop) cross-correlation for the known-answer test. */
function naiveConv(c: Conv2D, theta: Float64Array, Y: Float64Array, n: number): Float64Array {
  const pad = c.padding === "same" ? (c.k - 1) / 2 : 0;
  const out = new Float64Array(c.nOut * n);
  for (let j = 0; j < n; j++)
    for (let o = 0; o < c.outC; o++)
      for (let oy = 0; oy < c.Ho; oy++)
        for (let ox = 0; ox < c.Wo; ox++) {
          let s = c.bias ? theta[c.inC * c.k * c.k * c.outC + o] : 0;
          for (let ci = 0; ci < c.inC; ci++)
            for (let ky = 0; ky < c.k; ky++)
              for (let kx = 0; kx < c.k; kx++) {
                const iy = oy + ky - pad;
                const ix = ox + kx - pad;
                if (iy < 0 || iy >= c.H || ix < 0 || ix >= c.W) continue;
                s +=
                  theta[((o * c.inC + ci) * c.k + ky) * c.k + kx] * Y[j * c.nIn + (ci * c.H + iy) * c.W + ix];
              }
          out[j * c.nOut + (o * c.Ho + oy) * c.Wo + ox] = s;
        }
  return out;
}

for (const padding of ["same", "valid"] as const) {
  test(`Conv2D ${padding}: matches a direct convolution, across batch boundaries`, () => {
    // maxPatchEntries forces batches of 2 samples on n = 5 (last batch of 1)
    const hw = padding === "same" ? 5 * 4 : 3 * 2;
    const c = new Conv2D({ inC: 2, H: 5, W: 4, outC: 3, k: 3, padding, maxPatchEntries: 2 * hw * 18 });
    assert.equal(c.batchSize(5), 2);
    const rng = new Rng(7);
    const th = rng.fillNormal(new Float64Array(c.nParams));
    const Y = rng.fillNormal(new Float64Array(c.nIn * 5));
    const got = c.forward(th, Y, 5).out;
    const want = naiveConv(c, th, Y, 5);
    for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) < 1e-13, `entry ${i}`);
  });
  test(`Conv2D ${padding} (tanh): Taylor and adjoint`, () =>
    assertChecks(
      new Conv2D({ inC: 2, H: 5, W: 4, outC: 3, k: 3, padding, act: "tanh", maxPatchEntries: 200 }),
      { seed: 3, n: 3 },
    ));
}

test("Conv2D identity: exactly linear in the input", () =>
  assertChecks(new Conv2D({ inC: 1, H: 4, W: 4, outC: 2, k: 3 }), { seed: 4, exactInput: true }));

test("Conv2D ReLU: Taylor (small steps) and adjoint", () =>
  assertChecks(new Conv2D({ inC: 2, H: 4, W: 4, outC: 2, k: 3, act: "relu" }), { seed: 5, h0: 1e-4 }));

test("Conv2D f32 path agrees with f64 to single precision", () => {
  const opts = { inC: 2, H: 6, W: 6, outC: 3, k: 3, act: "tanh" as const };
  const c64 = new Conv2D(opts);
  const c32 = new Conv2D({ ...opts, precision: "f32" });
  const rng = new Rng(8);
  const th = rng.fillNormal(new Float64Array(c64.nParams), 0.3);
  const n = 3;
  const Y = rng.fillNormal(new Float64Array(c64.nIn * n));
  const dth = rng.fillNormal(new Float64Array(c64.nParams));
  const U = rng.fillNormal(new Float64Array(c64.nOut * n));
  const s64 = c64.forward(th, Y, n);
  const s32 = c32.forward(th, Y, n);
  const rel = (a: Float64Array, b: Float64Array) => {
    let d = 0;
    let s = 0;
    for (let i = 0; i < a.length; i++) {
      d += (a[i] - b[i]) ** 2;
      s += a[i] ** 2;
    }
    return Math.sqrt(d / s);
  };
  assert.ok(rel(s64.out, s32.out) < 1e-5);
  assert.ok(rel(s64.out, s32.out) > 0, "the f32 path really computes in float32");
  assert.ok(rel(c64.jvp(s64, dth, Y), c32.jvp(s32, dth, Y)) < 1e-5);
  const g64 = new Float64Array(c64.nParams);
  const g32 = new Float64Array(c64.nParams);
  const d64 = c64.vjp(s64, U, g64, true)!;
  const d32 = c32.vjp(s32, U, g32, true)!;
  assert.ok(rel(g64, g32) < 1e-5);
  assert.ok(rel(d64, d32) < 1e-5);
});

test("Conv2D rejects bad options and shapes", () => {
  assert.throws(() => new Conv2D({ inC: 1, H: 4, W: 4, outC: 1, k: 2, padding: "same" }), /odd kernel/);
  assert.throws(() => new Conv2D({ inC: 1, H: 2, W: 4, outC: 1, k: 3, padding: "valid" }), /larger than/);
  assert.throws(
    () => new Conv2D({ inC: 1, H: 4, W: 4, outC: 1, k: 3, precision: "f16" as "f32" }),
    /precision/,
  );
  const c = new Conv2D({ inC: 1, H: 4, W: 4, outC: 1, k: 3 });
  assert.throws(() => c.forward(new Float64Array(c.nParams), new Float64Array(15), 1), /Y has length 15/);
});

test("AvgPool2D, GlobalAvgPool, Flatten, ActivationLayer: adjoint and Taylor", () => {
  assertChecks(new AvgPool2D({ C: 2, H: 4, W: 6, k: 2 }), { seed: 1, exactInput: true });
  assertChecks(new GlobalAvgPool({ C: 3, H: 3, W: 2 }), { seed: 2, exactInput: true });
  assertChecks(new Flatten([2, 3, 2]), { seed: 3, exactInput: true });
  assertChecks(new ActivationLayer("tanh", [2, 3]), { seed: 4 });
  assertChecks(new ActivationLayer("sigmoid", [5]), { seed: 5 });
});

test("AvgPool2D known answer and rejection", () => {
  const p = new AvgPool2D({ C: 1, H: 2, W: 4, k: 2 });
  const out = p.forward(new Float64Array(0), Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]), 1).out;
  assert.deepEqual([...out], [(1 + 2 + 5 + 6) / 4, (3 + 4 + 7 + 8) / 4]);
  const g = new GlobalAvgPool({ C: 2, H: 1, W: 2 });
  assert.deepEqual([...g.forward(new Float64Array(0), Float64Array.from([1, 3, 5, 9]), 1).out], [2, 7]);
  assert.throws(() => new AvgPool2D({ C: 1, H: 5, W: 4, k: 2 }), /not divisible/);
});
