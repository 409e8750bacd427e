import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadIndianPines, prepareHsiClassification, type HsiScene } from "../../src/data/indian-pines.js";
import {
  matFile,
  miDOUBLE,
  miUINT16,
  miUINT8,
  mxDOUBLE,
  mxUINT16,
  mxUINT8,
} from "./helpers/classification-files.js";

const H = 4;
const W = 5;
const B = 3;
/** Value of the test image at MATLAB subscripts (r, c, b), 0-based. */
const val = (r: number, c: number, b: number): number => 1000 * b + 10 * r + c + 1;
/** Ground truth at (r, c): classes 1..3 in blocks, background elsewhere. */
const lab = (r: number, c: number): number => (c < 2 ? 1 : r < 2 ? 2 : c === 4 ? 0 : 3);

function writeScene(
  dir: string,
  opts: { full?: boolean; corrected?: boolean; compress?: boolean } = {},
): void {
  const img: number[] = [];
  for (let b = 0; b < B; b++) for (let c = 0; c < W; c++) for (let r = 0; r < H; r++) img.push(val(r, c, b));
  const gt: number[] = [];
  for (let c = 0; c < W; c++) for (let r = 0; r < H; r++) gt.push(lab(r, c));
  const compress = opts.compress ?? true;
  if (opts.full ?? true)
    writeFileSync(
      join(dir, "Indian_pines.mat"),
      matFile([{ name: "indian_pines", cls: mxUINT16, dims: [H, W, B], storage: miUINT16, values: img }], {
        compress,
      }),
    );
  if (opts.corrected)
    writeFileSync(
      join(dir, "Indian_pines_corrected.mat"),
      // a double array of integers, stored as miUINT16 the way MATLAB does
      matFile(
        [
          {
            name: "indian_pines_corrected",
            cls: mxDOUBLE,
            dims: [H, W, 2],
            storage: miUINT16,
            values: img.slice(0, H * W * 2),
          },
        ],
        { compress: !compress },
      ),
    );
  writeFileSync(
    join(dir, "Indian_pines_gt.mat"),
    matFile([{ name: "indian_pines_gt", cls: mxUINT8, dims: [H, W], storage: miUINT8, values: gt }], {
      compress,
    }),
  );
}

test("indian-pines: loads the MAT files into bands × pixels with row-major pixel order", () => {
  const dir = mkdtempSync(join(tmpdir(), "gnvpro-ip-"));
  try {
    for (const compress of [true, false]) {
      writeScene(dir, { compress });
      const s = loadIndianPines(dir);
      assert.equal(s.synthetic, false);
      assert.deepEqual([s.height, s.width, s.bands], [H, W, B]);
      for (let r = 0; r < H; r++)
        for (let c = 0; c < W; c++) {
          const p = r * W + c;
          assert.equal(s.labels[p], lab(r, c));
          for (let b = 0; b < B; b++) assert.equal(s.cube[b + B * p], val(r, c, b));
        }
      assert.deepEqual(s.classNames, ["class 1", "class 2", "class 3"]);
      assert.match(s.source, /Indian_pines\.mat/);
    }
    // the corrected variant, chosen explicitly or when the full file is absent
    writeScene(dir, { corrected: true });
    assert.equal(loadIndianPines(dir, "corrected").bands, 2);
    assert.equal(loadIndianPines(dir, "auto").bands, 3);
    rmSync(join(dir, "Indian_pines.mat"));
    assert.equal(loadIndianPines(dir).bands, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("indian-pines: missing files, shape mismatches and bad labels are reported with the file", () => {
  const dir = mkdtempSync(join(tmpdir(), "gnvpro-ip-"));
  try {
    assert.throws(
      () => loadIndianPines(join(dir, "none")),
      (e: Error) =>
        /folder .*none does not exist/.test(e.message) &&
        /Indian_pines\.mat \(or Indian_pines_corrected\.mat\) and Indian_pines_gt\.mat/.test(e.message),
    );
    writeScene(dir);
    rmSync(join(dir, "Indian_pines_gt.mat"));
    assert.throws(() => loadIndianPines(dir, "full"), /Indian_pines_gt\.mat not found/);
    // a ground truth of the wrong shape
    writeFileSync(
      join(dir, "Indian_pines_gt.mat"),
      matFile([
        {
          name: "indian_pines_gt",
          cls: mxUINT8,
          dims: [W, H],
          storage: miUINT8,
          values: new Array(H * W).fill(0),
        },
      ]),
    );
    assert.throws(
      () => loadIndianPines(dir),
      /ground truth .*Indian_pines_gt\.mat is 5×4, the image .* is 4×5×3/,
    );
    // a non-integer label
    const gt = new Array(H * W).fill(1);
    gt[6] = 2.5;
    writeFileSync(
      join(dir, "Indian_pines_gt.mat"),
      matFile([{ name: "indian_pines_gt", cls: mxDOUBLE, dims: [H, W], storage: miDOUBLE, values: gt }]),
    );
    assert.throws(() => loadIndianPines(dir), /Indian_pines_gt\.mat: label 2\.5 at pixel \(3, 2\)/);
    // the wrong variable, and a 2-D image
    writeFileSync(
      join(dir, "Indian_pines.mat"),
      matFile([
        { name: "other", cls: mxDOUBLE, dims: [H, W], storage: miDOUBLE, values: new Array(H * W).fill(1) },
      ]),
    );
    assert.throws(
      () => loadIndianPines(dir),
      /Indian_pines\.mat: no variable 'indian_pines' \(variables: 'other' \(double\)\)/,
    );
    writeFileSync(
      join(dir, "Indian_pines.mat"),
      matFile([
        {
          name: "indian_pines",
          cls: mxDOUBLE,
          dims: [H, W],
          storage: miDOUBLE,
          values: new Array(H * W).fill(1),
        },
      ]),
    );
    assert.throws(
      () => loadIndianPines(dir),
      /variable 'indian_pines' has dims 4×5, expected 3 positive dimensions/,
    );
    assert.throws(
      () => loadIndianPines(dir, "bogus" as "full"),
      /variant must be "auto", "full" or "corrected"/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("indian-pines: prepareHsiClassification removes background, standardises pixels and splits by class", () => {
  // 3 classes with 40, 25, 12 pixels and 23 background pixels on a 10×10 grid
  const Hs = 10;
  const Ws = 10;
  const d = 4;
  const labels = new Int32Array(Hs * Ws);
  for (let p = 0; p < 100; p++) labels[p] = p < 40 ? 1 : p < 65 ? 2 : p < 77 ? 3 : 0;
  const cube = new Float64Array(d * 100);
  for (let p = 0; p < 100; p++) for (let b = 0; b < d; b++) cube[b + d * p] = (p + 1) * (b + 1) + labels[p];
  const scene: HsiScene = {
    height: Hs,
    width: Ws,
    bands: d,
    cube,
    labels,
    classNames: ["a", "b", "c"],
    synthetic: true,
    source: "test",
  };
  const r = prepareHsiClassification(scene, { seed: 3, cap: 20 });
  // nb = min(count − 10, 20) = 20, 15, 2; test ⌊0.2 nb⌋ = 4, 3, 0
  assert.deepEqual(
    r.split.perClass.map((p) => [p.drawn, p.train, p.test, p.val]),
    [
      [20, 16, 4, 20],
      [15, 12, 3, 10],
      [2, 2, 0, 10],
    ],
  );
  assert.equal(r.train.n + r.val.n + r.test.n, 77);
  assert.equal(r.synthetic, true);
  for (const set of [r.train, r.val, r.test])
    for (let j = 0; j < set.n; j++) {
      const p = set.pixels[j];
      assert.equal(set.labels[j], labels[p] - 1);
      assert.ok(labels[p] > 0);
      const col = set.Y.subarray(j * d, (j + 1) * d);
      const m = col.reduce((t, v) => t + v, 0) / d;
      assert.ok(Math.abs(m) < 1e-12);
      // standardised copy of the pixel's spectrum
      const raw = cube.subarray(p * d, (p + 1) * d);
      const rm = raw.reduce((t, v) => t + v, 0) / d;
      const rs = Math.sqrt(raw.reduce((t, v) => t + (v - rm) ** 2, 0) / d);
      for (let b = 0; b < d; b++) assert.ok(Math.abs(col[b] - (raw[b] - rm) / rs) < 1e-12);
    }
  const raw = prepareHsiClassification(scene, { seed: 3, cap: 20, standardize: false });
  assert.equal(raw.train.Y[0], cube[raw.train.pixels[0] * d]);
  assert.throws(
    () =>
      prepareHsiClassification(
        { ...scene, labels: Int32Array.from(labels, (l) => (l === 3 ? 4 : l)) },
        { seed: 0 },
      ),
    /label 4 at pixel 65 not in 0\.\.3/,
  );
});

test("indian-pines: `data generate indian-pines -p dir=…` writes the labelled pixels; `data show` draws the scene", async () => {
  const { generateDataset } = await import("../../src/data/manifest.js");
  const { loadDataset } = await import("../../src/data/dataset.js");
  const { getShowRenderer } = await import("../../src/data/registry.js");
  const { renderSvg } = await import("../../src/report/vega.js");
  const dir = mkdtempSync(join(tmpdir(), "gnvpro-ip-"));
  try {
    writeScene(dir);
    const out = join(dir, "out");
    await assert.rejects(
      generateDataset({ generator: "indian-pines", out, params: { dir } }),
      /the scene has 18 labelled pixels, so the number of samples must be 18 \(got 10249\)/,
    );
    const r = await generateDataset({ generator: "indian-pines", out, n: 18, params: { dir } });
    assert.equal(r.manifest.info.synthetic, false);
    assert.deepEqual(r.manifest.info.counts, [8, 6, 4]);
    const ds = loadDataset(out);
    assert.deepEqual([ds.n, ds.d, ds.q], [18, B, 3]);
    // sample 2 is the third labelled pixel in row-major order: (0, 2), class 2
    assert.deepEqual(Array.from(ds.Y.subarray(2 * B, 3 * B)), [val(0, 2, 0), val(0, 2, 1), val(0, 2, 2)]);
    assert.deepEqual(Array.from(ds.C.subarray(6, 9)), [0, 1, 0]);
    const svg = await renderSvg(await getShowRenderer("indian-pines")!(ds, 2));
    assert.match(svg, /indian-pines: 18 labelled pixels, 3 bands, 3 classes/);
    assert.doesNotMatch(svg, /SYNTHETIC/);
    assert.match(svg, /sample 2 at row 0, col 2/);
    await assert.rejects(
      generateDataset({ generator: "indian-pines", out, n: 18, params: {} }),
      /indian-pines: invalid parameters: dir/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
