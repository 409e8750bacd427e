/**
 * Calibration of the synthetic hyperspectral scene (src/data/hsi-synthetic.ts): generate the scene,
 * apply the paper's preprocessing and class-balanced split, fit the linear softmax classifier on the
 * standardised spectra (the cross-entropy inner solver with identity features, α_W = 1e-3) and
 * report train / validation / test accuracy.
 *
 * Usage: npx tsx bench/hsi-calibration.ts [seeds=0,1,2] [key=value overrides of the generator]
 */
import { generateHsiScene, type HsiSyntheticOptions } from "../src/data/hsi-synthetic.js";
import { linearSoftmaxAccuracy } from "../src/data/hsi-synthetic-calibration.js";

const args = process.argv.slice(2);
let seeds = [0, 1, 2];
const over: Record<string, number> = {};
for (const a of args) {
  const [k, v] = a.split("=");
  if (k === "seeds") seeds = v.split(",").map(Number);
  else over[k] = Number(v);
}
for (const seed of seeds) {
  const t0 = performance.now();
  const scene = generateHsiScene({ seed, ...(over as Partial<HsiSyntheticOptions>) });
  const t1 = performance.now();
  const r = linearSoftmaxAccuracy(scene, { seed });
  const t2 = performance.now();
  console.log(
    JSON.stringify({
      seed,
      ...over,
      train: r.train,
      val: r.val,
      test: r.test,
      iters: r.iterations,
      converged: r.converged,
      genMs: Math.round(t1 - t0),
      fitMs: Math.round(t2 - t1),
    }),
  );
}
