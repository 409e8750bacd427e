/**
 * The comparison's figures as Vega-Lite specifications (rendered to SVG by ./vega.ts):
 * loss and metric against work units and against wall time, training and validation side by side,
 * all methods on one axis; predicted against true observations for surrogate models; label maps
 * for segmentation (hand-written SVG, see ./labelmap.ts).
 */
import type { TopLevelSpec } from "./vega.js";
import type { MetricInfo, Trace } from "./history.js";

/** A horizontal reference line (a sanity baseline's value). */
export interface Reference {
  label: string;
  /** Value on the training split (null: not drawn there). */
  train: number | null;
  /** Value on the validation split. */
  val: number | null;
}

export type XAxis = "workUnits" | "wallSeconds";
export type YQuantity = "loss" | "metric";

/** Fixed colours so that a method looks the same in every figure. */
const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
const REF_COLOURS = ["#555555", "#999999", "#bbbbbb"];

export interface CurveOptions {
  x: XAxis;
  y: YQuantity;
  metric: MetricInfo;
  /** Method labels in legend order (default: order of first appearance). */
  order?: readonly string[];
  references?: readonly Reference[];
  width?: number;
  height?: number;
}

function ok(v: number | null | undefined, log: boolean): v is number {
  return typeof v === "number" && Number.isFinite(v) && (!log || v > 0);
}

/**
 * Training and validation panels (facet columns) of `y` against `x`, one line per method (and per
 * seed, thinner, when there are several seeds), baselines as dashed horizontal rules.
 */
export function curveSpec(traces: readonly Trace[], o: CurveOptions): TopLevelSpec {
  const log = o.y === "loss" || !o.metric.higherIsBetter;
  const order = o.order ?? [...new Set(traces.map((t) => t.label))];
  const seeds = new Set(traces.map((t) => t.seed));
  const values: Record<string, string | number>[] = [];
  for (const t of traces) {
    for (const r of t.rows) {
      const x = o.x === "workUnits" ? r.workUnits : r.wallMs / 1000;
      if (!Number.isFinite(x)) continue;
      const tr = o.y === "loss" ? r.loss : r.trainMetric;
      const va = o.y === "loss" ? r.valLoss : r.valMetric;
      const run = `${t.label} #${t.seed}`;
      if (ok(tr, log)) values.push({ kind: "curve", method: t.label, run, split: "training", x, y: tr });
      if (ok(va, log)) values.push({ kind: "curve", method: t.label, run, split: "validation", x, y: va });
    }
  }
  const refs = o.references ?? [];
  for (const ref of refs) {
    if (ok(ref.train, log)) values.push({ kind: "ref", method: ref.label, split: "training", y: ref.train });
    if (ok(ref.val, log)) values.push({ kind: "ref", method: ref.label, split: "validation", y: ref.val });
  }
  const xTitle = o.x === "workUnits" ? "work units" : "wall time (s)";
  const yTitle = o.y === "loss" ? "loss" : o.metric.label;
  const refLabels = refs.map((r) => r.label);
  const yScale = log ? { type: "log" as const } : { zero: false };
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: `${yTitle} vs ${xTitle}`,
    data: { values },
    facet: { column: { field: "split", type: "nominal", title: null, sort: ["training", "validation"] } },
    spec: {
      width: o.width ?? 320,
      height: o.height ?? 220,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'curve'" }],
          mark: { type: "line", strokeWidth: seeds.size > 1 ? 1.2 : 1.8, opacity: seeds.size > 1 ? 0.7 : 1 },
          encoding: {
            x: { field: "x", type: "quantitative", title: xTitle },
            y: { field: "y", type: "quantitative", title: yTitle, scale: yScale },
            color: {
              field: "method",
              type: "nominal",
              title: "method",
              scale: { domain: [...order], range: PALETTE.slice(0, Math.max(1, order.length)) },
            },
            detail: { field: "run", type: "nominal" },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'ref'" }],
          mark: { type: "rule", strokeDash: [5, 4], strokeWidth: 1.2 },
          encoding: {
            y: { field: "y", type: "quantitative", scale: yScale },
            stroke: {
              field: "method",
              type: "nominal",
              title: "baseline",
              scale: { domain: refLabels.length ? refLabels : ["none"], range: REF_COLOURS },
            },
          },
        },
      ],
    },
    resolve: { scale: { y: "shared" } },
  };
  return spec;
}

/** One test sample's observations: the truth and each method's prediction. */
export interface ObservationSample {
  /** Index of the sample in the test set. */
  index: number;
  truth: ArrayLike<number>;
  predictions: { label: string; values: ArrayLike<number> }[];
}

/**
 * Predicted against true observations for a few test samples (surrogates): one small panel per
 * sample, observation index on x, the truth in black, each method's prediction in its colour.
 */
export function observationsSpec(
  samples: readonly ObservationSample[],
  order: readonly string[],
  columns = 2,
): TopLevelSpec {
  const values: Record<string, string | number>[] = [];
  for (const s of samples) {
    const panel = `test sample ${s.index}`;
    for (let i = 0; i < s.truth.length; i++) values.push({ panel, series: "truth", i, v: s.truth[i] });
    for (const p of s.predictions) {
      for (let i = 0; i < p.values.length; i++) values.push({ panel, series: p.label, i, v: p.values[i] });
    }
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: "predicted vs true observations (test samples)",
    data: { values },
    facet: {
      field: "panel",
      type: "nominal",
      title: null,
      sort: samples.map((s) => `test sample ${s.index}`),
    },
    columns,
    spec: {
      width: 300,
      height: 160,
      layer: [
        {
          transform: [{ filter: "datum.series !== 'truth'" }],
          mark: { type: "line", strokeWidth: 1.3, strokeDash: [4, 2] },
          encoding: {
            x: { field: "i", type: "quantitative", title: "observation index" },
            y: { field: "v", type: "quantitative", title: "value", scale: { zero: false } },
            color: {
              field: "series",
              type: "nominal",
              title: "series",
              scale: { domain: ["truth", ...order], range: ["#000000", ...PALETTE.slice(0, order.length)] },
            },
          },
        },
        {
          transform: [{ filter: "datum.series === 'truth'" }],
          mark: { type: "line", strokeWidth: 2.2, color: "#000000" },
          encoding: {
            x: { field: "i", type: "quantitative" },
            y: { field: "v", type: "quantitative" },
            color: { field: "series", type: "nominal" },
          },
        },
      ],
    },
  };
}

/** Work units / wall seconds each method needed to reach ADAM's best validation metric (bar chart). */
export function reachSpec(
  rows: readonly { label: string; workUnits: number | null; wallSeconds: number | null }[],
  order: readonly string[],
  target: number,
  metric: MetricInfo,
): TopLevelSpec {
  const values = rows
    .filter((r) => r.workUnits !== null)
    .map((r) => ({ method: r.label, wu: r.workUnits as number, s: r.wallSeconds ?? 0 }));
  const color = {
    field: "method",
    type: "nominal" as const,
    legend: null,
    scale: { domain: [...order], range: PALETTE.slice(0, Math.max(1, order.length)) },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: `cost to reach ADAM's best validation ${metric.label} (${target.toPrecision(4)})`,
    data: { values },
    hconcat: [
      {
        width: 260,
        height: 22 * Math.max(1, order.length),
        mark: "bar",
        encoding: {
          y: {
            field: "method",
            type: "nominal",
            sort: [...order],
            scale: { domain: [...order] },
            title: null,
          },
          x: { field: "wu", type: "quantitative", title: "work units" },
          color,
        },
      },
      {
        width: 260,
        height: 22 * Math.max(1, order.length),
        mark: "bar",
        encoding: {
          y: {
            field: "method",
            type: "nominal",
            sort: [...order],
            scale: { domain: [...order] },
            title: null,
          },
          x: { field: "s", type: "quantitative", title: "wall time (s)" },
          color,
        },
      },
    ],
  };
}
