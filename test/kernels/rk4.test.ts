import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { kernels } from "../../src/kernels/index.js";
import { loadAddon } from "../../src/kernels/native/load.js";
import type { Addon } from "../../src/kernels/native/addon.js";
import { Rng } from "../../src/util/rng.js";
import { assertClose, randn, sweepRunners } from "./helpers.js";

const close = (label: string, a: Float64Array, b: Float64Array, tol = 1e-14): void =>
  assertClose(label, a, b, tol, tol);

// The RK4 stage sweeps against plain references written here from their definitions (types.ts).
// Paths may contract a·b + c into one FMA, so results agree to a few units of rounding, not bits.

const LENGTHS = [0, 1, 3, 7, 255, 256, 257, 1001];
const SLACK = 5; // entries past len that must stay untouched

function refJvp(
  mode: 0 | 1 | 2,
  len: number,
  dk: Float64Array,
  D: Float64Array,
  cur: Float64Array,
  next: Float64Array,
  dYs: Float64Array,
  cN: number,
  cS: number,
): void {
  for (let q = 0; q < len; q++) {
    const v = D[q] * dk[q];
    if (mode === 0) next[q] = cur[q] + cN * v;
    else next[q] = next[q] + cN * v;
    if (mode !== 2) dYs[q] = cur[q] + cS * v;
  }
}

/** |a − b| ≤ tol·(1 + |b|) entrywise, with NaN only where the reference has NaN. */

/** Every way the sweeps can run: each backend, and on native also forced onto the addon. */

describe("rk4JvpStage / rk4VjpStage / rk4VjpStage1", () => {
  for (const r of sweepRunners()) {
    it(`${r.name}: all modes and lengths against the definitions; entries past len untouched`, () => {
      r.before?.();
      try {
        const rng = new Rng(11);
        for (const len of LENGTHS) {
          const N = len + SLACK;
          for (const mode of [0, 1, 2] as const) {
            const [dk, D, cur] = [randn(rng, N), randn(rng, N), randn(rng, N)];
            const next = randn(rng, N);
            const dYs = randn(rng, N);
            const [eNext, eDYs] = [next.slice(), dYs.slice()];
            refJvp(mode, len, dk, D, cur, eNext, eDYs, 0.25, -0.5);
            if (mode === 2) r.K.rk4JvpStage(2, len, dk, D, null, next, null, 0.25, -0.5);
            else r.K.rk4JvpStage(mode, len, dk, D, cur, next, dYs, 0.25, -0.5);
            close(`jvp mode ${mode} len ${len} next`, next, eNext);
            close(`jvp mode ${mode} len ${len} dYs`, dYs, eDYs);
          }
          const [lam, mu, D, G] = [randn(rng, N), randn(rng, N), randn(rng, N), randn(rng, N)];
          const eG = G.slice();
          for (let q = 0; q < len; q++) eG[q] = D[q] * (0.5 * lam[q] + 2 * mu[q]);
          r.K.rk4VjpStage(len, lam, mu, D, G, 0.5, 2);
          close(`vjp len ${len}`, G, eG);
          for (let q = 0; q < len; q++) eG[q] = D[q] * (0.5 * lam[q]);
          r.K.rk4VjpStage(len, lam, null, D, G, 0.5, 123);
          close(`vjp (μ null) len ${len}`, G, eG);

          const [mu4, mu3, mu2, lamNew] = [randn(rng, N), randn(rng, N), randn(rng, N), randn(rng, N)];
          const [eL, eG1] = [lamNew.slice(), G.slice()];
          for (let q = 0; q < len; q++) {
            eL[q] = lam[q] + mu4[q] + mu3[q] + mu2[q];
            eG1[q] = D[q] * (0.25 * lam[q] + 0.75 * mu2[q]);
          }
          r.K.rk4VjpStage1(len, lam, mu4, mu3, mu2, D, G, lamNew, 0.25, 0.75);
          close(`vjp1 len ${len} λ_new`, lamNew, eL);
          close(`vjp1 len ${len} G`, G, eG1);
        }
      } finally {
        r.after?.();
      }
    });

    it(`${r.name}: NaN and ±Inf propagate as in the definitions`, () => {
      r.before?.();
      try {
        const len = 300;
        const dk = new Float64Array(len).fill(1);
        const D = new Float64Array(len).fill(2);
        dk[5] = NaN;
        D[7] = Infinity;
        const cur = new Float64Array(len);
        const next = new Float64Array(len);
        const dYs = new Float64Array(len);
        r.K.rk4JvpStage(0, len, dk, D, cur, next, dYs, 1, 1);
        assert.ok(Number.isNaN(next[5]) && Number.isNaN(dYs[5]));
        assert.equal(next[7], Infinity);
        assert.equal(next[0], 2);
        const G = new Float64Array(len);
        r.K.rk4VjpStage(len, dk, null, D, G, 1, 0);
        assert.ok(Number.isNaN(G[5]));
        assert.equal(G[7], Infinity);
      } finally {
        r.after?.();
      }
    });

    it(`${r.name}: bad arguments are named before anything is written`, () => {
      r.before?.();
      try {
        const a = new Float64Array(10);
        const b = new Float64Array(10);
        const c = new Float64Array(10);
        const d = new Float64Array(10).fill(7);
        const e = new Float64Array(10).fill(7);
        assert.throws(() => r.K.rk4JvpStage(0, 11, a, b, c, d, e, 1, 1), /rk4JvpStage: dk needs len = 11/);
        assert.throws(() => r.K.rk4JvpStage(0, 10, a, b, null, d, e, 1, 1), /rk4JvpStage: mode 0 needs cur/);
        assert.throws(
          () => r.K.rk4JvpStage(0, 10, a, b, c, d, e, NaN, 1),
          /rk4JvpStage: cN must be a finite number/,
        );
        assert.throws(
          () => r.K.rk4VjpStage(10, a, null, b, c, 1, Infinity),
          /rk4VjpStage: cM must be a finite number/,
        );
        assert.throws(
          () => r.K.rk4JvpStage(3 as 0, 10, a, b, c, d, e, 1, 1),
          /rk4JvpStage: mode must be 0, 1 or 2/,
        );
        assert.throws(
          () => r.K.rk4JvpStage(1, 10, a, b, c, d, d.subarray(2), 1, 1),
          /rk4JvpStage: dYs needs len = 10/,
        );
        assert.throws(
          () => r.K.rk4JvpStage(1, 8, a, b, c, d, d.subarray(2), 1, 1),
          /rk4JvpStage: next and dYs overlap/,
        );
        assert.throws(() => r.K.rk4JvpStage(2, 10, d, b, null, d, null, 1, 1), /next and dk overlap/);
        assert.throws(() => r.K.rk4VjpStage(10, a, null, b, a, 1, 1), /rk4VjpStage: G and lam overlap/);
        assert.throws(
          () => r.K.rk4VjpStage1(10, a, b, c, new Float64Array(10), new Float64Array(10), e, e, 1, 1),
          /rk4VjpStage1: G and lamNew overlap/,
        );
        assert.throws(
          () => r.K.rk4VjpStage1(10, a, b, c, new Float64Array(9), new Float64Array(10), d, e, 1, 1),
          /rk4VjpStage1: mu2 needs len = 10/,
        );
        assert.ok(d.every((x) => x === 7) && e.every((x) => x === 7), "nothing written by a rejected call");
      } finally {
        r.after?.();
      }
    });
  }
});

describe("RK4 stage sweeps: the native kernel's two paths", () => {
  const loaded = kernels().name === "native" ? loadAddon() : null;
  const addon: Addon | null = loaded !== null && "addon" in loaded ? loaded.addon : null;
  it("the addon has the sweeps when the backend is native (else: rebuild with npm run build:native)", (t) => {
    if (loaded === null) return t.skip("js backend");
    assert.ok(
      addon !== null &&
        typeof addon.rk4JvpStage === "function" &&
        typeof addon.rk4VjpStage === "function" &&
        typeof addon.rk4VjpStage1 === "function",
    );
  });
  it("forced portable path and the CPU's best path agree with the definitions", (t) => {
    if (addon === null || addon.rk4JvpStage === undefined || addon.rk4VjpStage1 === undefined)
      return t.skip("js backend");
    const rng = new Rng(5);
    const len = 1003;
    for (const path of [1, 0]) {
      const [dk, D, cur, next0, dYs0] = [1, 2, 3, 4, 5].map(() => randn(rng, len));
      const [next, dYs] = [next0.slice(), dYs0.slice()];
      const used: number = addon.rk4JvpStage(1, len, dk, D, cur, next, dYs, 0.3, 0.7, path);
      assert.ok(path === 1 ? used === 1 : used === 1 || used === 2, `path ${path} used ${used}`);
      refJvp(1, len, dk, D, cur, next0, dYs0, 0.3, 0.7);
      close(`path ${used} next`, next, next0);
      close(`path ${used} dYs`, dYs, dYs0);
      const [lam, mu4, mu3, mu2, G, lamNew] = [1, 2, 3, 4, 5, 6].map(() => randn(rng, len));
      const used1: number = addon.rk4VjpStage1(len, lam, mu4, mu3, mu2, D, G, lamNew, 0.2, 0.9, path);
      assert.equal(used1, used);
      for (let q = 0; q < len; q++) {
        assert.ok(
          Math.abs(lamNew[q] - (lam[q] + mu4[q] + mu3[q] + mu2[q])) <= 1e-14 * (1 + Math.abs(lamNew[q])),
        );
        const g = D[q] * (0.2 * lam[q] + 0.9 * mu2[q]);
        assert.ok(Math.abs(G[q] - g) <= 1e-14 * (1 + Math.abs(g)));
      }
    }
  });
});

describe("rk4FwdStage", () => {
  /** The definition, column by column (types.ts). */
  function refFwd(
    mode: 0 | 1 | 2,
    w: number,
    c: number,
    Ya: Float64Array,
    k: Float64Array,
    next: Float64Array,
    Ys: Float64Array,
    cN: number,
    cS: number,
    ldN: number,
  ): void {
    const L = w + 1;
    for (let j = 0; j < c; j++) {
      for (let i = 0; i < w; i++) {
        const v = k[i + j * w];
        if (mode === 0) next[i + j * ldN] = Ya[i + j * L] + cN * v;
        else next[i + j * ldN] += cN * v;
        if (mode !== 2) Ys[i + j * L] = Ya[i + j * L] + cS * v;
      }
      if (mode !== 2) Ys[w + j * L] = 1;
      if (mode === 0 && ldN !== w) next[w + j * ldN] = 1;
    }
  }
  for (const r of sweepRunners()) {
    it(`${r.name}: every mode, both layouts of next, against the definition`, () => {
      r.before?.();
      try {
        const rng = new Rng(17);
        for (const [w, c] of [
          [1, 1],
          [8, 3],
          [8, 400],
          [5, 31],
          [32, 9],
          [0, 4],
        ])
          for (const ldN of [w, w + 1])
            for (const mode of [0, 1, 2] as const) {
              const Ya = randn(rng, (w + 1) * c + 2);
              const k = randn(rng, w * c + 2);
              const next = randn(rng, ldN * c + 2);
              const Ys = randn(rng, (w + 1) * c + 2);
              const [eN, eY] = [next.slice(), Ys.slice()];
              refFwd(mode, w, c, Ya, k, eN, eY, 0.25, 0.5, ldN);
              if (mode === 2) r.K.rk4FwdStage(2, w, c, null, k, next, null, 0.25, 0.5, ldN);
              else r.K.rk4FwdStage(mode, w, c, Ya, k, next, Ys, 0.25, 0.5, ldN);
              close(`fwd mode ${mode} ${w}×${c} ldN ${ldN} next`, next, eN);
              close(`fwd mode ${mode} ${w}×${c} ldN ${ldN} Ys`, Ys, eY);
            }
      } finally {
        r.after?.();
      }
    });
    it(`${r.name}: bad arguments are named before anything is written`, () => {
      r.before?.();
      try {
        const Ya = new Float64Array(27);
        const k = new Float64Array(24);
        const next = new Float64Array(27).fill(7);
        const Ys = new Float64Array(27).fill(7);
        assert.throws(
          () => r.K.rk4FwdStage(0, 8, 3, Ya, k, next, Ys, 1, 1, 7),
          /rk4FwdStage: ldN must be w = 8 or w \+ 1/,
        );
        assert.throws(
          () => r.K.rk4FwdStage(0, 8, 3, Ya, k, next, Ys.subarray(1), 1, 1, 9),
          /Ys needs len = 27/,
        );
        assert.throws(() => r.K.rk4FwdStage(1, 8, 3, null, k, next, Ys, 1, 1, 8), /mode 1 needs Ya and Ys/);
        assert.throws(() => r.K.rk4FwdStage(0, 8, 3, Ya, k, next, next, 1, 1, 9), /next and Ys overlap/);
        assert.ok(
          next.every((x) => x === 7) && Ys.every((x) => x === 7),
          "nothing written by a rejected call",
        );
      } finally {
        r.after?.();
      }
    });
  }
});
