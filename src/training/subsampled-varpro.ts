/**
 * A VarPro objective that can also build itself on a subset of its training samples, for the trust
 * region's subsampled curvature (src/optimizers/subsampled-curvature.ts, Byrd et al. 2011): the
 * subset objective is a VarProObjective on those columns of Y and C with its own W_b(θ) and reduced
 * Jacobian, charging b/n per network pass into this objective's work counter (GNVPRO.md §4).
 *
 * Everything else (value, gradient, H·v on all samples, predict, weights, saveState) is the plain
 * VarProObjective. The subset objective of the last call is kept and re-used when the same subset is
 * asked for again; for cross-entropy its inner solve is warm-started from this objective's W(θ) at
 * the linearisation point (free: cached), so its result does not depend on earlier calls and a
 * resumed run is exact.
 */
import { selectColumns } from "../data/split.js";
import { VarProObjective, type VarProOptions } from "../objectives/reduced.js";
import type { GNObjective } from "../objectives/types.js";
import type { CurvatureSubsets } from "../optimizers/subsampled-curvature.js";

export class SubsampledVarPro extends VarProObjective implements CurvatureSubsets {
  readonly nSamples: number;
  private readonly base: VarProOptions;
  private last: { idx: Int32Array; obj: VarProObjective } | null = null;

  constructor(options: VarProOptions) {
    super(options);
    this.base = options;
    this.nSamples = this.n;
  }

  curvatureSubset(idx: Int32Array, x: Float64Array): GNObjective {
    const n = this.n;
    if (!(idx instanceof Int32Array) || idx.length === 0 || idx.length > n)
      throw new Error(
        `SubsampledVarPro.curvatureSubset: idx must be a non-empty Int32Array of ≤ ${n} samples`,
      );
    for (let j = 0; j < idx.length; j++)
      if (!(idx[j] >= 0 && idx[j] < n) || (j > 0 && idx[j] <= idx[j - 1]))
        throw new Error(
          `SubsampledVarPro.curvatureSubset: idx must be increasing sample indices in [0, ${n}), entry ${j} is ${idx[j]}`,
        );
    const same =
      this.last !== null &&
      this.last.idx.length === idx.length &&
      this.last.idx.every((v, j) => v === idx[j]);
    if (!same) {
      const obj = new VarProObjective({
        ...this.base,
        Y: selectColumns(this.base.Y, this.net.nIn, idx),
        C: selectColumns(this.base.C, this.q, idx),
        work: this.work,
        workScale: (this.workScale * idx.length) / n,
      });
      this.last = { idx: idx.slice(), obj };
    }
    const sub = (this.last as { obj: VarProObjective }).obj;
    if (this.loss !== "least-squares") sub.setWarmStart(this.weights(x));
    return sub;
  }
}
