import { test } from "node:test";
import assert from "node:assert/strict";
import { externalReferences, renderReportHtml, settingsRows } from "../../src/report/html.js";
import { labelMapsSvg } from "../../src/report/labelmap.js";
import { curveSpec, observationsSpec } from "../../src/report/plots.js";
import { renderSvg } from "../../src/report/vega.js";
import { REL_ERR, ACCURACY, traceToCsv, type Trace } from "../../src/report/history.js";
import { fmt, textTable } from "../../src/report/table.js";

const trace = (label: string, seed: number, f: number): Trace => ({
  method: label.toLowerCase(),
  label,
  seed,
  rows: Array.from({ length: 6 }, (_, i) => ({
    iteration: i,
    workUnits: 3 * i,
    wallMs: 7 * i,
    loss: f * Math.exp(-i),
    trainMetric: 0.5 * Math.exp(-i),
    valLoss: f * Math.exp(-i / 2),
    valMetric: i === 3 ? null : 0.6 * Math.exp(-i / 2),
  })),
});

test("curveSpec renders every method's curves to SVG, offline", async () => {
  const traces = [trace("GNvpro", 1, 1), trace("ADAM", 1, 2)];
  const svg = await renderSvg(
    curveSpec(traces, {
      x: "workUnits",
      y: "metric",
      metric: REL_ERR,
      references: [{ label: "ridge", train: 0.3, val: 0.35 }],
    }),
  );
  assert.match(svg, /^<svg/);
  for (const s of ["GNvpro", "ADAM", "ridge", "training", "validation", "work units"])
    assert.ok(svg.includes(s), s);
  assert.deepEqual(externalReferences(svg), []);
  const svg2 = await renderSvg(curveSpec(traces, { x: "wallSeconds", y: "loss", metric: ACCURACY }));
  assert.ok(svg2.includes("wall time (s)"));
});

test("observationsSpec draws the truth and every prediction", async () => {
  const svg = await renderSvg(
    observationsSpec(
      [{ index: 4, truth: [1, 2, 3], predictions: [{ label: "GNvpro", values: [1.1, 2, 2.9] }] }],
      ["GNvpro"],
    ),
  );
  for (const s of ["truth", "GNvpro", "test sample 4"]) assert.ok(svg.includes(s), s);
});

test("labelMapsSvg: one path per class and map, legend, size checks", () => {
  const labels = new Int32Array([0, 0, 1, -1, 1, 1]);
  const svg = labelMapsSvg(
    [
      { title: "true", height: 2, width: 3, labels },
      { title: "pred <GN>", height: 2, width: 3, labels: new Int32Array([0, 1, 1, 1, 1, 1]) },
    ],
    ["corn", "grass"],
  );
  assert.equal((svg.match(/<path /g) ?? []).length, 3 + 2);
  assert.ok(svg.includes("corn") && svg.includes("pred &lt;GN&gt;"));
  // class 0 of the first map: one run of two pixels in row 0
  assert.ok(svg.includes('d="M0 0h4v2h-4z"'));
  assert.throws(() => labelMapsSvg([{ title: "x", height: 2, width: 2, labels }]), /expected 2×2/);
  assert.throws(() => labelMapsSvg([]), /no maps/);
});

test("renderReportHtml is self-contained and escapes text", () => {
  const html = renderReportHtml({
    title: "compare <cdr>",
    provenance: { kind: "generated", description: "by the CDR solver" },
    sections: [
      {
        title: "Summary",
        table: { columns: ["method", "x"], rows: [["GNvpro", "1"]], numeric: [false, true] },
      },
      { title: "Plot", svg: '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>' },
    ],
    settings: { budget: 10, split: [0.5, 0.25, 0.25], adam: { lr: 0.01 } },
    machine: { node: "v20" },
    generatedAt: "now",
  });
  assert.ok(html.startsWith("<!DOCTYPE html>"));
  assert.ok(html.includes("compare &lt;cdr&gt;"));
  assert.ok(html.includes("adam.lr"));
  assert.deepEqual(externalReferences(html), []);
});

test("externalReferences finds everything that would need the network or another file", () => {
  const bad = [
    '<img src="x.png">',
    '<a href="https://example.org">',
    "<script>1</script>",
    '<link rel="stylesheet" href="a.css">',
    "<style>body{background:url(http://x/y.png)}</style>",
    "<style>@import 'a.css';</style>",
    '<image xlink:href="pic.png"/>',
  ];
  for (const b of bad) assert.ok(externalReferences(b).length > 0, b);
  const good = [
    '<a href="#top">',
    '<img src="data:image/png;base64,AAAA">',
    '<svg xmlns="http://www.w3.org/2000/svg">',
  ];
  for (const g of good) assert.deepEqual(externalReferences(g), [], g);
});

test("settingsRows flattens nested settings; tables and numbers format stably", () => {
  assert.deepEqual(settingsRows({ a: { b: 1, c: [1, 2] }, d: "x" }), [
    ["a.b", "1"],
    ["a.c", "1, 2"],
    ["d", "x"],
  ]);
  assert.equal(fmt(0.000123456), "1.235e-4");
  assert.equal(fmt(12.3456), "12.35");
  assert.equal(fmt(400), "400");
  assert.equal(fmt(null), "—");
  const t = textTable(
    ["a", "bb"],
    [
      ["x", "1"],
      ["yyy", "22"],
    ],
    [false, true],
  );
  assert.equal(t, "a    bb\n---  --\nx     1\nyyy  22\n");
  assert.equal(
    traceToCsv([{ iteration: 0, workUnits: 1, wallMs: 2, loss: 3, valMetric: null }]).split("\n")[1],
    "0,1,2,3,,,",
  );
});
