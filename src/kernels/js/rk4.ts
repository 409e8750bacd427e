/**
 * The fused elementwise sweeps of an RK4 stage (the antisymmetric ResNet's forward pass, JVP and VJP,
 * src/layers/antisym-resnet.ts), in TypeScript: the js backend's kernels, and the native backend's
 * for sweeps too short to pay for an addon call. Browser-safe: no imports. No validation here (see
 * ../validate.ts). Module functions over local variables only: V8 optimises them well.
 */

/**
 * JVP stage over len entries: v = D ⊙ dk, then
 * mode 0 (stage 1):      next = cur + cN·v, dYs = cur + cS·v;
 * mode 1 (stages 2, 3):  next += cN·v,      dYs = cur + cS·v;
 * mode 2 (stage 4):      next += cN·v       (cur, dYs unused).
 */
export function rk4JvpStage(
  mode: 0 | 1 | 2,
  len: number,
  dk: Float64Array,
  D: Float64Array,
  cur: Float64Array | null,
  next: Float64Array,
  dYs: Float64Array | null,
  cN: number,
  cS: number,
): void {
  if (mode === 2 || cur === null || dYs === null) {
    for (let q = 0; q < len; q++) next[q] += cN * (D[q] * dk[q]);
  } else if (mode === 0) {
    for (let q = 0; q < len; q++) {
      const v = D[q] * dk[q];
      const c = cur[q];
      next[q] = c + cN * v;
      dYs[q] = c + cS * v;
    }
  } else {
    for (let q = 0; q < len; q++) {
      const v = D[q] * dk[q];
      next[q] += cN * v;
      dYs[q] = cur[q] + cS * v;
    }
  }
}

/** VJP stage over len entries: G = D ⊙ (cL·λ + cM·μ); μ null: G = D ⊙ (cL·λ). */
export function rk4VjpStage(
  len: number,
  lam: Float64Array,
  mu: Float64Array | null,
  D: Float64Array,
  G: Float64Array,
  cL: number,
  cM: number,
): void {
  if (mu === null) for (let q = 0; q < len; q++) G[q] = D[q] * (cL * lam[q]);
  else for (let q = 0; q < len; q++) G[q] = D[q] * (cL * lam[q] + cM * mu[q]);
}

/** VJP stage 1 over len entries: λ_new = λ + μ4 + μ3 + μ2 and G = D ⊙ (cL·λ + cM·μ2), in one sweep. */
export function rk4VjpStage1(
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
  for (let q = 0; q < len; q++) {
    const l = lam[q];
    const m2 = mu2[q];
    lamNew[q] = l + mu4[q] + mu3[q] + m2;
    G[q] = D[q] * (cL * l + cM * m2);
  }
}

/**
 * Forward stage combination on a w×c column block. Ya and Ys are (w+1)×c (leading dimension w+1, a
 * row of ones last), k is w×c, next has leading dimension ldN (w, or w+1 with a row of ones):
 * mode 0 (after stage 1):      next = Ya + cN·k, Ys = Ya + cS·k (their rows of ones written);
 * mode 1 (after stages 2, 3):  next += cN·k,     Ys = Ya + cS·k (its row of ones written);
 * mode 2 (after stage 4):      next += cN·k      (Ya, Ys unused).
 */
export function rk4FwdStage(
  mode: 0 | 1 | 2,
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
  const L = w + 1;
  if (mode === 2 || Ya === null || Ys === null) {
    for (let j = 0, oK = 0, oN = 0; j < c; j++, oK += w, oN += ldN)
      for (let i = 0; i < w; i++) next[oN + i] += cN * k[oK + i];
    return;
  }
  if (mode === 0) {
    for (let j = 0, oY = 0, oK = 0, oN = 0; j < c; j++, oY += L, oK += w, oN += ldN) {
      for (let i = 0; i < w; i++) {
        const a = Ya[oY + i];
        const v = k[oK + i];
        next[oN + i] = a + cN * v;
        Ys[oY + i] = a + cS * v;
      }
      Ys[oY + w] = 1;
      if (ldN !== w) next[oN + w] = 1;
    }
    return;
  }
  for (let j = 0, oY = 0, oK = 0, oN = 0; j < c; j++, oY += L, oK += w, oN += ldN) {
    for (let i = 0; i < w; i++) {
      const v = k[oK + i];
      next[oN + i] += cN * v;
      Ys[oY + i] = Ya[oY + i] + cS * v;
    }
    Ys[oY + w] = 1;
  }
}
