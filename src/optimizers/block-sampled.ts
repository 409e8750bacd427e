/**
 * Block-sampled GNvpro (GNVPRO.md §4, the reference's CIFAR-10 variant): the training set is split
 * into blocks; a few trust-region iterations run on each block in turn (each block has its own
 * objective, e.g. a VarPro objective on those samples), the trust radius carries over from block
 * to block, and the sweep repeats for a number of epochs (the block order is reshuffled every epoch
 * when `shuffle` is set, from the optimizer's own seeded generator).
 *
 * Work units count per block: every block objective charges b/n per network pass into the shared
 * counter and declares that fraction as its `workScale`, so the trust region checks its budget with
 * scaled costs. One `step` is one trust-region trial on the current block; moving to a new block
 * costs its value and gradient at the current iterate (2·b/n).
 */
import type { GNObjective, WorkCounter } from "../objectives/types.js";
import { Rng, type RngState } from "../util/rng.js";
import { TrustRegion, type TrustRegionState, type TrustRegionUserOptions } from "./trust-region.js";
import {
  checkOption,
  emptyInfo,
  type BaseState,
  type Optimizer,
  type StepInfo,
  type StepResult,
} from "./types.js";

/** One block: its objective (charging b/n per pass into the shared counter) and b/n. */
export interface Block {
  objective: GNObjective;
  fraction: number;
}

/** The problem block-sampled GNvpro runs on: blocks sharing one work counter. */
export interface BlockProblem {
  readonly dim: number;
  readonly work: WorkCounter;
  readonly blocks: readonly Block[];
}

/** Adapter exposing a block objective with its work scale (see types.ts WorkScaled). */
class ScaledBlock implements GNObjective {
  constructor(
    readonly inner: GNObjective,
    readonly workScale: number,
  ) {}
  get dim(): number {
    return this.inner.dim;
  }
  get work(): WorkCounter {
    return this.inner.work;
  }
  evaluate(x: Float64Array) {
    return this.inner.evaluate(x);
  }
  gradient(x: Float64Array): Float64Array {
    return this.inner.gradient(x);
  }
  hessVec(v: Float64Array): Float64Array {
    return this.inner.hessVec(v);
  }
}

export function blockProblem(work: WorkCounter, blocks: readonly Block[]): BlockProblem {
  if (blocks.length === 0) throw new Error("blockProblem: at least one block is needed");
  const dim = blocks[0].objective.dim;
  for (const [i, b] of blocks.entries()) {
    if (b.objective.dim !== dim)
      throw new Error(`blockProblem: block ${i} has dim ${b.objective.dim}, block 0 has ${dim}`);
    if (b.objective.work !== work)
      throw new Error(`blockProblem: block ${i} does not charge the shared work counter`);
    if (!(b.fraction > 0 && b.fraction <= 1))
      throw new Error(`blockProblem: block ${i} fraction ${b.fraction} not in (0, 1]`);
  }
  return { dim, work, blocks };
}

/** Split 0..n−1 into consecutive blocks of (at most) `size` samples, optionally after a seeded shuffle. */
export function splitBlocks(n: number, size: number, rng?: Rng): Int32Array[] {
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`splitBlocks: n must be an integer ≥ 1, got ${n}`);
  if (!(Number.isInteger(size) && size >= 1))
    throw new Error(`splitBlocks: block size must be an integer ≥ 1, got ${size}`);
  const order = rng ? rng.permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
  const out: Int32Array[] = [];
  for (let s = 0; s < n; s += size) out.push(order.slice(s, Math.min(n, s + size)));
  return out;
}

export interface BlockSampledOptions {
  trustRegion: TrustRegionUserOptions;
  /** trust-region iterations (trials) per block (reference: 3) */
  itersPerBlock: number;
  /** sweeps over all blocks (reference: 2) */
  epochs: number;
  shuffle: boolean;
  seed: number;
}

export const DEFAULT_BLOCK_SAMPLED: BlockSampledOptions = {
  trustRegion: {},
  itersPerBlock: 3,
  epochs: 2,
  shuffle: false,
  seed: 1,
};

export interface BlockSampledState extends BaseState {
  method: "block-sampled";
  epoch: number;
  /** position in `order` */
  pos: number;
  order: Int32Array;
  /** trials done on the current block */
  inBlock: number;
  /** trust-region state on the current block (null between blocks) */
  tr: TrustRegionState | null;
  /** radius carried to the next block */
  radius: number;
  rng: RngState;
  f: number;
  gNorm: number;
}

export class BlockSampledTR implements Optimizer<BlockProblem, BlockSampledState> {
  readonly method = "block-sampled";
  readonly options: BlockSampledOptions;
  private readonly tr: TrustRegion;

  constructor(user: Partial<BlockSampledOptions> = {}) {
    this.options = { ...DEFAULT_BLOCK_SAMPLED, ...user };
    const o = this.options;
    checkOption(
      "blockSampled",
      "itersPerBlock",
      o.itersPerBlock,
      (v) => Number.isInteger(v) && v >= 1,
      "an integer ≥ 1",
    );
    checkOption("blockSampled", "epochs", o.epochs, (v) => Number.isInteger(v) && v >= 1, "an integer ≥ 1");
    this.tr = new TrustRegion(o.trustRegion);
  }

  private block(p: BlockProblem, st: BlockSampledState): ScaledBlock {
    const b = p.blocks[st.order[st.pos]];
    return new ScaledBlock(b.objective, b.fraction);
  }

  init(p: BlockProblem, x0: Float64Array): BlockSampledState {
    if (x0.length !== p.dim)
      throw new Error(`blockSampled.init: x0 has length ${x0.length}, problem dim ${p.dim}`);
    const rng = new Rng(this.options.seed);
    const order = this.options.shuffle
      ? rng.permutation(p.blocks.length)
      : Int32Array.from(p.blocks, (_, i) => i);
    return {
      method: "block-sampled",
      iteration: 0,
      x: Float64Array.from(x0),
      status: "running",
      epoch: 0,
      pos: 0,
      order,
      inBlock: 0,
      tr: null,
      radius: this.tr.options.initialRadius === "gn-step" ? Infinity : this.tr.options.initialRadius,
      rng: rng.getState(),
      f: NaN,
      gNorm: NaN,
    };
  }

  prepareResume(p: BlockProblem, st: BlockSampledState): void {
    if (st.tr !== null) this.tr.prepareResume(this.block(p, st), st.tr);
  }

  initialInfo(st: BlockSampledState): StepInfo {
    const info = emptyInfo(st.f, st.gNorm);
    info.radius = st.radius;
    return info;
  }

  /** Leave the current block for the next one (carrying the radius); false when the epochs are over. */
  private advance(p: BlockProblem, st: BlockSampledState): boolean {
    // a collapsed radius is not carried: the next block starts from its own GN step
    if (st.tr !== null) st.radius = st.tr.status === "radius-collapsed" ? Infinity : st.tr.radius;
    st.tr = null;
    st.inBlock = 0;
    st.pos++;
    if (st.pos >= st.order.length) {
      st.pos = 0;
      st.epoch++;
      if (st.epoch >= this.options.epochs) return false;
      if (this.options.shuffle) {
        const rng = Rng.fromState(st.rng);
        st.order = rng.permutation(p.blocks.length);
        st.rng = rng.getState();
      }
    }
    return true;
  }

  step(p: BlockProblem, prev: BlockSampledState, budget: number): StepResult<BlockSampledState> {
    const st: BlockSampledState = { ...prev };
    const stop = (status: BlockSampledState["status"]): StepResult<BlockSampledState> => {
      st.status = status;
      return { state: st, info: this.initialInfo(st) };
    };
    if (st.status !== "running") return { state: st, info: this.initialInfo(st) };
    // bounded: every pass either performs a trial or moves to another block
    for (let guard = 0; guard <= p.blocks.length * this.options.epochs + 1; guard++) {
      if (st.tr !== null && st.tr.status === "non-finite") return stop("non-finite");
      if (st.tr !== null && (st.inBlock >= this.options.itersPerBlock || st.tr.status !== "running")) {
        if (!this.advance(p, st)) return stop("max-iterations");
      }
      const obj = this.block(p, st);
      if (st.tr === null) {
        const tr0 = this.tr.init(obj, st.x, budget);
        if (tr0.status === "budget" || tr0.status === "non-finite") return stop(tr0.status);
        st.tr = { ...tr0, radius: tr0.status === "running" ? st.radius : tr0.radius };
        st.f = tr0.f;
        st.gNorm = tr0.gNorm;
        if (tr0.status !== "running") continue; // converged on this block already: next block
      }
      const before = st.tr.iteration;
      const { state: trNext, info } = this.tr.step(obj, st.tr, budget);
      st.tr = trNext;
      st.x = trNext.x;
      st.f = trNext.f;
      st.gNorm = trNext.gNorm;
      if (trNext.iteration === before) {
        // no trial was made: budget or a non-finite model stop the run; anything else moves on
        if (trNext.status === "budget" || trNext.status === "non-finite") return stop(trNext.status);
        continue;
      }
      st.inBlock++;
      st.iteration = prev.iteration + 1;
      st.radius = trNext.radius;
      if (trNext.status === "non-finite") st.status = "non-finite";
      return { state: st, info };
    }
    return stop("max-iterations");
  }
}
