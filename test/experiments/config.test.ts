import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  parseSettings,
  parseSplit,
  readConfigFile,
  resolveSettings,
  DEFAULTS,
} from "../../src/experiments/config.js";
import { PRESETS, getPreset, presetSettings } from "../../src/experiments/presets.js";

test("defaults < preset < file < flags", () => {
  const p = getPreset("cdr");
  const s = resolveSettings(presetSettings(p, "gnvpro"), { budget: 50, width: 4 }, { width: 6 });
  assert.equal(s.experiment, "cdr");
  assert.equal(s.budget, 50);
  assert.equal(s.width, 6);
  assert.equal(s.levels, 3);
  assert.equal(s.alphaTheta, 1e-10);
  assert.equal(s.batchSize, DEFAULTS.batchSize); // ADAM's preset batch size applies to ADAM only
  assert.equal(s.seed, DEFAULTS.seed);
});

test("per-optimizer preset settings", () => {
  const s = presetSettings(PRESETS.cdr, "adam");
  assert.equal(s.lr, 1e-2);
  assert.equal(presetSettings(PRESETS.cdr, "gnvpro").lr, undefined);
});

test("every preset's settings pass the schema", () => {
  for (const p of Object.values(PRESETS))
    for (const o of ["gnvpro", "gn", "lbfgs-vp", "adam", "sgd"] as const)
      parseSettings(presetSettings(p, o), p.name);
});

test("schema errors name the bad field", () => {
  assert.throws(() => parseSettings({ alphaW: "x" }, "flags"), /setting "alphaW"/);
  assert.throws(() => parseSettings({ optimizer: "newton" }, "flags"), /setting "optimizer"/);
  assert.throws(
    () => parseSettings({ widht: 3 }, "config file c.json"),
    /config file c.json: unknown setting "widht"/,
  );
  assert.throws(() => parseSettings({ split: [0.5, 0.5] }, "flags"), /setting "split/);
  assert.throws(() => parseSettings({ budget: -1 }, "flags"), /setting "budget"/);
});

test("config file: bad JSON, non-object, unknown key, missing file", () => {
  const dir = mkdtempSync(join(tmpdir(), "gnv-cfg-"));
  const f = join(dir, "c.json");
  writeFileSync(f, "{ nope");
  assert.throws(() => readConfigFile(f), /not valid JSON/);
  writeFileSync(f, "[1]");
  assert.throws(() => readConfigFile(f), /expected a JSON object/);
  writeFileSync(f, JSON.stringify({ width: 0 }));
  assert.throws(() => readConfigFile(f), /setting "width"/);
  writeFileSync(f, JSON.stringify({ width: 5, split: [0.6, 0.2, 0.2] }));
  assert.deepEqual(readConfigFile(f), { width: 5, split: [0.6, 0.2, 0.2] });
  assert.throws(() => readConfigFile(join(dir, "missing.json")), /cannot read/);
});

test("cross-field checks", () => {
  assert.throws(
    () => resolveSettings({ y: "a.npy", c: "b.npy", task: "regression", split: [0.5, 0.3, 0.3] }),
    /add up to 1\.1/,
  );
  assert.throws(
    () => resolveSettings({ y: "a.npy", c: "b.npy", task: "regression", split: [0, 0.5, 0.5] }),
    /training fraction/,
  );
  assert.throws(() => resolveSettings({ y: "a.npy", task: "regression" }), /"c" is missing/);
  assert.throws(() => resolveSettings({ y: "a.npy", c: "b.npy" }), /"task" is missing/);
  assert.throws(() => resolveSettings({}), /no data/);
  assert.throws(() => resolveSettings({ experiment: "cdr", y: "a", c: "b", task: "regression" }), /not both/);
  assert.equal(resolveSettings({ y: "a", c: "b", task: "regression", split: [0.9, 0.1, 0] }).split[2], 0);
});

test("parseSplit", () => {
  assert.deepEqual(parseSplit("0.8,0.2,0"), [0.8, 0.2, 0]);
  assert.throws(() => parseSplit("0.8,0.2"), /three fractions/);
  assert.throws(() => parseSplit("a,b,c"), /three fractions/);
  assert.throws(() => getPreset("nope"), /unknown experiment "nope"/);
});
