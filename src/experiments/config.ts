/**
 * The settings of a training run (`gnvpro train`, the library's `fit`, `gnvpro compare`), their
 * schema (zod) and the precedence rules:
 *
 *     built-in defaults  <  experiment preset  <  JSON config file (--config)  <  command-line flags
 *
 * Every setting has one name, used as the JSON key (camelCase) and, in kebab-case, as the flag
 * (`alphaTheta` ↔ `--alpha-theta`). Unknown keys are rejected, and every error names the bad field.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";

export const OPTIMIZERS = ["gnvpro", "gn", "lbfgs-vp", "adam", "sgd"] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const PRESET_NAMES = ["cdr", "dcr", "indian-pines", "cifar10", "mnist", "circle", "peaks"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export type Task = "regression" | "classification";

const posInt = z.number().int().positive();
const nonNeg = z.number().finite().nonnegative();
const posNum = z.number().finite().positive();

/** A layer spec as JSON (type plus architecture fields, no weights); checked by `layerFromSpec`. */
const layerSpec = z.looseObject({ type: z.string() });

/**
 * Every setting of a run. All fields optional here: the schema validates partial settings coming
 * from a preset, a file or flags; `resolveSettings` merges them over the defaults.
 */
export const SettingsSchema = z
  .object({
    /** Paper experiment to run (data, network, loss and optimizer settings of GNVPRO.md §6). */
    experiment: z.enum(PRESET_NAMES),
    /** User data: inputs, samples as rows (NPY or CSV). */
    y: z.string().min(1),
    /** User data: targets (regression) or labels / one-hot rows (classification). */
    c: z.string().min(1),
    task: z.enum(["regression", "classification"]),
    /** Fractions train, val, test (test may be 0). */
    split: z.tuple([nonNeg, nonNeg, nonNeg]),
    /** Number of samples for generated data (cdr, dcr, circle, peaks); the paper's count by default. */
    n: posInt,
    /** Directory with real data files (CIFAR-10, Indian Pines). */
    dataDir: z.string().min(1),
    seed: z.number().int().nonnegative(),
    /** Default architecture: width of the opening layer and the ResNet. */
    width: posInt,
    /** Weight time points of the antisymmetric ResNet (at the first level). */
    nt: z.number().int().min(2),
    /** Final time of the ResNet. */
    T: posNum,
    /** Multilevel training: number of levels (weight points 2 → 3 → 5 ...). */
    levels: posInt,
    /** A richer feature-extractor spec (JSON layer spec) instead of the default architecture. */
    net: layerSpec,
    alphaTheta: nonNeg,
    alphaW: nonNeg,
    optimizer: z.enum(OPTIMIZERS),
    /** Work-unit budget per level. */
    budget: posNum,
    /** Iteration cap per level (trust-region / L-BFGS iterations; epochs for ADAM/SGD). */
    maxIter: posInt,
    /** Krylov (Steihaug CG) iterations and relative tolerance per Gauss–Newton step. */
    krylovMaxIter: posInt,
    krylovTol: posNum,
    /**
     * GNvpro: fraction of the training samples whose Gauss–Newton products the Krylov solves use
     * (subsampled curvature, grown ×2 after a rejected step; 1 = all samples).
     */
    curvatureFraction: z.number().finite().gt(0).lte(1),
    /** Learning rate and minibatch size of ADAM/SGD. */
    lr: posNum,
    batchSize: posInt,
    momentum: z.number().finite().min(0).lt(1),
    /** Block-sampled GNvpro: block size, trust-region steps per block, epochs over the blocks. */
    blockSize: posInt,
    blockIters: posInt,
    epochs: posInt,
    /** Which iterate the saved model uses by default: the best-validation one or the last. */
    select: z.enum(["best", "last"]),
    out: z.string().min(1),
    quiet: z.boolean(),
    json: z.boolean(),
  })
  .partial()
  .strict();

export type PartialSettings = z.infer<typeof SettingsSchema>;

type Required<T> = { [K in keyof T]-?: T[K] };
/** Settings with every default filled in (data source fields stay optional). */
export type Settings = Required<
  Omit<PartialSettings, "experiment" | "y" | "c" | "task" | "n" | "dataDir" | "net" | "out">
> &
  Pick<PartialSettings, "experiment" | "y" | "c" | "task" | "n" | "dataDir" | "net" | "out">;

/** Built-in defaults (for user data; presets override them). */
export const DEFAULTS: Required<
  Omit<Settings, "experiment" | "y" | "c" | "task" | "n" | "dataDir" | "net" | "out">
> = {
  split: [0.8, 0.1, 0.1],
  seed: 1,
  width: 8,
  nt: 2,
  T: 1,
  levels: 1,
  alphaTheta: 1e-6,
  alphaW: 1e-6,
  optimizer: "gnvpro",
  budget: 200,
  maxIter: 1000,
  krylovMaxIter: 20,
  krylovTol: 1e-2,
  curvatureFraction: 1,
  lr: 1e-2,
  batchSize: 32,
  momentum: 0.9,
  blockSize: 10000,
  blockIters: 3,
  epochs: 2,
  select: "best",
  quiet: false,
  json: false,
};

/** Format zod issues as one line naming each bad field. */
function describeIssues(err: z.ZodError, where: string): string {
  const parts = err.issues.map((iss) => {
    if (iss.code === "unrecognized_keys")
      return `unknown setting ${iss.keys.map((k) => `"${k}"`).join(", ")}`;
    const field = iss.path.length > 0 ? iss.path.map(String).join(".") : "(root)";
    return `setting "${field}": ${iss.message}`;
  });
  return `${where}: ${parts.join("; ")}`;
}

/** Validate partial settings from `where` (e.g. "config file x.json", "flags"); throws naming the field. */
export function parseSettings(raw: unknown, where: string): PartialSettings {
  const r = SettingsSchema.safeParse(raw);
  if (!r.success) throw new Error(describeIssues(r.error, where));
  return r.data;
}

/** Read and validate a JSON config file. */
export function readConfigFile(path: string): PartialSettings {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new Error(`config file ${path}: cannot read it`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`config file ${path}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    throw new Error(`config file ${path}: expected a JSON object of settings`);
  return parseSettings(raw, `config file ${path}`);
}

/** Merge layers of partial settings (later wins) over the defaults; checks cross-field rules. */
export function resolveSettings(...layers: PartialSettings[]): Settings {
  const merged: Record<string, unknown> = { ...DEFAULTS };
  for (const l of layers) for (const [k, v] of Object.entries(l)) if (v !== undefined) merged[k] = v;
  const s = merged as unknown as Settings;
  checkSettings(s);
  return s;
}

/** Cross-field checks (each error names the fields involved). */
export function checkSettings(s: Settings): void {
  const sum = s.split[0] + s.split[1] + s.split[2];
  if (Math.abs(sum - 1) > 1e-9)
    throw new Error(`setting "split": fractions ${s.split.join(",")} add up to ${+sum.toFixed(12)}, not 1`);
  if (s.split[0] <= 0) throw new Error(`setting "split": the training fraction must be positive`);
  const user = s.y !== undefined || s.c !== undefined;
  if (user && s.experiment !== undefined)
    throw new Error(
      `settings "experiment" and "y"/"c": give either an experiment or your own data, not both`,
    );
  if (!user && s.experiment === undefined)
    throw new Error(`no data: give --experiment NAME or your own data with --y FILE --c FILE`);
  if (user && (s.y === undefined || s.c === undefined))
    throw new Error(
      `setting "${s.y === undefined ? "y" : "c"}" is missing: user data needs both --y and --c`,
    );
  if (user && s.task === undefined)
    throw new Error(`setting "task" is missing: give --task regression|classification`);
}

/** Parse a comma-separated split "0.8,0.1,0.1". */
export function parseSplit(text: string): [number, number, number] {
  const parts = text.split(",").map((p) => p.trim());
  if (parts.length !== 3 || parts.some((p) => p === "" || !Number.isFinite(Number(p))))
    throw new Error(`option --split: expected three fractions "train,val,test", got "${text}"`);
  return [Number(parts[0]), Number(parts[1]), Number(parts[2])];
}

/** kebab-case flag name of a setting. */
export function flagName(key: string): string {
  return "--" + key.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
}
