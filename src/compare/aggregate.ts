/**
 * Multi-seed aggregation: medians and spreads of every numeric field of a list of summaries that
 * share one shape (the per-seed summaries of one optimizer).
 */

export interface Spread {
  /** Number of seeds with a finite value. */
  n: number;
  median: number | null;
  min: number | null;
  max: number | null;
  /** Lower and upper quartiles (linear interpolation between order statistics). */
  q1: number | null;
  q3: number | null;
}

/** The p-quantile (0 ≤ p ≤ 1) of sorted values, interpolating linearly between order statistics. */
function quantileSorted(s: readonly number[], p: number): number {
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

/** Median, quartiles and range of the finite values; nulls/NaN are counted out. */
export function spread(values: readonly (number | null | undefined)[]): Spread {
  const s = values
    .filter((v): v is number => typeof v === "number" && Number.isFinite(v))
    .sort((a, b) => a - b);
  if (s.length === 0) return { n: 0, median: null, min: null, max: null, q1: null, q3: null };
  return {
    n: s.length,
    median: quantileSorted(s, 0.5),
    min: s[0],
    max: s[s.length - 1],
    q1: quantileSorted(s, 0.25),
    q3: quantileSorted(s, 0.75),
  };
}

export function median(values: readonly (number | null | undefined)[]): number | null {
  return spread(values).median;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Every numeric leaf of a JSON-like object, as dotted paths (arrays are skipped). */
export function numericPaths(obj: unknown, prefix = ""): string[] {
  if (!isRecord(obj)) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "number") out.push(p);
    else if (isRecord(v)) out.push(...numericPaths(v, p));
  }
  return out;
}

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split(".")) {
    if (!isRecord(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/**
 * The median summary: a copy of the first summary in which every numeric leaf (present as a number
 * in the first one) is replaced by the median over all summaries, and the spread of every such leaf.
 * Non-numeric leaves (status strings, ...) are taken from the first summary, except that a field
 * whose values differ between seeds is replaced by the list of its distinct values joined with "|".
 */
export function aggregateSummaries<T extends object>(
  summaries: readonly T[],
): { median: T; spread: Record<string, Spread> } {
  if (summaries.length === 0) throw new Error("aggregateSummaries: no summaries to aggregate");
  const paths = numericPaths(summaries[0]);
  const spreads: Record<string, Spread> = {};
  for (const p of paths) {
    spreads[p] = spread(
      summaries.map((s) => {
        const v = getPath(s, p);
        return typeof v === "number" ? v : null;
      }),
    );
  }
  const merge = (vals: unknown[], prefix: string): unknown => {
    const first = vals[0];
    if (typeof first === "number") return spreads[prefix]?.median ?? null;
    if (isRecord(first)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(first)) {
        out[k] = merge(
          vals.map((v) => (isRecord(v) ? v[k] : undefined)),
          prefix ? `${prefix}.${k}` : k,
        );
      }
      return out;
    }
    if (typeof first === "string") {
      const distinct = [...new Set(vals.map((v) => String(v)))];
      return distinct.length === 1 ? first : distinct.join("|");
    }
    return first as Json;
  };
  return { median: merge(summaries as unknown[], "") as T, spread: spreads };
}
