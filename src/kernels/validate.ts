/**
 * Argument validation shared by both kernel backends. Every check runs before any arithmetic (and,
 * for the native backend, before any native call), so a bad argument is a thrown Error naming the
 * operation and the shapes, never a wrong answer or an out-of-bounds native access.
 * No Node-only imports: this module is part of the browser-safe js backend.
 */
import type { Diag, Side, Trans, Uplo } from "./types.js";

type Typed = Float64Array | Float32Array | Int32Array;

/** Largest dimension passed to the native code (a C `int`). */
const INT_MAX = 2147483647;

function fail(op: string, msg: string): never {
  throw new Error(`${op}: ${msg}`);
}

/** Elements a column-major rows×cols matrix with leading dimension ld occupies. */
export function extent(rows: number, cols: number, ld: number): number {
  return rows === 0 || cols === 0 ? 0 : (cols - 1) * ld + rows;
}

export function checkTrans(op: string, name: string, v: unknown): asserts v is Trans {
  if (v !== "N" && v !== "T") fail(op, `${name} must be "N" or "T", got ${JSON.stringify(v)}`);
}
export function checkUplo(op: string, v: unknown): asserts v is Uplo {
  if (v !== "U" && v !== "L") fail(op, `uplo must be "U" or "L", got ${JSON.stringify(v)}`);
}
export function checkSide(op: string, v: unknown): asserts v is Side {
  if (v !== "L" && v !== "R") fail(op, `side must be "L" or "R", got ${JSON.stringify(v)}`);
}
export function checkDiag(op: string, v: unknown): asserts v is Diag {
  if (v !== "N" && v !== "U") fail(op, `diag must be "N" or "U", got ${JSON.stringify(v)}`);
}

export function checkDim(op: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > INT_MAX)
    fail(op, `${name} must be an integer in [0, 2^31), got ${v}`);
}

export function checkScalar(op: string, name: string, v: number): void {
  if (typeof v !== "number" || !Number.isFinite(v)) fail(op, `${name} must be a finite number, got ${v}`);
}

function typeName(a: unknown): string {
  if (a === null) return "null";
  if (typeof a !== "object") return typeof a;
  return (a as object).constructor?.name ?? "object";
}

/**
 * A rows×cols column-major matrix `name` with leading dimension ld stored in `arr`, whose element type
 * must be `ctor`: checks the type, ld ≥ max(1, rows) and the array length.
 */
export function checkMatrix(
  op: string,
  name: string,
  arr: unknown,
  ctor: typeof Float64Array | typeof Float32Array,
  rows: number,
  cols: number,
  ld: number,
): void {
  if (!(arr instanceof ctor)) fail(op, `${name} must be a ${ctor.name}, got ${typeName(arr)}`);
  if (!Number.isInteger(ld) || ld < Math.max(1, rows) || ld > INT_MAX)
    fail(
      op,
      `${name} is ${rows}×${cols}: its leading dimension must be an integer ≥ ${Math.max(1, rows)}, got ${ld}`,
    );
  const need = extent(rows, cols, ld);
  if (arr.length < need)
    fail(
      op,
      `${name} is ${rows}×${cols} with leading dimension ${ld}: needs ${need} elements, has ${arr.length}`,
    );
}

/** The predicate behind checkMatrix, without building any message. */
function matrixOk(
  arr: unknown,
  ctor: typeof Float64Array | typeof Float32Array,
  rows: number,
  cols: number,
  ld: number,
): boolean {
  return (
    arr instanceof ctor &&
    Number.isInteger(ld) &&
    ld >= Math.max(1, rows) &&
    ld <= INT_MAX &&
    arr.length >= extent(rows, cols, ld)
  );
}

/** Byte range [start, end) of the first `len` elements of arr within its buffer. */
function byteRange(arr: Typed, len: number): [number, number] {
  return [arr.byteOffset, arr.byteOffset + len * arr.BYTES_PER_ELEMENT];
}

/** Throws if the first lenA elements of a and the first lenB elements of b share memory. */
export function checkNoOverlap(
  op: string,
  nameA: string,
  a: Typed,
  lenA: number,
  nameB: string,
  b: Typed,
  lenB: number,
): void {
  if (lenA === 0 || lenB === 0 || a.buffer !== b.buffer) return;
  const [a0, a1] = byteRange(a, lenA);
  const [b0, b1] = byteRange(b, lenB);
  if (a0 < b1 && b0 < a1) fail(op, `${nameA} and ${nameB} overlap in memory (aliasing is not allowed here)`);
}

/** Throws if an entry of the rows×cols matrix (or, with uplo, only its uplo triangle) is NaN or ±Inf. */
export function checkFinite(
  op: string,
  name: string,
  A: Float64Array,
  rows: number,
  cols: number,
  ld: number,
  uplo?: Uplo,
): void {
  for (let j = 0; j < cols; j++) {
    const i0 = uplo === "L" ? j : 0;
    const i1 = uplo === "U" ? Math.min(j + 1, rows) : rows;
    const cj = j * ld;
    for (let i = i0; i < i1; i++) {
      const v = A[cj + i];
      if (!Number.isFinite(v))
        fail(op, `${name} (${rows}×${cols}) has a non-finite entry ${v} at (${i}, ${j})`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Per-operation validators (the shapes named in the messages are the mathematical ones).

export function validateGemm(
  op: "dgemm" | "sgemm",
  ctor: typeof Float64Array | typeof Float32Array,
  transA: Trans,
  transB: Trans,
  m: number,
  n: number,
  k: number,
  alpha: number,
  A: Float64Array | Float32Array,
  lda: number,
  B: Float64Array | Float32Array,
  ldb: number,
  beta: number,
  C: Float64Array | Float32Array,
  ldc: number,
): void {
  checkTrans(op, "transA", transA);
  checkTrans(op, "transB", transB);
  checkDim(op, "m", m);
  checkDim(op, "n", n);
  checkDim(op, "k", k);
  checkScalar(op, "alpha", alpha);
  checkScalar(op, "beta", beta);
  const [ar, ac] = transA === "N" ? [m, k] : [k, m];
  const [br, bc] = transB === "N" ? [k, n] : [n, k];
  // fast path first: the messages are only built when something is wrong
  if (!matrixOk(A, ctor, ar, ac, lda) || !matrixOk(B, ctor, br, bc, ldb) || !matrixOk(C, ctor, m, n, ldc)) {
    try {
      checkMatrix(op, `A (transA ${transA})`, A, ctor, ar, ac, lda);
      checkMatrix(op, `B (transB ${transB})`, B, ctor, br, bc, ldb);
      checkMatrix(op, "C", C, ctor, m, n, ldc);
    } catch (e) {
      throw new Error(`${(e as Error).message} [op(A) ${m}×${k}, op(B) ${k}×${n}, C ${m}×${n}]`);
    }
  }
  const lc = extent(m, n, ldc);
  checkNoOverlap(op, "C", C, lc, "A", A, extent(ar, ac, lda));
  checkNoOverlap(op, "C", C, lc, "B", B, extent(br, bc, ldb));
}

export function validateSyrk(
  uplo: Uplo,
  trans: Trans,
  n: number,
  k: number,
  alpha: number,
  A: Float64Array,
  lda: number,
  beta: number,
  C: Float64Array,
  ldc: number,
): void {
  const op = "dsyrk";
  checkUplo(op, uplo);
  checkTrans(op, "trans", trans);
  checkDim(op, "n", n);
  checkDim(op, "k", k);
  checkScalar(op, "alpha", alpha);
  checkScalar(op, "beta", beta);
  const [ar, ac] = trans === "N" ? [n, k] : [k, n];
  checkMatrix(op, `A (trans ${trans})`, A, Float64Array, ar, ac, lda);
  checkMatrix(op, "C", C, Float64Array, n, n, ldc);
  checkNoOverlap(op, "C", C, extent(n, n, ldc), "A", A, extent(ar, ac, lda));
}

export function validatePotrf(uplo: Uplo, n: number, A: Float64Array, lda: number): void {
  const op = "dpotrf";
  checkUplo(op, uplo);
  checkDim(op, "n", n);
  checkMatrix(op, "A", A, Float64Array, n, n, lda);
  checkFinite(op, "A", A, n, n, lda, uplo);
}

export function validatePotrs(
  uplo: Uplo,
  n: number,
  nrhs: number,
  A: Float64Array,
  lda: number,
  B: Float64Array,
  ldb: number,
): void {
  const op = "dpotrs";
  checkUplo(op, uplo);
  checkDim(op, "n", n);
  checkDim(op, "nrhs", nrhs);
  checkMatrix(op, "A", A, Float64Array, n, n, lda);
  checkMatrix(op, "B", B, Float64Array, n, nrhs, ldb);
  checkNoOverlap(op, "B", B, extent(n, nrhs, ldb), "A", A, extent(n, n, lda));
}

export function validateTrsm(
  side: Side,
  uplo: Uplo,
  transA: Trans,
  diag: Diag,
  m: number,
  n: number,
  alpha: number,
  A: Float64Array,
  lda: number,
  B: Float64Array,
  ldb: number,
): void {
  const op = "dtrsm";
  checkSide(op, side);
  checkUplo(op, uplo);
  checkTrans(op, "transA", transA);
  checkDiag(op, diag);
  checkDim(op, "m", m);
  checkDim(op, "n", n);
  checkScalar(op, "alpha", alpha);
  const na = side === "L" ? m : n;
  checkMatrix(op, `A (side ${side})`, A, Float64Array, na, na, lda);
  checkMatrix(op, "B", B, Float64Array, m, n, ldb);
  checkNoOverlap(op, "B", B, extent(m, n, ldb), "A", A, extent(na, na, lda));
}

export function validateGesvd(
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
  const op = "dgesvd";
  checkDim(op, "m", m);
  checkDim(op, "n", n);
  const p = Math.min(m, n);
  checkMatrix(op, "A", A, Float64Array, m, n, lda);
  checkMatrix(op, "S", S, Float64Array, p, 1, Math.max(1, p));
  checkMatrix(op, "U", U, Float64Array, m, p, ldu);
  checkMatrix(op, "VT", VT, Float64Array, p, n, ldvt);
  const parts: [string, Float64Array, number][] = [
    ["A", A, extent(m, n, lda)],
    ["S", S, p],
    ["U", U, extent(m, p, ldu)],
    ["VT", VT, extent(p, n, ldvt)],
  ];
  for (let i = 0; i < parts.length; i++)
    for (let j = i + 1; j < parts.length; j++)
      checkNoOverlap(op, parts[i][0], parts[i][1], parts[i][2], parts[j][0], parts[j][1], parts[j][2]);
  checkFinite(op, "A", A, m, n, lda);
}

function checkBand(op: string, n: number, rows: number, AB: Float64Array, ldab: number, what: string): void {
  if (!(AB instanceof Float64Array)) fail(op, `AB must be a Float64Array, got ${typeName(AB)}`);
  if (!Number.isInteger(ldab) || ldab < rows || ldab > INT_MAX)
    fail(op, `AB (band storage of a ${n}×${n} matrix, ${what}) needs ldab ≥ ${rows}, got ${ldab}`);
  const need = extent(rows, n, ldab);
  if (AB.length < need)
    fail(
      op,
      `AB (band storage of a ${n}×${n} matrix, ${what}, ldab ${ldab}) needs ${need} elements, has ${AB.length}`,
    );
}

export function validatePbtrf(uplo: Uplo, n: number, kd: number, AB: Float64Array, ldab: number): void {
  const op = "dpbtrf";
  checkUplo(op, uplo);
  checkDim(op, "n", n);
  checkDim(op, "kd", kd);
  checkBand(op, n, kd + 1, AB, ldab, `kd ${kd}`);
  for (let j = 0; j < n; j++) {
    const [r0, r1] = uplo === "U" ? [Math.max(0, kd - j), kd] : [0, Math.min(kd, n - 1 - j)];
    for (let r = r0; r <= r1; r++) {
      const v = AB[r + j * ldab];
      if (!Number.isFinite(v))
        fail(op, `AB (${n}×${n}, kd ${kd}) has a non-finite entry ${v} in column ${j}`);
    }
  }
}

export function validatePbtrs(
  uplo: Uplo,
  n: number,
  kd: number,
  nrhs: number,
  AB: Float64Array,
  ldab: number,
  B: Float64Array,
  ldb: number,
): void {
  const op = "dpbtrs";
  checkUplo(op, uplo);
  checkDim(op, "n", n);
  checkDim(op, "kd", kd);
  checkDim(op, "nrhs", nrhs);
  checkBand(op, n, kd + 1, AB, ldab, `kd ${kd}`);
  checkMatrix(op, "B", B, Float64Array, n, nrhs, ldb);
  checkNoOverlap(op, "B", B, extent(n, nrhs, ldb), "AB", AB, extent(kd + 1, n, ldab));
}

export function validateGbtrf(
  n: number,
  kl: number,
  ku: number,
  AB: Float64Array,
  ldab: number,
  ipiv: Int32Array,
): void {
  const op = "dgbtrf";
  checkDim(op, "n", n);
  checkDim(op, "kl", kl);
  checkDim(op, "ku", ku);
  checkBand(op, n, 2 * kl + ku + 1, AB, ldab, `kl ${kl}, ku ${ku}`);
  if (!(ipiv instanceof Int32Array)) fail(op, `ipiv must be an Int32Array, got ${typeName(ipiv)}`);
  if (ipiv.length < n) fail(op, `ipiv needs ${n} entries, has ${ipiv.length}`);
  checkNoOverlap(op, "AB", AB, extent(2 * kl + ku + 1, n, ldab), "ipiv", ipiv, n);
  const kv = kl + ku;
  for (let j = 0; j < n; j++) {
    for (let i = Math.max(0, j - ku); i <= Math.min(n - 1, j + kl); i++) {
      const v = AB[kv + i - j + j * ldab];
      if (!Number.isFinite(v))
        fail(op, `A (${n}×${n}, kl ${kl}, ku ${ku}) has a non-finite entry ${v} at (${i}, ${j})`);
    }
  }
}

export function validateGbtrs(
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
  const op = "dgbtrs";
  checkTrans(op, "trans", trans);
  checkDim(op, "n", n);
  checkDim(op, "kl", kl);
  checkDim(op, "ku", ku);
  checkDim(op, "nrhs", nrhs);
  checkBand(op, n, 2 * kl + ku + 1, AB, ldab, `kl ${kl}, ku ${ku}`);
  if (!(ipiv instanceof Int32Array)) fail(op, `ipiv must be an Int32Array, got ${typeName(ipiv)}`);
  if (ipiv.length < n) fail(op, `ipiv needs ${n} entries, has ${ipiv.length}`);
  // A pivot outside its window would make the solve read or write out of bounds.
  for (let j = 0; j < n; j++) {
    const p = ipiv[j];
    if (p < j + 1 || p > Math.min(n, j + 1 + kl))
      fail(op, `ipiv[${j}] = ${p} is not a pivot dgbtrf can produce for n ${n}, kl ${kl} (1-based)`);
  }
  checkMatrix(op, "B", B, Float64Array, n, nrhs, ldb);
  checkNoOverlap(op, "B", B, extent(n, nrhs, ldb), "AB", AB, extent(2 * kl + ku + 1, n, ldab));
  checkNoOverlap(op, "B", B, extent(n, nrhs, ldb), "ipiv", ipiv, n);
}

export function validateTanhBias(
  m: number,
  n: number,
  Z: Float64Array,
  b: Float64Array | null,
  D: Float64Array | null,
): void {
  const op = "dtanhBias";
  const len = blockLen(op, "m", m, "n", n);
  checkMatrix(op, "Z", Z, Float64Array, m, n, Math.max(1, m));
  if (b !== null) {
    if (!(b instanceof Float64Array)) fail(op, `b must be a Float64Array or null, got ${typeName(b)}`);
    if (b.length < m) fail(op, `b needs m = ${m} elements, has ${b.length}`);
    checkNoOverlap(op, "b", b, m, "Z", Z, len);
  }
  if (D !== null) {
    checkMatrix(op, "D", D, Float64Array, m, n, Math.max(1, m));
    checkNoOverlap(op, "D", D, len, "Z", Z, len);
    if (b !== null) checkNoOverlap(op, "D", D, len, "b", b, m);
  }
}

export function validateThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 1024)
    fail("setThreads", `threads must be an integer in [1, 1024], got ${n}`);
}

/** A Float64Array `name` with at least len elements. */
function checkVector(op: string, name: string, a: unknown, len: number): void {
  if (!(a instanceof Float64Array)) fail(op, `${name} must be a Float64Array, got ${typeName(a)}`);
  if (a.length < len) fail(op, `${name} needs len = ${len} elements, has ${a.length}`);
}

/** Checks the dimensions of a rows×cols block and returns its entry count (below 2³¹). */
function blockLen(op: string, rowsName: string, rows: number, colsName: string, cols: number): number {
  checkDim(op, rowsName, rows);
  checkDim(op, colsName, cols);
  const len = rows * cols;
  if (len > INT_MAX) fail(op, `${rowsName}·${colsName} must be below 2^31, got ${rows}×${cols}`);
  return len;
}

/** The RK4 stage coefficients must be finite, like dgemm's α and β. */
function checkCoefficients(op: string, nameA: string, a: number, nameB: string, b: number): void {
  checkScalar(op, nameA, a);
  checkScalar(op, nameB, b);
}

export function validateRk4JvpStage(
  mode: number,
  len: number,
  dk: Float64Array,
  D: Float64Array,
  cur: Float64Array | null,
  next: Float64Array,
  dYs: Float64Array | null,
  cN: number,
  cS: number,
): void {
  const op = "rk4JvpStage";
  if (mode !== 0 && mode !== 1 && mode !== 2) fail(op, `mode must be 0, 1 or 2, got ${mode}`);
  checkDim(op, "len", len);
  checkVector(op, "dk", dk, len);
  checkVector(op, "D", D, len);
  checkVector(op, "next", next, len);
  checkCoefficients(op, "cN", cN, "cS", cS);
  checkNoOverlap(op, "next", next, len, "dk", dk, len);
  checkNoOverlap(op, "next", next, len, "D", D, len);
  if (mode === 2) return;
  if (cur === null || dYs === null) fail(op, `mode ${mode} needs cur and dYs (got null)`);
  checkVector(op, "cur", cur, len);
  checkVector(op, "dYs", dYs, len);
  checkNoOverlap(op, "next", next, len, "dYs", dYs, len);
  checkNoOverlap(op, "next", next, len, "cur", cur, len);
  checkNoOverlap(op, "dYs", dYs, len, "dk", dk, len);
  checkNoOverlap(op, "dYs", dYs, len, "D", D, len);
  checkNoOverlap(op, "dYs", dYs, len, "cur", cur, len);
}

export function validateRk4VjpStage(
  len: number,
  lam: Float64Array,
  mu: Float64Array | null,
  D: Float64Array,
  G: Float64Array,
  cL: number,
  cM: number,
): void {
  const op = "rk4VjpStage";
  checkDim(op, "len", len);
  checkVector(op, "lam", lam, len);
  if (mu !== null) checkVector(op, "mu", mu, len);
  checkVector(op, "D", D, len);
  checkVector(op, "G", G, len);
  checkCoefficients(op, "cL", cL, "cM", cM);
  checkNoOverlap(op, "G", G, len, "lam", lam, len);
  checkNoOverlap(op, "G", G, len, "D", D, len);
  if (mu !== null) checkNoOverlap(op, "G", G, len, "mu", mu, len);
}

export function validateRk4VjpStage1(
  len: number,
  lam: Float64Array,
  mu4: Float64Array,
  mu3: Float64Array,
  mu2: Float64Array,
  D: Float64Array,
  G: Float64Array,
  lamNew: Float64Array,
  cL: number,
  cM: number,
): void {
  const op = "rk4VjpStage1";
  checkDim(op, "len", len);
  checkVector(op, "lam", lam, len);
  checkVector(op, "mu4", mu4, len);
  checkVector(op, "mu3", mu3, len);
  checkVector(op, "mu2", mu2, len);
  checkVector(op, "D", D, len);
  checkVector(op, "G", G, len);
  checkVector(op, "lamNew", lamNew, len);
  checkCoefficients(op, "cL", cL, "cM", cM);
  checkNoOverlap(op, "G", G, len, "lamNew", lamNew, len);
  stage1Reads(op, "G", G, len, lam, mu4, mu3, mu2, D);
  stage1Reads(op, "lamNew", lamNew, len, lam, mu4, mu3, mu2, D);
}

/** A written array of rk4VjpStage1 against each read one (plain calls: this runs per stage). */
function stage1Reads(
  op: string,
  name: string,
  W: Float64Array,
  len: number,
  lam: Float64Array,
  mu4: Float64Array,
  mu3: Float64Array,
  mu2: Float64Array,
  D: Float64Array,
): void {
  checkNoOverlap(op, name, W, len, "lam", lam, len);
  checkNoOverlap(op, name, W, len, "mu4", mu4, len);
  checkNoOverlap(op, name, W, len, "mu3", mu3, len);
  checkNoOverlap(op, name, W, len, "mu2", mu2, len);
  checkNoOverlap(op, name, W, len, "D", D, len);
}

export function validateDerivScaleBias(
  m: number,
  n: number,
  X: Float64Array,
  Z: Float64Array,
  db: Float64Array | null,
  tanh: boolean,
): void {
  const op = "derivScaleBias";
  const len = blockLen(op, "m", m, "n", n);
  if (typeof tanh !== "boolean") fail(op, `tanh must be a boolean, got ${typeName(tanh)}`);
  checkVector(op, "X", X, len);
  checkVector(op, "Z", Z, len);
  checkNoOverlap(op, "X", X, len, "Z", Z, len);
  if (db !== null) {
    checkVector(op, "db", db, m);
    checkNoOverlap(op, "X", X, len, "db", db, m);
  }
}

export function validateDerivScaleSum(
  m: number,
  n: number,
  U: Float64Array,
  Z: Float64Array,
  G: Float64Array,
  gb: Float64Array | null,
  beta: number,
  tanh: boolean,
): void {
  const op = "derivScaleSum";
  const len = blockLen(op, "m", m, "n", n);
  if (typeof tanh !== "boolean") fail(op, `tanh must be a boolean, got ${typeName(tanh)}`);
  if (beta !== 0 && beta !== 1) fail(op, `beta must be 0 or 1, got ${beta}`);
  checkVector(op, "U", U, len);
  checkVector(op, "Z", Z, len);
  checkVector(op, "G", G, len);
  checkNoOverlap(op, "G", G, len, "U", U, len);
  checkNoOverlap(op, "G", G, len, "Z", Z, len);
  if (gb !== null) {
    checkVector(op, "gb", gb, m);
    checkNoOverlap(op, "G", G, len, "gb", gb, m);
    checkNoOverlap(op, "gb", gb, m, "U", U, len);
    checkNoOverlap(op, "gb", gb, m, "Z", Z, len);
  }
}

export function validateRk4FwdStage(
  mode: number,
  w: number,
  c: number,
  Ya: Float64Array | null,
  k: Float64Array,
  next: Float64Array,
  Ys: Float64Array | null,
  cN: number,
  cS: number,
  ldN: number,
): void {
  const op = "rk4FwdStage";
  if (mode !== 0 && mode !== 1 && mode !== 2) fail(op, `mode must be 0, 1 or 2, got ${mode}`);
  const lenK = blockLen(op, "w", w, "c", c);
  if (ldN !== w && ldN !== w + 1) fail(op, `ldN must be w = ${w} or w + 1, got ${ldN}`);
  checkCoefficients(op, "cN", cN, "cS", cS);
  const lenY = (w + 1) * c;
  // mode 0 with ldN = w + 1 writes next's row of ones too
  const lenN = extent(mode === 0 && ldN !== w ? w + 1 : w, c, ldN);
  checkVector(op, "k", k, lenK);
  checkVector(op, "next", next, lenN);
  checkNoOverlap(op, "next", next, lenN, "k", k, lenK);
  if (mode === 2) return;
  if (Ya === null || Ys === null) fail(op, `mode ${mode} needs Ya and Ys (got null)`);
  checkVector(op, "Ya", Ya, lenY);
  checkVector(op, "Ys", Ys, lenY);
  checkNoOverlap(op, "next", next, lenN, "Ys", Ys, lenY);
  checkNoOverlap(op, "next", next, lenN, "Ya", Ya, lenY);
  checkNoOverlap(op, "Ys", Ys, lenY, "Ya", Ya, lenY);
  checkNoOverlap(op, "Ys", Ys, lenY, "k", k, lenK);
}

export function validateSoftmaxCE(
  q: number,
  n: number,
  S: Float64Array,
  C: Float64Array,
  P: Float64Array,
  G: Float64Array | null,
): void {
  const op = "softmaxCE";
  const len = blockLen(op, "q", q, "n", n);
  checkVector(op, "S", S, len);
  checkVector(op, "C", C, len);
  checkVector(op, "P", P, len);
  checkNoOverlap(op, "P", P, len, "S", S, len);
  checkNoOverlap(op, "P", P, len, "C", C, len);
  if (G !== null) {
    checkVector(op, "G", G, len);
    checkNoOverlap(op, "G", G, len, "S", S, len);
    checkNoOverlap(op, "G", G, len, "C", C, len);
    checkNoOverlap(op, "G", G, len, "P", P, len);
  }
}

export function validateSoftmaxHessApply(
  q: number,
  n: number,
  P: Float64Array,
  V: Float64Array,
  out: Float64Array,
  scale: number,
): void {
  const op = "softmaxHessApply";
  const len = blockLen(op, "q", q, "n", n);
  checkScalar(op, "scale", scale);
  checkVector(op, "P", P, len);
  checkVector(op, "V", V, len);
  checkVector(op, "out", out, len);
  checkNoOverlap(op, "out", out, len, "P", P, len);
  // out may be V itself, but not a shifted view of it
  if (!(out.buffer === V.buffer && out.byteOffset === V.byteOffset))
    checkNoOverlap(op, "out", out, len, "V", V, len);
}
