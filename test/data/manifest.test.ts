import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  cacheKey,
  canonicalJson,
  ensureCachedDataset,
  generateDataset,
  isUpToDate,
  sha256,
} from "../../src/data/manifest.js";
import { loadDataset, subset } from "../../src/data/dataset.js";
import { circleData } from "../../src/data/toys.js";
import { readNpy } from "../../src/util/npy.js";

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "gnvpro-data-"));
}

test("manifest: canonical JSON and cache keys depend on content, not key order", () => {
  assert.equal(canonicalJson({ b: 1, a: [1, { d: 2, c: null }] }), '{"a":[1,{"c":null,"d":2}],"b":1}');
  const k1 = cacheKey("cdr", "1", { grid: 8, steps: 6 }, 10, 1);
  assert.equal(k1, cacheKey("cdr", "1", { steps: 6, grid: 8 }, 10, 1));
  assert.notEqual(k1, cacheKey("cdr", "1", { grid: 8, steps: 6 }, 10, 2));
  assert.notEqual(k1, cacheKey("cdr", "2", { grid: 8, steps: 6 }, 10, 1));
  assert.equal(sha256("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
});

test("manifest: files, hashes, shapes; reload equals the generator's arrays; cache hit; corruption regenerates", async () => {
  const dir = tmp();
  try {
    const out = join(dir, "circle");
    const r = await generateDataset({ generator: "circle", out, n: 50, seed: 3 });
    assert.equal(r.cached, false);
    const m = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    assert.equal(m.generator, "circle");
    assert.equal(m.n, 50);
    assert.equal(m.seed, 3);
    assert.deepEqual(m.params, { aspect: 0.4, inner: 1, outer: 2 });
    for (const f of ["Y.npy", "C.npy"]) assert.equal(m.files[f].sha256, sha256(readFileSync(join(out, f))));
    assert.deepEqual(readNpy(join(out, "Y.npy")).shape, [50, 2]);
    assert.ok(typeof m.timing.seconds === "number" && typeof m.timing.backend === "string");
    const ds = loadDataset(out);
    const ref = circleData(50, 3);
    assert.deepEqual(ds.Y, ref.Y);
    assert.deepEqual(ds.C, ref.C);
    assert.equal(ds.name, "circle");
    assert.equal(subset(ds, [4, 1]).n, 2);
    assert.deepEqual(subset(ds, [4]).Y, ref.Y.subarray(8, 10));

    const mtime = statSync(join(out, "Y.npy")).mtimeMs;
    const again = await generateDataset({ generator: "circle", out, n: 50, seed: 3 });
    assert.equal(again.cached, true);
    assert.equal(statSync(join(out, "Y.npy")).mtimeMs, mtime);

    // same seed → byte-identical arrays
    const out2 = join(dir, "circle2");
    await generateDataset({ generator: "circle", out: out2, n: 50, seed: 3 });
    assert.deepEqual(readFileSync(join(out2, "C.npy")), readFileSync(join(out, "C.npy")));

    // a damaged file invalidates the cache
    const y = readFileSync(join(out, "Y.npy"));
    y[y.length - 1] ^= 1;
    writeFileSync(join(out, "Y.npy"), y);
    assert.equal(isUpToDate(out, m.cacheKey), false);
    const fixed = await generateDataset({ generator: "circle", out, n: 50, seed: 3 });
    assert.equal(fixed.cached, false);
    assert.equal(isUpToDate(out, m.cacheKey), true);
    // different parameters → a different key → regenerated
    const other = await generateDataset({
      generator: "circle",
      out,
      n: 50,
      seed: 3,
      params: { aspect: 0.5 },
    });
    assert.equal(other.cached, false);
    assert.notEqual(other.manifest.cacheKey, m.cacheKey);

    const c1 = await ensureCachedDataset(join(dir, "cache"), { generator: "peaks", n: 20, seed: 1 });
    const c2 = await ensureCachedDataset(join(dir, "cache"), { generator: "peaks", n: 20, seed: 1 });
    assert.equal(c1.dir, c2.dir);
    assert.equal(c2.cached, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("manifest: invalid requests fail before anything is written", async () => {
  const dir = tmp();
  try {
    const out = join(dir, "x");
    await assert.rejects(generateDataset({ generator: "cdr", out, n: 0 }), /positive integer, got 0/);
    await assert.rejects(generateDataset({ generator: "cdr", out, n: 5, params: { grid: -4 } }), /grid/);
    await assert.rejects(
      generateDataset({ generator: "cdr", out, n: 5, seed: -1 }),
      /seed must be a non-negative integer/,
    );
    await assert.rejects(generateDataset({ generator: "dcr", out, n: 5, params: { sigma0: NaN } }), /sigma0/);
    await assert.rejects(
      generateDataset({ generator: "nope", out }),
      /unknown data generator 'nope' \(known: .*cdr/,
    );
    assert.equal(existsSync(out), false);
    writeFileSync(join(dir, "file"), "x");
    await assert.rejects(
      generateDataset({ generator: "circle", out: join(dir, "file"), n: 5 }),
      /not a directory/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("dataset: loading checks the files", () => {
  const dir = tmp();
  try {
    assert.throws(() => loadDataset(join(dir, "none")), /does not exist/);
    assert.throws(() => loadDataset(dir), /missing .*Y\.npy/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
