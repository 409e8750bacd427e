import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { runCompareCommand } from "../../src/cli/commands/compare.js";
import { externalReferences } from "../../src/report/html.js";

const tmp = mkdtempSync(join(tmpdir(), "gnvpro-compare-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));
// generated data sets are cached: keep this test's cache out of the working tree
process.env.GNVPRO_DATA_CACHE = join(tmp, "data-cache");

type Json = Record<string, unknown>;
const readJson = (p: string): Json => JSON.parse(readFileSync(p, "utf8")) as Json;

/** The summary without what legitimately differs between identical runs: wall times and paths. */
function deterministicPart(v: unknown, key = ""): unknown {
  if (Array.isArray(v)) return v.map((x) => deterministicPart(x));
  if (v !== null && typeof v === "object") {
    const out: Json = {};
    for (const [k, x] of Object.entries(v as Json)) {
      if (/wall/i.test(k) || k === "machine" || k === "files" || /wall/i.test(key)) continue;
      out[k] = deterministicPart(x, k);
    }
    return out;
  }
  return v;
}

const tiny = {
  n: "60",
  budget: "4",
  levels: "1",
  adamLrs: "0.01,0.03",
  sgdLrs: "0.03,0.1",
  quiet: true,
} as const;

test("compare on a tiny classification problem: every optimizer, baselines, plots, self-contained report", async () => {
  const out = join(tmp, "circle");
  const { files, result, table } = await runCompareCommand({
    experiment: "circle",
    ...tiny,
    seeds: "2",
    out,
  });
  const s = readJson(files.summary);
  const results = s.results as Json[];
  assert.deepEqual(
    results.map((r) => r.optimizer),
    ["gnvpro", "gn", "lbfgs-vp", "adam", "sgd", "linear-logistic"],
  );
  for (const r of results) {
    const val = r.val as { best: { accuracy: number } };
    assert.ok(val.best.accuracy >= 0 && val.best.accuracy <= 1, `${String(r.optimizer)} accuracy`);
    assert.equal((r.perSeed as unknown[]).length, 2);
    assert.equal((r.spread as Record<string, { n: number }>)["val.best.accuracy"].n, 2);
  }
  // ADAM reaches its own best by definition
  const adam = results.find((r) => r.optimizer === "adam")!;
  assert.equal((adam.reachedAdamBest as { seedsReached: number }).seedsReached, 2);
  assert.equal((s.target as { perSeed: unknown[] }).perSeed.length, 2);
  assert.deepEqual(s.seeds, [1, 2]);
  assert.equal(result.provenance.kind, "generated");
  // histories: one per optimizer and seed
  assert.equal(files.histories.length, 10);
  for (const f of [...files.histories, ...files.plots]) assert.ok(existsSync(f), f);
  for (const p of ["loss-vs-work-units", "metric-vs-work-units", "loss-vs-wall-time", "metric-vs-wall-time"])
    assert.ok(
      files.plots.some((f) => f.endsWith(`${p}.svg`)),
      p,
    );
  const html = readFileSync(files.report, "utf8");
  assert.deepEqual(externalReferences(html), []);
  for (const w of [
    "GNvpro",
    "L-BFGS-VarPro",
    "ADAM",
    "SGD",
    "linear logistic",
    "generated",
    "backend",
    "<svg",
  ])
    assert.ok(html.includes(w), w);
  assert.ok(table.includes("GNvpro") && table.includes("accuracy"));
});

test("compare on tiny regression data: baselines, predicted-vs-true plot; same seed gives the same summary", async () => {
  const a = await runCompareCommand({ experiment: "cdr", ...tiny, out: join(tmp, "cdr-a") });
  const b = await runCompareCommand({ experiment: "cdr", ...tiny, out: join(tmp, "cdr-b") });
  const sa = readJson(a.files.summary);
  assert.deepEqual(
    (sa.results as Json[]).map((r) => r.optimizer),
    ["gnvpro", "gn", "lbfgs-vp", "adam", "sgd", "mean", "ridge"],
  );
  assert.ok(a.files.plots.some((f) => f.endsWith("predicted-vs-true.svg")));
  assert.deepEqual(deterministicPart(readJson(b.files.summary)), deterministicPart(sa));
  const c = await runCompareCommand({
    experiment: "cdr",
    ...tiny,
    seed: "5",
    optimizers: "gnvpro,adam",
    adamLrs: "0.01",
    out: join(tmp, "cdr-c"),
  });
  assert.notDeepEqual(
    (readJson(c.files.summary).results as Json[])[0].val,
    (sa.results as Json[])[0].val,
    "another seed gives other results",
  );
});

test("the compare command prints the table and, last, the report's path", () => {
  const out = join(tmp, "cli");
  const root = new URL("../..", import.meta.url).pathname;
  const r = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "src/cli/main.ts",
      "compare",
      "--experiment",
      "circle",
      "--n",
      "40",
      "--budget",
      "2",
      "--optimizers",
      "gnvpro,adam",
      "--adam-lrs",
      "0.01",
      "--quiet",
      "--out",
      out,
    ],
    { cwd: root, encoding: "utf8", timeout: 60000, env: { ...process.env } },
  );
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split("\n");
  assert.equal(lines[lines.length - 1], `report: ${join(out, "report.html")}`);
  assert.ok(r.stdout.includes("GNvpro") && r.stdout.includes("ADAM (lr 0.01)"));
});

test("compare on the user's own arrays (CSV, samples as rows), with train's flags", async () => {
  const y: string[] = [];
  const c: string[] = [];
  for (let i = 0; i < 48; i++) {
    const a = Math.sin(i);
    const b = Math.cos(3 * i);
    y.push(`${a},${b},${(i % 7) / 7}`);
    c.push(`${1 + a * b},${2 + Math.tanh(a - b)}`);
  }
  writeFileSync(join(tmp, "y.csv"), y.join("\n") + "\n");
  writeFileSync(join(tmp, "c.csv"), c.join("\n") + "\n");
  const { files, result } = await runCompareCommand({
    y: join(tmp, "y.csv"),
    c: join(tmp, "c.csv"),
    task: "regression",
    split: "0.5,0.25,0.25",
    width: "4",
    budget: "4",
    optimizers: "gnvpro,lbfgs-vp,adam",
    adamLrs: "0.01",
    quiet: true,
    out: join(tmp, "user"),
  });
  const s = readJson(files.summary);
  assert.equal(s.experiment, null);
  assert.equal(result.provenance.kind, "user data");
  assert.deepEqual(
    (s.results as Json[]).map((r) => r.optimizer),
    ["gnvpro", "lbfgs-vp", "adam", "mean", "ridge"],
  );
  assert.ok(readFileSync(files.report, "utf8").includes("user data"));
});

test("compare rejects bad options with a message naming them", async () => {
  await assert.rejects(runCompareCommand({ experiment: "circle", seeds: "0" }), /--seeds/);
  await assert.rejects(
    runCompareCommand({ experiment: "circle", optimizers: "gnvpro,newton" }),
    /unknown optimizer "newton"/,
  );
  await assert.rejects(runCompareCommand({ experiment: "circle", adamLrs: "0.1,-1" }), /--adam-lrs/);
  await assert.rejects(runCompareCommand({}), /no data/);
  await assert.rejects(runCompareCommand({ experiment: "nope" }), /experiment/);
});
