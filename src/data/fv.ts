/**
 * Cell-centred finite volumes on the unit square, shared by the CDR and DCR generators.
 *
 * Grid: N×N square cells of side h = 1/N; cell (i, j) has centre ((i+½)h, (j+½)h) and index
 * k = i + j·N (natural ordering, x fastest), so a 5-point operator has bandwidth N.
 *
 * Operators are 5-point stencils in "per unit volume" form: the cell balance (flux sum over the
 * cell's faces) divided by the cell area h², so that (A u)_k approximates the differential
 * operator at the cell centre. Boundary faces carry no flux (homogeneous Neumann / no-flux).
 *
 *   diffusion  −∇·(a∇u):   face flux a_f (u_L − u_R)/h over a face of length h, i.e. coupling a_f/h²
 *   convection  ∇·(v u):   upwind face flux w⁺u_L − w⁻u_R (w the face-normal velocity, L→R)
 *
 * Both are conservative (every face flux leaves one cell and enters the other), so the column
 * sums of the assembled matrix are exactly zero (mass conservation); the diffusion part is
 * symmetric, the upwind part has non-positive off-diagonals (an M-matrix after adding a
 * positive diagonal), which is what keeps backward Euler positivity-preserving.
 */

export class Grid2D {
  /** Cells per side. */
  readonly n: number;
  /** Cell side 1/n. */
  readonly h: number;
  /** Number of cells n². */
  readonly cells: number;

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 2) throw new Error(`Grid2D: grid size must be an integer ≥ 2, got ${n}`);
    this.n = n;
    this.h = 1 / n;
    this.cells = n * n;
  }

  /** x (or y) coordinate of the centre of cell column (or row) i. */
  centre(i: number): number {
    return (i + 0.5) * this.h;
  }

  /** Evaluate f at every cell centre (natural ordering). */
  cellValues(f: (x: number, y: number) => number): Float64Array {
    const out = new Float64Array(this.cells);
    for (let j = 0; j < this.n; j++) {
      const y = this.centre(j);
      for (let i = 0; i < this.n; i++) out[i + j * this.n] = f(this.centre(i), y);
    }
    return out;
  }

  /** The cell containing the point (x, y) of the closed unit square. */
  cellOf(x: number, y: number): number {
    if (!(x >= 0 && x <= 1 && y >= 0 && y <= 1))
      throw new Error(`Grid2D.cellOf: point (${x}, ${y}) is outside the unit square`);
    const i = Math.min(this.n - 1, Math.floor(x * this.n));
    const j = Math.min(this.n - 1, Math.floor(y * this.n));
    return i + j * this.n;
  }
}

/**
 * A 5-point operator: (A u)_k = c_k u_k + e_k u_{k+1} + w_k u_{k−1} + no_k u_{k+N} + s_k u_{k−N},
 * with coefficients towards missing neighbours (outside the square) always zero.
 */
export interface Stencil5 {
  n: number;
  c: Float64Array;
  e: Float64Array;
  w: Float64Array;
  no: Float64Array;
  s: Float64Array;
}

export function emptyStencil(grid: Grid2D): Stencil5 {
  const m = grid.cells;
  return {
    n: grid.n,
    c: new Float64Array(m),
    e: new Float64Array(m),
    w: new Float64Array(m),
    no: new Float64Array(m),
    s: new Float64Array(m),
  };
}

export function cloneStencil(st: Stencil5): Stencil5 {
  return { n: st.n, c: st.c.slice(), e: st.e.slice(), w: st.w.slice(), no: st.no.slice(), s: st.s.slice() };
}

/**
 * Interior face values. x-faces: (N−1)·N values, entry i + j(N−1) for the face between cells
 * (i, j) and (i+1, j). y-faces: N·(N−1) values, entry i + jN for the face between (i, j) and (i, j+1).
 */
export interface FaceField {
  x: Float64Array;
  y: Float64Array;
}

function checkFaces(op: string, grid: Grid2D, f: FaceField): void {
  const want = (grid.n - 1) * grid.n;
  if (f.x.length !== want || f.y.length !== want)
    throw new Error(`${op}: face arrays must have ${want} entries for a ${grid.n}×${grid.n} grid`);
}

/** Harmonic averages 2ab/(a+b) of a positive cell field at the interior faces (exact for layered media). */
export function harmonicFaces(grid: Grid2D, a: Float64Array): FaceField {
  if (a.length !== grid.cells)
    throw new Error(`harmonicFaces: field has ${a.length} values, grid has ${grid.cells} cells`);
  const n = grid.n;
  const x = new Float64Array((n - 1) * n);
  const y = new Float64Array((n - 1) * n);
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n - 1; i++) {
      const p = a[i + j * n];
      const q = a[i + 1 + j * n];
      x[i + j * (n - 1)] = (2 * p * q) / (p + q);
    }
  for (let j = 0; j < n - 1; j++)
    for (let i = 0; i < n; i++) {
      const p = a[i + j * n];
      const q = a[i + (j + 1) * n];
      y[i + j * n] = (2 * p * q) / (p + q);
    }
  return { x, y };
}

/** A constant face field. */
export function constantFaces(grid: Grid2D, value: number): FaceField {
  const m = (grid.n - 1) * grid.n;
  return { x: new Float64Array(m).fill(value), y: new Float64Array(m).fill(value) };
}

/** st += −∇·(a∇·) with face coefficients a (two-point fluxes, no flux through the boundary). */
export function addDiffusion(st: Stencil5, grid: Grid2D, a: FaceField): void {
  checkFaces("addDiffusion", grid, a);
  const n = grid.n;
  const s2 = 1 / (grid.h * grid.h);
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n - 1; i++) {
      const t = a.x[i + j * (n - 1)] * s2;
      const L = i + j * n;
      st.c[L] += t;
      st.c[L + 1] += t;
      st.e[L] -= t;
      st.w[L + 1] -= t;
    }
  for (let j = 0; j < n - 1; j++)
    for (let i = 0; i < n; i++) {
      const t = a.y[i + j * n] * s2;
      const L = i + j * n;
      st.c[L] += t;
      st.c[L + n] += t;
      st.no[L] -= t;
      st.s[L + n] -= t;
    }
}

/**
 * st += ∇·(v ·) with first-order upwind face fluxes; `v` holds the face-normal velocities
 * (positive towards +x at x-faces, towards +y at y-faces). Boundary faces carry no flux.
 */
export function addUpwindConvection(st: Stencil5, grid: Grid2D, v: FaceField): void {
  checkFaces("addUpwindConvection", grid, v);
  const n = grid.n;
  const ih = 1 / grid.h;
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n - 1; i++) {
      const wv = v.x[i + j * (n - 1)];
      const wp = Math.max(wv, 0) * ih;
      const wm = Math.max(-wv, 0) * ih;
      const L = i + j * n;
      st.c[L] += wp;
      st.e[L] -= wm;
      st.w[L + 1] -= wp;
      st.c[L + 1] += wm;
    }
  for (let j = 0; j < n - 1; j++)
    for (let i = 0; i < n; i++) {
      const wv = v.y[i + j * n];
      const wp = Math.max(wv, 0) * ih;
      const wm = Math.max(-wv, 0) * ih;
      const L = i + j * n;
      st.c[L] += wp;
      st.no[L] -= wm;
      st.s[L + n] -= wp;
      st.c[L + n] += wm;
    }
}

/**
 * Face-normal velocities of v = (∂ψ/∂y, −∂ψ/∂x) averaged over each face, from the stream function
 * at the cell corners: exactly (up to rounding) divergence-free cell by cell, since the four
 * corner values telescope. Boundary faces are not represented (no flux through the boundary,
 * which is consistent when ψ vanishes on the boundary).
 */
export function streamFunctionVelocity(grid: Grid2D, psi: (x: number, y: number) => number): FaceField {
  const n = grid.n;
  const h = grid.h;
  const corner = new Float64Array((n + 1) * (n + 1));
  for (let j = 0; j <= n; j++) for (let i = 0; i <= n; i++) corner[i + j * (n + 1)] = psi(i * h, j * h);
  const P = (i: number, j: number): number => corner[i + j * (n + 1)];
  const x = new Float64Array((n - 1) * n);
  const y = new Float64Array((n - 1) * n);
  // x-face between cells (i, j), (i+1, j) lies at x = (i+1)h, from y = jh to (j+1)h.
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n - 1; i++) x[i + j * (n - 1)] = (P(i + 1, j + 1) - P(i + 1, j)) / h;
  // y-face between cells (i, j), (i, j+1) lies at y = (j+1)h, from x = ih to (i+1)h.
  for (let j = 0; j < n - 1; j++)
    for (let i = 0; i < n; i++) y[i + j * n] = -(P(i + 1, j + 1) - P(i, j + 1)) / h;
  return { x, y };
}

/** Discrete divergence (outflow per unit area) of a face velocity field, per cell. */
export function faceDivergence(grid: Grid2D, v: FaceField): Float64Array {
  checkFaces("faceDivergence", grid, v);
  const n = grid.n;
  const out = new Float64Array(grid.cells);
  const ih = 1 / grid.h;
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n - 1; i++) {
      const f = v.x[i + j * (n - 1)] * ih;
      out[i + j * n] += f;
      out[i + 1 + j * n] -= f;
    }
  for (let j = 0; j < n - 1; j++)
    for (let i = 0; i < n; i++) {
      const f = v.y[i + j * n] * ih;
      out[i + j * n] += f;
      out[i + (j + 1) * n] -= f;
    }
  return out;
}

/** out = A u. */
export function applyStencil(
  st: Stencil5,
  u: Float64Array,
  out: Float64Array = new Float64Array(u.length),
): Float64Array {
  const n = st.n;
  const m = n * n;
  if (u.length !== m || out.length !== m) throw new Error(`applyStencil: vectors must have ${m} entries`);
  for (let k = 0; k < m; k++) {
    let v = st.c[k] * u[k];
    if (st.e[k] !== 0) v += st.e[k] * u[k + 1];
    if (st.w[k] !== 0) v += st.w[k] * u[k - 1];
    if (st.no[k] !== 0) v += st.no[k] * u[k + n];
    if (st.s[k] !== 0) v += st.s[k] * u[k - n];
    out[k] = v;
  }
  return out;
}

/** The stencil as a dense column-major m×m matrix (for tests on small grids). */
export function stencilToDense(st: Stencil5): Float64Array {
  const n = st.n;
  const m = n * n;
  const A = new Float64Array(m * m);
  for (let k = 0; k < m; k++) {
    A[k + k * m] += st.c[k];
    if (st.e[k] !== 0) A[k + (k + 1) * m] += st.e[k];
    if (st.w[k] !== 0) A[k + (k - 1) * m] += st.w[k];
    if (st.no[k] !== 0) A[k + (k + n) * m] += st.no[k];
    if (st.s[k] !== 0) A[k + (k - n) * m] += st.s[k];
  }
  return A;
}

/** A general band matrix in LAPACK dgbtrf storage (with room for the fill of partial pivoting). */
export interface GeneralBand {
  n: number;
  kl: number;
  ku: number;
  ldab: number;
  AB: Float64Array;
}

/**
 * The m×m matrix scale·A + diag(d) in dgbtrf band storage, kl = ku = N:
 * AB[kl + ku + i − j + j·ldab] = M(i, j), ldab = 2kl + ku + 1. `out` is reused when given.
 */
export function toGeneralBand(
  st: Stencil5,
  scale = 1,
  diag: Float64Array | null = null,
  out: GeneralBand | null = null,
): GeneralBand {
  const n = st.n;
  const m = n * n;
  const kl = n;
  const ku = n;
  const ldab = 2 * kl + ku + 1;
  const gb = out ?? { n: m, kl, ku, ldab, AB: new Float64Array(ldab * m) };
  if (gb.AB.length !== ldab * m || gb.kl !== kl || gb.ku !== ku)
    throw new Error("toGeneralBand: reused storage has the wrong shape");
  const AB = gb.AB;
  AB.fill(0);
  const d0 = kl + ku; // row offset of the diagonal
  for (let k = 0; k < m; k++) {
    // row k: M(k, k) at column k, M(k, k±1) at columns k±1, M(k, k±N) at columns k±N
    AB[d0 + k * ldab] = scale * st.c[k] + (diag === null ? 0 : diag[k]);
    if (k + 1 < m) AB[d0 - 1 + (k + 1) * ldab] = scale * st.e[k];
    if (k >= 1) AB[d0 + 1 + (k - 1) * ldab] = scale * st.w[k];
    if (k + n < m) AB[d0 - n + (k + n) * ldab] = scale * st.no[k];
    if (k >= n) AB[d0 + n + (k - n) * ldab] = scale * st.s[k];
  }
  return gb;
}

/** A symmetric band matrix in LAPACK dpbtrf "L" storage: AB[i − j + j·ldab] = A(i, j), j ≤ i ≤ j + kd. */
export interface SymBand {
  n: number;
  kd: number;
  ldab: number;
  AB: Float64Array;
}

/**
 * The lower band (kd = N) of a symmetric stencil. Throws if the stencil is not symmetric
 * (e_k must equal w_{k+1} and no_k must equal s_{k+N}, bit for bit).
 */
export function toSymBandLower(st: Stencil5, out: SymBand | null = null): SymBand {
  const n = st.n;
  const m = n * n;
  const kd = n;
  const ldab = kd + 1;
  const sb = out ?? { n: m, kd, ldab, AB: new Float64Array(ldab * m) };
  if (sb.AB.length !== ldab * m || sb.kd !== kd)
    throw new Error("toSymBandLower: reused storage has the wrong shape");
  const AB = sb.AB;
  AB.fill(0);
  for (let k = 0; k < m; k++) {
    AB[k * ldab] = st.c[k];
    if (k + 1 < m) {
      if (st.e[k] !== st.w[k + 1])
        throw new Error(`toSymBandLower: stencil not symmetric between cells ${k} and ${k + 1}`);
      AB[1 + k * ldab] = st.w[k + 1];
    }
    if (k + n < m) {
      if (st.no[k] !== st.s[k + n])
        throw new Error(`toSymBandLower: stencil not symmetric between cells ${k} and ${k + n}`);
      AB[n + k * ldab] = st.s[k + n];
    }
  }
  return sb;
}

/**
 * Ground cell g of a symmetric band matrix: zero its row and column, keep its diagonal. With the
 * matching right-hand-side entry set to 0 the solution has u_g = 0, and when the singular Neumann
 * system is consistent (right-hand side summing to zero) the other equations are those of the
 * original system, so the grounded solution is a solution of it.
 */
export function groundSymBand(sb: SymBand, g: number): void {
  const { AB, ldab, kd, n } = sb;
  if (!Number.isInteger(g) || g < 0 || g >= n)
    throw new Error(`groundSymBand: cell ${g} out of range 0..${n - 1}`);
  for (let r = 1; r <= kd; r++) {
    if (g + r < n) AB[r + g * ldab] = 0; // column g below the diagonal
    if (g - r >= 0) AB[r + (g - r) * ldab] = 0; // row g left of the diagonal
  }
}

/** Bilinear interpolation from cell centres: four (cell, weight) pairs per point. */
export interface Interpolator {
  points: number;
  idx: Int32Array;
  wt: Float64Array;
}

/**
 * Bilinear interpolation of cell-centred values at the given points of the unit square. Within
 * half a cell of the boundary the value is extended as a constant in the normal direction
 * (consistent with the no-flux boundary).
 */
export function bilinearInterpolator(
  grid: Grid2D,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
): Interpolator {
  if (xs.length !== ys.length) throw new Error("bilinearInterpolator: xs and ys differ in length");
  const P = xs.length;
  const idx = new Int32Array(4 * P);
  const wt = new Float64Array(4 * P);
  const n = grid.n;
  const axis = (t: number): [number, number, number] => {
    // position in "cell-centre index" coordinates, clamped to [0, n−1]
    const s = Math.min(n - 1, Math.max(0, t * n - 0.5));
    const i0 = Math.min(n - 2, Math.floor(s));
    return [i0, i0 + 1, s - i0];
  };
  for (let p = 0; p < P; p++) {
    const x = xs[p];
    const y = ys[p];
    if (!(x >= 0 && x <= 1 && y >= 0 && y <= 1))
      throw new Error(`bilinearInterpolator: point (${x}, ${y}) is outside the unit square`);
    const [i0, i1, fx] = axis(x);
    const [j0, j1, fy] = axis(y);
    idx[4 * p] = i0 + j0 * n;
    idx[4 * p + 1] = i1 + j0 * n;
    idx[4 * p + 2] = i0 + j1 * n;
    idx[4 * p + 3] = i1 + j1 * n;
    wt[4 * p] = (1 - fx) * (1 - fy);
    wt[4 * p + 1] = fx * (1 - fy);
    wt[4 * p + 2] = (1 - fx) * fy;
    wt[4 * p + 3] = fx * fy;
  }
  return { points: P, idx, wt };
}

/** out[off + p] = interpolated value at point p. */
export function interpolate(ip: Interpolator, u: Float64Array, out: Float64Array, off = 0): void {
  for (let p = 0; p < ip.points; p++) {
    let v = 0;
    for (let r = 0; r < 4; r++) v += ip.wt[4 * p + r] * u[ip.idx[4 * p + r]];
    out[off + p] = v;
  }
}

/** Points of a tensor grid: x = x0 + (x1−x0)·a/(nx−1) (x fastest), or cell-like centres when nx = 1. */
export function tensorPoints(
  nx: number,
  ny: number,
  x0: number,
  x1: number,
  y0: number,
  y1: number,
): { xs: Float64Array; ys: Float64Array } {
  const xs = new Float64Array(nx * ny);
  const ys = new Float64Array(nx * ny);
  for (let b = 0; b < ny; b++)
    for (let a = 0; a < nx; a++) {
      xs[a + b * nx] = nx === 1 ? (x0 + x1) / 2 : x0 + ((x1 - x0) * a) / (nx - 1);
      ys[a + b * nx] = ny === 1 ? (y0 + y1) / 2 : y0 + ((y1 - y0) * b) / (ny - 1);
    }
  return { xs, ys };
}
