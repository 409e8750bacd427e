/**
 * Antisymmetric ResNet (GNVPRO.md §1, §6), width w, integrated by classical RK4 over [0, T]:
 *
 *   dY/dt = σ(K(t) Y + b(t) 1ᵀ),    K(t) = A(t) − A(t)ᵀ − εI,    σ = tanh (default), ε = 1e-4 default.
 *
 * Weights live on a uniform grid of nt ≥ 2 time points t_k = k·h, h = T/(nt − 1), and are piecewise
 * linear in time; RK4 takes one step per weight interval [t_k, t_{k+1}] with step h. Its stages
 * use the weights at t_k, at the midpoint (the average of the two end weights, twice) and at t_{k+1}:
 *
 *   k1 = σ(K_k Y + b_k),  k2 = σ(K_m (Y + h/2 k1) + b_m),  k3 = σ(K_m (Y + h/2 k2) + b_m),
 *   k4 = σ(K_{k+1} (Y + h k3) + b_{k+1}),   Y ← Y + h/6 (k1 + 2k2 + 2k3 + k4),
 *   K_m = (K_k + K_{k+1})/2,  b_m = (b_k + b_{k+1})/2.
 *
 * The JVP and VJP are the exact derivatives of this discrete scheme (not of the ODE).
 *
 * Parametrisation (GNVPRO.md §3 "parametrisation trap"): A(t_k) is parametrised by its STRICTLY
 * UPPER triangle only, w(w−1)/2 numbers per time point, so K = A − Aᵀ − εI is a bijective
 * function of θ (no dead directions, no exact null space of H_GN from the parametrisation). The
 * reference's full w×w A would carry w(w+1)/2 dead directions per time point.
 *
 * θ layout, per time point k (stride p = w(w−1)/2 + w): [a_k; b_k], a_k = the strict upper triangle
 * of A(t_k) in column-major order (a_{0,1}, a_{0,2}, a_{1,2}, a_{0,3}, …), then b_k (w).
 *
 * Regularisation operator L (GNVPRO.md §1): (Lθ)_k = (θ_{k+1} − θ_k)/h for k = 0 … nt−2, the
 * forward difference in time scaled by 1/h of the weight grid (a first-derivative estimate). With
 * linear-interpolation prolongation (prolongate.ts) h halves and the interval count doubles, so
 * ‖Lθ‖² doubles exactly; halving α_θ per level (GNVPRO.md §4) keeps (α_θ/2)‖Lθ‖² unchanged.
 */
import { kernels } from "../kernels/index.js";
import type { Rng } from "../util/rng.js";
import { type ActivationName, applyActivation, checkActivation } from "./activations.js";
import { xavierUniform } from "./init.js";
import type { Layer, LayerSpec, LayerState, LinearOperator } from "./types.js";
import { checkForwardArgs, checkJvpArgs, checkPositiveInt, checkVjpArgs } from "./util.js";

export interface AntisymResNetOptions {
  width: number;
  /** Number of weight time points (≥ 2); RK4 takes nt − 1 steps. */
  nt: number;
  /** Final time (default 1). */
  T?: number;
  /** Shift ε of K = A − Aᵀ − εI (default 1e-4). */
  eps?: number;
  /** Activation (default tanh). */
  act?: ActivationName;
}

interface StepStore {
  Y2: Float64Array;
  Y3: Float64Array;
  Y4: Float64Array;
  D1: Float64Array | null;
  D2: Float64Array | null;
  D3: Float64Array | null;
  D4: Float64Array | null;
}

interface AntisymState extends LayerState {
  theta: Float64Array;
  /** Dense K at each time point (with −εI) and at each interval midpoint. */
  K: Float64Array[];
  Kmid: Float64Array[];
  bmid: Float64Array[];
  /** Y at the start of each step; Ys[nSteps] is `out`. */
  Ys: Float64Array[];
  steps: StepStore[];
}

export class AntisymResNet implements Layer {
  readonly nIn: number;
  readonly nOut: number;
  readonly nParams: number;
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly width: number;
  readonly nt: number;
  readonly T: number;
  readonly eps: number;
  readonly act: ActivationName;
  /** RK4 step = spacing of the weight grid. */
  readonly h: number;
  /** Parameters per time point. */
  readonly pPoint: number;
  private readonly nA: number;

  constructor(opts: AntisymResNetOptions) {
    this.width = checkPositiveInt(opts.width, "AntisymResNet: width");
    this.nt = checkPositiveInt(opts.nt, "AntisymResNet: nt");
    if (this.nt < 2)
      throw new Error(`AntisymResNet: nt (weight time points) must be at least 2, got ${opts.nt}`);
    this.T = opts.T ?? 1;
    if (!(this.T > 0) || !Number.isFinite(this.T))
      throw new Error(`AntisymResNet: T must be positive, got ${opts.T}`);
    this.eps = opts.eps ?? 1e-4;
    if (!(this.eps >= 0) || !Number.isFinite(this.eps))
      throw new Error(`AntisymResNet: eps must be finite and ≥ 0, got ${opts.eps}`);
    this.act = checkActivation(opts.act ?? "tanh", "AntisymResNet");
    const w = this.width;
    this.nA = (w * (w - 1)) / 2;
    this.pPoint = this.nA + w;
    this.nParams = this.pPoint * this.nt;
    this.h = this.T / (this.nt - 1);
    this.nIn = this.nOut = w;
    this.inShape = this.outShape = [w];
  }

  /** Uniform A (Xavier bound √(3/w)) drawn once and repeated at every time point (weights constant
   *  in time, so the time-smoothness regulariser starts at 0); biases 0. */
  init(theta: Float64Array, rng: Rng): void {
    if (theta.length !== this.nParams)
      throw new Error(`AntisymResNet.init: theta has length ${theta.length}, expected ${this.nParams}`);
    const p = this.pPoint;
    const first = theta.subarray(0, p);
    if (this.nA > 0) xavierUniform(first.subarray(0, this.nA), this.width, this.width, rng);
    first.fill(0, this.nA);
    for (let k = 1; k < this.nt; k++) theta.set(first, k * p);
  }

  /** Dense K (w×w, column-major) from the triangle a: K = A − Aᵀ − shift·I. */
  private buildK(a: Float64Array, shift: number, K: Float64Array): Float64Array {
    const w = this.width;
    let q = 0;
    for (let j = 0; j < w; j++) {
      for (let i = 0; i < j; i++) {
        const v = a[q++];
        K[i + j * w] = v;
        K[j + i * w] = -v;
      }
      K[j + j * w] = -shift;
    }
    return K;
  }

  /** g_a(i<j) ← G[i,j] − G[j,i] (the transpose of buildK without the shift). */
  private gatherK(G: Float64Array, ga: Float64Array): void {
    const w = this.width;
    let q = 0;
    for (let j = 0; j < w; j++) for (let i = 0; i < j; i++) ga[q++] = G[i + j * w] - G[j + i * w];
  }

  private pointViews(theta: Float64Array, k: number): [Float64Array, Float64Array] {
    const o = k * this.pPoint;
    return [theta.subarray(o, o + this.nA), theta.subarray(o + this.nA, o + this.pPoint)];
  }

  /** Dense matrices (time points and midpoints) and biases (midpoints) for a θ or a dθ. */
  private denseWeights(
    theta: Float64Array,
    shift: number,
  ): { K: Float64Array[]; Kmid: Float64Array[]; bmid: Float64Array[] } {
    const w = this.width;
    const K: Float64Array[] = [];
    for (let k = 0; k < this.nt; k++)
      K.push(this.buildK(this.pointViews(theta, k)[0], shift, new Float64Array(w * w)));
    const Kmid: Float64Array[] = [];
    const bmid: Float64Array[] = [];
    for (let k = 0; k + 1 < this.nt; k++) {
      const m = new Float64Array(w * w);
      for (let i = 0; i < m.length; i++) m[i] = 0.5 * (K[k][i] + K[k + 1][i]);
      Kmid.push(m);
      const b0 = this.pointViews(theta, k)[1];
      const b1 = this.pointViews(theta, k + 1)[1];
      const bm = new Float64Array(w);
      for (let i = 0; i < w; i++) bm[i] = 0.5 * (b0[i] + b1[i]);
      bmid.push(bm);
    }
    return { K, Kmid, bmid };
  }

  forward(theta: Float64Array, Y: Float64Array, n: number): AntisymState {
    checkForwardArgs("AntisymResNet", this.nParams, this.nIn, theta, Y, n);
    const w = this.width;
    const len = w * n;
    const h = this.h;
    const kern = kernels();
    const { K, Kmid, bmid } = this.denseWeights(theta, this.eps);
    const withD = this.act !== "identity";
    const kk = new Float64Array(len);
    const Ys: Float64Array[] = [Y];
    const steps: StepStore[] = [];
    const stage = (Km: Float64Array, b: Float64Array, Yin: Float64Array, D: Float64Array | null): void => {
      kern.dgemm("N", "N", w, n, w, 1, Km, w, Yin, w, 0, kk, w);
      applyActivation(this.act, kk, b, w, n, D);
    };
    for (let s = 0; s + 1 < this.nt; s++) {
      const Ya = Ys[s];
      const st: StepStore = {
        Y2: new Float64Array(len),
        Y3: new Float64Array(len),
        Y4: new Float64Array(len),
        D1: withD ? new Float64Array(len) : null,
        D2: withD ? new Float64Array(len) : null,
        D3: withD ? new Float64Array(len) : null,
        D4: withD ? new Float64Array(len) : null,
      };
      const next = new Float64Array(len);
      stage(K[s], this.pointViews(theta, s)[1], Ya, st.D1);
      for (let i = 0; i < len; i++) {
        next[i] = Ya[i] + (h / 6) * kk[i];
        st.Y2[i] = Ya[i] + (h / 2) * kk[i];
      }
      stage(Kmid[s], bmid[s], st.Y2, st.D2);
      for (let i = 0; i < len; i++) {
        next[i] += (h / 3) * kk[i];
        st.Y3[i] = Ya[i] + (h / 2) * kk[i];
      }
      stage(Kmid[s], bmid[s], st.Y3, st.D3);
      for (let i = 0; i < len; i++) {
        next[i] += (h / 3) * kk[i];
        st.Y4[i] = Ya[i] + h * kk[i];
      }
      stage(K[s + 1], this.pointViews(theta, s + 1)[1], st.Y4, st.D4);
      for (let i = 0; i < len; i++) next[i] += (h / 6) * kk[i];
      Ys.push(next);
      steps.push(st);
    }
    return { out: Ys[Ys.length - 1], n, theta, K, Kmid, bmid, Ys, steps };
  }

  jvp(state: LayerState, dTheta: Float64Array | null, dY: Float64Array | null): Float64Array {
    const s = state as AntisymState;
    const n = s.n;
    checkJvpArgs("AntisymResNet", this.nParams, this.nIn, n, dTheta, dY);
    const w = this.width;
    const len = w * n;
    const h = this.h;
    const kern = kernels();
    const dW = dTheta === null ? null : this.denseWeights(dTheta, 0);
    let cur = dY === null ? new Float64Array(len) : Float64Array.from(dY);
    let next = new Float64Array(len);
    const dk = new Float64Array(len);
    const dYs = new Float64Array(len);
    /**
     * One linearised stage, fused: dk = D ⊙ (dK·Yin + K·dYin + db), then next ← (init ? cur : next)
     * + cN·dk and, when stageOut, dYs ← cur + cS·dk, in the same sweep.
     */
    const stage = (
      dK: Float64Array | null,
      db: Float64Array | null,
      Yin: Float64Array,
      Km: Float64Array,
      dYin: Float64Array,
      D: Float64Array | null,
      cN: number,
      init: boolean,
      stageOut: boolean,
      cS: number,
    ): void => {
      if (dK !== null) {
        kern.dgemm("N", "N", w, n, w, 1, dK, w, Yin, w, 0, dk, w);
        kern.dgemm("N", "N", w, n, w, 1, Km, w, dYin, w, 1, dk, w);
      } else kern.dgemm("N", "N", w, n, w, 1, Km, w, dYin, w, 0, dk, w);
      const base = init ? cur : next;
      for (let j = 0, o = 0; j < n; j++, o += w)
        for (let i = 0; i < w; i++) {
          const q = o + i;
          let v = db === null ? dk[q] : dk[q] + db[i];
          if (D !== null) v *= D[q];
          next[q] = base[q] + cN * v;
          if (stageOut) dYs[q] = cur[q] + cS * v;
        }
    };
    for (let t = 0; t + 1 < this.nt; t++) {
      const st = s.steps[t];
      const Ya = s.Ys[t];
      const dba = dTheta === null ? null : this.pointViews(dTheta, t)[1];
      const dbb = dTheta === null ? null : this.pointViews(dTheta, t + 1)[1];
      const dKm = dW === null ? null : dW.Kmid[t];
      const dbm = dW === null ? null : dW.bmid[t];
      stage(dW === null ? null : dW.K[t], dba, Ya, s.K[t], cur, st.D1, h / 6, true, true, h / 2);
      stage(dKm, dbm, st.Y2, s.Kmid[t], dYs, st.D2, h / 3, false, true, h / 2);
      stage(dKm, dbm, st.Y3, s.Kmid[t], dYs, st.D3, h / 3, false, true, h);
      stage(dW === null ? null : dW.K[t + 1], dbb, st.Y4, s.K[t + 1], dYs, st.D4, h / 6, false, false, 0);
      const tmp = cur;
      cur = next;
      next = tmp;
    }
    return cur;
  }

  vjp(
    state: LayerState,
    U: Float64Array,
    gTheta: Float64Array | null,
    wantInput: boolean,
  ): Float64Array | null {
    const s = state as AntisymState;
    const n = s.n;
    checkVjpArgs("AntisymResNet", this.nParams, this.nOut, n, U, gTheta);
    if (gTheta === null && !wantInput) return null;
    const w = this.width;
    const len = w * n;
    const h = this.h;
    const kern = kernels();
    let lam = Float64Array.from(U);
    let lamNew = new Float64Array(len);
    const G = new Float64Array(len);
    const mu = new Float64Array(len);
    const wantG = gTheta !== null;
    const gK = wantG ? Array.from({ length: this.nt }, () => new Float64Array(w * w)) : [];
    const gb = wantG ? Array.from({ length: this.nt }, () => new Float64Array(w)) : [];
    const gKm = new Float64Array(w * w);
    const gbm = new Float64Array(w);
    /**
     * One adjoint stage, fused: with the previous stage's μ (when prevMu), lamNew += μ; the stage
     * adjoint a = cL·λ + cM·μ; G = D ⊙ a; gbacc += G·1 — one sweep; then gKacc += G·Yinᵀ and
     * μ ← Kᵀ G by GEMM.
     */
    const stage = (
      D: Float64Array | null,
      Yin: Float64Array,
      Km: Float64Array,
      gKacc: Float64Array | null,
      gbacc: Float64Array | null,
      cL: number,
      cM: number,
      prevMu: boolean,
    ): void => {
      for (let j = 0, o = 0; j < n; j++, o += w)
        for (let i = 0; i < w; i++) {
          const q = o + i;
          let a = cL * lam[q];
          if (prevMu) {
            const m = mu[q];
            lamNew[q] += m;
            a += cM * m;
          }
          const g = D === null ? a : D[q] * a;
          G[q] = g;
          if (gbacc !== null) gbacc[i] += g;
        }
      if (gKacc !== null) kern.dgemm("N", "T", w, w, n, 1, G, w, Yin, w, 1, gKacc, w);
      kern.dgemm("T", "N", w, n, w, 1, Km, w, G, w, 0, mu, w);
    };
    for (let t = this.nt - 2; t >= 0; t--) {
      const st = s.steps[t];
      lamNew.set(lam);
      if (wantG) {
        gKm.fill(0);
        gbm.fill(0);
      }
      stage(st.D4, st.Y4, s.K[t + 1], wantG ? gK[t + 1] : null, wantG ? gb[t + 1] : null, h / 6, 0, false);
      stage(st.D3, st.Y3, s.Kmid[t], wantG ? gKm : null, wantG ? gbm : null, h / 3, h, true);
      stage(st.D2, st.Y2, s.Kmid[t], wantG ? gKm : null, wantG ? gbm : null, h / 3, h / 2, true);
      stage(st.D1, s.Ys[t], s.K[t], wantG ? gK[t] : null, wantG ? gb[t] : null, h / 6, h / 2, true);
      for (let q = 0; q < len; q++) lamNew[q] += mu[q];
      if (wantG) {
        for (let i = 0; i < w * w; i++) {
          gK[t][i] += 0.5 * gKm[i];
          gK[t + 1][i] += 0.5 * gKm[i];
        }
        for (let i = 0; i < w; i++) {
          gb[t][i] += 0.5 * gbm[i];
          gb[t + 1][i] += 0.5 * gbm[i];
        }
      }
      const tmp = lam;
      lam = lamNew;
      lamNew = tmp;
    }
    if (gTheta !== null) {
      for (let k = 0; k < this.nt; k++) {
        const [ga, gbv] = this.pointViews(gTheta, k);
        this.gatherK(gK[k], ga);
        gbv.set(gb[k]);
      }
    }
    return wantInput ? lam : null;
  }

  /** L: forward difference in time over the weight grid, scaled by 1/h (see the header). */
  regOperator(): LinearOperator {
    const p = this.pPoint;
    const nt = this.nt;
    const inv = 1 / this.h;
    return {
      rows: (nt - 1) * p,
      cols: nt * p,
      apply(x: Float64Array, out: Float64Array): void {
        for (let k = 0; k + 1 < nt; k++)
          for (let i = 0; i < p; i++) out[k * p + i] = inv * (x[(k + 1) * p + i] - x[k * p + i]);
      },
      applyT(y: Float64Array, out: Float64Array): void {
        for (let k = 0; k < nt; k++)
          for (let i = 0; i < p; i++) {
            let v = 0;
            if (k >= 1) v += y[(k - 1) * p + i];
            if (k + 1 < nt) v -= y[k * p + i];
            out[k * p + i] = inv * v;
          }
      },
    };
  }

  toJSON(): LayerSpec {
    return { type: "antisymResNet", width: this.width, nt: this.nt, T: this.T, eps: this.eps, act: this.act };
  }
}
