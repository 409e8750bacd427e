/**
 * `gnvpro train`: train on a paper experiment (--experiment NAME) or on the user's own arrays
 * (--y FILE --c FILE --task regression|classification), writing DIR/model.json, summary.json,
 * history.csv and config.json. Settings: built-in defaults < preset < --config FILE < flags.
 * Ctrl-C stops after the current iteration with a checkpoint; `gnvpro train --resume DIR` continues.
 *
 * The training driver yields to the event loop after every iteration, so Ctrl-C is seen between
 * iterations; the run then stops with status "interrupted" and its checkpoint.
 */
import type { Command } from "commander";
import {
  OPTIMIZERS,
  PRESET_NAMES,
  parseSettings,
  parseSplit,
  readConfigFile,
  resolveSettings,
  type PartialSettings,
  type Settings,
} from "../../experiments/config.js";
import { getPreset, presetSettings } from "../../experiments/presets.js";
import { executeRun, prepareRun, readRunCheckpoint } from "../../experiments/run.js";
import { formatSummary, type Summary } from "../../experiments/summary.js";
import { makeProgress } from "../progress.js";
import { existsSync, readFileSync, statSync } from "node:fs";

/** Raw commander options (strings as typed). */
export interface TrainFlags {
  experiment?: string;
  config?: string;
  y?: string;
  c?: string;
  task?: string;
  split?: string;
  n?: string;
  dataDir?: string;
  seed?: string;
  width?: string;
  nt?: string;
  T?: string;
  levels?: string;
  net?: string;
  optimizer?: string;
  budget?: string;
  maxIter?: string;
  alphaTheta?: string;
  alphaW?: string;
  krylovMaxIter?: string;
  krylovTol?: string;
  curvatureFraction?: string;
  lr?: string;
  batchSize?: string;
  momentum?: string;
  blockSize?: string;
  blockIters?: string;
  epochs?: string;
  select?: string;
  out?: string;
  quiet?: boolean;
  json?: boolean;
  resume?: string;
}

const NUMERIC: Record<string, string> = {
  n: "--n",
  seed: "--seed",
  width: "--width",
  nt: "--nt",
  T: "--T",
  levels: "--levels",
  budget: "--budget",
  maxIter: "--max-iter",
  alphaTheta: "--alpha-theta",
  alphaW: "--alpha-w",
  krylovMaxIter: "--krylov-max-iter",
  krylovTol: "--krylov-tol",
  curvatureFraction: "--curvature-fraction",
  lr: "--lr",
  batchSize: "--batch-size",
  momentum: "--momentum",
  blockSize: "--block-size",
  blockIters: "--block-iters",
  epochs: "--epochs",
};

function parseNet(text: string): unknown {
  const src = existsSync(text) ? readFileSync(text, "utf8") : text;
  try {
    return JSON.parse(src);
  } catch {
    throw new Error(
      `option --net: expected a JSON layer spec or a file holding one, got "${text.slice(0, 40)}"`,
    );
  }
}

/** Flags → validated partial settings (errors name the flag or the setting). */
export function flagsToSettings(f: TrainFlags): PartialSettings {
  const raw: Record<string, unknown> = {};
  for (const [key, flag] of Object.entries(NUMERIC)) {
    const v = (f as Record<string, unknown>)[key];
    if (v === undefined) continue;
    const x = Number(v);
    if (typeof v !== "string" || v.trim() === "" || !Number.isFinite(x))
      throw new Error(`option ${flag}: expected a number, got "${String(v)}"`);
    raw[key] = x;
  }
  for (const key of ["experiment", "y", "c", "task", "dataDir", "optimizer", "select", "out"] as const)
    if (f[key] !== undefined) raw[key] = f[key];
  if (f.split !== undefined) raw.split = parseSplit(f.split);
  if (f.net !== undefined) raw.net = parseNet(f.net);
  if (f.quiet) raw.quiet = true;
  if (f.json) raw.json = true;
  return parseSettings(raw, "command line");
}

/** Resolve the settings of a fresh run (preset, config file, flags). */
export function resolveTrainSettings(f: TrainFlags): Settings {
  const flags = flagsToSettings(f);
  const file = f.config !== undefined ? readConfigFile(f.config) : {};
  const experiment = flags.experiment ?? file.experiment;
  const userData = flags.y !== undefined || flags.c !== undefined;
  const optimizer = flags.optimizer ?? file.optimizer ?? "gnvpro";
  const preset =
    experiment !== undefined && !userData ? presetSettings(getPreset(experiment), optimizer) : {};
  const s = resolveSettings(preset, file, flags);
  if (s.out === undefined) s.out = `runs/${s.experiment ?? "user"}-${s.optimizer}`;
  return s;
}

function resolveResume(f: TrainFlags): { settings: Settings; dir: string } {
  const dir = f.resume!;
  const allowed = new Set(["resume", "budget", "quiet", "json"]);
  const extra = Object.keys(f).filter(
    (k) => (f as Record<string, unknown>)[k] !== undefined && !allowed.has(k),
  );
  if (extra.length > 0)
    throw new Error(
      `option --resume: only --budget, --quiet and --json may accompany it (got ${extra.join(", ")})`,
    );
  const { settings } = readRunCheckpoint(dir);
  const flags = flagsToSettings({ budget: f.budget, quiet: f.quiet, json: f.json });
  return { settings: { ...settings, ...flags, out: dir }, dir };
}

/** Run a training in this process; resolves with the summary (or null when interrupted). */
export async function runTrainCommand(f: TrainFlags): Promise<Summary | null> {
  const { settings, dir } =
    f.resume !== undefined ? resolveResume(f) : { settings: resolveTrainSettings(f), dir: null };
  const resume = dir !== null ? readRunCheckpoint(dir).checkpoint : null;
  const hook = process.env.GNVPRO_TEST_SIGINT_AT_ITER;
  // test hook "K" or "LEVEL:K" (levels counted from 1): behave as if Ctrl-C came at that iteration
  const sigintAt =
    hook !== undefined && hook !== ""
      ? hook.includes(":")
        ? { level: Number(hook.split(":")[0]) - 1, iteration: Number(hook.split(":")[1]) }
        : { level: 0, iteration: Number(hook) }
      : null;
  if (existsSync(settings.out!) && !statSync(settings.out!).isDirectory())
    throw new Error(`option --out: ${settings.out} exists and is not a directory`);
  const prepared = await prepareRun(settings);
  const metricName = prepared.data.task === "classification" ? "acc" : "relErr";
  const progress = makeProgress(settings.quiet || settings.json, metricName);
  let stop = false;
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) {
      process.stderr.write("\nSecond interrupt: exiting without a checkpoint.\n");
      process.exit(130);
    }
    stop = true;
    progress.stop();
    process.stderr.write("\nInterrupt: finishing the current iteration, then writing a checkpoint...\n");
  };
  process.on("SIGINT", onSigint);
  let asked = false;
  try {
    progress.start(settings.budget * prepared.nets.length, settings.experiment ?? "train");
    const r = await executeRun(
      prepared,
      { out: settings.out!, resume },
      {
        onRow: (row, level, levels) => {
          progress.update({
            level: level + 1,
            levels,
            iteration: row.iteration,
            workUnits: row.workUnits,
            loss: row.loss,
            valMetric: row.valMetric,
          });
          if (
            sigintAt !== null &&
            !asked &&
            level === sigintAt.level &&
            row.iteration >= sigintAt.iteration
          ) {
            asked = true; // test hook: behave as if the user pressed Ctrl-C now
            process.kill(process.pid, "SIGINT");
          }
        },
        shouldStop: () => stop,
      },
    );
    progress.stop();
    if (r.checkpoint !== null) {
      process.stderr.write(
        `Interrupted: checkpoint written to ${r.checkpoint}; continue with \`gnvpro train --resume ${settings.out}\`\n`,
      );
      process.exitCode = 130;
      return null;
    }
    return r.summary;
  } finally {
    progress.stop();
    process.removeListener("SIGINT", onSigint);
  }
}

export function register(program: Command): void {
  program
    .command("train")
    .description("train a network with GNvpro (or a baseline) on a paper experiment or on your own data")
    .option("--experiment <name>", `paper experiment: ${PRESET_NAMES.join(", ")}`)
    .option("--config <file>", "JSON file of settings (keys as the flags, in camelCase)")
    .option("--y <file>", "your inputs, one sample per row (.npy or .csv)")
    .option("--c <file>", "your targets (regression) or labels / one-hot rows (classification)")
    .option("--task <task>", "regression | classification (with --y/--c)")
    .option("--split <fractions>", "train,val,test fractions, e.g. 0.8,0.1,0.1 (test may be 0)")
    .option("--n <count>", "samples to generate (cdr, dcr, circle, peaks) or to use (mnist, cifar10)")
    .option("--data-dir <dir>", "directory with real data files (cifar10, indian-pines)")
    .option("--seed <int>", "seed of data generation, split and initialisation")
    .option("--width <int>", "width of the opening layer and the ResNet")
    .option("--nt <int>", "weight time points of the ResNet (first level)")
    .option("--T <time>", "final time of the ResNet")
    .option("--levels <int>", "multilevel training levels (weight points 2 → 3 → 5 …)")
    .option("--net <spec>", "a richer network: JSON layer spec (or a file holding one)")
    .option("--optimizer <name>", `${OPTIMIZERS.join(" | ")} (default gnvpro)`)
    .option("--budget <wu>", "work-unit budget per level")
    .option("--max-iter <int>", "iteration cap per level (epochs for adam/sgd)")
    .option("--alpha-theta <a>", "regularisation weight α_θ of the network weights")
    .option("--alpha-w <a>", "regularisation weight α_W of the last layer")
    .option("--krylov-max-iter <int>", "CG iterations per Gauss–Newton step")
    .option("--krylov-tol <tol>", "relative CG tolerance")
    .option(
      "--curvature-fraction <f>",
      "gnvpro: share of the samples in the CG products (subsampled curvature; 1 = all)",
    )
    .option("--lr <rate>", "learning rate (adam, sgd)")
    .option("--batch-size <int>", "minibatch size (adam, sgd)")
    .option("--momentum <m>", "momentum (sgd)")
    .option("--block-size <int>", "block-sampled GNvpro: samples per block")
    .option("--block-iters <int>", "block-sampled GNvpro: trust-region steps per block")
    .option("--epochs <int>", "block-sampled GNvpro: epochs over the blocks")
    .option("--select <which>", "iterate the model uses: best (validation) or last")
    .option("--out <dir>", "output directory (default runs/<experiment>-<optimizer>)")
    .option("--resume <dir>", "continue an interrupted run from DIR/checkpoint.json")
    .option("--quiet", "no progress bar")
    .option("--json", "print the summary as JSON on stdout")
    .action(async (opts: TrainFlags) => {
      const summary = await runTrainCommand(opts);
      if (summary === null) return;
      if (opts.json || summary.settings.json === true) process.stdout.write(JSON.stringify(summary) + "\n");
      else
        process.stdout.write(
          formatSummary(summary) +
            `wrote ${String(summary.settings.out)}/model.json, summary.json, history.csv\n`,
        );
    });
}
