/**
 * `npm run bench:teacher`: the optimizer acceptance benchmark (issue 5, item 6) at full size —
 * teacher regression problem, 55 inputs → 72 outputs, 800 samples (400/200/200), width-8
 * antisymmetric ResNet with 3 weight points, α_θ = α_W = 1e-10, 3000 work units per method.
 * Reports, for GNvpro (fixed Krylov tolerance and adaptive forcing), L-BFGS-VarPro, GN and ADAM
 * (learning rate tuned on validation), the work units and wall time to validation mean relative
 * error 1e-2 (and 1e-4, 1e-6, 1e-8), and the error at the end of the budget.
 *
 *   npm run bench:teacher [-- --budget 3000 --methods gnvpro,lbfgs-varpro,gn,adam --json out.json]
 */
import { writeFileSync } from "node:fs";
import { kernels } from "../src/kernels/index.js";
import { compareOptimizers, formatFigures } from "../src/training/compare.js";
import { teacherProblem, TEACHER_FULL } from "../src/training/teacher.js";
import { GNVPRO_DEFAULTS, REFERENCE_KRYLOV } from "../src/optimizers/trust-region.js";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const budget = Number(arg("budget") ?? 3000);
const methods = (arg("methods") ?? "gnvpro,lbfgs-varpro,gn,adam").split(",") as (
  "gnvpro" | "lbfgs-varpro" | "gn" | "adam"
)[];
const targets = [1e-2, 1e-4, 1e-6, 1e-8];
const P = teacherProblem(TEACHER_FULL);
const t0 = performance.now();
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
  gnvpro: {
    "gnvpro (default)": GNVPRO_DEFAULTS,
    "gnvpro (reference: fixed η=1e-2, ≤20 CG)": REFERENCE_KRYLOV,
    "gnvpro (default, no preconditioner)": { ...GNVPRO_DEFAULTS, preconditioner: "none" },
  },
  gn: GNVPRO_DEFAULTS,
});
console.log(
  `teacher problem ${TEACHER_FULL.nIn}→${TEACHER_FULL.q}, n = ${TEACHER_FULL.nTrain}/${TEACHER_FULL.nVal}/${TEACHER_FULL.nTest}, width ${TEACHER_FULL.width}, nt ${TEACHER_FULL.nt}; budget ${budget} WU; backend ${kernels().name}`,
);
console.log(formatFigures(rows, targets));
console.log(`total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const out = arg("json");
if (out)
  writeFileSync(
    out,
    JSON.stringify(
      rows.map(({ history: _h, ...r }) => r),
      null,
      2,
    ),
  );
