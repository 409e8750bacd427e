// The `curvatureFraction` setting (gnvpro train --curvature-fraction) reaches the trust region:
// subsampled Krylov solves cost fractions of a work unit, and the setting is validated.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fit } from "../../src/api/index.js";
import { parseSettings } from "../../src/experiments/config.js";
import { Rng } from "../../src/util/rng.js";

function data(n: number) {
  const rng = new Rng(4);
  const Y: number[][] = [];
  const C: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.uniformRange(-1, 1);
    const b = rng.uniformRange(-1, 1);
    Y.push([a, b]);
    C.push(a * a + b * b < 0.5 ? 1 : 0);
  }
  return { Y, C };
}

test("setting curvatureFraction: subsampled curvature in GNvpro runs; 1 is the plain trust region", async () => {
  const { Y, C } = data(400);
  const common = { Y, C, task: "classification" as const, budget: 30, width: 4, seed: 2 };
  const sampled = await fit({ ...common, curvatureFraction: 0.25 });
  const plain = await fit({ ...common });
  const frac = (h: { workUnits: number }[]) =>
    h.some((r) => Math.abs(r.workUnits - Math.round(r.workUnits)) > 1e-6);
  assert.ok(frac(sampled.history), "no subsampled Krylov solve (every row costs whole work units)");
  assert.ok(!frac(plain.history));
  assert.ok(sampled.history[sampled.history.length - 1].workUnits <= 30 + 1e-9);
  const one = await fit({ ...common, curvatureFraction: 1 });
  assert.deepEqual(
    one.history.map((r) => [r.workUnits, r.loss]),
    plain.history.map((r) => [r.workUnits, r.loss]),
  );
  assert.throws(() => parseSettings({ curvatureFraction: 0 }, "flags"), /curvatureFraction/);
  assert.throws(() => parseSettings({ curvatureFraction: 1.5 }, "flags"), /curvatureFraction/);
});
