/**
 * The table of named data generators behind `gnvpro data generate NAME` and the renderers behind
 * `gnvpro data show`.
 *
 * To add a generator: export a `DataGenerator` from its module (import only types from this file,
 * so there is no import cycle) and add it to BUILTIN below — or call `registerGenerator` at run
 * time. The CLI command never needs editing. A generator may carry its own `show`; a data set
 * whose generator has none (or a foreign data set) gets a generic picture of its Y and C columns.
 */
import type { TopLevelSpec } from "vega-lite";
import type { Dataset } from "./dataset.js";
import { cdrGenerator } from "./cdr.js";
import { dcrGenerator } from "./dcr.js";
import { circleGenerator, peaksGenerator } from "./toys.js";
import { CLASSIFICATION_GENERATORS } from "./classification-generators.js";

/** Plain JSON-serialisable values: what a manifest records. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A generated data set in memory: samples are columns. */
export interface GeneratedSet {
  /** Inputs, d×n column-major. */
  Y: Float64Array;
  d: number;
  /** Targets (observations, or one-hot classes), q×n column-major. */
  C: Float64Array;
  q: number;
  n: number;
  /** Worker threads used (recorded in the manifest's timing; default 1). */
  workers?: number;
  /** Extra figures recorded in the manifest under "info" (e.g. baseline errors). */
  info?: { [key: string]: Json };
}

export interface GenerateContext {
  /** Called with (samples done, total) as generation proceeds. */
  onProgress?: (done: number, total: number) => void;
}

export interface DataGenerator {
  /** The name used on the command line, e.g. "cdr". */
  name: string;
  /** Bumped whenever the same parameters and seed would give different data. */
  version: string;
  description: string;
  /** Default number of samples. */
  defaultN: number;
  /**
   * Validate user parameters (partial, possibly strings from the command line already parsed as
   * JSON) and complete them with defaults. Throws an Error naming every bad option.
   */
  resolveParams(raw: { [key: string]: unknown }): { [key: string]: Json };
  /** Generate n samples; deterministic in (params, n, seed) on a given backend. */
  generate(
    params: { [key: string]: Json },
    n: number,
    seed: number,
    ctx?: GenerateContext,
  ): Promise<GeneratedSet>;
  /** A Vega-Lite picture of sample i of a data set this generator wrote. */
  show?(ds: Dataset, sample: number): Promise<TopLevelSpec>;
}

const BUILTIN: DataGenerator[] = [
  cdrGenerator,
  dcrGenerator,
  circleGenerator,
  peaksGenerator,
  ...CLASSIFICATION_GENERATORS,
];

const table = new Map<string, DataGenerator>();
for (const g of BUILTIN) table.set(g.name, g);

/** Add (or replace) a generator. */
export function registerGenerator(g: DataGenerator): void {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(g.name))
    throw new Error(`registerGenerator: name '${g.name}' must be lower-case letters, digits and dashes`);
  table.set(g.name, g);
}

/** The generator called `name`; throws listing the known names otherwise. */
export function getGenerator(name: string): DataGenerator {
  const g = table.get(name);
  if (g === undefined)
    throw new Error(`unknown data generator '${name}' (known: ${[...table.keys()].sort().join(", ")})`);
  return g;
}

export function findGenerator(name: string): DataGenerator | undefined {
  return table.get(name);
}

export function listGenerators(): DataGenerator[] {
  return [...table.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export type ShowRenderer = (ds: Dataset, sample: number) => Promise<TopLevelSpec>;

const renderers = new Map<string, ShowRenderer>();

/** A `show` renderer for data sets whose manifest names `generator` (overrides the generator's own). */
export function registerShowRenderer(generator: string, render: ShowRenderer): void {
  renderers.set(generator, render);
}

/** The renderer for a data set written by `generator`, or null for the generic one. */
export function getShowRenderer(generator: string): ShowRenderer | null {
  const r = renderers.get(generator);
  if (r !== undefined) return r;
  const g = table.get(generator);
  if (g?.show !== undefined) return g.show.bind(g);
  return null;
}
