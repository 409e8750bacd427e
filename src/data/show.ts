/**
 * Vega-Lite pictures of one sample of a data set (`gnvpro data show`). Fields on the grid are
 * heatmaps drawn as rect marks (one per cell); sensors, receivers and electrodes are point marks.
 * The PDE pictures recompute the sample's fields from the manifest's parameters and the sample's
 * inputs, and report how far the recomputed observations are from the stored ones.
 */
import type { TopLevelSpec } from "vega-lite";
import { CdrProblem, resolveCdrParams } from "./cdr.js";
import { DcrProblem, resolveDcrParams } from "./dcr.js";
import { column, type Dataset } from "./dataset.js";
import type { Grid2D } from "./fv.js";

type Row = Record<string, number | string>;
// Vega-Lite's spec types are very deep unions; the parts below are built as plain objects and
// checked once, at the top level, by `TopLevelSpec`.
type Part = Record<string, unknown>;

function checkSample(ds: Dataset, i: number): void {
  if (!Number.isInteger(i) || i < 0 || i >= ds.n)
    throw new Error(`data show: sample ${i} out of range 0..${ds.n - 1}`);
}

function cellRows(grid: Grid2D, v: Float64Array): Row[] {
  const rows: Row[] = [];
  const h = grid.h;
  // A slight overlap hides the anti-aliasing seams between neighbouring rects.
  const o = 0.03 * h;
  for (let j = 0; j < grid.n; j++)
    for (let i = 0; i < grid.n; i++)
      rows.push({
        x0: i * h,
        x1: Math.min(1, (i + 1) * h + o),
        y0: j * h,
        y1: Math.min(1, (j + 1) * h + o),
        v: v[i + j * grid.n],
      });
  return rows;
}

const axis = (title: string): Part => ({
  field: title === "x" ? "x0" : "y0",
  type: "quantitative",
  scale: { domain: [0, 1] },
  title,
});

/** Colour scale: a scheme name, or a diverging red (positive) / blue (negative) scale centred at 0. */
function colorScale(scheme: string, v: Float64Array): Part {
  if (scheme !== "diverging") return { scheme };
  let a = 0;
  for (const x of v) a = Math.max(a, Math.abs(x));
  return { scheme: "redblue", reverse: true, domain: [-a, a] };
}

function heatmap(
  title: string,
  grid: Grid2D,
  v: Float64Array,
  legend: string,
  scheme: string,
  points: Part[],
): Part {
  return {
    title,
    width: 260,
    height: 260,
    layer: [
      {
        data: { values: cellRows(grid, v) },
        mark: { type: "rect" },
        encoding: {
          x: axis("x"),
          x2: { field: "x1" },
          y: axis("y"),
          y2: { field: "y1" },
          color: { field: "v", type: "quantitative", title: legend, scale: colorScale(scheme, v) },
        },
      },
      ...points,
    ],
  };
}

function pointLayer(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  shape: string,
  color: string,
  size = 30,
  label?: string[],
): Part {
  const values: Row[] = [];
  for (let k = 0; k < xs.length; k++) values.push({ px: xs[k], py: ys[k], label: label?.[k] ?? "" });
  return {
    data: { values },
    mark: { type: "point", shape, filled: true, color, size, stroke: "black", strokeWidth: 0.5 },
    encoding: {
      x: { field: "px", type: "quantitative", scale: { domain: [0, 1] } },
      y: { field: "py", type: "quantitative", scale: { domain: [0, 1] } },
      tooltip: { field: "label", type: "nominal" },
    },
  };
}

function observationPanel(
  title: string,
  stored: Float64Array,
  recomputed: Float64Array,
  groups: string[],
  per: number,
): Part {
  const values: Row[] = [];
  for (let k = 0; k < stored.length; k++) {
    const g = groups[Math.floor(k / per)] ?? "";
    values.push({ k, v: stored[k], series: `stored ${g}` });
    values.push({ k, v: recomputed[k], series: `recomputed ${g}` });
  }
  return {
    title,
    width: 320,
    height: 260,
    data: { values },
    mark: { type: "line", point: { size: 12 } },
    encoding: {
      x: { field: "k", type: "quantitative", title: "observation index" },
      y: { field: "v", type: "quantitative", title: "value" },
      color: { field: "series", type: "nominal", title: null },
      strokeDash: { field: "series", type: "nominal", legend: null },
    },
  };
}

function relDiff(a: Float64Array, b: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let k = 0; k < a.length; k++) {
    num += (a[k] - b[k]) ** 2;
    den += b[k] ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-300));
}

function top(title: string, panels: Part[]): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: { text: title, anchor: "start" },
    hconcat: panels,
    resolve: { scale: { color: "independent" }, legend: { color: "independent" } },
    config: { view: { stroke: null }, legend: { orient: "right" } },
  } as unknown as TopLevelSpec;
}

export async function cdrShowSpec(ds: Dataset, i: number): Promise<TopLevelSpec> {
  checkSample(ds, i);
  if (ds.manifest === null) throw new Error("data show: a CDR picture needs the data set's manifest.json");
  const prob = new CdrProblem(resolveCdrParams(ds.manifest.params));
  const y = column(ds.Y, ds.d, i);
  const kap = prob.kappa(y);
  const snaps = prob.fields(y);
  const obs = prob.observe(y);
  const stored = column(ds.C, ds.q, i);
  const T = prob.params.finalTime;
  const sensors = pointLayer(
    prob.sensorX,
    prob.sensorY,
    "circle",
    "white",
    40,
    Array.from(prob.sensorX, (_, k) => `sensor ${k}`),
  );
  const sources = pointLayer(
    prob.params.sources.map((s) => s.x),
    prob.params.sources.map((s) => s.y),
    "cross",
    "orange",
    80,
    prob.params.sources.map((_, k) => `source ${k}`),
  );
  return top(
    `CDR sample ${i}: reaction field, solution at t = T, sensors (white) and sources (orange); recomputed vs stored observations differ by ${relDiff(obs, stored).toExponential(2)} (relative)`,
    [
      heatmap("reaction coefficient κ(x; y)", prob.grid, kap, "κ", "viridis", [sensors, sources]),
      heatmap(`concentration u(x, ${T})`, prob.grid, snaps[2], "u", "inferno", [sensors, sources]),
      observationPanel(
        "observations (24 sensors × t = T/3, 2T/3, T)",
        stored,
        obs,
        ["T/3", "2T/3", "T"],
        prob.sensors.points,
      ),
    ],
  );
}

export async function dcrShowSpec(ds: Dataset, i: number): Promise<TopLevelSpec> {
  checkSample(ds, i);
  if (ds.manifest === null) throw new Error("data show: a DCR picture needs the data set's manifest.json");
  const prob = new DcrProblem(resolveDcrParams(ds.manifest.params));
  const y = column(ds.Y, ds.d, i);
  const sig = prob.sigma(y);
  const logSig = sig.map((s) => Math.log10(s));
  const u = prob.potentials(y);
  const obs = prob.observe(y);
  const stored = column(ds.C, ds.q, i);
  const m = prob.grid.cells;
  const receivers = pointLayer(prob.receiverX, prob.receiverY, "circle", "white", 8);
  const dp = prob.params.dipoles;
  const elec = (s: number): Part[] => [
    pointLayer([dp[s].a[0]], [dp[s].a[1]], "triangle-up", "red", 90, [`A${s + 1} (+1)`]),
    pointLayer([dp[s].b[0]], [dp[s].b[1]], "triangle-down", "blue", 90, [`B${s + 1} (−1)`]),
  ];
  const allElec = dp.flatMap((_, s) => elec(s));
  // The anomaly's signature: potential minus the potential of the background medium (σ = σ₀).
  const u0 = prob.potentials([0.5, 0.5, 0]);
  const row1: Part[] = [
    heatmap(
      `log₁₀ σ: anomaly at (${y[0].toFixed(2)}, ${y[1].toFixed(2)}), y₃ = ${y[2].toFixed(2)}`,
      prob.grid,
      logSig,
      "log₁₀ σ",
      "viridis",
      [receivers, ...allElec],
    ),
  ];
  const row2: Part[] = [];
  for (let s = 0; s < dp.length; s++) {
    const us = u.subarray(s * m, (s + 1) * m);
    row1.push(
      heatmap(`potential u, dipole ${s + 1}`, prob.grid, us, `u${s + 1}`, "diverging", [
        receivers,
        ...elec(s),
      ]),
    );
    const diff = new Float64Array(m);
    for (let k = 0; k < m; k++) diff[k] = us[k] - u0[k + s * m];
    row2.push(
      heatmap(
        `u − u(σ₀), dipole ${s + 1}: the anomaly's effect`,
        prob.grid,
        diff,
        `Δu${s + 1}`,
        "diverging",
        [receivers, ...elec(s)],
      ),
    );
  }
  row2.push(
    observationPanel(
      "observations (dipole-major, receivers x fastest)",
      stored,
      obs,
      dp.map((_, s) => `dipole ${s + 1}`),
      prob.receivers.points,
    ),
  );
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: {
      text: `DCR sample ${i}: conductivity, potentials, receivers (white), electrodes A (red, +1) / B (blue, −1); recomputed vs stored observations differ by ${relDiff(obs, stored).toExponential(2)} (relative)`,
      anchor: "start",
    },
    vconcat: [
      { hconcat: row1, resolve: { scale: { color: "independent" }, legend: { color: "independent" } } },
      { hconcat: row2, resolve: { scale: { color: "independent" }, legend: { color: "independent" } } },
    ],
    resolve: { scale: { color: "independent" }, legend: { color: "independent" } },
    config: { view: { stroke: null }, legend: { orient: "right" } },
  } as unknown as TopLevelSpec;
}

/** Toy data: every sample coloured by class, the chosen one ringed. */
export async function scatterShowSpec(ds: Dataset, i: number): Promise<TopLevelSpec> {
  checkSample(ds, i);
  if (ds.d !== 2)
    throw new Error(`data show: a scatter picture needs 2-D inputs, this data set has d = ${ds.d}`);
  const values: Row[] = [];
  const label = (j: number): number => {
    let best = 0;
    for (let c = 1; c < ds.q; c++) if (ds.C[c + j * ds.q] > ds.C[best + j * ds.q]) best = c;
    return best;
  };
  for (let j = 0; j < ds.n; j++)
    values.push({ y1: ds.Y[2 * j], y2: ds.Y[2 * j + 1], cls: `class ${label(j)}` });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: `${ds.name}: ${ds.n} samples, ${ds.q} classes; sample ${i} (class ${label(i)}) ringed`,
    width: 420,
    height: 420,
    layer: [
      {
        data: { values },
        mark: { type: "circle", size: 10, opacity: 0.7 },
        encoding: {
          x: { field: "y1", type: "quantitative", title: "y₁" },
          y: { field: "y2", type: "quantitative", title: "y₂" },
          color: { field: "cls", type: "nominal", title: "class" },
        },
      },
      {
        data: { values: [{ y1: ds.Y[2 * i], y2: ds.Y[2 * i + 1] }] },
        mark: { type: "point", size: 250, color: "black", strokeWidth: 2 },
        encoding: { x: { field: "y1", type: "quantitative" }, y: { field: "y2", type: "quantitative" } },
      },
    ],
  } as unknown as TopLevelSpec;
}

/** Any data set: the sample's inputs and targets as bars. */
export async function genericShowSpec(ds: Dataset, i: number): Promise<TopLevelSpec> {
  checkSample(ds, i);
  const bars = (title: string, v: Float64Array): Part => ({
    title,
    width: 360,
    height: 200,
    data: { values: Array.from(v, (val, k) => ({ k, val })) },
    mark: "bar",
    encoding: {
      x: {
        field: "k",
        type: "ordinal",
        title: "index",
        axis: v.length > 40 ? { labels: false, ticks: false } : {},
      },
      y: { field: "val", type: "quantitative", title: "value" },
    },
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: `${ds.name}: sample ${i} of ${ds.n}`,
    vconcat: [
      bars(`inputs y (d = ${ds.d})`, column(ds.Y, ds.d, i)),
      bars(`targets c (q = ${ds.q})`, column(ds.C, ds.q, i)),
    ],
  } as unknown as TopLevelSpec;
}
