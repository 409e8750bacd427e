/**
 * Derivative checks of the objectives, registered for `gnvpro check-derivatives` (src/check/registry.ts):
 * for each loss, the reduced objective's gradient (Taylor), the reduced Jacobian of the outputs J_S
 * (Taylor, adjoint), the least-squares residual Jacobian J_r (Taylor, adjoint), the symmetry of H_GN
 * (an adjoint test of H_GN against itself), and the joint objective's gradient and GN product.
 * Small random problems; cross-entropy inner solves to a gradient norm of 1e-13.
 */
import { adjointTest, taylorTest } from "../check/derivative-tests.js";
import { adjointOutcome, registerCheck, taylorOutcome, type CheckOutcome } from "../check/registry.js";
import { mlp, resnetSurrogate } from "../layers/networks.js";
import type { Layer } from "../layers/types.js";
import { Rng } from "../util/rng.js";
import { dot } from "./dense.js";
import { JointObjective } from "./joint.js";
import type { LossKind } from "./losses.js";
import { VarProObjective } from "./reduced.js";

interface Problem {
  net: Layer;
  Y: Float64Array;
  C: Float64Array;
  q: number;
  n: number;
  theta: Float64Array;
  rng: Rng;
}

function problem(loss: LossKind, net: Layer, seed: number, n = 24): Problem {
  const rng = new Rng(seed);
  const q = loss === "logistic" ? 1 : 3;
  const Y = rng.fillNormal(new Float64Array(net.nIn * n));
  const C = new Float64Array(q * n);
  if (loss === "least-squares") rng.fillNormal(C);
  else if (loss === "logistic") for (let i = 0; i < n; i++) C[i] = rng.int(2);
  else for (let i = 0; i < n; i++) C[(i < q ? i : rng.int(q)) + i * q] = 1;
  const theta = new Float64Array(net.nParams);
  net.init(theta, rng);
  return { net, Y, C, q, n, theta, rng };
}

const scalar = (v: number): Float64Array => new Float64Array([v]);

/** v + (‖v‖/‖g‖) g: a direction along which a scalar objective has a clear first-order change (a
 *  random v can be nearly orthogonal to g, hiding the O(h) term of the Taylor test). */
function withGradient(v: Float64Array, g: Float64Array): Float64Array {
  const s = Math.sqrt(dot(v, v) / Math.max(dot(g, g), 1e-300));
  return v.map((a, k) => a + s * g[k]);
}

function varproChecks(name: string, loss: LossKind, makeNet: () => Layer, seed: number): CheckOutcome[] {
  const p = problem(loss, makeNet(), seed);
  const obj = new VarProObjective({
    net: p.net,
    Y: p.Y,
    C: p.C,
    loss,
    alphaW: loss === "least-squares" ? 1e-3 : 5e-2,
    alphaTheta: 1e-3,
    innerCE: { tol: 1e-13 },
  });
  const { theta, rng } = p;
  const out: CheckOutcome[] = [];
  const g = obj.gradient(theta);
  const v = rng.fillNormal(new Float64Array(theta.length));
  out.push(
    taylorOutcome(
      `${name} Φ_red gradient taylor`,
      taylorTest(
        (x) => scalar(obj.evaluate(x).value),
        (dx) => scalar(dot(g, dx)),
        theta,
        withGradient(v, g),
        { h0: 0.01, steps: 10 },
      ),
    ),
  );
  out.push(
    taylorOutcome(
      `${name} J_S taylor`,
      taylorTest(
        (x) => obj.outputs(x),
        (dx) => obj.jvp(dx),
        theta,
        v,
      ),
    ),
  );
  const u = rng.fillNormal(new Float64Array(p.q * p.n));
  out.push(
    adjointOutcome(
      `${name} J_S adjoint`,
      adjointTest(
        (x) => obj.jvp(x),
        (y) => obj.vjp(y),
        v,
        u,
      ),
    ),
  );
  const w = rng.fillNormal(new Float64Array(theta.length));
  out.push(
    adjointOutcome(
      `${name} H_GN symmetry`,
      adjointTest(
        (x) => obj.hessVec(x),
        (y) => obj.hessVec(y),
        v,
        w,
      ),
    ),
  );
  if (loss === "least-squares") {
    out.push(
      taylorOutcome(
        `${name} J_r taylor`,
        taylorTest(
          (x) => obj.residual(x),
          (dx) => obj.residualJvp(dx),
          theta,
          v,
        ),
      ),
    );
    out.push(
      adjointOutcome(
        `${name} J_r adjoint`,
        adjointTest(
          (x) => obj.residualJvp(x),
          (y) => obj.residualVjp(y),
          v,
          rng.fillNormal(new Float64Array(obj.residualLength)),
        ),
      ),
    );
  }
  return out;
}

function jointChecks(name: string, loss: LossKind, seed: number): CheckOutcome[] {
  const p = problem(loss, mlp(3, [5, 4]), seed);
  const obj = new JointObjective({ net: p.net, Y: p.Y, C: p.C, loss, alphaW: 1e-2, alphaTheta: 1e-3 });
  const x = obj.join(p.theta, p.rng.fillNormal(new Float64Array(p.q * 5), 0.5));
  const g = obj.gradient(x);
  const v = p.rng.fillNormal(new Float64Array(x.length));
  const w = p.rng.fillNormal(new Float64Array(x.length));
  return [
    taylorOutcome(
      `${name} gradient taylor`,
      taylorTest(
        (y) => scalar(obj.evaluate(y).value),
        (d) => scalar(dot(g, d)),
        x,
        withGradient(v, g),
        { h0: 0.01, steps: 10 },
      ),
    ),
    adjointOutcome(
      `${name} H_GN symmetry`,
      adjointTest(
        (y) => obj.hessVec(y),
        (y) => obj.hessVec(y),
        v,
        w,
      ),
    ),
  ];
}

const LOSSES: readonly LossKind[] = ["least-squares", "cross-entropy", "logistic"];

for (const loss of LOSSES) {
  const tag = loss === "least-squares" ? "ls" : loss === "cross-entropy" ? "ce" : "logistic";
  registerCheck({
    name: `objective/varpro-${tag}-mlp`,
    description: `reduced (VarPro) objective, ${loss}, MLP 3→5→4 tanh, 24 samples`,
    run: (seed) => varproChecks(`objective/varpro-${tag}-mlp`, loss, () => mlp(3, [5, 4]), seed),
  });
  registerCheck({
    name: `objective/joint-${tag}`,
    description: `joint objective Φ(θ, W), ${loss}, MLP 3→5→4 tanh, 24 samples`,
    run: (seed) => jointChecks(`objective/joint-${tag}`, loss, seed),
  });
}
registerCheck({
  name: "objective/varpro-ls-resnet",
  description:
    "reduced (VarPro) objective, least squares, tanh opening layer 4→3 + antisymmetric ResNet nt 3",
  run: (seed) =>
    varproChecks(
      "objective/varpro-ls-resnet",
      "least-squares",
      () => resnetSurrogate({ dIn: 4, width: 3, nt: 3 }),
      seed,
    ),
});
registerCheck({
  name: "objective/varpro-ce-resnet",
  description:
    "reduced (VarPro) objective, cross-entropy, tanh opening layer 4→3 + antisymmetric ResNet nt 3, T 2",
  run: (seed) =>
    varproChecks(
      "objective/varpro-ce-resnet",
      "cross-entropy",
      () => resnetSurrogate({ dIn: 4, width: 3, nt: 3, T: 2 }),
      seed,
    ),
});
