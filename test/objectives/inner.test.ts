import { test } from "node:test";
import assert from "node:assert/strict";
import { kernels } from "../../src/kernels/index.js";
import { appendOnes } from "../../src/objectives/dense.js";
import {
  applyHW,
  formInnerHessian,
  formInnerHessianUpper,
  solveInnerCE,
} from "../../src/objectives/inner-ce.js";
import { solveInnerLS } from "../../src/objectives/inner-ls.js";
import { lossPoint } from "../../src/objectives/losses.js";
import {
  blockDiagonalOperator,
  identityOperator,
  ThetaRegularizer,
  timeDifferenceOperator,
} from "../../src/objectives/regularizers.js";
import { Rng, randn, oneHot, maxAbsDiff, norm, dotp } from "./helpers.js";

function mul(A: Float64Array, B: Float64Array, r: number, k: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  kernels().dgemm("N", "N", r, c, k, 1, A, r, B, k, 0, out, r);
  return out;
}

/** ∇_W Φ = G Ẑᵀ/n + α W for loss gradient G at S = W Ẑ. */
function innerGradient(
  kind: "least-squares" | "cross-entropy" | "logistic",
  W: Float64Array,
  Z: Float64Array,
  m: number,
  n: number,
  C: Float64Array,
  q: number,
  alpha: number,
): Float64Array {
  const Zh = appendOnes(Z, m, n);
  const S = mul(W, Zh, q, m + 1, n);
  const G = lossPoint(kind, S, C, q, n).grad;
  const g = new Float64Array(q * (m + 1));
  kernels().dgemm("N", "T", q, m + 1, n, 1 / n, G, q, Zh, m + 1, 0, g, q);
  for (let k = 0; k < g.length; k++) g[k] += alpha * W[k];
  return g;
}

test("regularisers: time difference operator, block diagonal, (α/2)‖Lθ‖² and its gradient", () => {
  const L = timeDifferenceOperator(2, 3, 0.5);
  const x = new Float64Array([1, 2, 4, 6, 5, 5]);
  const y = new Float64Array(4);
  L.apply(x, y);
  const w = Math.sqrt(2);
  assert.ok(maxAbsDiff(y, new Float64Array([3 * w, 4 * w, 1 * w, -1 * w])) < 1e-14);
  const rng = new Rng(5);
  const B = blockDiagonalOperator([identityOperator(3), L]);
  assert.equal(B.rows, 7);
  assert.equal(B.cols, 9);
  const v = randn(rng, 9);
  const u = randn(rng, 7);
  const Bv = new Float64Array(7);
  const Btu = new Float64Array(9);
  B.apply(v, Bv);
  B.applyT(u, Btu);
  assert.ok(Math.abs(dotp(Bv, u) - dotp(v, Btu)) < 1e-14);
  const reg = new ThetaRegularizer(0.3, B);
  const g = new Float64Array(9);
  reg.addHessVec(v, g);
  // quadratic: R(v + h e) − R(v − h e) = 2h gᵀe exactly (up to round-off)
  const e = randn(rng, 9);
  const h = 1e-3;
  const fd = (reg.value(v.map((a, k) => a + h * e[k])) - reg.value(v.map((a, k) => a - h * e[k]))) / (2 * h);
  assert.ok(Math.abs(fd - dotp(g, e)) < 1e-10);
  const r = reg.residual(v);
  assert.ok(Math.abs(0.5 * dotp(r, r) - reg.value(v)) < 1e-14);
  assert.throws(() => new ThetaRegularizer(-1, B), /α_θ/);
  assert.throws(() => timeDifferenceOperator(2, 0), /bad shape/);
});

test("LS inner: exact data is recovered; Cholesky and SVD agree; normal equations hold", () => {
  const rng = new Rng(21);
  const m = 4;
  const n = 40;
  const q = 3;
  const Z = randn(rng, m * n);
  const Wstar = randn(rng, q * (m + 1));
  const C = mul(Wstar, appendOnes(Z, m, n), q, m + 1, n);
  for (const method of ["cholesky", "svd"] as const) {
    const res = solveInnerLS(Z, m, n, C, q, 0, { method });
    assert.equal(res.method, method);
    assert.ok(maxAbsDiff(res.W, Wstar) < 1e-12, `${method}: ${maxAbsDiff(res.W, Wstar)}`);
  }
  const Cn = randn(rng, q * n);
  const alpha = 0.05;
  const a = solveInnerLS(Z, m, n, Cn, q, alpha, { method: "cholesky" });
  const b = solveInnerLS(Z, m, n, Cn, q, alpha, { method: "svd" });
  assert.ok(maxAbsDiff(a.W, b.W) < 1e-13);
  assert.ok(norm(innerGradient("least-squares", a.W, Z, m, n, Cn, q, alpha)) < 1e-14);
  // the factors apply the same M⁻¹
  const X = randn(rng, 2 * (m + 1));
  const Xa = X.slice();
  const Xb = X.slice();
  a.factor.solveInPlace(Xa);
  b.factor.solveInPlace(Xb);
  assert.ok(maxAbsDiff(Xa, Xb) < 1e-12);
  assert.equal(solveInnerLS(Z, m, n, Cn, q, alpha).method, "cholesky");
});

test("LS inner, α_W = 0 with a singular Gram: minimum-norm solution through the SVD", () => {
  const rng = new Rng(8);
  const m = 3;
  const n = 25;
  const q = 2;
  const Z = randn(rng, m * n);
  for (let i = 0; i < n; i++) Z[1 + i * m] = Z[0 + i * m]; // feature 1 duplicates feature 0
  // C = 2·z₀ + 3·z₂ − 1 in row 0, −z₀ + 1 in row 1
  const C = new Float64Array(q * n);
  for (let i = 0; i < n; i++) {
    C[0 + i * q] = 2 * Z[i * m] + 3 * Z[2 + i * m] - 1;
    C[1 + i * q] = -Z[i * m] + 1;
  }
  const res = solveInnerLS(Z, m, n, C, q, 0);
  assert.equal(res.method, "svd");
  assert.equal(res.rank, m); // m + 1 columns of Ẑᵀ, rank m
  // minimum norm: the weight of the duplicated feature is split evenly
  const expected = new Float64Array([1, -0.5, 1, -0.5, 3, 0, -1, 1]);
  assert.ok(maxAbsDiff(res.W, expected) < 1e-12, `${Array.from(res.W)}`);
  assert.throws(() => solveInnerLS(Z, m, n, C, q, 0, { method: "cholesky" }), /Cholesky/);
  assert.throws(() => solveInnerLS(Z, m, n, C, q, -1), /α_W/);
  assert.throws(() => solveInnerLS(Z, m, n, C.subarray(1), q, 0), /targets/);
});

/** Targets whose inner solution is exactly W*: c_i = softmax(W* ẑ_i) + δ_i with Σ_i δ_i ẑ_iᵀ = nαW*. */
function constructedCE(rng: Rng, m: number, n: number, q: number, alpha: number) {
  const Z = randn(rng, m * n);
  const Zh = appendOnes(Z, m, n);
  const m1 = m + 1;
  const Wstar = randn(rng, q * m1, 0.5);
  if (q > 1)
    for (let j = 0; j < m1; j++) {
      let s = 0;
      for (let a = 0; a < q; a++) s += Wstar[a + j * q];
      for (let a = 0; a < q; a++) Wstar[a + j * q] -= s / q; // zero column sums keep Σ_a c_ai = 1
    }
  const S = mul(Wstar, Zh, q, m1, n);
  const P = lossPoint(
    q === 1 ? "logistic" : "cross-entropy",
    S,
    new Float64Array(q * n).fill(1 / q),
    q,
    n,
  ).grad;
  // P = p − 1/q ⇒ p = P + 1/q
  const Cm = P.map((v) => v + 1 / q);
  // δ = A Ẑ with A = nα W* (ẐẐᵀ)⁻¹
  const G = new Float64Array(m1 * m1);
  kernels().dgemm("N", "T", m1, m1, n, 1, Zh, m1, Zh, m1, 0, G, m1);
  kernels().dpotrf("U", m1, G, m1);
  const A = Wstar.map((v) => n * alpha * v);
  kernels().dtrsm("R", "U", "N", "N", q, m1, 1, G, m1, A, q);
  kernels().dtrsm("R", "U", "T", "N", q, m1, 1, G, m1, A, q);
  const D = mul(A, Zh, q, m1, n);
  const C = Cm.map((v, k) => v + D[k]);
  for (const c of C) assert.ok(c >= 0 && c <= 1, "constructed targets out of range: use a smaller α");
  return { Z, C, Wstar };
}

test("CE inner: known answer (softmax and logistic), optimality to tolerance", () => {
  const rng = new Rng(31);
  for (const q of [3, 1]) {
    const m = 4;
    const n = 60;
    const alpha = 1e-3;
    const { Z, C, Wstar } = constructedCE(rng, m, n, q, alpha);
    const res = solveInnerCE(Z, m, n, C, q, alpha, { tol: 1e-13 });
    assert.ok(res.converged, `q=${q}: ${res.stop} ${res.gradNorm}`);
    assert.equal(res.stop, "tolerance");
    assert.ok(res.gradNorm <= 1e-13);
    assert.ok(maxAbsDiff(res.W, Wstar) < 1e-9, `q=${q}: ${maxAbsDiff(res.W, Wstar)}`);
    assert.ok(
      norm(innerGradient(q === 1 ? "logistic" : "cross-entropy", res.W, Z, m, n, C, q, alpha)) < 1e-12,
    );
  }
});

test("CE inner: warm start, rejected warm start, honest non-convergence, CG route", () => {
  const rng = new Rng(41);
  const m = 5;
  const n = 80;
  const q = 4;
  const Z = randn(rng, m * n, 2);
  const C = oneHot(rng, q, n);
  const alpha = 1e-2;
  const cold = solveInnerCE(Z, m, n, C, q, alpha);
  assert.ok(cold.converged && cold.coldStart && cold.iterations > 1);
  assert.ok(cold.gradNorm <= 1e-10);
  const warm = solveInnerCE(Z, m, n, C, q, alpha, { W0: cold.W });
  assert.ok(warm.converged && !warm.coldStart);
  assert.equal(warm.iterations, 0);
  // a terrible warm start (f(W0) > f(0)) is discarded: the solve starts from W = 0
  const bad = solveInnerCE(Z, m, n, C, q, alpha, { W0: cold.W.map((w) => -50 * w) });
  assert.ok(bad.coldStart && bad.converged);
  const nan = solveInnerCE(Z, m, n, C, q, alpha, { W0: new Float64Array(q * (m + 1)).fill(NaN) });
  assert.ok(nan.coldStart && nan.converged);
  // one Newton step is not enough: the flag says so
  const one = solveInnerCE(Z, m, n, C, q, alpha, { maxIter: 1 });
  assert.equal(one.converged, false);
  assert.equal(one.stop, "max-iterations");
  assert.ok(one.gradNorm > 1e-10);
  // Newton–CG above the threshold reaches the same solution
  const cg = solveInnerCE(Z, m, n, C, q, alpha, { cgThreshold: 4 });
  assert.equal(cg.method, "newton-cg");
  assert.ok(cg.converged);
  assert.ok(maxAbsDiff(cg.W, cold.W) < 1e-8);
  // the factor at the solution is H_W⁻¹: compare with a finite difference of the gradient
  const V = randn(rng, q * (m + 1));
  const h = 1e-6;
  const gp = innerGradient(
    "cross-entropy",
    cold.W.map((w, k) => w + h * V[k]),
    Z,
    m,
    n,
    C,
    q,
    alpha,
  );
  const gm = innerGradient(
    "cross-entropy",
    cold.W.map((w, k) => w - h * V[k]),
    Z,
    m,
    n,
    C,
    q,
    alpha,
  );
  const HV = gp.map((g, k) => (g - gm[k]) / (2 * h));
  cold.factor.solveInPlace(HV);
  assert.ok(maxAbsDiff(HV, V) < 1e-6);
});

test("CE inner: rejected inputs", () => {
  const Z = new Float64Array([0, 1, 2, 3]);
  const C = new Float64Array([1, 0, 0, 1, 1, 0, 0, 1]);
  assert.throws(() => solveInnerCE(Z, 1, 4, C, 2, 0), /α_W > 0/);
  assert.throws(() => solveInnerCE(Z, 1, 4, C, 2, -1), /α_W > 0/);
  assert.throws(
    () =>
      solveInnerCE(
        Z,
        1,
        4,
        C.map((c) => 2 * c),
        2,
        1e-3,
      ),
    /sums to/,
  );
  assert.throws(() => solveInnerCE(Z, 2, 4, C, 2, 1e-3), /features/);
  assert.throws(() => solveInnerCE(Z, 1, 4, C, 2, 1e-3, { W0: new Float64Array(3) }), /warm start/);
});

test("CE inner Hessian: the explicit matrix (any sample chunking) equals the matrix-free H_W", () => {
  const rng = new Rng(51);
  for (const q of [4, 1]) {
    const m1 = 4;
    const n = 37;
    const Zh = appendOnes(randn(rng, (m1 - 1) * n), m1 - 1, n);
    const S = randn(rng, q * n, 2);
    const C = q === 1 ? new Float64Array(n).map(() => rng.int(2)) : oneHot(rng, q, n);
    const lp = lossPoint(q === 1 ? "logistic" : "cross-entropy", S, C, q, n);
    const N = q * m1;
    const V = randn(rng, N);
    const ref = new Float64Array(N);
    applyHW(lp, Zh, m1, n, q, 0.3, V, ref);
    for (const chunk of [undefined, 1, 10, 37]) {
      const H = formInnerHessian(lp, Zh, m1, n, q, 0.3, chunk);
      const HV = new Float64Array(N);
      kernels().dgemm("N", "N", N, 1, N, 1, H, N, V, N, 0, HV, N);
      assert.ok(maxAbsDiff(HV, ref) < 1e-13 * norm(ref), `q=${q} chunk=${chunk}`);
      for (let j = 0; j < N; j++) for (let i = 0; i < j; i++) assert.equal(H[i + j * N], H[j + i * N]);
    }
  }
});

test("CE inner, PCG Newton steps: same W as direct Newton, fewer factorisations, exact lazy factor", () => {
  const rng = new Rng(71);
  const m = 6;
  const n = 120;
  const q = 4;
  const Z = randn(rng, m * n, 2);
  const C = oneHot(rng, q, n);
  const alpha = 1e-3;
  const direct = solveInnerCE(Z, m, n, C, q, alpha, { newtonSolve: "direct", tol: 1e-12 });
  const pcg = solveInnerCE(Z, m, n, C, q, alpha, { tol: 1e-12 });
  assert.ok(direct.converged && pcg.converged, `${direct.stop} ${pcg.stop}`);
  assert.equal(direct.factorizations, direct.iterations);
  assert.equal(direct.cgIterations, 0);
  assert.ok(pcg.iterations >= 3, `${pcg.iterations}`);
  assert.ok(pcg.factorizations < pcg.iterations && pcg.cgIterations > 0, JSON.stringify(pcg));
  assert.ok(maxAbsDiff(pcg.W, direct.W) < 1e-10 * norm(direct.W), `${maxAbsDiff(pcg.W, direct.W)}`);
  assert.ok(norm(innerGradient("cross-entropy", pcg.W, Z, m, n, C, q, alpha)) <= 1e-12);
  // the lazily formed factor is the exact H_W at the returned W: H_W (H_W⁻¹ x) = x to round-off
  const N = q * (m + 1);
  const Zh = appendOnes(Z, m, n);
  const X = randn(rng, N);
  const Y = X.slice();
  pcg.factor.solveInPlace(Y);
  const HY = new Float64Array(N);
  applyHW(pcg.loss, Zh, m + 1, n, q, alpha, Y, HY);
  assert.ok(maxAbsDiff(HY, X) < 1e-12 * norm(X), `${maxAbsDiff(HY, X)}`);
  // and it is a fixed linear map (a factorisation, not an iteration): symmetric to round-off
  const X2 = randn(rng, N);
  const Y2 = X2.slice();
  pcg.factor.solveInPlace(Y2);
  assert.ok(Math.abs(dotp(X, Y2) - dotp(X2, Y)) < 1e-12 * Math.abs(dotp(X, Y2)));
  // the upper triangle alone is the same matrix
  const Hf = formInnerHessian(pcg.loss, Zh, m + 1, n, q, alpha);
  const Hu = formInnerHessianUpper(pcg.loss, Zh, m + 1, n, q, alpha);
  for (let j = 0; j < N; j++) for (let i = 0; i <= j; i++) assert.equal(Hu[i + j * N], Hf[i + j * N]);
  // honest flag when the step cap is hit on the PCG route
  const two = solveInnerCE(Z, m, n, C, q, alpha, { maxIter: 2 });
  assert.equal(two.converged, false);
  assert.equal(two.stop, "max-iterations");
  assert.ok(two.gradNorm > 1e-12);
});

test("CE inner, caller's preconditioner: a nearby factor saves every factorisation; a poor one is replaced", () => {
  const rng = new Rng(73);
  const m = 5;
  const n = 100;
  const q = 3;
  const Z = randn(rng, m * n, 2);
  const C = oneHot(rng, q, n);
  const alpha = 1e-3;
  const a = solveInnerCE(Z, m, n, C, q, alpha);
  // nearby features, warm start and preconditioner from the solution at Z
  const Z2 = Z.map((z) => z + 0.02 * rng.normal());
  const ref = solveInnerCE(Z2, m, n, C, q, alpha, { newtonSolve: "direct" });
  const b = solveInnerCE(Z2, m, n, C, q, alpha, { W0: a.W, preconditioner: a.factor });
  assert.ok(b.converged && b.iterations >= 1, JSON.stringify(b));
  assert.equal(b.factorizations, 0);
  assert.ok(maxAbsDiff(b.W, ref.W) < 1e-9 * norm(ref.W));
  // a useless preconditioner (identity scaled far off): CG hits its cap, the solve factors H_W itself
  const bad = {
    exact: true,
    solveInPlace: (x: Float64Array) => x.forEach((v, k) => (x[k] = v * (k % 2 ? 1e6 : 1e-6))),
  };
  const c = solveInnerCE(Z2, m, n, C, q, alpha, { preconditioner: bad });
  assert.ok(c.converged && c.factorizations >= 1, JSON.stringify(c));
  assert.ok(maxAbsDiff(c.W, ref.W) < 1e-9 * norm(ref.W));
  // a preconditioner that throws is dropped the same way
  const thrower = {
    exact: true,
    solveInPlace: (): void => {
      throw new Error("no");
    },
  };
  const d = solveInnerCE(Z2, m, n, C, q, alpha, { preconditioner: thrower });
  assert.ok(d.converged && d.factorizations >= 1);
  // "direct" ignores the preconditioner
  const e = solveInnerCE(Z2, m, n, C, q, alpha, { newtonSolve: "direct", preconditioner: a.factor });
  assert.equal(e.factorizations, e.iterations);
  // a solution rebuilt from its W with no Newton step is the same point, bit for bit
  const r = solveInnerCE(Z2, m, n, C, q, alpha, { W0: b.W, maxIter: 0 });
  assert.deepEqual(r.W, b.W);
  assert.deepEqual(r.S, b.S);
  assert.equal(r.value, b.value);
  assert.equal(r.gradNorm, b.gradNorm);
});

test("LS inner with fewer samples than features (α_W > 0): SVD and Cholesky agree, factor included", () => {
  const rng = new Rng(61);
  const m = 6;
  const n = 4;
  const q = 2;
  const Z = randn(rng, m * n);
  const C = randn(rng, q * n);
  const a = solveInnerLS(Z, m, n, C, q, 0.1, { method: "cholesky" });
  const b = solveInnerLS(Z, m, n, C, q, 0.1, { method: "svd" });
  assert.ok(maxAbsDiff(a.W, b.W) < 1e-13);
  const X = randn(rng, 3 * (m + 1));
  const Xa = X.slice();
  const Xb = X.slice();
  a.factor.solveInPlace(Xa);
  b.factor.solveInPlace(Xb);
  assert.ok(maxAbsDiff(Xa, Xb) < 1e-12 * norm(Xa));
  // α_W = 0: the minimum-norm interpolant, rank n
  const c = solveInnerLS(Z, m, n, C, q, 0);
  assert.equal(c.method, "svd");
  assert.equal(c.rank, n);
  assert.ok(norm(innerGradient("least-squares", c.W, Z, m, n, C, q, 0)) < 1e-13);
});
