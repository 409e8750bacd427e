import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { kernels } from "../../src/kernels/index.js";
import { loadAddon } from "../../src/kernels/native/load.js";
import type { Addon } from "../../src/kernels/native/addon.js";
import { Rng } from "../../src/util/rng.js";
import { assertClose, randn, sweepRunners } from "./helpers.js";

const close = (label: string, a: ArrayLike<number>, b: ArrayLike<number>, rel = 1e-14, abs = 1e-300): void =>
  assertClose(label, a, b, rel, abs);

// softmaxCE and softmaxHessApply against a plain reference written here from the definitions
// (src/kernels/types.ts), in exact-as-possible scalar arithmetic with Math.exp / Math.log.

function refCE(
  q: number,
  n: number,
  S: Float64Array,
  C: Float64Array,
): { total: number; P: number[]; G: number[] } {
  let total = 0;
  const P: number[] = [];
  const G: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = Array.from(S.subarray(i * q, (i + 1) * q));
    const c = Array.from(C.subarray(i * q, (i + 1) * q));
    const mx = Math.max(...s.filter((x) => !Number.isNaN(x)));
    if (!Number.isFinite(mx)) {
      total = NaN;
      for (let a = 0; a < q; a++) {
        P.push(NaN);
        G.push(NaN);
      }
      continue;
    }
    const e = s.map((x) => Math.exp(x - mx));
    const se = e.reduce((x, y) => x + y, 0);
    total += Math.log(se) + mx - c.reduce((acc, ca, a) => acc + ca * s[a], 0);
    for (let a = 0; a < q; a++) {
      P.push(e[a] / se);
      G.push(e[a] / se - c[a]);
    }
  }
  return { total, P, G };
}

/** |a − b| ≤ rel·|b| + abs, NaN only where b is NaN. */

function oneHot(rng: Rng, q: number, n: number): Float64Array {
  const C = new Float64Array(q * n);
  for (let i = 0; i < n; i++) C[i * q + Math.floor(rng.uniform() * q)] = 1;
  return C;
}

describe("softmaxCE / softmaxHessApply", () => {
  for (const r of sweepRunners()) {
    it(`${r.name}: loss, probabilities and gradient against the definition`, () => {
      r.before?.();
      try {
        const rng = new Rng(31);
        for (const [q, n] of [
          [2, 1],
          [3, 7],
          [10, 900],
          [7, 40],
        ]) {
          const S = randn(rng, q * n).map((x) => 6 * x);
          // one-hot and probability targets
          for (const C of [oneHot(rng, q, n), randn(rng, q * n).map((x) => Math.abs(x) / (q * 2))]) {
            const ref = refCE(q, n, S, C);
            const P = new Float64Array(q * n);
            const G = new Float64Array(q * n);
            const total = r.K.softmaxCE(q, n, S, C, P, G);
            close(`${q}×${n} total`, [total], [ref.total], 1e-13);
            close(`${q}×${n} P`, P, ref.P, 1e-14);
            close(`${q}×${n} G`, G, ref.G, 1e-14, 1e-15);
            const Pw = new Float64Array(q * n);
            close(`${q}×${n} value only`, [r.K.softmaxCE(q, n, S, C, Pw, null)], [ref.total], 1e-13);
          }
        }
      } finally {
        r.after?.();
      }
    });

    it(`${r.name}: extreme scores, −∞, +∞ and NaN`, () => {
      r.before?.();
      try {
        const q = 4;
        // columns: a 1000-wide spread (exp underflows), a −∞ entry, a +∞ entry, a NaN entry, all NaN
        const S = Float64Array.from([
          0,
          -1000,
          -720,
          -700,
          1,
          -Infinity,
          2,
          0,
          3,
          Infinity,
          0,
          1,
          0,
          NaN,
          1,
          2,
          NaN,
          NaN,
          NaN,
          NaN,
        ]);
        const n = S.length / q;
        const C = new Float64Array(q * n);
        for (let i = 0; i < n; i++) C[i * q] = 1;
        const ref = refCE(q, n, S, C);
        const P = new Float64Array(q * n);
        const G = new Float64Array(q * n);
        const total = r.K.softmaxCE(q, n, S, C, P, G);
        assert.ok(Number.isNaN(total) && Number.isNaN(ref.total));
        // e^−720 is subnormal-free 0 on the native path, ~1e−313 in Math.exp: absolute 1e−300
        close("P", P, ref.P, 1e-14, 1e-300);
        close("G", G, ref.G, 1e-14, 1e-300);
        // the finite columns alone give the reference loss
        const fin = S.subarray(0, 2 * q);
        close(
          "finite columns",
          [r.K.softmaxCE(q, 2, fin, C.subarray(0, 2 * q), new Float64Array(2 * q), null)],
          [refCE(q, 2, fin, C.subarray(0, 2 * q)).total],
          1e-14,
        );
      } finally {
        r.after?.();
      }
    });

    it(`${r.name}: the Hessian product, also in place`, () => {
      r.before?.();
      try {
        const rng = new Rng(8);
        const [q, n] = [10, 300];
        const P = new Float64Array(q * n);
        r.K.softmaxCE(q, n, randn(rng, q * n), oneHot(rng, q, n), P, new Float64Array(q * n));
        const V = randn(rng, q * n);
        const e = new Float64Array(q * n);
        for (let i = 0; i < n; i++) {
          let uv = 0;
          for (let a = 0; a < q; a++) uv += P[i * q + a] * V[i * q + a];
          for (let a = 0; a < q; a++) e[i * q + a] = 0.5 * P[i * q + a] * (V[i * q + a] - uv);
        }
        const out = new Float64Array(q * n);
        r.K.softmaxHessApply(q, n, P, V, out, 0.5);
        close("out", out, e, 1e-13, 1e-16);
        r.K.softmaxHessApply(q, n, P, V, V, 0.5);
        close("in place", V, e, 1e-13, 1e-16);
      } finally {
        r.after?.();
      }
    });

    it(`${r.name}: bad arguments are named before anything is written`, () => {
      r.before?.();
      try {
        const S = new Float64Array(12);
        const C = new Float64Array(12);
        const P = new Float64Array(12).fill(7);
        assert.throws(() => r.K.softmaxCE(4, 4, S, C, P, null), /softmaxCE: S needs len = 16/);
        assert.throws(() => r.K.softmaxCE(4, 3, S, C, S, null), /softmaxCE: P and S overlap/);
        assert.throws(() => r.K.softmaxCE(4, 3, S, C, P, P), /softmaxCE: G and P overlap/);
        assert.throws(
          () => r.K.softmaxHessApply(4, 2, S, P, P.subarray(1), 1),
          /softmaxHessApply: out and V overlap/,
        );
        assert.throws(
          () => r.K.softmaxHessApply(4, 3, S, C, P, NaN),
          /softmaxHessApply: scale must be a finite number/,
        );
        assert.ok(
          P.every((x) => x === 7),
          "nothing written by a rejected call",
        );
      } finally {
        r.after?.();
      }
    });
  }
});

describe("softmax cross-entropy: the native kernel's two paths", () => {
  const loaded = kernels().name === "native" ? loadAddon() : null;
  const addon: Addon | null = loaded !== null && "addon" in loaded ? loaded.addon : null;
  it("the addon has them when the backend is native (else: rebuild with npm run build:native)", (t) => {
    if (loaded === null) return t.skip("js backend");
    assert.ok(
      addon !== null && typeof addon.softmaxCE === "function" && typeof addon.softmaxHessApply === "function",
    );
  });
  it("forced portable path (libm exp) and the CPU's best path agree with the definition", (t) => {
    if (addon === null || addon.softmaxCE === undefined) return t.skip("js backend");
    const rng = new Rng(4);
    const [q, n] = [10, 501];
    // scores spread over [−60, 60] so the exps cover many binades
    const S = randn(rng, q * n).map((x) => 20 * x);
    const C = oneHot(rng, q, n);
    const ref = refCE(q, n, S, C);
    for (const path of [1, 0]) {
      const P = new Float64Array(q * n);
      const G = new Float64Array(q * n);
      const total = addon.softmaxCE(q, n, S, C, P, G, path);
      close(`path ${path} total`, [total], [ref.total], 1e-13);
      close(`path ${path} P`, P, ref.P, 1e-14, 1e-300);
    }
  });
});
