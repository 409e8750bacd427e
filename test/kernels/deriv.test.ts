import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { kernels } from "../../src/kernels/index.js";
import { loadAddon } from "../../src/kernels/native/load.js";
import type { Addon } from "../../src/kernels/native/addon.js";
import { Rng } from "../../src/util/rng.js";
import { assertClose, randn, sweepRunners } from "./helpers.js";

const close = (label: string, a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-13): void =>
  assertClose(label, a, b, tol, tol);

// The dense layer's derivative sweeps against references written from their definitions
// (src/kernels/types.ts). Paths may contract into FMAs and sum in another order: rounding-level
// agreement, not bits.

const SHAPES: [number, number][] = [
  [0, 5],
  [3, 0],
  [1, 1],
  [3, 7],
  [8, 16],
  [10, 13],
  [64, 50],
];

const d = (z: number, tanh: boolean): number => (tanh ? 1 - z * z : z);

describe("derivScaleBias / derivScaleSum", () => {
  for (const r of sweepRunners()) {
    it(`${r.name}: both σ′ forms, with and without bias, against the definitions`, () => {
      r.before?.();
      try {
        const rng = new Rng(21);
        for (const [m, n] of SHAPES)
          for (const tanh of [true, false])
            for (const withBias of [true, false]) {
              const len = m * n;
              const Z = randn(rng, len + 3);
              const X = randn(rng, len + 3);
              const db = withBias ? randn(rng, m) : null;
              const eX = X.slice();
              for (let j = 0; j < n; j++)
                for (let i = 0; i < m; i++) {
                  const q = i + j * m;
                  eX[q] = d(Z[q], tanh) * (X[q] + (db === null ? 0 : db[i]));
                }
              r.K.derivScaleBias(m, n, X, Z, db, tanh);
              close(`bias ${m}×${n} tanh ${tanh} db ${withBias}`, X, eX);

              const U = randn(rng, len + 3);
              const G = randn(rng, len + 3);
              const gb0 = randn(rng, m + 2);
              for (const beta of [0, 1]) {
                const gb = withBias ? gb0.slice() : null;
                const eG = G.slice();
                const eGb = gb0.slice();
                if (beta === 0) eGb.fill(0, 0, m);
                for (let j = 0; j < n; j++)
                  for (let i = 0; i < m; i++) {
                    const q = i + j * m;
                    eG[q] = d(Z[q], tanh) * U[q];
                    eGb[i] += eG[q];
                  }
                r.K.derivScaleSum(m, n, U, Z, G, gb, beta, tanh);
                close(`sum ${m}×${n} tanh ${tanh} β ${beta} G`, G, eG);
                if (gb !== null) close(`sum ${m}×${n} tanh ${tanh} β ${beta} gb`, gb, eGb);
              }
            }
      } finally {
        r.after?.();
      }
    });

    it(`${r.name}: bad arguments are named before anything is written`, () => {
      r.before?.();
      try {
        const X = new Float64Array(12).fill(7);
        const Z = new Float64Array(12);
        const G = new Float64Array(12).fill(7);
        assert.throws(() => r.K.derivScaleBias(4, 4, X, Z, null, true), /derivScaleBias: X needs len = 16/);
        assert.throws(
          () => r.K.derivScaleBias(4, 2, X, X.subarray(1), null, true),
          /derivScaleBias: X and Z overlap/,
        );
        assert.throws(
          () => r.K.derivScaleBias(4, 3, X, Z, new Float64Array(3), true),
          /derivScaleBias: db needs len = 4/,
        );
        assert.throws(
          () => r.K.derivScaleSum(4, 3, X, Z, G, null, 2, true),
          /derivScaleSum: beta must be 0 or 1/,
        );
        assert.throws(
          () => r.K.derivScaleSum(4, 3, X, Z, X, null, 0, true),
          /derivScaleSum: G and U overlap/,
        );
        assert.throws(
          () => r.K.derivScaleSum(4, 3, X, Z, G, G.subarray(8), 0, true),
          /derivScaleSum: G and gb overlap/,
        );
        assert.ok(X.every((x) => x === 7) && G.every((x) => x === 7), "nothing written by a rejected call");
      } finally {
        r.after?.();
      }
    });
  }
});

describe("dense derivative sweeps: the native kernel's two paths", () => {
  const loaded = kernels().name === "native" ? loadAddon() : null;
  const addon: Addon | null = loaded !== null && "addon" in loaded ? loaded.addon : null;
  it("the addon has them when the backend is native (else: rebuild with npm run build:native)", (t) => {
    if (loaded === null) return t.skip("js backend");
    assert.ok(
      addon !== null &&
        typeof addon.derivScaleBias === "function" &&
        typeof addon.derivScaleSum === "function",
    );
  });
  it("forced portable path and the CPU's best path agree", (t) => {
    if (addon === null || addon.derivScaleBias === undefined || addon.derivScaleSum === undefined)
      return t.skip("js backend");
    const rng = new Rng(9);
    const [m, n] = [37, 29];
    const Z = randn(rng, m * n);
    const X0 = randn(rng, m * n);
    const U = randn(rng, m * n);
    const db = randn(rng, m);
    const res: Float64Array[][] = [];
    for (const path of [1, 0]) {
      const X = X0.slice();
      const used: number = addon.derivScaleBias(m, n, X, Z, db, 1, path);
      assert.ok(path === 1 ? used === 1 : used === 1 || used === 2, `path ${path} used ${used}`);
      const G = new Float64Array(m * n);
      const gb = new Float64Array(m);
      addon.derivScaleSum(m, n, U, Z, G, gb, 0, 0, path);
      res.push([X, G, gb]);
    }
    for (let k = 0; k < 3; k++) close(`paths agree (${k})`, res[0][k], res[1][k]);
  });
});
