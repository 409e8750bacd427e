/**
 * `npm run bench:teacher`: the optimizer acceptance benchmark (issue 5, item 6) at full size —
 * teacher regression problem, 55 inputs → 72 outputs, 800 samples (400/200/200), width-8
 * antisymmetric ResNet with 3 weight points, α_θ = α_W = 1e-10, 3000 work units per method.
 * Reports, for GNvpro (default, reference Krylov settings, no preconditioner), L-BFGS-VarPro, GN and
 * ADAM (learning rate tuned on validation), the work units and wall time to validation mean relative
 * error 1e-2 (and 1e-4, 1e-6, 1e-8), and the error at the end of the budget.
 *
 *   npm run bench:teacher [-- --budget 3000 --methods gnvpro,lbfgs-varpro,gn,adam --seeds 1,2,3
 *                            --variants '{"name": {trust-region options}}' --json out.json]
 *   npm run bench:teacher -- --seeds 1,2,3,4,5,6 --methods gnvpro,lbfgs-varpro --variants early-phase
 *   npm run bench:teacher -- --problem circle --seeds 1,2,3,4,5,6 --methods gnvpro,lbfgs-varpro \
 *                            --variants early-phase
 *
 * `--seeds` runs the problem for each teacher seed (teacher, data and student θ₀ all change) and adds
 * a median row per method. `--variants` replaces the GNvpro variants (each merged over the
 * defaults; `{"hybrid": {...}}` in a variant runs the L-BFGS → trust-region hybrid); the named set
 * `early-phase` is the subsampled-curvature and hybrid table of docs/DESIGN.md. `--problem circle` runs the classification check instead: circle toy (5000/1000,
 * MLP 2→4→4, softmax cross-entropy, α_θ = 1e-6, α_W = 1e-8, 300 WU), work units to validation
 * accuracy 0.99 (and 0.995, 0.999), GNvpro variants against L-BFGS-VarPro.
 */
import { writeFileSync } from "node:fs";
import { kernels } from "../src/kernels/index.js";
import {
  compareOptimizers,
  formatFigures,
  gnvproOptimizer,
  type GnvproVariant,
  type MethodFigures,
} from "../src/training/compare.js";
import { teacherProblem, TEACHER_FULL } from "../src/training/teacher.js";
import { GNVPRO_DEFAULTS, REFERENCE_KRYLOV } from "../src/optimizers/trust-region.js";
import { Lbfgs } from "../src/optimizers/lbfgs.js";
import { SubsampledVarPro } from "../src/training/subsampled-varpro.js";
import { accuracy } from "../src/objectives/metrics.js";
import { circleData } from "../src/data/toys.js";
import { mlp } from "../src/layers/networks.js";
import { Rng } from "../src/util/rng.js";
import { trainSync } from "../src/training/train.js";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const problem = arg("problem") ?? "teacher";
const seeds = (arg("seeds") ?? arg("seed") ?? "1").split(",").map(Number);
const budget = Number(arg("budget") ?? (problem === "circle" ? 300 : 3000));
const methods = (arg("methods") ?? "gnvpro,lbfgs-varpro,gn,adam").split(",") as (
  "gnvpro" | "lbfgs-varpro" | "gn" | "adam"
)[];
/** Named variant sets (docs/DESIGN.md, "Subsampled curvature and the L-BFGS hybrid"). */
const NAMED_VARIANTS: Record<string, Record<string, GnvproVariant>> = {
  "early-phase": {
    default: {},
    "sub f0.05 grow-on-reject": { curvatureSample: { fraction: 0.05, rhoBelow: 1e-4 } },
    "sub f0.1 grow-on-reject": { curvatureSample: { fraction: 0.1, rhoBelow: 1e-4 } },
    "sub f0.2 grow-on-reject": { curvatureSample: { fraction: 0.2, rhoBelow: 1e-4 } },
    "sub f0.3 grow-on-reject": { curvatureSample: { fraction: 0.3, rhoBelow: 1e-4 } },
    "sub f0.5 grow-on-reject": { curvatureSample: { fraction: 0.5, rhoBelow: 1e-4 } },
    "sub f0.1 grow-on-ρ<0.25": { curvatureSample: { fraction: 0.1, rhoBelow: 0.25 } },
    "sub f0.1 grow-on-reject, fixed subset": {
      curvatureSample: { fraction: 0.1, rhoBelow: 1e-4, resample: "fixed" },
    },
    "sub f0.1 grow-on-reject + ‖g‖/10": {
      curvatureSample: { fraction: 0.1, rhoBelow: 1e-4, gradientFactor: 0.1 },
    },
    "sub f0.1 never grow": { curvatureSample: { fraction: 0.1, rhoBelow: 0 } },
    "hybrid switch 1e-2": { hybrid: { switchLoss: 1e-2 } },
    "hybrid switch 1e-3": { hybrid: { switchLoss: 1e-3 } },
    "hybrid switch 1e-4": { hybrid: { switchLoss: 1e-4 } },
    "hybrid switch 1e-5": { hybrid: { switchLoss: 1e-5 } },
    "hybrid switch 1e-4, unseeded": { hybrid: { switchLoss: 1e-4, seedPreconditioner: false } },
    "hybrid switch 1e-4 + stall 0.9/50 WU": { hybrid: { switchLoss: 1e-4, stallRatio: 0.9 } },
    "hybrid switch 1e-4 + stall 0.8/50 WU": { hybrid: { switchLoss: 1e-4, stallRatio: 0.8 } },
    "quasi steps 1": { quasiSteps: 1 },
    "quasi steps 3": { quasiSteps: 3 },
    "quasi steps 10": { quasiSteps: 10 },
    "sub f0.1 grow-on-reject + quasi steps 1": {
      quasiSteps: 1,
      curvatureSample: { fraction: 0.1, rhoBelow: 1e-4 },
    },
  },
};
const variantsArg = arg("variants");
const variants: Record<string, GnvproVariant> = variantsArg
  ? Object.fromEntries(
      Object.entries(
        NAMED_VARIANTS[variantsArg] ?? (JSON.parse(variantsArg) as Record<string, GnvproVariant>),
      ).map(([k, v]) => [k, { ...GNVPRO_DEFAULTS, ...v }]),
    )
  : {
      "gnvpro (default)": GNVPRO_DEFAULTS,
      "gnvpro (reference: fixed η=1e-2, ≤20 CG)": REFERENCE_KRYLOV,
      "gnvpro (default, no preconditioner)": { ...GNVPRO_DEFAULTS, preconditioner: "none" },
    };
const median = (v: (number | null)[]) => {
  const s = v.map((x) => (x === null ? Infinity : x)).sort((a, b) => a - b);
  const m = s[Math.floor((s.length - 1) / 2)];
  return s.length % 2 === 1 ? m : (m + s[s.length / 2]) / 2;
};
const t0 = performance.now();

if (problem === "circle") {
  const targets = [0.99, 0.995, 0.999];
  const out: {
    seed: number;
    method: string;
    reach: (number | null)[];
    finalAcc: number;
    finalLoss: number;
  }[] = [];
  for (const seed of seeds) {
    const all = circleData(6000, seed);
    const part = (a: number, b: number) => ({
      Y: all.Y.slice(2 * a, 2 * b),
      C: all.C.slice(2 * a, 2 * b),
      n: b - a,
    });
    const train = part(0, 5000);
    const val = part(5000, 6000);
    const makeNet = () => mlp(2, [4, 4]);
    const theta0 = new Float64Array(makeNet().nParams);
    makeNet().init(theta0, new Rng(seed + 1000));
    const objective = () =>
      new SubsampledVarPro({
        net: makeNet(),
        Y: train.Y,
        C: train.C,
        loss: "cross-entropy",
        alphaW: 1e-8,
        alphaTheta: 1e-6,
      });
    const runs: [
      string,
      () => { history: { workUnits: number; valMetric: number | null; loss: number }[] },
    ][] = [];
    for (const [name, v] of Object.entries(variants))
      runs.push([
        name,
        () => {
          const obj = objective();
          return trainSync({
            optimizer: gnvproOptimizer(v),
            objective: obj,
            x0: theta0,
            budget,
            validate: (x) => ({ loss: 0, metric: accuracy(obj.predict(x, val.Y), val.C, 2, val.n) }),
          });
        },
      ]);
    if (methods.includes("lbfgs-varpro"))
      runs.push([
        "lbfgs-varpro",
        () => {
          const obj = objective();
          return trainSync({
            optimizer: new Lbfgs(),
            objective: obj,
            x0: theta0,
            budget,
            validate: (x) => ({ loss: 0, metric: accuracy(obj.predict(x, val.Y), val.C, 2, val.n) }),
          });
        },
      ]);
    for (const [name, run] of runs) {
      const h = run().history;
      const last = h[h.length - 1];
      out.push({
        seed,
        method: name,
        reach: targets.map((t) => h.find((r) => r.valMetric !== null && r.valMetric >= t)?.workUnits ?? null),
        finalAcc: last.valMetric ?? NaN,
        finalLoss: last.loss,
      });
      const o = out[out.length - 1];
      console.log(
        `seed ${seed}  ${name.padEnd(40)}  WU→acc ${targets.map((t, i) => `${t}: ${o.reach[i] ?? "—"}`).join("  ")}  final acc ${o.finalAcc.toFixed(4)} loss ${o.finalLoss.toExponential(3)}`,
      );
    }
  }
  if (seeds.length > 1)
    for (const name of [...new Set(out.map((o) => o.method))]) {
      const rows = out.filter((o) => o.method === name);
      console.log(
        `median     ${name.padEnd(40)}  WU→acc ${targets.map((t, i) => `${t}: ${+median(rows.map((r) => r.reach[i])).toFixed(1)}`).join("  ")}  final loss ${median(rows.map((r) => r.finalLoss)).toExponential(3)}`,
      );
    }
  const json = arg("json");
  if (json) writeFileSync(json, JSON.stringify(out, null, 2));
} else {
  const targets = [1e-2, 1e-4, 1e-6, 1e-8];
  const all: (MethodFigures & { seed: number })[] = [];
  for (const seed of seeds) {
    const o = { ...TEACHER_FULL, seed };
    const P = teacherProblem(o);
    const rows = await compareOptimizers({
      makeNet: P.makeNet,
      theta0: P.theta0,
      train: P.train,
      val: P.val,
      alphaW: 1e-10,
      alphaTheta: 1e-10,
      budget,
      targets,
      methods,
      gnvpro: variants,
      gn: GNVPRO_DEFAULTS,
    });
    console.log(
      `teacher problem ${o.nIn}→${o.q}, n = ${o.nTrain}/${o.nVal}/${o.nTest}, width ${o.width}, nt ${o.nt}, seed ${seed}; budget ${budget} WU; backend ${kernels().name}`,
    );
    console.log(formatFigures(rows, targets));
    all.push(...rows.map((r) => ({ ...r, seed })));
  }
  if (seeds.length > 1) {
    console.log(`median over seeds ${seeds.join(",")} (— = not reached by the median seed)`);
    console.log(`| method | ${targets.map((t) => `WU → ${t}`).join(" | ")} | val rel. err at ${budget} WU |`);
    for (const name of [...new Set(all.map((r) => r.method))]) {
      const rows = all.filter((r) => r.method === name);
      const cells = targets.map((_, i) => {
        const m = median(rows.map((r) => r.reach[i].workUnits));
        return Number.isFinite(m) ? String(+m.toFixed(1)) : "—";
      });
      console.log(
        `| ${name} | ${cells.join(" | ")} | ${median(rows.map((r) => r.finalValRelErr)).toExponential(1)} |`,
      );
    }
  }
  const out = arg("json");
  if (out)
    writeFileSync(
      out,
      JSON.stringify(
        all.map(({ history: _h, ...r }) => r),
        null,
        2,
      ),
    );
}
console.log(`total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
