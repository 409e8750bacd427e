/**
 * Thin SVD by one-sided (Hestenes) Jacobi rotations: correct, not fast. No validation here.
 *
 * For m ≥ n, rotations J are applied to the columns of W = A until they are mutually orthogonal
 * (|w_p·w_q| ≤ tol ‖w_p‖‖w_q‖); then A V = W with V = ΠJ, σ_j = ‖w_j‖, u_j = w_j / σ_j. For m < n
 * the same is done to Aᵀ. Columns with σ_j = 0 get orthonormal completions so U (and Vᵀ) always
 * have orthonormal columns (rows), as LAPACK's dgesvd.
 */

const EPS = 2.220446049250313e-16;
const MAX_SWEEPS = 60;

/**
 * One-sided Jacobi on the r×c matrix W (column-major, ld r, r ≥ c), in place. On return W holds
 * orthonormal columns (completed where σ = 0), V (c×c, ld c) the accumulated rotations and sig the
 * column norms; columns are not sorted.
 */
function jacobi(r: number, c: number, W: Float64Array, V: Float64Array, sig: Float64Array): void {
  V.fill(0);
  for (let j = 0; j < c; j++) V[j * c + j] = 1;
  const tol = EPS * Math.max(1, Math.sqrt(r));
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < c - 1; p++) {
      const cp = p * r;
      for (let q = p + 1; q < c; q++) {
        const cq = q * r;
        let a = 0;
        let b = 0;
        let g = 0;
        for (let i = 0; i < r; i++) {
          const x = W[cp + i];
          const y = W[cq + i];
          a += x * x;
          b += y * y;
          g += x * y;
        }
        if (g === 0 || Math.abs(g) <= tol * Math.sqrt(a) * Math.sqrt(b)) continue;
        rotated = true;
        const zeta = (b - a) / (2 * g);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.hypot(1, zeta));
        const cs = 1 / Math.hypot(1, t);
        const sn = cs * t;
        for (let i = 0; i < r; i++) {
          const x = W[cp + i];
          const y = W[cq + i];
          W[cp + i] = cs * x - sn * y;
          W[cq + i] = sn * x + cs * y;
        }
        const vp = p * c;
        const vq = q * c;
        for (let i = 0; i < c; i++) {
          const x = V[vp + i];
          const y = V[vq + i];
          V[vp + i] = cs * x - sn * y;
          V[vq + i] = sn * x + cs * y;
        }
      }
    }
    if (!rotated) break;
  }
  const zero: number[] = [];
  for (let j = 0; j < c; j++) {
    let s = 0;
    for (let i = 0; i < r; i++) s += W[j * r + i] * W[j * r + i];
    const nrm = Math.sqrt(s);
    sig[j] = nrm;
    if (nrm === 0 || !Number.isFinite(1 / nrm)) {
      sig[j] = nrm === 0 ? 0 : nrm;
      zero.push(j);
    } else {
      const inv = 1 / nrm;
      for (let i = 0; i < r; i++) W[j * r + i] *= inv;
    }
  }
  if (zero.length > 0) complete(r, c, W, zero);
}

/** Replace the columns listed in `cols` by unit vectors orthogonal to all the other columns. */
function complete(r: number, c: number, W: Float64Array, cols: number[]): void {
  const bad = new Set(cols);
  const done: number[] = [];
  for (let j = 0; j < c; j++) if (!bad.has(j)) done.push(j);
  const v = new Float64Array(r);
  let e = 0; // next unit vector to try
  for (const j of cols) {
    for (; e < r; e++) {
      v.fill(0);
      v[e] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (const d of done) {
          let s = 0;
          for (let i = 0; i < r; i++) s += W[d * r + i] * v[i];
          for (let i = 0; i < r; i++) v[i] -= s * W[d * r + i];
        }
      }
      let s = 0;
      for (let i = 0; i < r; i++) s += v[i] * v[i];
      const nrm = Math.sqrt(s);
      if (nrm > 0.5) {
        for (let i = 0; i < r; i++) W[j * r + i] = v[i] / nrm;
        done.push(j);
        e++;
        break;
      }
    }
  }
}

/**
 * Jacobi preconditioned by a Householder QR when W is much taller than wide (r > 2c): W = Q R, the
 * Jacobi rotations run on the c×c R (R V = Ū Σ), and W's orthonormal factor is Q [Ū; 0]. Same
 * results as jacobi() at O(r c²) instead of O(sweeps · r c²).
 */
function jacobiTall(r: number, c: number, W: Float64Array, V: Float64Array, sig: Float64Array): void {
  if (r <= 2 * c) {
    jacobi(r, c, W, V, sig);
    return;
  }
  const tau = new Float64Array(c);
  for (let j = 0; j < c; j++) {
    const cj = j * r;
    let xn = 0;
    for (let i = j + 1; i < r; i++) xn += W[cj + i] * W[cj + i];
    xn = Math.sqrt(xn);
    const alpha = W[cj + j];
    if (xn === 0) {
      tau[j] = 0;
      continue;
    }
    const beta = -(alpha >= 0 ? 1 : -1) * Math.hypot(alpha, xn);
    tau[j] = (beta - alpha) / beta;
    const scale = 1 / (alpha - beta);
    for (let i = j + 1; i < r; i++) W[cj + i] *= scale;
    W[cj + j] = beta;
    // apply H_j = I − τ v vᵀ (v = [1; W[j+1.., j]]) to the columns on the right
    for (let k = j + 1; k < c; k++) {
      const ck = k * r;
      let w = W[ck + j];
      for (let i = j + 1; i < r; i++) w += W[cj + i] * W[ck + i];
      w *= tau[j];
      W[ck + j] -= w;
      for (let i = j + 1; i < r; i++) W[ck + i] -= w * W[cj + i];
    }
  }
  const R = new Float64Array(c * c);
  for (let j = 0; j < c; j++) for (let i = 0; i <= j; i++) R[i + j * c] = W[i + j * r];
  jacobi(c, c, R, V, sig);
  // W ← Q [Ū; 0], applying H_{c-1} … H_0 to [Ū; 0] (the reflectors' v are below W's diagonal)
  const Y = new Float64Array(r * c);
  for (let k = 0; k < c; k++) for (let i = 0; i < c; i++) Y[i + k * r] = R[i + k * c];
  for (let j = c - 1; j >= 0; j--) {
    if (tau[j] === 0) continue;
    const cj = j * r;
    for (let k = 0; k < c; k++) {
      const ck = k * r;
      let w = Y[ck + j];
      for (let i = j + 1; i < r; i++) w += W[cj + i] * Y[ck + i];
      w *= tau[j];
      Y[ck + j] -= w;
      for (let i = j + 1; i < r; i++) Y[ck + i] -= w * W[cj + i];
    }
  }
  W.set(Y);
}

/** A = U diag(S) Vᵀ, thin, S descending; A is not modified (the backend contract allows it). */
export function gesvd(
  m: number,
  n: number,
  A: Float64Array,
  lda: number,
  S: Float64Array,
  U: Float64Array,
  ldu: number,
  VT: Float64Array,
  ldvt: number,
): void {
  const p = Math.min(m, n);
  if (p === 0) return;
  const tall = m >= n;
  const r = tall ? m : n;
  const c = p;
  const W = new Float64Array(r * c);
  if (tall) for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) W[j * m + i] = A[j * lda + i];
  else for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) W[i * n + j] = A[j * lda + i];
  const V = new Float64Array(c * c);
  const sig = new Float64Array(c);
  jacobiTall(r, c, W, V, sig);
  const order = Array.from({ length: c }, (_, j) => j).sort((x, y) => sig[y] - sig[x] || x - y);
  for (let k = 0; k < c; k++) {
    const j = order[k];
    S[k] = sig[j];
    if (tall) {
      // U[:, k] = W[:, j] (m), VT[k, :] = V[:, j]ᵀ (n = c)
      for (let i = 0; i < m; i++) U[k * ldu + i] = W[j * m + i];
      for (let i = 0; i < n; i++) VT[i * ldvt + k] = V[j * c + i];
    } else {
      // Aᵀ = W Σ Vᵀ  ⇒  A = V Σ Wᵀ: U[:, k] = V[:, j] (m = c), VT[k, :] = W[:, j]ᵀ (n)
      for (let i = 0; i < m; i++) U[k * ldu + i] = V[j * c + i];
      for (let i = 0; i < n; i++) VT[i * ldvt + k] = W[j * n + i];
    }
  }
}
