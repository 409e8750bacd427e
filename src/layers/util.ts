/** Small shared helpers for the layers: argument checks with messages naming the operation. */

export function checkPositiveInt(v: unknown, what: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0)
    throw new Error(`${what} must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

export function checkForwardArgs(
  where: string,
  nParams: number,
  nIn: number,
  theta: Float64Array,
  Y: Float64Array,
  n: number,
): void {
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`${where}.forward: n must be a positive integer, got ${n}`);
  if (theta.length !== nParams)
    throw new Error(`${where}.forward: theta has length ${theta.length}, expected nParams = ${nParams}`);
  if (Y.length !== nIn * n)
    throw new Error(`${where}.forward: Y has length ${Y.length}, expected nIn×n = ${nIn}×${n} = ${nIn * n}`);
}

export function checkJvpArgs(
  where: string,
  nParams: number,
  nIn: number,
  n: number,
  dTheta: Float64Array | null,
  dY: Float64Array | null,
): void {
  if (dTheta !== null && dTheta.length !== nParams)
    throw new Error(`${where}.jvp: dTheta has length ${dTheta.length}, expected nParams = ${nParams}`);
  if (dY !== null && dY.length !== nIn * n)
    throw new Error(`${where}.jvp: dY has length ${dY.length}, expected nIn×n = ${nIn * n}`);
}

export function checkVjpArgs(
  where: string,
  nParams: number,
  nOut: number,
  n: number,
  U: Float64Array,
  gTheta: Float64Array | null,
): void {
  if (U.length !== nOut * n)
    throw new Error(`${where}.vjp: U has length ${U.length}, expected nOut×n = ${nOut * n}`);
  if (gTheta !== null && gTheta.length !== nParams)
    throw new Error(`${where}.vjp: gTheta has length ${gTheta.length}, expected nParams = ${nParams}`);
}

export function prod(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Reusable work buffers of one element, by slot (a small integer): `get(slot, len)` returns a
 * Float64Array of exactly `len` entries, a view of a per-slot buffer that grows when needed and never
 * shrinks. Contents are unspecified (NOT zeroed). Only for temporaries that never escape one call of
 * the element (see the buffer contract in types.ts); a slot's array is invalidated by the element's
 * next call.
 */
export class Scratch {
  private readonly bufs: (Float64Array | null)[] = [];
  private readonly views: (Float64Array | null)[] = [];

  get(slot: number, len: number): Float64Array {
    while (this.bufs.length <= slot) {
      this.bufs.push(null);
      this.views.push(null);
    }
    const v = this.views[slot];
    if (v !== null && v.length === len) return v;
    let b = this.bufs[slot];
    if (b === null || b.length < len) {
      b = new Float64Array(len);
      this.bufs[slot] = b;
    }
    const view = b.length === len ? b : b.subarray(0, len);
    this.views[slot] = view;
    return view;
  }

  /** Whether x is (a view of) one of the buffers. */
  owns(x: Float64Array): boolean {
    for (const b of this.bufs) if (b !== null && x.buffer === b.buffer) return true;
    return false;
  }
}
