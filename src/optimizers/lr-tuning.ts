/**
 * Learning-rate tuning over a small grid on the validation set: the "well-tuned" ADAM/SGD baseline
 * of the paper (GNVPRO.md §5). Each candidate is one complete run (the caller builds a fresh
 * objective from the same θ₀ for each, with the same budget); the score is the best validation
 * loss of the run (the last training loss when the run has no validation). A non-finite or missing
 * score ranks last. The tuning runs' own work is NOT part of the tuned run's work units (report it
 * separately if it matters).
 */
export const DEFAULT_LR_GRID: readonly number[] = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1];

export interface TunableResult {
  best: { valLoss: number } | null;
  history: readonly { loss: number }[];
}

export interface LrCandidate<R> {
  learningRate: number;
  score: number;
  result: R;
}

export interface LrTuning<R> {
  learningRate: number;
  best: R;
  candidates: LrCandidate<R>[];
}

export function defaultScore(r: TunableResult): number {
  if (r.best !== null) return r.best.valLoss;
  const last = r.history[r.history.length - 1];
  return last ? last.loss : NaN;
}

export async function tuneLearningRate<R extends TunableResult>(
  run: (learningRate: number) => R | Promise<R>,
  grid: readonly number[] = DEFAULT_LR_GRID,
  score: (r: R) => number = defaultScore,
): Promise<LrTuning<R>> {
  if (grid.length === 0) throw new Error("tuneLearningRate: the grid is empty");
  for (const lr of grid)
    if (!(lr > 0 && Number.isFinite(lr)))
      throw new Error(`tuneLearningRate: grid holds a bad learning rate ${lr}`);
  const candidates: LrCandidate<R>[] = [];
  for (const lr of grid) {
    const result = await run(lr);
    candidates.push({ learningRate: lr, score: score(result), result });
  }
  let bestIdx = 0;
  const key = (s: number) => (Number.isFinite(s) ? s : Infinity);
  for (let i = 1; i < candidates.length; i++)
    if (key(candidates[i].score) < key(candidates[bestIdx].score)) bestIdx = i;
  return { learningRate: candidates[bestIdx].learningRate, best: candidates[bestIdx].result, candidates };
}
