/**
 * Architecture ⇄ JSON. Every element's `toJSON()` gives a `LayerSpec` ({type, ...options});
 * `layerFromSpec` rebuilds the element. New element types register a builder with `registerLayer`.
 */
import { ActivationLayer, checkActivation } from "./activations.js";
import { AntisymResNet } from "./antisym-resnet.js";
import { Conv2D, type Padding, type Precision } from "./conv2d.js";
import { Dense } from "./dense.js";
import { Flatten } from "./flatten.js";
import { AvgPool2D, GlobalAvgPool } from "./pool.js";
import { ResidualEuler } from "./residual.js";
import { Sequential } from "./sequential.js";
import type { Layer, LayerSpec } from "./types.js";

export type LayerBuilder = (spec: LayerSpec) => Layer;

const registry = new Map<string, LayerBuilder>();

export function registerLayer(type: string, build: LayerBuilder): void {
  registry.set(type, build);
}

function num(spec: LayerSpec, key: string, optional = false): number | undefined {
  const v = spec[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v))
    throw new Error(`layerFromSpec(${spec.type}): "${key}" must be a number, got ${JSON.stringify(v)}`);
  return v;
}
const req = (spec: LayerSpec, key: string): number => num(spec, key) as number;

function shape(spec: LayerSpec, key: string): number[] {
  const v = spec[key];
  if (!Array.isArray(v) || !v.every((x) => typeof x === "number"))
    throw new Error(
      `layerFromSpec(${spec.type}): "${key}" must be an array of numbers, got ${JSON.stringify(v)}`,
    );
  return v as number[];
}

function optBool(spec: LayerSpec, key: string): boolean | undefined {
  const v = spec[key];
  if (v === undefined) return undefined;
  if (typeof v !== "boolean")
    throw new Error(`layerFromSpec(${spec.type}): "${key}" must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

function optAct(spec: LayerSpec) {
  return spec.act === undefined ? undefined : checkActivation(spec.act, `layerFromSpec(${spec.type})`);
}

registerLayer(
  "dense",
  (s) => new Dense({ nIn: req(s, "nIn"), nOut: req(s, "nOut"), act: optAct(s), bias: optBool(s, "bias") }),
);
registerLayer(
  "activation",
  (s) => new ActivationLayer(checkActivation(s.act, "layerFromSpec(activation)"), shape(s, "shape")),
);
registerLayer(
  "residualEuler",
  (s) =>
    new ResidualEuler({
      width: req(s, "width"),
      nSteps: req(s, "nSteps"),
      T: num(s, "T", true),
      act: optAct(s),
    }),
);
registerLayer(
  "antisymResNet",
  (s) =>
    new AntisymResNet({
      width: req(s, "width"),
      nt: req(s, "nt"),
      T: num(s, "T", true),
      eps: num(s, "eps", true),
      act: optAct(s),
    }),
);
registerLayer(
  "conv2d",
  (s) =>
    new Conv2D({
      inC: req(s, "inC"),
      H: req(s, "H"),
      W: req(s, "W"),
      outC: req(s, "outC"),
      k: req(s, "k"),
      padding: s.padding as Padding | undefined,
      act: optAct(s),
      bias: optBool(s, "bias"),
      precision: s.precision as Precision | undefined,
      maxPatchEntries: num(s, "maxPatchEntries", true),
    }),
);
registerLayer(
  "avgPool2d",
  (s) => new AvgPool2D({ C: req(s, "C"), H: req(s, "H"), W: req(s, "W"), k: req(s, "k") }),
);
registerLayer("globalAvgPool", (s) => new GlobalAvgPool({ C: req(s, "C"), H: req(s, "H"), W: req(s, "W") }));
registerLayer("flatten", (s) => new Flatten(shape(s, "shape")));
registerLayer("sequential", (s) => {
  if (!Array.isArray(s.layers)) throw new Error(`layerFromSpec(sequential): "layers" must be an array`);
  return new Sequential((s.layers as unknown[]).map((c) => layerFromSpec(c)));
});

/** Rebuild an element from its JSON architecture. Throws naming the type or field that is wrong. */
export function layerFromSpec(spec: unknown): Layer {
  if (typeof spec !== "object" || spec === null || typeof (spec as LayerSpec).type !== "string")
    throw new Error(`layerFromSpec: expected an object with a string "type", got ${JSON.stringify(spec)}`);
  const s = spec as LayerSpec;
  const build = registry.get(s.type);
  if (build === undefined)
    throw new Error(
      `layerFromSpec: unknown layer type "${s.type}" (known: ${[...registry.keys()].join(", ")})`,
    );
  return build(s);
}
