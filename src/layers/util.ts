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
