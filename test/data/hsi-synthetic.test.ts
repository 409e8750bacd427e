import { test } from "node:test";
import assert from "node:assert/strict";
import { generateHsiScene, HSI_SYNTHETIC_DEFAULTS } from "../../src/data/hsi-synthetic.js";
import { linearSoftmaxAccuracy } from "../../src/data/hsi-synthetic-calibration.js";
import { INDIAN_PINES_CLASS_NAMES, INDIAN_PINES_COUNTS } from "../../src/data/indian-pines.js";
import { standardizeColumns } from "../../src/data/standardize.js";

/** Number of 4-connected components of each label. */
function components(labels: Int32Array, H: number, W: number, K: number): number[] {
  const seen = new Uint8Array(H * W);
  const out = new Array(K + 1).fill(0);
  const stack: number[] = [];
  for (let s = 0; s < H * W; s++) {
    if (seen[s]) continue;
    const l = labels[s];
    out[l]++;
    seen[s] = 1;
    stack.push(s);
    while (stack.length > 0) {
      const p = stack.pop() as number;
      const r = Math.floor(p / W);
      const c = p % W;
      for (const q of [
        r > 0 ? p - W : -1,
        r < H - 1 ? p + W : -1,
        c > 0 ? p - 1 : -1,
        c < W - 1 ? p + 1 : -1,
      ])
        if (q >= 0 && !seen[q] && labels[q] === l) {
          seen[q] = 1;
          stack.push(q);
        }
    }
  }
  return out;
}

// the default seed of `gnvpro data generate` and of the experiments
const scene = generateHsiScene({ seed: 1 });

test("hsi-synthetic: the real scene's shape, class names and exact per-class counts", () => {
  assert.deepEqual([scene.height, scene.width, scene.bands], [145, 145, 220]);
  assert.equal(scene.cube.length, 220 * 145 * 145);
  assert.equal(scene.synthetic, true);
  assert.match(scene.source, /SYNTHETIC/);
  assert.deepEqual(scene.classNames, INDIAN_PINES_CLASS_NAMES);
  const counts = new Array(17).fill(0);
  for (const l of scene.labels) counts[l]++;
  assert.deepEqual(counts.slice(1), INDIAN_PINES_COUNTS);
  assert.equal(counts[0], 145 * 145 - 10249);
  assert.equal(scene.wavelengths[0], 400);
  assert.equal(scene.wavelengths[219], 2500);
  assert.ok(
    scene.cube.every((v) => Number.isInteger(v) && v >= 0 && v < 65536),
    "uint16-like values",
  );
  assert.deepEqual(scene.params.separation, HSI_SYNTHETIC_DEFAULTS.separation);
});

test("hsi-synthetic: fields are contiguous regions", () => {
  const comps = components(scene.labels, 145, 145, 16);
  const fields = INDIAN_PINES_COUNTS.map((c) =>
    Math.max(1, Math.round(c / HSI_SYNTHETIC_DEFAULTS.fieldSize)),
  );
  const totalFields = fields.reduce((a, b) => a + b, 0);
  const totalComps = comps.slice(1).reduce((a, b) => a + b, 0);
  // fields of one class may touch (fewer components); a field trapped while growing adds one
  assert.ok(totalComps <= totalFields + 3, `components ${totalComps} vs fields ${totalFields}`);
  for (let k = 1; k <= 16; k++)
    assert.ok(comps[k] <= fields[k - 1] + 2, `class ${k}: ${comps[k]} components`);
});

test("hsi-synthetic: the corn and soybean variants are spectrally close, woods far", () => {
  const B = scene.bands;
  /** Mean of the per-pixel standardised spectra of class k (what a classifier sees). */
  const mean = (k: number): Float64Array => {
    const m = new Float64Array(B);
    let n = 0;
    for (let p = 0; p < scene.labels.length; p++)
      if (scene.labels[p] === k) {
        n++;
        const x = standardizeColumns(scene.cube.slice(p * B, (p + 1) * B), B, 1);
        for (let b = 0; b < B; b++) m[b] += x[b];
      }
    return m.map((v) => v / n);
  };
  const dist = (a: Float64Array, b: Float64Array): number =>
    Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0));
  const cornNotill = mean(2);
  const cornMintill = mean(3);
  const soyNotill = mean(10);
  const soyMintill = mean(11);
  const woods = mean(14);
  assert.ok(dist(cornNotill, cornMintill) < 0.6 * dist(cornNotill, woods));
  assert.ok(dist(soyNotill, soyMintill) < 0.6 * dist(soyNotill, woods));
  // vegetation: red edge, NIR (≈ 850 nm) well above red (≈ 670 nm) in the raw values
  const band = (nm: number): number => Math.round(((nm - 400) / 2100) * 219);
  let nir = 0;
  let red = 0;
  for (let p = 0; p < scene.labels.length; p++)
    if (scene.labels[p] === 14) {
      nir += scene.cube[band(850) + B * p];
      red += scene.cube[band(670) + B * p];
    }
  assert.ok(nir > 3 * red);
});

test("hsi-synthetic: seeded and deterministic", () => {
  const small = { height: 30, width: 30, bands: 20, counts: [100, 80, 60] };
  const a = generateHsiScene({ seed: 7, ...small });
  const b = generateHsiScene({ seed: 7, ...small });
  const c = generateHsiScene({ seed: 8, ...small });
  assert.deepEqual(a.cube, b.cube);
  assert.deepEqual(a.labels, b.labels);
  assert.notDeepEqual(a.labels, c.labels);
  assert.deepEqual(a.classNames, ["class 1", "class 2", "class 3"]);
});

test("hsi-synthetic: rejects impossible layouts and bad parameters", () => {
  assert.throws(
    () => generateHsiScene({ seed: 0, height: 10, width: 10, counts: [60, 50] }),
    /110 labelled pixels do not fit in 10×10/,
  );
  assert.throws(
    () => generateHsiScene({ seed: 0, counts: [10, 0] }),
    /class counts must be positive integers, got 0/,
  );
  assert.throws(
    () => generateHsiScene({ seed: 0, counts: new Array(17).fill(1) }),
    /between 1 and 16 classes, got 17/,
  );
  assert.throws(() => generateHsiScene({ seed: 0, noise: -1 }), /noise must be a finite number ≥ 0, got -1/);
  assert.throws(() => generateHsiScene({ seed: 0, bands: 1 }), /bands must be at least 2/);
  assert.throws(() => generateHsiScene({ seed: 0, width: 2.5 }), /width must be a positive integer/);
  assert.throws(
    () => generateHsiScene({ seed: 0, counts: [5], classNames: ["a", "b"] }),
    /1 counts but 2 class names/,
  );
});

test("hsi-synthetic: calibrated difficulty — the linear softmax classifier lands between 55% and 85% test accuracy (default seed 1)", () => {
  const r = linearSoftmaxAccuracy(scene, { seed: 1 });
  assert.equal(r.converged, true);
  assert.deepEqual([r.nTrain, r.nVal, r.nTest], [2957, 6560, 732]);
  assert.ok(r.test >= 0.55 && r.test <= 0.85, `test accuracy ${r.test}`);
  assert.ok(r.train > r.test, "the classifier fits its training data better than the test data");
  // the confusable groups: most test errors on corn/soybean pixels stay among corn/soybean classes
  const group = [1, 2, 3, 9, 10, 11]; // 0-based: Corn-notill, Corn-mintill, Corn, Soybean-notill, -mintill, -clean
  let errors = 0;
  let inGroup = 0;
  for (const t of group)
    for (let p = 0; p < 16; p++)
      if (p !== t) {
        errors += r.confusion[t][p];
        if (group.includes(p)) inGroup += r.confusion[t][p];
      }
  assert.ok(
    errors > 0 && inGroup > 0.6 * errors,
    `${inGroup} of ${errors} corn/soybean errors within the group`,
  );
  assert.equal(
    r.confusion.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0),
    r.nTest,
  );
});

test("hsi-synthetic: `data generate indian-pines-synthetic` writes the labelled pixels with a manifest that says SYNTHETIC", async () => {
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { generateDataset } = await import("../../src/data/manifest.js");
  const { loadDataset } = await import("../../src/data/dataset.js");
  const { getShowRenderer } = await import("../../src/data/registry.js");
  const { renderSvg } = await import("../../src/report/vega.js");
  const { decodeLabelMap } = await import("../../src/data/show-classification.js");
  const dir = mkdtempSync(join(tmpdir(), "gnvpro-hsi-"));
  try {
    const params = { height: 40, width: 40, bands: 30, counts: [300, 200, 150, 50], calibrate: false };
    await assert.rejects(
      generateDataset({ generator: "indian-pines-synthetic", out: dir, seed: 5, params }),
      /the scene has 700 labelled pixels, so the number of samples must be 700 \(got 10249\)/,
    );
    const r = await generateDataset({
      generator: "indian-pines-synthetic",
      out: dir,
      seed: 5,
      n: 700,
      params,
    });
    const info = r.manifest.info;
    assert.equal(info.synthetic, true);
    assert.match(String(info.note), /SYNTHETIC data/);
    assert.deepEqual(info.counts, [300, 200, 150, 50]);
    assert.equal(info.background, 1600 - 700);
    assert.equal(info.calibration, null);
    const ds = loadDataset(dir);
    assert.deepEqual([ds.n, ds.d, ds.q], [700, 30, 4]);
    // samples are the labelled pixels in row-major order, with their raw spectra
    const scene = generateHsiScene({
      seed: 5,
      height: 40,
      width: 40,
      bands: 30,
      counts: [300, 200, 150, 50],
    });
    const map = decodeLabelMap(String(info.labelMap), 1600);
    assert.deepEqual(map, scene.labels);
    let j = 0;
    for (let p = 0; p < 1600 && j < 700; p++) {
      if (scene.labels[p] === 0) continue;
      assert.equal(ds.C[j * 4 + scene.labels[p] - 1], 1);
      if (j % 97 === 0)
        assert.deepEqual(ds.Y.subarray(j * 30, (j + 1) * 30), scene.cube.subarray(p * 30, (p + 1) * 30));
      j++;
    }
    const render = getShowRenderer(ds.name);
    assert.ok(render !== null);
    const svg = await renderSvg(await render(ds, 3));
    assert.match(svg, /SYNTHETIC indian-pines-synthetic: 700 labelled pixels, 30 bands, 4 classes/);
    assert.match(svg, /data:image\/png;base64,/);
    assert.match(svg, /mean spectrum per class/);
    assert.ok(svg.length < 200000, `compact SVG (${svg.length} bytes)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
