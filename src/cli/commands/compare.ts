/**
 * `gnvpro compare`: GNvpro vs GN, L-BFGS-VarPro, ADAM and SGD (learning rates tuned on the
 * validation set) from the same initial point, plus the sanity baselines, over one or more seeds;
 * writes DIR/summary.json, histories, SVG plots and the self-contained DIR/report.html, prints the
 * summary table and, last, the report's path.
 *
 * Settings as for `gnvpro train` (defaults < preset, with each optimizer's own overrides < --config
 * FILE < flags); a flag applies to every optimizer (e.g. --budget).
 */
import type { Command } from "commander";
import { OPTIMIZERS, PRESET_NAMES, readConfigFile, type OptimizerName } from "../../experiments/config.js";
import { flagsToSettings, type TrainFlags } from "./train.js";
import {
  COMPARE_OPTIMIZERS,
  OPTIMIZER_LABELS,
  runCompare,
  type CompareResult,
} from "../../compare/compare.js";
import { trainPipelineHooks } from "../../compare/hooks.js";
import { formatCompareTable, writeCompare, type WrittenFiles } from "../../compare/output.js";
import { labelMapsFor } from "../../compare/labelmaps.js";

export interface CompareFlags extends Omit<TrainFlags, "optimizer" | "resume" | "select"> {
  seeds?: string;
  optimizers?: string;
  adamLrs?: string;
  sgdLrs?: string;
}

function parseList(text: string, flag: string): number[] {
  const parts = text.split(",").map((p) => p.trim());
  const v = parts.map(Number);
  if (parts.some((p) => p === "") || v.some((x) => !Number.isFinite(x) || x <= 0))
    throw new Error(`option ${flag}: expected comma-separated positive numbers, got "${text}"`);
  return v;
}

export function parseOptimizers(text: string): OptimizerName[] {
  const names = text.split(",").map((p) => p.trim());
  for (const n of names)
    if (!(OPTIMIZERS as readonly string[]).includes(n))
      throw new Error(`option --optimizers: unknown optimizer "${n}" (known: ${OPTIMIZERS.join(", ")})`);
  if (new Set(names).size !== names.length)
    throw new Error(`option --optimizers: "${text}" names an optimizer twice`);
  return names as OptimizerName[];
}

export interface CompareRun {
  result: CompareResult;
  files: WrittenFiles;
  table: string;
}

/** Everything `gnvpro compare` does except printing. */
export async function runCompareCommand(
  f: CompareFlags,
  log: (line: string) => void = () => {},
): Promise<CompareRun> {
  const { seeds: seedsText, optimizers: optText, adamLrs, sgdLrs, ...trainFlags } = f;
  const flags = flagsToSettings(trainFlags);
  if (flags.out !== undefined) delete flags.out;
  const file = f.config !== undefined ? readConfigFile(f.config) : {};
  const userData = flags.y !== undefined || flags.c !== undefined;
  const experiment = userData ? undefined : (flags.experiment ?? file.experiment);
  if (!userData && experiment === undefined)
    throw new Error("no data: give --experiment NAME or your own data with --y FILE --c FILE");
  let k = 1;
  if (seedsText !== undefined) {
    k = Number(seedsText);
    if (!Number.isInteger(k) || k < 1 || k > 1000)
      throw new Error(
        `option --seeds: expected a whole number of seeds between 1 and 1000, got "${seedsText}"`,
      );
  }
  const optimizers = optText !== undefined ? parseOptimizers(optText) : [...COMPARE_OPTIMIZERS];
  const lrGrid: Partial<Record<"adam" | "sgd", number[]>> = {};
  if (adamLrs !== undefined) lrGrid.adam = parseList(adamLrs, "--adam-lrs");
  if (sgdLrs !== undefined) lrGrid.sgd = parseList(sgdLrs, "--sgd-lrs");

  const hooks = trainPipelineHooks({ experiment, layers: [file, flags] });
  const first = hooks.settingsFor(optimizers[0], {});
  const seeds = Array.from({ length: k }, (_, i) => first.seed + i);
  const out = f.out ?? `runs/compare-${experiment ?? "user"}`;
  const result = await runCompare(hooks, { seeds, optimizers, lrGrid, log });
  log("writing plots and report");
  const labelMaps = await labelMapsFor(result, hooks.preset);
  const files = await writeCompare(
    out,
    result,
    {
      experiment: experiment ?? null,
      compare: {
        seeds,
        optimizers: optimizers.map((o) => OPTIMIZER_LABELS[o]),
        lrGrid: {
          adam: lrGrid.adam ?? "factors 0.1, 0.3, 1, 3 of the preset's learning rate",
          sgd: lrGrid.sgd ?? "factors 0.1, 0.3, 1, 3 of the preset's learning rate",
        },
        config: f.config ?? null,
        flags: flags as Record<string, unknown>,
      },
    },
    labelMaps ? { labelMaps } : {},
  );
  return { result, files, table: formatCompareTable(result) };
}

export function register(program: Command): void {
  program
    .command("compare")
    .description(
      "compare GNvpro with GN, L-BFGS-VarPro, ADAM and SGD (tuned) and sanity baselines; writes a report",
    )
    .option("--experiment <name>", `paper experiment: ${PRESET_NAMES.join(", ")}`)
    .option("--config <file>", "JSON file of settings (keys as the flags, in camelCase)")
    .option("--y <file>", "your inputs, one sample per row (.npy or .csv)")
    .option("--c <file>", "your targets (regression) or labels / one-hot rows (classification)")
    .option("--task <task>", "regression | classification (with --y/--c)")
    .option("--split <fractions>", "train,val,test fractions, e.g. 0.8,0.1,0.1 (test may be 0)")
    .option("--n <count>", "samples to generate (cdr, dcr, circle, peaks) or to use (mnist, cifar10)")
    .option("--data-dir <dir>", "directory with real data files (cifar10, indian-pines)")
    .option("--seed <int>", "first seed (data generation, split and initialisation); default from the preset")
    .option(
      "--seeds <k>",
      "repeat everything over k seeds (seed, seed+1, …) and report medians and spreads",
      "1",
    )
    .option("--optimizers <list>", `comma-separated subset of ${COMPARE_OPTIMIZERS.join(",")}`)
    .option("--adam-lrs <list>", "ADAM learning rates to try (default 0.1, 0.3, 1, 3 × the preset's)")
    .option("--sgd-lrs <list>", "SGD learning rates to try (default 0.1, 0.3, 1, 3 × the preset's)")
    .option("--width <int>", "width of the opening layer and the ResNet")
    .option("--nt <int>", "weight time points of the ResNet (first level)")
    .option("--T <time>", "final time of the ResNet")
    .option("--levels <int>", "multilevel training levels (weight points 2 → 3 → 5 …)")
    .option("--net <spec>", "a richer network: JSON layer spec (or a file holding one)")
    .option("--budget <wu>", "work-unit budget per level, for every optimizer")
    .option("--max-iter <int>", "iteration cap per level (epochs for adam/sgd)")
    .option("--alpha-theta <a>", "regularisation weight α_θ of the network weights")
    .option("--alpha-w <a>", "regularisation weight α_W of the last layer")
    .option("--krylov-max-iter <int>", "CG iterations per Gauss–Newton step")
    .option("--krylov-tol <tol>", "relative CG tolerance")
    .option("--lr <rate>", "centre of the default learning-rate grids")
    .option("--batch-size <int>", "minibatch size (adam, sgd)")
    .option("--momentum <m>", "momentum (sgd)")
    .option("--out <dir>", "output directory (default runs/compare-<experiment>)")
    .option("--quiet", "no progress lines")
    .option("--json", "print DIR/summary.json on stdout instead of the table")
    .action(async (opts: CompareFlags) => {
      const t0 = performance.now();
      const quiet = opts.quiet === true || opts.json === true;
      const log = (line: string) => {
        if (!quiet)
          process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
      };
      const { files, table } = await runCompareCommand(opts, log);
      if (opts.json) {
        const { readFileSync } = await import("node:fs");
        process.stdout.write(readFileSync(files.summary, "utf8"));
      } else {
        process.stdout.write(table);
        process.stdout.write(
          `wrote ${files.summary}, ${files.histories.length} histories, ${files.plots.length} plots\n`,
        );
        process.stdout.write(`report: ${files.report}\n`);
      }
    });
}
