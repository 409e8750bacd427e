import { test } from "node:test";
import assert from "node:assert/strict";
import { circleData, peaks, peaksClass, peaksData, peaksThresholds } from "../../src/data/toys.js";

const labelOf = (C: Float64Array, q: number, j: number): number => {
  let s = 0;
  let c = -1;
  for (let k = 0; k < q; k++) {
    s += C[k + j * q];
    if (C[k + j * q] === 1) c = k;
  }
  assert.equal(s, 1, `column ${j} is not one-hot`);
  return c;
};

test("circle: half inside the ellipse (r < 1), half in the ring (1 ≤ r < 2), x₂ scaled by 0.4", () => {
  const n = 1001;
  const t = circleData(n, 4);
  assert.equal(t.d, 2);
  assert.equal(t.q, 2);
  const count = [0, 0];
  for (let j = 0; j < n; j++) {
    const c = labelOf(t.C, 2, j);
    count[c]++;
    const r = Math.hypot(t.Y[2 * j], t.Y[2 * j + 1] / 0.4);
    if (c === 0) assert.ok(r < 1 + 1e-12, `class 0 radius ${r}`);
    else assert.ok(r >= 1 - 1e-12 && r < 2 + 1e-12, `class 1 radius ${r}`);
  }
  assert.deepEqual(count, [500, 501]);
  // classes are shuffled, not in two blocks
  let changes = 0;
  for (let j = 1; j < n; j++) if (labelOf(t.C, 2, j) !== labelOf(t.C, 2, j - 1)) changes++;
  assert.ok(changes > n / 4);
  assert.deepEqual(circleData(n, 4).Y, t.Y);
  assert.notDeepEqual(circleData(n, 5).Y, t.Y);
});

test("peaks: MATLAB's function, 5 level-set classes with equal counts", () => {
  // peaks(0, 0) = (3 − 1/3)/e; peaks(1, 0) = 3·0 − 10(1/5 − 1)e^{−1} − (1/3)e^{−4}
  assert.ok(Math.abs(peaks(0, 0) - (3 - 1 / 3) / Math.E) < 1e-15);
  assert.ok(Math.abs(peaks(1, 0) - (8 * Math.exp(-1) - Math.exp(-4) / 3 + 3 * 0 * Math.exp(-2))) < 1e-12);
  const t4 = peaksThresholds();
  assert.equal(t4.length, 4);
  for (let k = 1; k < 4; k++) assert.ok(t4[k] > t4[k - 1]);
  const n = 1003;
  const t = peaksData(n, 2);
  assert.equal(t.q, 5);
  const count = [0, 0, 0, 0, 0];
  for (let j = 0; j < n; j++) {
    const c = labelOf(t.C, 5, j);
    count[c]++;
    const [x, y] = [t.Y[2 * j], t.Y[2 * j + 1]];
    assert.ok(x >= -3 && x < 3 && y >= -3 && y < 3);
    assert.equal(peaksClass(x, y), c);
  }
  assert.deepEqual(count, [201, 201, 201, 200, 200]);
  assert.deepEqual(peaksData(n, 2).C, t.C);
});

test("toys: bad parameters are rejected", () => {
  assert.throws(() => circleData(0, 1), /positive integer, got 0/);
  assert.throws(() => peaksData(2.5, 1), /positive integer, got 2.5/);
  assert.throws(() => circleData(10, 1, { inner: 2, outer: 1 }), /outer: outer must exceed inner/);
  assert.throws(() => circleData(10, 1, { radius: 2 }), /Unrecognized key/);
  assert.throws(() => peaksData(10, 1, { classes: 3 }), /peaks: invalid parameters/);
});
