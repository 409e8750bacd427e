/**
 * What `gnvpro compare` writes: DIR/summary.json, DIR/histories/*.csv, DIR/plots/*.svg and the
 * self-contained DIR/report.html; and the summary table printed on the terminal.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, platform, release, totalmem, arch } from "node:os";
import { join, resolve } from "node:path";
import { kernels } from "../kernels/index.js";
import { VERSION } from "../version.js";
import { PLOT_VERSIONS, renderSvg } from "../report/vega.js";
import {
  curveSpec,
  observationsSpec,
  reachSpec,
  type Reference,
  type XAxis,
  type YQuantity,
} from "../report/plots.js";
import { renderReportHtml, type Section, type Table } from "../report/html.js";
import { historyCsv } from "../experiments/summary.js";
import { labelMapsSvg, type LabelMap } from "../report/labelmap.js";
import { fmt, textTable } from "../report/table.js";
import { getPath, type Spread } from "./aggregate.js";
import { OPTIMIZER_LABELS, type CompareResult, type MethodResult } from "./compare.js";

export interface CompareRecord {
  /** Experiment name, or null for user data. */
  experiment: string | null;
  /** The compare command's own settings (seeds, grids, ...). */
  compare: Record<string, unknown>;
}

/** Machine, backend and versions. */
export function machineInfo(): Record<string, string> {
  const k = kernels();
  const b = k.info();
  const cpu = cpus();
  return {
    gnvpro: VERSION,
    node: process.version,
    backend: k.name,
    blas: `${b.name} ${b.version} (${b.threads} thread${b.threads === 1 ? "" : "s"})`,
    os: `${platform()} ${release()} ${arch()}`,
    cpu: `${cpu[0]?.model ?? "unknown"} × ${cpu.length}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    plots: `vega ${PLOT_VERSIONS.vega}, vega-lite ${PLOT_VERSIONS.vegaLite}`,
  };
}

const cap = (t: string): string => t.charAt(0).toUpperCase() + t.slice(1);

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** "median" or "median [min, max]" when several seeds. */
function cell(r: MethodResult, path: string, fallback?: unknown, scale = 1): string {
  const sp: Spread | undefined = r.spread[path];
  const v = num(getPath(r.summary, path) ?? fallback);
  if (r.perSeed.length > 1 && sp && sp.n > 1 && sp.min !== null && sp.max !== null)
    return `${fmt(sp.median === null ? null : sp.median * scale)} [${fmt(sp.min * scale)}, ${fmt(sp.max * scale)}]`;
  return fmt(v === null ? null : v * scale);
}

function reachCell(r: MethodResult, what: "workUnits" | "wallSeconds", hasTarget: boolean): string {
  if (r.kind === "baseline") return "";
  if (!hasTarget) return "—";
  const v = r.reachedAdamBest[what];
  if (v === null) return "not reached";
  const seeds = r.reachedAdamBest.seeds;
  const sp = r.spread[`reachedAdamBest.${what}`];
  let s = fmt(v);
  if (seeds > 1 && sp && sp.min !== null && sp.max !== null) s += ` [${fmt(sp.min)}, ${fmt(sp.max)}]`;
  if (r.reachedAdamBest.seedsReached < seeds) s += ` (${r.reachedAdamBest.seedsReached}/${seeds} seeds)`;
  return s;
}

/** " (lr 0.01)", or the distinct rates chosen on different seeds. */
function lrNote(r: MethodResult): string {
  const lrs = [...new Set(r.perSeed.map((s) => s.lr).filter((v): v is number => v !== undefined))];
  return lrs.length === 0 ? "" : ` (lr ${lrs.map((v) => fmt(v)).join(", ")})`;
}

/** The headline table: one row per method (optimizers, then baselines). */
export function summaryTable(res: CompareResult): Table {
  const m = res.metric;
  const pct = m.name === "accuracy";
  const mlabel = pct ? "accuracy %" : m.name;
  const scale = pct ? 100 : 1;
  const columns = [
    "method",
    "status",
    "work units",
    "wall s",
    "train loss",
    `train ${mlabel}`,
    `val ${mlabel}`,
    `test ${mlabel}`,
    "WU to ADAM best",
    "s to ADAM best",
  ];
  const rows = res.results.map((r) => [
    r.label + lrNote(r),
    String(r.summary.status ?? ""),
    r.kind === "baseline" ? "0" : cell(r, "workUnits"),
    cell(r, "wallSeconds"),
    cell(r, "train.last.loss"),
    cell(r, `train.best.${m.name}`, undefined, scale),
    cell(r, `val.best.${m.name}`, undefined, scale),
    cell(r, `test.best.${m.name}`, undefined, scale),
    reachCell(r, "workUnits", res.target.median !== null),
    reachCell(r, "wallSeconds", res.target.median !== null),
  ]);
  const notes = [
    `Metrics of the best-validation iterate, in the data's original units; training loss of the last iterate.`,
    res.target.median === null
      ? "No ADAM run, so no target."
      : `Target: the best validation ${m.label} ADAM reached within its budget (${fmt(res.target.median * scale)}${res.seeds.length > 1 ? ", median over seeds" : ""}); "WU/s to ADAM best": first history row at least as good.`,
  ];
  if (res.seeds.length > 1) notes.push(`${res.seeds.length} seeds: median [min, max].`);
  return { columns, rows, numeric: columns.map((_, j) => j >= 2), notes };
}

export interface WrittenFiles {
  dir: string;
  summary: string;
  report: string;
  histories: string[];
  plots: string[];
}

/** Figures of the run: [file name, title, caption, svg]. */
async function figures(
  res: CompareResult,
  extra: { labelMaps?: { maps: LabelMap[]; classNames?: string[] } },
): Promise<{ file: string; title: string; caption: string; svg: string }[]> {
  const order = [...new Set(res.traces.map((t) => t.label))];
  const baselines = res.results.filter((r) => r.kind === "baseline");
  const refs = (y: YQuantity): Reference[] =>
    baselines.map((b) => {
      const key = y === "loss" ? "loss" : res.metric.name;
      return {
        label: b.label,
        train: num(getPath(b.summary, `train.best.${key}`)),
        val: num(getPath(b.summary, `val.best.${key}`)),
      };
    });
  const out: { file: string; title: string; caption: string; svg: string }[] = [];
  const combos: [YQuantity, XAxis, string, string][] = [
    ["loss", "workUnits", "loss-vs-work-units.svg", "Loss against work units"],
    ["metric", "workUnits", "metric-vs-work-units.svg", `${cap(res.metric.label)} against work units`],
    ["loss", "wallSeconds", "loss-vs-wall-time.svg", "Loss against wall time"],
    ["metric", "wallSeconds", "metric-vs-wall-time.svg", `${cap(res.metric.label)} against wall time`],
  ];
  for (const [y, x, file, title] of combos) {
    const svg = await renderSvg(
      curveSpec(res.traces, { x, y, metric: res.metric, order, references: refs(y) }),
    );
    out.push({
      file,
      title,
      svg,
      caption:
        (y === "loss"
          ? "Training loss as the optimizer sees it (ADAM/SGD: mean minibatch loss of the epoch) and validation loss. "
          : "") +
        "Dashed lines: the sanity baselines." +
        (res.seeds.length > 1 ? " One line per method and seed." : ""),
    });
  }
  const rows = res.results
    .filter((r) => r.kind === "optimizer")
    .map((r) => ({
      label: r.label,
      workUnits: r.reachedAdamBest.workUnits,
      wallSeconds: r.reachedAdamBest.wallSeconds,
    }));
  if (res.target.median !== null) {
    out.push({
      file: "reach-adam-best.svg",
      title: "Cost to reach ADAM's best validation metric",
      caption: "Missing bars: the method never reached the target within its budget.",
      svg: await renderSvg(reachSpec(rows, order, res.target.median, res.metric)),
    });
  }
  const ds = res.firstSeed.data;
  if (ds.task === "regression" && ds.test.n + ds.val.n > 0) {
    const part = ds.test.n > 0 ? ds.test : ds.val;
    const k = Math.min(4, part.n);
    const idx = Array.from({ length: k }, (_, i) => Math.floor((i * part.n) / k));
    const q = ds.q;
    const Y = new Float64Array(ds.d * k);
    idx.forEach((j, i) => Y.set(part.Y.subarray(j * ds.d, (j + 1) * ds.d), i * ds.d));
    const preds = Object.entries(res.firstSeed.models).map(([opt, model]) => ({
      label: OPTIMIZER_LABELS[opt as keyof typeof OPTIMIZER_LABELS],
      values: model!.predict(Y, k, "best"),
    }));
    const samples = idx.map((j, i) => ({
      index: j,
      truth: part.C.subarray(j * q, (j + 1) * q),
      predictions: preds.map((p) => ({ label: p.label, values: p.values.subarray(i * q, (i + 1) * q) })),
    }));
    out.push({
      file: "predicted-vs-true.svg",
      title: `Predicted vs true observations (${ds.test.n > 0 ? "test" : "validation"} samples, seed ${res.seeds[0]})`,
      caption: "Black: the true observations; dashed: each method's prediction (best-validation iterate).",
      svg: await renderSvg(observationsSpec(samples, order)),
    });
  }
  if (extra.labelMaps) {
    out.push({
      file: "label-maps.svg",
      title: "True and predicted label maps",
      caption:
        "Grey: unlabelled (background) pixels. Predictions of the best-validation iterate on every labelled pixel.",
      svg: labelMapsSvg(extra.labelMaps.maps, extra.labelMaps.classNames),
    });
  }
  return out;
}

/** The JSON summary (DIR/summary.json). */
export function summaryJson(
  res: CompareResult,
  rec: CompareRecord,
  files: Omit<WrittenFiles, "dir">,
): unknown {
  return {
    command: "compare",
    version: VERSION,
    experiment: rec.experiment,
    task: res.task,
    metric: res.metric,
    provenance: res.provenance,
    seeds: res.seeds,
    target: {
      description: `best validation ${res.metric.label} ADAM reached within its budget`,
      perSeed: res.target.perSeed,
      median: res.target.median,
    },
    results: res.results.map((r) => ({
      optimizer: r.optimizer,
      label: r.label,
      kind: r.kind,
      ...r.summary,
      reachedAdamBest: r.reachedAdamBest,
      spread: r.spread,
      perSeed: r.perSeed,
    })),
    settings: { compare: rec.compare, optimizers: res.settings },
    machine: machineInfo(),
    files,
  };
}

function lrTable(res: CompareResult): Table | null {
  const rows: string[][] = [];
  for (const r of res.results)
    for (const s of r.perSeed)
      for (const t of s.tuning ?? [])
        rows.push([
          r.label,
          String(s.seed),
          fmt(t.lr),
          fmt(t.bestValMetric),
          fmt(t.workUnits),
          fmt(t.wallSeconds),
          t.lr === s.lr ? "chosen" : "",
        ]);
  if (rows.length === 0) return null;
  return {
    columns: ["method", "seed", "learning rate", `best val ${res.metric.name}`, "work units", "wall s", ""],
    rows,
    numeric: [false, true, true, true, true, true, false],
  };
}

function perSeedTable(res: CompareResult): Table {
  const m = res.metric.name;
  const rows: string[][] = [];
  for (const r of res.results)
    for (const s of r.perSeed)
      rows.push([
        r.label,
        String(s.seed),
        String(s.summary.status ?? ""),
        fmt(num(s.summary.workUnits)),
        fmt(num(s.summary.wallSeconds)),
        fmt(num(getPath(s.summary, "train.last.loss"))),
        fmt(num(getPath(s.summary, `val.best.${m}`))),
        fmt(num(getPath(s.summary, `test.best.${m}`))),
        fmt(num(getPath(s.summary, `test.last.${m}`))),
        r.kind === "baseline" ? "" : s.reach ? fmt(s.reach.workUnits) : "not reached",
      ]);
  return {
    columns: [
      "method",
      "seed",
      "status",
      "work units",
      "wall s",
      "train loss",
      `val ${m}`,
      `test ${m}`,
      `test ${m} (last)`,
      "WU to ADAM best",
    ],
    rows,
    numeric: [false, true, false, true, true, true, true, true, true, true],
  };
}

/**
 * Write everything into `dir` and return the paths. `labelMaps`: segmentation maps to draw.
 */
export async function writeCompare(
  dir: string,
  res: CompareResult,
  rec: CompareRecord,
  extra: { labelMaps?: { maps: LabelMap[]; classNames?: string[] } } = {},
): Promise<WrittenFiles> {
  const root = resolve(dir);
  mkdirSync(join(root, "histories"), { recursive: true });
  mkdirSync(join(root, "plots"), { recursive: true });
  const histories: string[] = [];
  for (const t of res.traces) {
    const f = join(root, "histories", `${t.method}-seed${t.seed}.csv`);
    writeFileSync(f, historyCsv(t.rows as unknown as Record<string, unknown>[]));
    histories.push(f);
  }
  const figs = await figures(res, extra);
  const plots: string[] = [];
  for (const f of figs) {
    const p = join(root, "plots", f.file);
    writeFileSync(p, f.svg);
    plots.push(p);
  }
  const summaryPath = join(root, "summary.json");
  const reportPath = join(root, "report.html");
  const files = { summary: summaryPath, report: reportPath, histories, plots };
  writeFileSync(summaryPath, JSON.stringify(summaryJson(res, rec, files), null, 2) + "\n");

  const name = rec.experiment ?? "user data";
  const labels = res.results.filter((r) => r.kind === "optimizer").map((r) => r.label);
  const sections: Section[] = [
    {
      title: "Summary",
      text:
        `Every optimizer starts from the same initial weights θ₀ (with W₀ = W(θ₀)) and gets its preset's work-unit budget ` +
        `(a run may stop earlier, at its iteration cap or on convergence: see the status column); ` +
        `one work unit is one pass of the network over the training data (GNVPRO.md §4). ` +
        `ADAM and SGD use the learning rate that reached the best validation ${res.metric.label} over the grid below. ` +
        `Methods: ${labels.join(", ")}; baselines: ${
          res.results
            .filter((r) => r.kind === "baseline")
            .map((r) => r.label)
            .join(", ") || "none"
        }.`,
      table: summaryTable(res),
    },
    ...figs.map((f) => ({ title: f.title, svg: f.svg, caption: f.caption })),
  ];
  const lt = lrTable(res);
  if (lt) sections.push({ title: "Learning-rate tuning (validation set)", table: lt });
  sections.push({ title: "Per-seed results", table: perSeedTable(res) });
  const html = renderReportHtml({
    title: `gnvpro compare — ${name}`,
    lead: `${labels.join(" vs ")} on ${name} (${res.task}); seeds ${res.seeds.join(", ")}.`,
    provenance: {
      kind: res.provenance.kind,
      description:
        res.provenance.description + (res.seeds.length > 1 ? ` (first of ${res.seeds.length} seeds)` : ""),
    },
    sections,
    settings: {
      compare: rec.compare,
      ...Object.fromEntries(Object.entries(res.settings).map(([k, v]) => [k, v as unknown])),
    },
    machine: machineInfo(),
    generatedAt: new Date().toISOString(),
  });
  writeFileSync(reportPath, html);
  return { dir: root, ...files };
}

/** The summary table for the terminal. */
export function formatCompareTable(res: CompareResult): string {
  const t = summaryTable(res);
  return textTable(t.columns, t.rows, t.numeric) + t.notes!.map((n) => `  ${n}`).join("\n") + "\n";
}
