/**
 * `gnvpro data generate NAME --n N --seed S --out DIR [-p key=value ...]`,
 * `gnvpro data show DIR --sample i --out FILE.svg` and `gnvpro data list`.
 * Generators and renderers come from src/data/registry.ts; this file only parses and prints.
 */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import cliProgress from "cli-progress";
import { generateDataset, planDataset } from "../../data/manifest.js";
import { getGenerator, getShowRenderer, listGenerators } from "../../data/registry.js";
import { loadDataset } from "../../data/dataset.js";
import { genericShowSpec } from "../../data/show.js";
import { renderSvg } from "../../report/vega.js";

function parseInteger(what: string, s: string): number {
  if (!/^[+-]?\d+$/.test(s.trim())) throw new Error(`${what} must be an integer, got '${s}'`);
  const v = Number(s);
  if (!Number.isSafeInteger(v)) throw new Error(`${what} is too large: ${s}`);
  return v;
}

/** `key=value` pairs → object; values parsed as JSON when they parse, else kept as strings. */
export function parseParamPairs(pairs: readonly string[]): { [key: string]: unknown } {
  const out: { [key: string]: unknown } = {};
  for (const p of pairs) {
    const eq = p.indexOf("=");
    if (eq <= 0) throw new Error(`--param expects key=value, got '${p}'`);
    const key = p.slice(0, eq).trim();
    const raw = p.slice(eq + 1).trim();
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch {
      v = raw;
    }
    out[key] = v;
  }
  return out;
}

interface GenerateCliOptions {
  n?: string;
  seed: string;
  out: string;
  param: string[];
  force?: boolean;
  quiet?: boolean;
  json?: boolean;
}

export async function runGenerate(name: string, o: GenerateCliOptions): Promise<void> {
  const gen = getGenerator(name);
  const n = o.n === undefined ? gen.defaultN : parseInteger("--n", o.n);
  if (n < 1) throw new Error(`--n must be a positive integer, got ${n}`);
  const seed = parseInteger("--seed", o.seed);
  const params = parseParamPairs(o.param);
  // Validate everything before any file is touched.
  planDataset({ generator: name, out: o.out, n, seed, params });
  const showBar = !o.quiet && process.stderr.isTTY === true;
  const bar = showBar
    ? new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: `${name} {bar} {value}/{total} samples | {duration_formatted} < {eta_formatted}`,
          hideCursor: true,
          etaBuffer: 50,
          fps: 5,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let started = false;
  let res;
  try {
    res = await generateDataset({
      generator: name,
      out: o.out,
      n,
      seed,
      params,
      force: o.force === true,
      onProgress: (done, total) => {
        if (bar === null) return;
        if (!started) {
          bar.start(total, 0);
          started = true;
        }
        bar.update(done);
      },
    });
  } finally {
    if (started) bar?.stop();
  }
  const m = res.manifest;
  if (o.json) {
    process.stdout.write(JSON.stringify({ dir: res.dir, cached: res.cached, manifest: m }) + "\n");
    return;
  }
  const what = `${m.generator}: ${m.n} samples, Y ${m.n}×${m.d}, C ${m.n}×${m.q} (seed ${m.seed})`;
  if (res.cached) process.stdout.write(`${what} — up to date in ${res.dir} (use --force to regenerate)\n`);
  else
    process.stdout.write(
      `${what} → ${res.dir} in ${m.timing.seconds.toFixed(2)} s (${m.timing.backend} backend)\n`,
    );
  const b = m.info?.baselines as
    { meanPredictor: { frobenius: number }; ridge: { frobenius: number } } | null | undefined;
  if (b)
    process.stdout.write(
      `held-out relative error (Frobenius): mean predictor ${b.meanPredictor.frobenius.toExponential(3)}, ridge ${b.ridge.frobenius.toExponential(3)}\n`,
    );
}

export async function runShow(dir: string, o: { sample: string; out: string }): Promise<void> {
  const i = parseInteger("--sample", o.sample);
  if (!o.out.toLowerCase().endsWith(".svg")) throw new Error(`--out must name an .svg file, got '${o.out}'`);
  const ds = loadDataset(dir);
  if (i < 0 || i >= ds.n)
    throw new Error(`--sample ${i} out of range 0..${ds.n - 1} (${dir} holds ${ds.n} samples)`);
  const render = getShowRenderer(ds.name) ?? genericShowSpec;
  const svg = await renderSvg(await render(ds, i));
  try {
    writeFileSync(o.out, svg);
  } catch (err) {
    throw new Error(`cannot write ${o.out}: ${(err as Error).message}`);
  }
  process.stdout.write(`${ds.name} sample ${i} → ${o.out}\n`);
}

export function register(program: Command): void {
  const data = program.command("data").description("generate and inspect data sets (CDR, DCR, toys, ...)");
  data
    .command("generate")
    .description("generate a data set: Y.npy, C.npy (samples as rows) and manifest.json in --out")
    .argument(
      "<generator>",
      `one of: ${listGenerators()
        .map((g) => g.name)
        .join(", ")}`,
    )
    .option("--n <N>", "number of samples (default: the generator's)")
    .option("--seed <S>", "random seed", "1")
    .requiredOption("--out <DIR>", "output directory")
    .option(
      "-p, --param <key=value>",
      "generator parameter (repeatable; value parsed as JSON), e.g. -p grid=16",
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option("--force", "regenerate even when --out already holds this data set")
    .option("--quiet", "no progress bar")
    .option("--json", "print the result as JSON")
    .action((name: string, o: GenerateCliOptions) => runGenerate(name, o));
  data
    .command("show")
    .description("draw one sample (parameter field, solution, sensors/receivers) as SVG")
    .argument("<dir>", "a data set directory")
    .requiredOption("--sample <i>", "sample index (0-based)")
    .requiredOption("--out <FILE.svg>", "output SVG file")
    .action((dir: string, o: { sample: string; out: string }) => runShow(dir, o));
  data
    .command("list")
    .description("list the data generators")
    .action(() => {
      for (const g of listGenerators())
        process.stdout.write(
          `${g.name.padEnd(28)} ${String(g.defaultN).padStart(6)} samples  ${g.description}\n`,
        );
    });
}
