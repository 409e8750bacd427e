/**
 * Banded factorisations and solves in LAPACK band storage (column-major, no validation here).
 * dpbtrf/dpbtrs: SPD band Cholesky. dgbtrf/dgbtrs: LU with partial pivoting, the same storage and
 * pivot convention as LAPACK's dgbtf2/dgbtrs (1-based ipiv, multipliers stored unpermuted).
 */
import type { Trans, Uplo } from "../types.js";

/** Band Cholesky in place. Returns 0 or the 1-based order of the first non-positive leading minor. */
export function pbtrf(uplo: Uplo, n: number, kd: number, AB: Float64Array, ldab: number): number {
  if (uplo === "L") {
    // L(i, j) at AB[i - j + j*ldab], j ≤ i ≤ j + kd
    for (let j = 0; j < n; j++) {
      const cj = j * ldab;
      const d = AB[cj];
      if (!(d > 0)) return j + 1;
      const ljj = Math.sqrt(d);
      AB[cj] = ljj;
      const last = Math.min(n - 1, j + kd);
      const inv = 1 / ljj;
      for (let i = j + 1; i <= last; i++) AB[cj + i - j] *= inv;
      // trailing update A(i, c) -= L(i, j) L(c, j) for j < c ≤ i ≤ last
      for (let c = j + 1; c <= last; c++) {
        const lcj = AB[cj + c - j];
        if (lcj === 0) continue;
        const cc = c * ldab;
        for (let i = c; i <= last; i++) AB[cc + i - c] -= AB[cj + i - j] * lcj;
      }
    }
  } else {
    // U(i, j) at AB[kd + i - j + j*ldab], j - kd ≤ i ≤ j
    for (let j = 0; j < n; j++) {
      const cj = j * ldab;
      const d = AB[cj + kd];
      if (!(d > 0)) return j + 1;
      const ujj = Math.sqrt(d);
      AB[cj + kd] = ujj;
      const last = Math.min(n - 1, j + kd);
      const inv = 1 / ujj;
      for (let c = j + 1; c <= last; c++) AB[c * ldab + kd + j - c] *= inv;
      for (let c = j + 1; c <= last; c++) {
        const cc = c * ldab;
        const ujc = AB[cc + kd + j - c];
        if (ujc === 0) continue;
        for (let i = j + 1; i <= c; i++) AB[cc + kd + i - c] -= AB[i * ldab + kd + j - i] * ujc;
      }
    }
  }
  return 0;
}

/** Solve A X = B with the band Cholesky factor; B (n×nrhs) overwritten. */
export function pbtrs(
  uplo: Uplo,
  n: number,
  kd: number,
  nrhs: number,
  AB: Float64Array,
  ldab: number,
  B: Float64Array,
  ldb: number,
): void {
  for (let r = 0; r < nrhs; r++) {
    const x = r * ldb;
    if (uplo === "L") {
      for (let j = 0; j < n; j++) {
        const cj = j * ldab;
        const xj = (B[x + j] /= AB[cj]);
        const last = Math.min(n - 1, j + kd);
        for (let i = j + 1; i <= last; i++) B[x + i] -= AB[cj + i - j] * xj;
      }
      for (let j = n - 1; j >= 0; j--) {
        const cj = j * ldab;
        let s = B[x + j];
        const last = Math.min(n - 1, j + kd);
        for (let i = j + 1; i <= last; i++) s -= AB[cj + i - j] * B[x + i];
        B[x + j] = s / AB[cj];
      }
    } else {
      for (let j = 0; j < n; j++) {
        const cj = j * ldab;
        let s = B[x + j];
        for (let i = Math.max(0, j - kd); i < j; i++) s -= AB[cj + kd + i - j] * B[x + i];
        B[x + j] = s / AB[cj + kd];
      }
      for (let j = n - 1; j >= 0; j--) {
        const cj = j * ldab;
        const xj = (B[x + j] /= AB[cj + kd]);
        for (let i = Math.max(0, j - kd); i < j; i++) B[x + i] -= AB[cj + kd + i - j] * xj;
      }
    }
  }
}

/**
 * Banded LU with partial pivoting (LAPACK dgbtf2). A(i, j) at AB[kl + ku + i - j + j*ldab].
 * Returns 0, or the 1-based index of the first exactly zero pivot U(j, j) (the factorisation is completed).
 */
export function gbtrf(
  n: number,
  kl: number,
  ku: number,
  AB: Float64Array,
  ldab: number,
  ipiv: Int32Array,
): number {
  const kv = ku + kl;
  let info = 0;
  // zero the fill-in rows of the first columns
  for (let j = ku + 1; j < Math.min(kv, n); j++) for (let i = kv - j; i < kl; i++) AB[i + j * ldab] = 0;
  let ju = 0; // last column touched by U so far
  for (let j = 0; j < n; j++) {
    const cj = j * ldab;
    if (j + kv < n) for (let i = 0; i < kl; i++) AB[i + (j + kv) * ldab] = 0;
    const km = Math.min(kl, n - 1 - j);
    let jp = 0;
    let big = Math.abs(AB[cj + kv]);
    for (let i = 1; i <= km; i++) {
      const v = Math.abs(AB[cj + kv + i]);
      if (v > big) {
        big = v;
        jp = i;
      }
    }
    ipiv[j] = j + jp + 1;
    if (AB[cj + kv + jp] !== 0) {
      ju = Math.max(ju, Math.min(j + ku + jp, n - 1));
      if (jp !== 0) {
        for (let c = j; c <= ju; c++) {
          const a = kv + j + jp - c + c * ldab;
          const b = kv + j - c + c * ldab;
          const t = AB[a];
          AB[a] = AB[b];
          AB[b] = t;
        }
      }
      if (km > 0) {
        const inv = 1 / AB[cj + kv];
        for (let i = 1; i <= km; i++) AB[cj + kv + i] *= inv;
        for (let c = j + 1; c <= ju; c++) {
          const u = AB[kv + j - c + c * ldab];
          if (u === 0) continue;
          const base = kv + j - c + c * ldab;
          for (let i = 1; i <= km; i++) AB[base + i] -= AB[cj + kv + i] * u;
        }
      }
    } else if (info === 0) {
      info = j + 1;
    }
  }
  return info;
}

/** Solve op(A) X = B with the factor from gbtrf; B (n×nrhs) overwritten. */
export function gbtrs(
  trans: Trans,
  n: number,
  kl: number,
  ku: number,
  nrhs: number,
  AB: Float64Array,
  ldab: number,
  ipiv: Int32Array,
  B: Float64Array,
  ldb: number,
): void {
  const kv = kl + ku;
  for (let r = 0; r < nrhs; r++) {
    const x = r * ldb;
    if (trans === "N") {
      // L⁻¹ P b, then U x = y
      for (let j = 0; j < n - 1 && kl > 0; j++) {
        const lm = Math.min(kl, n - 1 - j);
        const l = ipiv[j] - 1;
        if (l !== j) {
          const t = B[x + l];
          B[x + l] = B[x + j];
          B[x + j] = t;
        }
        const bj = B[x + j];
        if (bj !== 0) for (let i = 1; i <= lm; i++) B[x + j + i] -= AB[j * ldab + kv + i] * bj;
      }
      for (let j = n - 1; j >= 0; j--) {
        const cj = j * ldab;
        const xj = (B[x + j] /= AB[cj + kv]);
        for (let i = Math.max(0, j - kv); i < j; i++) B[x + i] -= AB[cj + kv + i - j] * xj;
      }
    } else {
      // Uᵀ y = b, then Lᵀ with the interchanges in reverse
      for (let j = 0; j < n; j++) {
        const cj = j * ldab;
        let s = B[x + j];
        for (let i = Math.max(0, j - kv); i < j; i++) s -= AB[cj + kv + i - j] * B[x + i];
        B[x + j] = s / AB[cj + kv];
      }
      for (let j = n - 2; j >= 0 && kl > 0; j--) {
        const lm = Math.min(kl, n - 1 - j);
        let s = B[x + j];
        for (let i = 1; i <= lm; i++) s -= AB[j * ldab + kv + i] * B[x + j + i];
        B[x + j] = s;
        const l = ipiv[j] - 1;
        if (l !== j) {
          const t = B[x + l];
          B[x + l] = B[x + j];
          B[x + j] = t;
        }
      }
    }
  }
}
