import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fit, predict, jacobian, loadModel, Rng } from "../../src/index.js";

test("the README's library program: fit on arrays, predict, Jacobians, reload", async () => {
  const rng = new Rng(1);
  const Y: number[][] = [];
  const C: number[][] = [];
  for (let i = 0; i < 120; i++) {
    const [a, b, c] = [rng.uniformRange(-1, 1), rng.uniformRange(-1, 1), rng.uniformRange(0, 1)];
    Y.push([a, b, c]);
    C.push([Math.sin(2 * a) + b * b + 3, a * c - 1]);
  }
  const out = join(mkdtempSync(join(tmpdir(), "gnv-api-")), "run");
  const rows: number[] = [];
  const { model, summary, history } = await fit({
    Y,
    C,
    task: "regression",
    optimizer: "gnvpro",
    width: 6,
    nt: 2,
    levels: 2,
    budget: 30,
    split: [0.8, 0.2, 0],
    seed: 1,
    out,
    onIteration: (r) => rows.push(r.iteration),
  });
  assert.equal(summary.test.last, null);
  assert.ok(summary.val.best !== null && summary.val.best.relErr! < 0.5);
  assert.equal(rows.length, history.length);
  const S = predict(model, [[0.1, -0.2, 0.5]]);
  assert.equal(S.length, 1);
  assert.equal(S[0].length, 2);
  const J = jacobian(model, [[0.1, -0.2, 0.5]]);
  assert.equal(J[0].length, 2);
  assert.equal(J[0][0].length, 3);
  const again = loadModel(join(out, "model.json"));
  assert.deepEqual(predict(again, [[0.1, -0.2, 0.5]]), S);
  await assert.rejects(fit({ Y, C: C.slice(1), task: "regression" }), /120 rows but targets C have 119/);
  await assert.rejects(fit({ Y, C, task: "regression", optimizer: "bfgs" as never }), /setting "optimizer"/);
});
