import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CIFAR10_TEST_FILE,
  CIFAR10_TRAIN_FILES,
  loadCifar10,
  parseCifar10Batch,
  resolveCifar10Dir,
} from "../../src/data/cifar10.js";
import { cifarBatch } from "./helpers/classification-files.js";

/** A pixel value that encodes (batch, image, channel, row, col) so that positions can be checked. */
const px = (b: number, img: number, ch: number, r: number, c: number): number =>
  (b * 37 + img * 11 + ch * 83 + r * 5 + c * 3) % 256;
const PER_BATCH = 6;

function writeCifar(dir: string): void {
  mkdirSync(dir, { recursive: true });
  CIFAR10_TRAIN_FILES.forEach((f, b) =>
    writeFileSync(
      join(dir, f),
      cifarBatch(
        Array.from({ length: PER_BATCH }, (_, j) => (b * PER_BATCH + j) % 10),
        (img, ch, r, c) => px(b, img, ch, r, c),
      ),
    ),
  );
  writeFileSync(
    join(dir, CIFAR10_TEST_FILE),
    cifarBatch([3, 1, 4, 1], (img, ch, r, c) => px(9, img, ch, r, c)),
  );
}

test("cifar10: parses the binary record format (label byte, then R, G, B planes row-major)", () => {
  const buf = cifarBatch([7, 0], (img, ch, r, c) => px(0, img, ch, r, c));
  assert.equal(buf.length, 2 * 3073);
  const b = parseCifar10Batch(buf, "x.bin");
  assert.equal(b.n, 2);
  assert.deepEqual(Array.from(b.labels), [7, 0]);
  for (const [img, ch, r, c] of [
    [0, 0, 0, 0],
    [1, 2, 31, 31],
    [1, 1, 5, 17],
  ])
    assert.equal(b.pixels[img * 3072 + ch * 1024 + r * 32 + c], px(0, img, ch, r, c));
});

test("cifar10: loads a directory with the paper's split and per-image standardisation", () => {
  const root = mkdtempSync(join(tmpdir(), "gnvpro-cifar-"));
  try {
    const dir = join(root, "cifar-10-batches-bin");
    writeCifar(dir);
    // the parent folder works too
    assert.equal(resolveCifar10Dir(root), dir);
    const a = loadCifar10({ dir: root, seed: 1, scale: "unit" });
    // 30 training images: the default split takes ⌊30/5⌋ = 6 for validation, 24 for training
    assert.equal(a.train.n, 24);
    assert.equal(a.val.n, 6);
    assert.equal(a.test.n, 4);
    assert.equal(a.train.d, 3072);
    assert.deepEqual(Array.from(a.test.labels), [3, 1, 4, 1]);
    const all = new Set([...a.train.index, ...a.val.index]);
    assert.equal(all.size, 30);
    // column j = image index[j] = batch ⌊index/6⌋, image index mod 6; entry col + 32 row + 1024 channel
    for (let j = 0; j < a.train.n; j++) {
      const g = a.train.index[j];
      const bt = Math.floor(g / PER_BATCH);
      const img = g % PER_BATCH;
      assert.equal(a.train.labels[j], g % 10);
      for (const [ch, r, c] of [
        [0, 0, 0],
        [2, 31, 30],
        [1, 7, 9],
      ])
        assert.equal(a.train.X[j * 3072 + c + 32 * r + 1024 * ch], px(bt, img, ch, r, c) / 255);
    }
    const s = loadCifar10({ dir, seed: 1, nTrain: 10, nVal: 5, nTest: 2 });
    assert.equal(s.train.n, 10);
    assert.equal(s.test.n, 2);
    for (let j = 0; j < s.train.n; j++) {
      const col = s.train.X.subarray(j * 3072, (j + 1) * 3072);
      const m = col.reduce((t, v) => t + v, 0) / 3072;
      const sd = Math.sqrt(col.reduce((t, v) => t + (v - m) ** 2, 0) / 3072);
      assert.ok(Math.abs(m) < 1e-12 && Math.abs(sd - 1) < 1e-12);
    }
    // same seed, same split; another seed, another split
    assert.deepEqual(loadCifar10({ dir, seed: 1, scale: "unit" }).train.index, a.train.index);
    assert.notDeepEqual(loadCifar10({ dir, seed: 2, scale: "unit" }).train.index, a.train.index);
    assert.throws(
      () => loadCifar10({ dir, nTrain: 25, nVal: 6 }),
      /nTrain \+ nVal = 25 \+ 6 must be at most the 30/,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("cifar10: a missing directory or file gets an error saying where to put which files", () => {
  const root = mkdtempSync(join(tmpdir(), "gnvpro-cifar-"));
  try {
    const nowhere = join(root, "nope");
    assert.throws(
      () => loadCifar10({ dir: nowhere }),
      (e: Error) =>
        e.message.includes(`folder ${nowhere} does not exist`) &&
        e.message.includes("data_batch_1.bin") &&
        e.message.includes("test_batch.bin") &&
        e.message.includes("cifar-10-binary.tar.gz"),
    );
    writeCifar(root);
    rmSync(join(root, "data_batch_3.bin"));
    assert.throws(
      () => loadCifar10({ dir: root }),
      /in .*: missing data_batch_3\.bin\. Put the CIFAR-10 binary version there/,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("cifar10: rejects truncated files, wrong sizes and bad labels, naming the file", () => {
  const buf = cifarBatch([1, 2, 3], () => 0);
  assert.throws(
    () => parseCifar10Batch(buf.subarray(0, buf.length - 1), "b.bin"),
    /CIFAR-10 b\.bin: inconsistent size 9218 bytes, not a multiple of the 3073-byte record/,
  );
  assert.throws(() => parseCifar10Batch(new Uint8Array(0), "e.bin"), /CIFAR-10 e\.bin: empty file/);
  const bad = buf.slice();
  bad[3073] = 10;
  assert.throws(() => parseCifar10Batch(bad, "l.bin"), /CIFAR-10 l\.bin: record 1 has label 10/);
  const root = mkdtempSync(join(tmpdir(), "gnvpro-cifar-"));
  try {
    writeCifar(root);
    writeFileSync(join(root, "data_batch_4.bin"), buf.subarray(0, 5000));
    assert.throws(() => loadCifar10({ dir: root }), /data_batch_4\.bin: inconsistent size 5000 bytes/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("cifar10: `data generate cifar10 -p dir=…` and the colour image grid of `data show`", async () => {
  const { generateDataset } = await import("../../src/data/manifest.js");
  const { loadDataset } = await import("../../src/data/dataset.js");
  const { getShowRenderer } = await import("../../src/data/registry.js");
  const { renderSvg } = await import("../../src/report/vega.js");
  const root = mkdtempSync(join(tmpdir(), "gnvpro-cifar-"));
  try {
    writeCifar(join(root, "bin"));
    const out = join(root, "out");
    const r = await generateDataset({
      generator: "cifar10",
      out,
      seed: 1,
      n: 12,
      params: { dir: join(root, "bin"), part: "train" },
    });
    const idx = r.manifest.info.indices as number[];
    const ds = loadDataset(out);
    assert.deepEqual([ds.n, ds.d, ds.q], [12, 3072, 10]);
    const g = idx[5];
    assert.equal(ds.C[5 * 10 + (g % 10)], 1);
    assert.equal(
      ds.Y[5 * 3072 + 3 + 32 * 4 + 1024 * 2],
      px(Math.floor(g / PER_BATCH), g % PER_BATCH, 2, 4, 3) / 255,
    );
    const svg = await renderSvg(await getShowRenderer("cifar10")!(ds, 0));
    assert.equal((svg.match(/<image /g) ?? []).length, 12);
    assert.match(svg, /32×32×3/);
    await assert.rejects(
      generateDataset({ generator: "cifar10", out, n: 5, params: { dir: join(root, "none") } }),
      /CIFAR-10: files not found/,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
