/**
 * Regularisers of GNVPRO.md §1:  (α_W/2) ‖W‖²_F  +  (α_θ/2) ‖L θ‖².
 *
 * L is a LinearOperator (src/layers/types.ts): the identity, or what a network's `regOperator()`
 * returns (identity on ordinary weights, a finite difference in time on time-dependent ResNet
 * weights). `timeDifferenceOperator` and `blockDiagonalOperator` build such operators.
 */
import type { LinearOperator } from "../layers/types.js";

/** The identity on R^n. */
export function identityOperator(n: number): LinearOperator {
  if (!Number.isInteger(n) || n < 0) throw new Error(`identityOperator: bad size ${n}`);
  return {
    rows: n,
    cols: n,
    apply(x, out) {
      out.set(x.subarray(0, n));
    },
    applyT(y, out) {
      out.set(y.subarray(0, n));
    },
  };
}

/**
 * Finite difference in time for weights stored as `points` consecutive blocks of `blockSize` numbers
 * (θ = [θ_0; θ_1; …; θ_{P−1}]): (Lθ)_k = (θ_{k+1} − θ_k) / √h for k = 0 … P−2, with h the spacing
 * between weight time points (so that ‖Lθ‖² ≈ ∫ ‖∂θ/∂t‖² dt). P = 1 gives a 0-row operator.
 */
export function timeDifferenceOperator(blockSize: number, points: number, h = 1): LinearOperator {
  if (!Number.isInteger(blockSize) || blockSize < 0 || !Number.isInteger(points) || points < 1)
    throw new Error(`timeDifferenceOperator: bad shape blockSize=${blockSize}, points=${points}`);
  if (!(h > 0)) throw new Error(`timeDifferenceOperator: spacing h must be > 0, got ${h}`);
  const w = 1 / Math.sqrt(h);
  const rows = blockSize * (points - 1);
  return {
    rows,
    cols: blockSize * points,
    apply(x, out) {
      for (let k = 0; k < rows; k++) out[k] = w * (x[k + blockSize] - x[k]);
    },
    applyT(y, out) {
      out.fill(0, 0, blockSize * points);
      for (let k = 0; k < rows; k++) {
        out[k + blockSize] += w * y[k];
        out[k] -= w * y[k];
      }
    },
  };
}

/** diag(L_1, L_2, …): each operator acts on its own consecutive slice of θ. */
export function blockDiagonalOperator(blocks: readonly LinearOperator[]): LinearOperator {
  let rows = 0;
  let cols = 0;
  for (const b of blocks) {
    rows += b.rows;
    cols += b.cols;
  }
  return {
    rows,
    cols,
    apply(x, out) {
      let r = 0;
      let c = 0;
      for (const b of blocks) {
        b.apply(x.subarray(c, c + b.cols), out.subarray(r, r + b.rows));
        r += b.rows;
        c += b.cols;
      }
    },
    applyT(y, out) {
      let r = 0;
      let c = 0;
      for (const b of blocks) {
        b.applyT(y.subarray(r, r + b.rows), out.subarray(c, c + b.cols));
        r += b.rows;
        c += b.cols;
      }
    },
  };
}

/** (α/2) ‖L θ‖² with its gradient α LᵀLθ and Hessian α LᵀL. */
export class ThetaRegularizer {
  readonly L: LinearOperator;
  readonly alpha: number;
  private readonly tmp: Float64Array;

  constructor(alpha: number, L: LinearOperator) {
    if (!(alpha >= 0) || !Number.isFinite(alpha))
      throw new Error(`ThetaRegularizer: α_θ must be finite and ≥ 0, got ${alpha}`);
    this.alpha = alpha;
    this.L = L;
    this.tmp = new Float64Array(L.rows);
  }

  /** √α L θ (rows(L) entries): the regulariser's block of a least-squares residual. */
  residual(theta: Float64Array): Float64Array {
    const r = new Float64Array(this.L.rows);
    if (this.alpha === 0) return r;
    this.L.apply(theta, r);
    const s = Math.sqrt(this.alpha);
    for (let k = 0; k < r.length; k++) r[k] *= s;
    return r;
  }

  value(theta: Float64Array): number {
    if (this.alpha === 0) return 0;
    this.L.apply(theta, this.tmp);
    let s = 0;
    for (let k = 0; k < this.tmp.length; k++) s += this.tmp[k] * this.tmp[k];
    return 0.5 * this.alpha * s;
  }

  /** out += α LᵀL v (the gradient when v = θ, the Hessian product otherwise). */
  addHessVec(v: Float64Array, out: Float64Array): void {
    if (this.alpha === 0) return;
    this.L.apply(v, this.tmp);
    const g = new Float64Array(this.L.cols);
    this.L.applyT(this.tmp, g);
    for (let k = 0; k < g.length; k++) out[k] += this.alpha * g[k];
  }

  /** out += √α Lᵀ y for y with rows(L) entries (the transpose of `residual`'s Jacobian). */
  addResidualT(y: Float64Array, out: Float64Array): void {
    if (this.alpha === 0) return;
    const g = new Float64Array(this.L.cols);
    this.L.applyT(y, g);
    const s = Math.sqrt(this.alpha);
    for (let k = 0; k < g.length; k++) out[k] += s * g[k];
  }

  /** √α L v (the Jacobian of `residual` applied to v). */
  residualJvp(v: Float64Array): Float64Array {
    return this.residual(v);
  }
}

/** (α_W/2) ‖W‖²_F. */
export function tikhonovValue(alphaW: number, W: Float64Array): number {
  let s = 0;
  for (let k = 0; k < W.length; k++) s += W[k] * W[k];
  return 0.5 * alphaW * s;
}
