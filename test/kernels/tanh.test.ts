import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { kernels } from "../../src/kernels/index.js";
import { loadAddon } from "../../src/kernels/native/load.js";
import { fastTanh } from "../../src/kernels/js/tanh.js";
import { Rng } from "../../src/util/rng.js";
import { backends, ulps } from "./helpers.js";

/** The test points: log-uniform magnitudes, dense sweeps of [0.98, 1.02] (the blend point) and
 *  [1, 25], tiny and huge values, both signs. */
let pointsCache: Float64Array | null = null;
function points(): Float64Array {
  if (pointsCache !== null) return pointsCache;
  const rng = new Rng(7);
  const xs: number[] = [];
  for (let i = 0; i < 150_000; i++)
    xs.push((rng.uniform() < 0.5 ? -1 : 1) * Math.pow(10, rng.uniformRange(-300, 2.6)));
  for (let i = 0; i < 150_000; i++)
    xs.push((rng.uniform() < 0.5 ? -1 : 1) * Math.pow(10, rng.uniformRange(-9, 1.5)));
  for (let i = 0; i <= 40_000; i++) xs.push(0.98 + (0.04 * i) / 40_000, -(0.98 + (0.04 * i) / 40_000));
  for (let i = 0; i <= 60_000; i++) xs.push(1 + (24 * i) / 60_000);
  for (let i = 0; i <= 20_000; i++) xs.push(-3 + (6 * i) / 20_000);
  xs.push(0.9999999999999999, 1, 1.0000000000000002, 19.06, 20, 349.99, 350, 350.01, 400, 710, 1e300);
  xs.push(1e-300, 5e-324, 2.2250738585072014e-308, 1e-310, 1e-8, 0.5, 0.625, 0.55);
  pointsCache = Float64Array.from([...xs, ...xs.map((x) => -x)]);
  return pointsCache;
}

/** 1 − tanh²(x) = 1/cosh²(x) from Math.cosh (finite up to |x| ≈ 710). */
function sech2(x: number): number {
  const c = Math.cosh(x);
  return 1 / (c * c);
}

/** Checks Z = tanh(X) and D = 1 − tanh²(X) entrywise; returns the worst ulp distances. */
function check(label: string, X: Float64Array, Z: Float64Array, D: Float64Array): void {
  let worst = 0;
  let worstX = 0;
  let worstD = 0;
  for (let i = 0; i < X.length; i++) {
    const x = X[i];
    const e = ulps(Z[i], Math.tanh(x));
    if (e > worst) [worst, worstX] = [e, x];
    // D against 1 − Z² (absolute, the definition) and against sech² (relative, accuracy)
    assert.ok(Math.abs(D[i] - (1 - Z[i] * Z[i])) <= 2.3e-16, `${label}: D(${x}) = ${D[i]} vs 1 − Z²`);
    const ax = Math.abs(x);
    if (ax <= 349.9) {
      const s = sech2(x);
      worstD = Math.max(worstD, Math.abs(D[i] - s) / s);
    } else assert.ok(D[i] >= 0 && D[i] <= 5e-304, `${label}: D(${x}) = ${D[i]}`);
  }
  assert.ok(worst <= 2, `${label}: worst ${worst} ulp at x = ${worstX}`);
  assert.ok(worstD <= 4e-15, `${label}: D relative error ${worstD}`);
}

/** The exact cases: ±0 keep their sign, ±∞ → ±1, NaN → NaN in Z and D; tiny values are exact. The
 *  first four entries are all small (the native AVX2 path's no-exp shortcut), the next four mixed. */
function checkSpecial(run: (Z: Float64Array, D: Float64Array) => void): void {
  const xs = [0, -0, 1e-300, -5e-324, -0, Infinity, -Infinity, NaN, -1e-300];
  const Z = Float64Array.from(xs);
  const D = new Float64Array(xs.length);
  run(Z, D);
  for (const i of [0, 1, 2, 3, 4, 8]) {
    assert.ok(Object.is(Z[i], xs[i]), `tanh(${xs[i]}) = ${Z[i]}`);
    assert.equal(D[i], 1);
  }
  assert.deepEqual([Z[5], Z[6]], [1, -1]);
  assert.ok(Number.isNaN(Z[7]) && Number.isNaN(D[7]), "NaN propagates to Z and D");
}

for (const K of backends()) {
  describe(`dtanhBias on the ${K.name} backend`, () => {
    it("within 2 ulp of Math.tanh; D = 1 − tanh² to relative 4e-15 (no bias, one sweep)", () => {
      const X = points();
      const Z = Float64Array.from(X);
      const D = new Float64Array(X.length);
      K.dtanhBias(X.length, 1, Z, null, D);
      check(K.name, X, Z, D);
      checkSpecial((z, d) => K.dtanhBias(z.length, 1, z, null, d));
    });

    it("with a bias, any m (column tails), D optional; nothing outside m×n is touched", () => {
      const rng = new Rng(3);
      for (const [m, n] of [
        [1, 7],
        [3, 5],
        [5, 33],
        [8, 400],
        [10, 9],
        [32, 30],
      ]) {
        const b = rng.fillNormal(new Float64Array(m));
        const X = rng.fillNormal(new Float64Array(m * n + 3), 2);
        for (const withD of [true, false]) {
          const Z = Float64Array.from(X);
          const D = withD ? new Float64Array(m * n + 3).fill(7) : null;
          K.dtanhBias(m, n, Z, b, D);
          for (let j = 0; j < n; j++)
            for (let i = 0; i < m; i++) {
              const k = i + j * m;
              const x = X[k] + b[i];
              const t = Math.tanh(x);
              assert.ok(ulps(Z[k], t) <= 2, `${m}×${n}: Z(${i}, ${j}) = ${Z[k]} vs ${t}`);
              if (D !== null)
                assert.ok(Math.abs(D[k] - sech2(x)) <= 4e-15 * sech2(x), `${m}×${n}: D(${i}, ${j})`);
            }
          assert.deepEqual([...Z.subarray(m * n)], [...X.subarray(m * n)], "Z beyond m×n");
          if (D !== null) assert.deepEqual([...D.subarray(m * n)], [7, 7, 7], "D beyond m×n");
        }
      }
      const Z = new Float64Array(0);
      K.dtanhBias(0, 5, Z, null, null); // empty: nothing to do
    });

    it("rejects bad arguments naming the operation", () => {
      const Z = new Float64Array(6);
      const b = new Float64Array(2);
      assert.throws(() => K.dtanhBias(-1, 3, Z, b, null), /dtanhBias: m must be an integer/);
      assert.throws(() => K.dtanhBias(2, 1.5, Z, b, null), /dtanhBias: n must be an integer/);
      assert.throws(() => K.dtanhBias(2, 4, Z, b, null), /dtanhBias: Z is 2×4.*needs 8 elements, has 6/);
      assert.throws(() => K.dtanhBias(3, 2, Z, b, null), /dtanhBias: b needs m = 3 elements, has 2/);
      assert.throws(
        () => K.dtanhBias(2, 3, Z, [1, 2] as unknown as Float64Array, null),
        /dtanhBias: b must be a Float64Array or null, got Array/,
      );
      assert.throws(
        () => K.dtanhBias(2, 3, new Float32Array(6) as unknown as Float64Array, b, null),
        /dtanhBias: Z must be a Float64Array, got Float32Array/,
      );
      assert.throws(() => K.dtanhBias(2, 3, Z, b, new Float64Array(5)), /dtanhBias: D is 2×3.*needs 6/);
      const buf = new Float64Array(12);
      assert.throws(
        () => K.dtanhBias(2, 3, buf.subarray(0, 6), null, buf.subarray(5, 11)),
        /dtanhBias: D and Z overlap/,
      );
      assert.throws(
        () => K.dtanhBias(2, 3, buf.subarray(0, 6), buf.subarray(4, 6), null),
        /dtanhBias: b and Z overlap/,
      );
    });
  });
}

describe("dtanhBias: the native kernel's two paths", () => {
  const loaded = kernels().name === "native" ? loadAddon() : null;
  it("the addon has dtanhBias when the backend is native (else: rebuild with npm run build:native)", (t) => {
    if (loaded === null) return t.skip("js backend");
    assert.ok("addon" in loaded && typeof loaded.addon.dtanhBias === "function");
  });
  it("forced scalar path and the CPU's best path: both within 2 ulp, the same special values", (t) => {
    if (loaded === null || !("addon" in loaded) || loaded.addon.dtanhBias === undefined)
      return t.skip("js backend");
    const f = loaded.addon.dtanhBias.bind(loaded.addon);
    const X = points();
    for (const path of [1, 0]) {
      const Z = Float64Array.from(X);
      const D = new Float64Array(X.length);
      const used = f(X.length, 1, Z, null, D, path);
      assert.ok(path === 1 ? used === 1 : used === 1 || used === 2, `path ${path} used ${used}`);
      check(`native path ${used}`, X, Z, D);
      checkSpecial((z, d) => f(z.length, 1, z, null, d, path));
    }
  });
});

describe("fastTanh (the scalar TypeScript tanh)", () => {
  it("within 2 ulp of Math.tanh on the same points; exact limits; NaN", () => {
    const X = points();
    let worst = 0;
    for (const x of X) worst = Math.max(worst, ulps(fastTanh(x), Math.tanh(x)));
    assert.ok(worst <= 2, `worst ${worst} ulp`);
    assert.ok(Object.is(fastTanh(-0), -0));
    assert.ok(Number.isNaN(fastTanh(NaN)));
  });
});
