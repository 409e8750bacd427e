import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeNpy } from "../../src/util/npy.js";
import { labelsToOneHot, loadUserData, splitSizes } from "../../src/experiments/userdata.js";
import {
  applyInputs,
  applyTargets,
  fitCentre,
  fitStandardize,
  invertTargets,
  rowStats,
} from "../../src/model/preprocessing.js";
import { Rng } from "../../src/util/rng.js";

const tmp = () => mkdtempSync(join(tmpdir(), "gnv-ud-"));

test("splitSizes: fractions, a zero test fraction, an empty training split", () => {
  assert.deepEqual(splitSizes(10, [0.6, 0.2, 0.2]), [6, 2, 2]);
  assert.deepEqual(splitSizes(10, [0.7, 0.3, 0]), [7, 3, 0]);
  assert.deepEqual(splitSizes(10, [0.7, 0, 0.3]), [7, 0, 3]);
  assert.throws(() => splitSizes(1, [0.4, 0.3, 0.3]), /training split is empty/);
});

test("loadUserData: regression from NPY, seeded split keeps pairs together", () => {
  const dir = tmp();
  const n = 20,
    d = 3,
    q = 2;
  const Y = new Rng(1).fillNormal(new Float64Array(n * d));
  const C = new Float64Array(n * q);
  for (let i = 0; i < n; i++) {
    C[i * q] = Y[i * d] + 10 * i;
    C[i * q + 1] = i;
  }
  writeNpy(join(dir, "Y.npy"), Y, [n, d]);
  writeNpy(join(dir, "C.npy"), C, [n, q]);
  const o = {
    y: join(dir, "Y.npy"),
    c: join(dir, "C.npy"),
    task: "regression" as const,
    split: [0.5, 0.25, 0.25] as [number, number, number],
    seed: 3,
  };
  const ds = loadUserData(o);
  assert.equal(ds.d, d);
  assert.equal(ds.q, q);
  assert.deepEqual([ds.train.n, ds.val.n, ds.test.n], [10, 5, 5]);
  const seen = new Set<number>();
  for (const p of [ds.train, ds.val, ds.test])
    for (let j = 0; j < p.n; j++) {
      const i = p.C[j * q + 1];
      seen.add(i);
      assert.equal(p.Y[j * d], Y[i * d]);
      assert.equal(p.C[j * q], Y[i * d] + 10 * i);
    }
  assert.equal(seen.size, n);
  const again = loadUserData(o);
  assert.deepEqual(again.train.C, ds.train.C);
  const other = loadUserData({ ...o, seed: 4 });
  assert.notDeepEqual(other.train.C, ds.train.C);
});

test("loadUserData: errors name the file and the problem", () => {
  const dir = tmp();
  writeNpy(join(dir, "Y.npy"), new Float64Array([1, 2, 3, 4, NaN, 6]), [3, 2]);
  writeNpy(join(dir, "C.npy"), new Float64Array([1, 2]), [2]);
  writeNpy(join(dir, "C3.npy"), new Float64Array([1, 2, 3]), [3]);
  const base = { task: "regression" as const, split: [0.6, 0.2, 0.2] as [number, number, number], seed: 1 };
  assert.throws(
    () => loadUserData({ ...base, y: join(dir, "nope.npy"), c: join(dir, "C.npy") }),
    /nope\.npy: file not found/,
  );
  assert.throws(
    () => loadUserData({ ...base, y: join(dir, "Y.npy"), c: join(dir, "C.npy") }),
    /3 rows but targets .* have 2/,
  );
  assert.throws(
    () => loadUserData({ ...base, y: join(dir, "Y.npy"), c: join(dir, "C3.npy") }),
    /non-finite value \(NaN\) at row 3, column 1/,
  );
  assert.throws(
    () => loadUserData({ ...base, y: join(dir, "Y.txt2"), c: join(dir, "C3.npy") }),
    /unsupported extension/,
  );
});

test("classification labels: integers or one-hot rows from CSV", () => {
  const dir = tmp();
  writeFileSync(join(dir, "Y.csv"), "a,b\n1,2\n3,4\n5,6\n7,8\n");
  writeFileSync(join(dir, "L.csv"), "5\n7\n5\n9\n");
  writeFileSync(join(dir, "H.csv"), "1,0\n0,1\n1,0\n0,1\n");
  const ds = loadUserData({
    y: join(dir, "Y.csv"),
    c: join(dir, "L.csv"),
    task: "classification",
    split: [0.5, 0.5, 0],
    seed: 1,
  });
  assert.deepEqual(ds.classes, [5, 7, 9]);
  assert.equal(ds.q, 3);
  assert.equal(ds.d, 2);
  const h = loadUserData({
    y: join(dir, "Y.csv"),
    c: join(dir, "H.csv"),
    task: "classification",
    split: [0.5, 0.5, 0],
    seed: 1,
  });
  assert.equal(h.q, 2);
  assert.throws(
    () => labelsToOneHot({ rows: 2, cols: 1, data: new Float64Array([1, 1.5]) }, "L"),
    /integer class label/,
  );
  assert.throws(
    () => labelsToOneHot({ rows: 2, cols: 1, data: new Float64Array([1, 1]) }, "L"),
    /only one class/,
  );
  assert.throws(() => labelsToOneHot({ rows: 1, cols: 2, data: new Float64Array([1, 1]) }, "L"), /sums to 2/);
});

test("preprocessing: standardisation with training statistics, centring round trip", () => {
  const d = 3,
    n = 50;
  const Y = new Rng(2).fillNormal(new Float64Array(d * n), 3);
  for (let j = 0; j < n; j++) Y[2 + j * d] = 7; // a constant feature
  const t = fitStandardize(Y, d, n);
  const Z = applyInputs(t, Y, d, n);
  const st = rowStats(Z, d, n);
  for (let i = 0; i < 2; i++) {
    assert.ok(Math.abs(st.mean[i]) < 1e-12);
    assert.ok(Math.abs(st.std[i] - 1) < 1e-12);
  }
  assert.equal(Z[2], 0);
  const C = new Rng(3).fillNormal(new Float64Array(2 * n));
  const c = fitCentre(C, 2, n);
  const Cc = applyTargets(c, C, 2, n);
  assert.ok(Math.abs(rowStats(Cc, 2, n).mean[0]) < 1e-12);
  const back = invertTargets(c, Float64Array.from(Cc), 2, n);
  for (let k = 0; k < C.length; k++) assert.ok(Math.abs(back[k] - C[k]) < 1e-14);
  const ps = applyInputs({ kind: "per-sample" }, Y, d, n);
  assert.ok(Math.abs(ps[0] + ps[1] + ps[2]) < 1e-12);
});
