/**
 * The derivative contract every network element answers (a layer, a block, a whole network).
 *
 * Data layout: a batch of n samples is a column-major matrix with one sample per COLUMN:
 * Y has nIn rows and n columns (Y[i + j*nIn] is feature i of sample j). Image samples are
 * flattened channel-major then row-major (index c*H*W + y*W + x) inside their column.
 *
 * Parameters: one contiguous Float64Array θ per element; composite elements hand views
 * (`subarray`) of their θ to their children, so a network has one parameter vector.
 *
 * Buffer contract (what may be reused, what stays valid):
 *  - A state returned by forward() is the caller's: it stays valid, unchanged, while any other calls
 *    (forward at other points, jvp, vjp) happen on the same element, for as long as the caller holds
 *    it (an optimizer keeps its current point's state while it evaluates a trial point). Everything a
 *    state refers to, besides the caller's θ and Y, is allocated by that forward() call. The state
 *    reads `out` in its derivatives (e.g. tanh's σ' = 1 − out²): callers must not mutate `out`, θ
 *    or Y while they use the state.
 *  - Arrays returned by jvp() and vjp() are fresh and belong to the caller; no later call touches
 *    them. gTheta is the caller's array, written by vjp.
 *  - jvpInto/vjpInto (optional) write into a caller-provided array instead and allocate nothing of
 *    their size; composites (Sequential) use them to pass values between children in their own work
 *    buffers.
 *  - Elements keep per-instance work buffers (util.ts `Scratch`) for temporaries that never escape a
 *    call: a call's results never alias them. An element instance is therefore not re-entrant (no
 *    call from inside its own call), which JavaScript's single thread gives for free.
 */
import type { Rng } from "../util/rng.js";

/** What forward() returns: the output and whatever the derivatives need (kept by the element). */
export interface LayerState {
  /** Output, nOut × n, column-major. */
  readonly out: Float64Array;
  /** Number of samples. */
  readonly n: number;
}

/** A linear map given by its action and its transpose's (never formed). */
export interface LinearOperator {
  readonly rows: number;
  readonly cols: number;
  /** out (rows) ← A x (cols) */
  apply(x: Float64Array, out: Float64Array): void;
  /** out (cols) ← Aᵀ y (rows) */
  applyT(y: Float64Array, out: Float64Array): void;
}

/** JSON description of an element's architecture (not its weights). */
export interface LayerSpec {
  type: string;
  [key: string]: unknown;
}

export interface Layer {
  /** Per-sample input shape (e.g. [d] or [C, H, W]); nIn is its product. */
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly nIn: number;
  readonly nOut: number;
  readonly nParams: number;

  /** Fill θ (length nParams) with initial values drawn from rng. */
  init(theta: Float64Array, rng: Rng): void;

  /** Forward propagation of n samples Y (nIn × n). Keeps references to θ and Y: do not mutate them
   *  while the state is in use. */
  forward(theta: Float64Array, Y: Float64Array, n: number): LayerState;

  /**
   * Forward mode (JVP): returns J_θ·dθ + J_Y·dY (nOut × n) at the state's point. Either direction may
   * be null, meaning zero.
   */
  jvp(state: LayerState, dTheta: Float64Array | null, dY: Float64Array | null): Float64Array;

  /**
   * Reverse mode (VJP) for U (nOut × n): writes J_θᵀU into gTheta (length nParams, overwritten) when
   * gTheta is not null, and returns J_YᵀU (nIn × n) when wantInput, else null.
   */
  vjp(
    state: LayerState,
    U: Float64Array,
    gTheta: Float64Array | null,
    wantInput: boolean,
  ): Float64Array | null;

  /**
   * Optional: the JVP written into `out` (nOut × n; must not alias dY or the state's arrays). Same
   * result as jvp, without allocating it.
   */
  jvpInto?(state: LayerState, dTheta: Float64Array | null, dY: Float64Array | null, out: Float64Array): void;

  /**
   * Optional: as vjp, with J_YᵀU written into `out` (nIn × n; must not alias U) when out is not null
   * (null: the input adjoint is not wanted).
   */
  vjpInto?(state: LayerState, U: Float64Array, gTheta: Float64Array | null, out: Float64Array | null): void;

  /**
   * Optional: the regularisation operator L of GNVPRO.md §1 on this element's θ (cols = nParams):
   * the identity for ordinary weights, a finite difference in time for time-dependent ResNet
   * weights. Absent means the identity.
   */
  regOperator?(): LinearOperator;

  /** Architecture as JSON; `layerFromSpec` rebuilds it. */
  toJSON(): LayerSpec;
}
