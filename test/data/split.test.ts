import { test } from "node:test";
import assert from "node:assert/strict";
import { classBalancedSplit, oneHot, randomSplit, selectColumns } from "../../src/data/split.js";
import { INDIAN_PINES_COUNTS } from "../../src/data/indian-pines.js";
import { standardizeColumns } from "../../src/data/standardize.js";
import { Rng } from "../../src/util/rng.js";

/** Labels with the real Indian Pines counts, classes interleaved at random. */
function ipLabels(seed: number): Int32Array {
  const l: number[] = [];
  INDIAN_PINES_COUNTS.forEach((c, k) => {
    for (let i = 0; i < c; i++) l.push(k);
  });
  const p = new Rng(seed).permutation(l.length);
  return Int32Array.from(p, (i) => l[i]);
}

test("split: the paper's class-balanced rule on the Indian Pines counts", () => {
  const labels = ipLabels(5);
  const s = classBalancedSplit(labels, { seed: 42 });
  // nb = min(count − 10, ⌊5000/16⌋ = 312); ⌊0.2 nb⌋ test; rest of nb train; others validation
  const nb = [36, 312, 312, 227, 312, 312, 18, 312, 10, 312, 312, 312, 195, 312, 312, 83];
  s.perClass.forEach((pc, k) => {
    assert.equal(pc.count, INDIAN_PINES_COUNTS[k]);
    assert.equal(pc.drawn, nb[k]);
    assert.equal(pc.test, Math.floor(0.2 * nb[k]));
    assert.equal(pc.train, nb[k] - Math.floor(0.2 * nb[k]));
    assert.equal(pc.val, INDIAN_PINES_COUNTS[k] - nb[k]);
  });
  assert.deepEqual([s.train.length, s.val.length, s.test.length], [2957, 6560, 732]);
  // the actual members agree with the bookkeeping, the sets are disjoint and cover everything
  const seen = new Int32Array(labels.length);
  for (const set of [s.train, s.val, s.test]) for (const i of set) seen[i]++;
  assert.ok(seen.every((v) => v === 1));
  const perClass = (set: Int32Array, k: number): number =>
    Array.from(set).filter((i) => labels[i] === k).length;
  for (let k = 0; k < 16; k++) {
    assert.equal(perClass(s.train, k), s.perClass[k].train);
    assert.equal(perClass(s.test, k), s.perClass[k].test);
  }
  // sorted, seeded
  assert.ok(s.train.every((v, i) => i === 0 || s.train[i - 1] < v));
  assert.deepEqual(classBalancedSplit(labels, { seed: 42 }).train, s.train);
  assert.notDeepEqual(classBalancedSplit(labels, { seed: 43 }).train, s.train);
});

test("split: the draw within a class is random, not the first pixels", () => {
  const labels = new Int32Array(1000); // one class
  const s = classBalancedSplit(labels, { seed: 1, cap: 100 });
  assert.equal(s.train.length + s.test.length, 100);
  assert.ok(Math.max(...s.train) > 500, "drawn from the whole class");
});

test("split: excluded samples, tiny classes and option errors", () => {
  const labels = Int32Array.from([-1, 0, 0, 1, -1, 1, 1]);
  const s = classBalancedSplit(labels, { seed: 0, holdBack: 1, testFraction: 0.5 });
  // class 0: 2 samples → nb 1, test 0; class 1: 3 → nb 2, test 1
  assert.deepEqual(
    s.perClass.map((p) => [p.count, p.drawn, p.train, p.test, p.val]),
    [
      [2, 1, 1, 0, 1],
      [3, 2, 1, 1, 1],
    ],
  );
  for (const set of [s.train, s.val, s.test]) assert.ok(!set.includes(0) && !set.includes(4));
  // a class with fewer samples than holdBack goes entirely to validation
  const t = classBalancedSplit(Int32Array.from([0, 0, 1]), { seed: 0 });
  assert.equal(t.train.length + t.test.length, 0);
  assert.equal(t.val.length, 3);
  assert.throws(() => classBalancedSplit([0, 1.5], { seed: 0 }), /label 1 is not an integer/);
  assert.throws(
    () => classBalancedSplit([0, 3], { seed: 0, numClasses: 2 }),
    /label 3 out of range for 2 classes/,
  );
  assert.throws(
    () => classBalancedSplit([0], { seed: 0, testFraction: 1.5 }),
    /testFraction must lie in \[0, 1\]/,
  );
  assert.throws(() => classBalancedSplit([0], { seed: 0, cap: -1 }), /cap must be a non-negative integer/);
  assert.throws(
    () => classBalancedSplit([0], { seed: 0, holdBack: 0.5 }),
    /holdBack must be a non-negative integer/,
  );
});

test("split: randomSplit by counts and by fractions", () => {
  const a = randomSplit(100, { train: 60, val: 25, test: 15 }, 7);
  assert.deepEqual([a.train.length, a.val.length, a.test.length], [60, 25, 15]);
  const all = new Set([...a.train, ...a.val, ...a.test]);
  assert.equal(all.size, 100);
  assert.deepEqual(randomSplit(100, { train: 60, val: 25, test: 15 }, 7), a);
  assert.notDeepEqual(randomSplit(100, { train: 60, val: 25, test: 15 }, 8).train, a.train);
  const f = randomSplit(101, { train: 0.8, val: 0.1, test: 0.1 }, 1, "fraction");
  assert.deepEqual([f.train.length, f.val.length, f.test.length], [81, 10, 10]);
  const g = randomSplit(10, { train: 0.5, val: 0.2, test: 0 }, 1, "fraction");
  assert.deepEqual([g.train.length, g.val.length, g.test.length], [5, 2, 0]);
  const sub = randomSplit(50, { train: 10, val: 0, test: 5 }, 2);
  assert.equal(sub.train.length + sub.test.length, 15);
  assert.throws(() => randomSplit(10, { train: 8, val: 2, test: 1 }, 0), /counts 8\+2\+1 exceed n = 10/);
  assert.throws(
    () => randomSplit(10, { train: 0.7, val: 0.3, test: 0.1 }, 0, "fraction"),
    /fractions sum to 1\.1/,
  );
  assert.throws(
    () => randomSplit(10, { train: -1, val: 0, test: 0 }, 0),
    /count train must be a non-negative integer/,
  );
  assert.throws(
    () => randomSplit(10, { train: 0.5, val: 2, test: 0 }, 0, "fraction"),
    /fraction val must lie in \[0, 1\]/,
  );
});

test("split: selectColumns, oneHot and per-sample standardisation", () => {
  const Y = Float64Array.from([1, 2, 3, 4, 5, 6]); // 2×3
  assert.deepEqual(Array.from(selectColumns(Y, 2, [2, 0])), [5, 6, 1, 2]);
  assert.throws(() => selectColumns(Y, 2, [3]), /column index 3 out of range for a 2×3 matrix/);
  assert.deepEqual(Array.from(oneHot([2, 0], 3)), [0, 0, 1, 1, 0, 0]);
  assert.throws(() => oneHot([3], 3), /label 3 of sample 0 not in 0\.\.2/);
  // per-sample standardisation: mean 0, population std 1; constant columns become 0 (floor 1/√d)
  const X = Float64Array.from([1, 2, 3, 5, 5, 5, -4, 0, 10]);
  const Z = standardizeColumns(X, 3, 3);
  const s = Math.sqrt(2 / 3);
  assert.deepEqual(
    Array.from(Z.subarray(0, 3)).map((v) => +v.toFixed(12)),
    [-1 / s, 0, 1 / s].map((v) => +v.toFixed(12)),
  );
  assert.deepEqual(Array.from(Z.subarray(3, 6)), [0, 0, 0]);
  const m = (Z[6] + Z[7] + Z[8]) / 3;
  assert.ok(Math.abs(m) < 1e-15);
  assert.ok(Math.abs((Z[6] ** 2 + Z[7] ** 2 + Z[8] ** 2) / 3 - 1) < 1e-14);
  // scale and offset invariance: a·x + b standardises to the same column (a > 0)
  const W = standardizeColumns(
    Float64Array.from(X, (v) => 3 * v + 7),
    3,
    3,
  );
  for (const i of [0, 1, 2, 6, 7, 8]) assert.ok(Math.abs(W[i] - Z[i]) < 1e-12);
  assert.deepEqual(Array.from(X), [1, 2, 3, 5, 5, 5, -4, 0, 10], "input untouched");
  assert.throws(() => standardizeColumns(X, 2, 3), /a 2×3 matrix needs 6 entries, got 9/);
});
