import { test } from "node:test";
import assert from "node:assert/strict";
import { WorkCounter } from "../../src/objectives/types.js";

test("WorkCounter: fractional passes add up to the exact figure (no 80.00000000000001)", () => {
  const w = new WorkCounter();
  const n = 4000;
  const b = 32;
  // 80 epochs of minibatches of 32 out of 4000 samples, forward + backward (2·b/n each), last batch partial
  for (let e = 0; e < 40; e++) {
    for (let s = 0; s < n; s += b) w.add((2 * Math.min(b, n - s)) / n);
  }
  assert.equal(w.units, 80);
});

test("WorkCounter: rejects negative and NaN amounts", () => {
  const w = new WorkCounter();
  assert.throws(() => w.add(-1), /bad amount/);
  assert.throws(() => w.add(Number.NaN), /bad amount/);
  w.add(1.5);
  assert.equal(w.units, 1.5);
});
