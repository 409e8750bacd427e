import { test } from "node:test";
import assert from "node:assert/strict";
import { adjointTest, taylorTest } from "../../src/check/derivative-tests.js";
import { registerCheck, runChecks, listChecks } from "../../src/check/registry.js";
import "../../src/check/all.js";
import { Rng } from "../../src/util/rng.js";

const rng = new Rng(1);
const x = rng.fillNormal(new Float64Array(5));
const dx = rng.fillNormal(new Float64Array(5));
const f = (v: Float64Array) => v.map((t) => Math.sin(t) * t);
const J = (d: Float64Array) => d.map((t, i) => t * (Math.cos(x[i]) * x[i] + Math.sin(x[i])));

test("taylorTest: slopes 1 and 2 for a correct derivative", () => {
  const r = taylorTest(f, J, x, dx);
  assert.ok(r.pass && !r.exact);
  assert.ok(Math.abs(r.slope0 - 1) < 0.1 && Math.abs(r.slope1 - 2) < 0.1, `${r.slope0} ${r.slope1}`);
  assert.equal(r.h.length, 8);
});

test("taylorTest: a wrong derivative fails (slope 1 with it too)", () => {
  const wrong = (d: Float64Array) => J(d).map((t, i) => (i === 2 ? t * 1.1 : t));
  const r = taylorTest(f, wrong, x, dx);
  assert.ok(!r.pass);
  assert.ok(r.slope1 < 1.5, `${r.slope1}`);
});

test("taylorTest: a linear map is recognised as exact", () => {
  const A = (v: Float64Array) => Float64Array.from([v[0] + 2 * v[1], 3 * v[2] - v[4]]);
  const r = taylorTest(A, A, x, dx);
  assert.ok(r.pass && r.exact);
  assert.throws(() => taylorTest(f, J, x, new Float64Array(2)), /dx has 2/);
});

test("adjointTest: a correct transpose passes to round-off, a wrong one fails", () => {
  const M = rng.fillNormal(new Float64Array(12)); // 3×4 column-major
  const mv = (v: Float64Array) => {
    const o = new Float64Array(3);
    for (let j = 0; j < 4; j++) for (let i = 0; i < 3; i++) o[i] += M[i + 3 * j] * v[j];
    return o;
  };
  const mtv = (u: Float64Array) => {
    const o = new Float64Array(4);
    for (let j = 0; j < 4; j++) for (let i = 0; i < 3; i++) o[j] += M[i + 3 * j] * u[i];
    return o;
  };
  const v = rng.fillNormal(new Float64Array(4));
  const u = rng.fillNormal(new Float64Array(3));
  const ok = adjointTest(mv, mtv, v, u);
  assert.ok(ok.pass && ok.relErr < 1e-14);
  const bad = adjointTest(mv, (w) => mtv(w).map((t, i) => (i === 0 ? t + 1e-6 : t)), v, u);
  assert.ok(!bad.pass);
  assert.throws(() => adjointTest(mv, mtv, v, new Float64Array(2)), /u has 2/);
});

test("registry: layer checks registered, filters apply, failures and duplicates reported", () => {
  assert.ok(listChecks().some((c) => c.name === "network/resnet-surrogate"));
  const r = runChecks(["network/mlp"]);
  assert.ok(r.pass && r.outcomes.length === 4);
  registerCheck({
    name: "test/failing",
    description: "always fails",
    run: () => [{ name: "test/failing", kind: "adjoint", pass: false, relErr: 1 }],
  });
  assert.equal(runChecks(["test/failing"]).pass, false);
  registerCheck({
    name: "test/throws",
    description: "throws",
    run: () => {
      throw new Error("boom");
    },
  });
  const t = runChecks(["test/throws"]);
  assert.ok(!t.pass && t.outcomes[0].name.includes("boom"));
  assert.throws(
    () => registerCheck({ name: "test/failing", description: "", run: () => [] }),
    /already registered/,
  );
});

test("CLI: gnvpro check-derivatives --json prints every slope and adjoint error; bad filter is an error", async () => {
  const { buildProgram } = await import("../../src/cli/main.js");
  const chunks: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  }) as typeof process.stdout.write;
  try {
    await buildProgram().parseAsync([
      "node",
      "gnvpro",
      "check-derivatives",
      "--json",
      "--filter",
      "network/mlp",
      "layer/flatten",
    ]);
  } finally {
    process.stdout.write = write;
  }
  assert.notEqual(process.exitCode, 1);
  const out = JSON.parse(chunks.join("")) as {
    pass: boolean;
    backend: string;
    checks: { name: string; slope1?: number; relErr?: number }[];
  };
  assert.equal(out.pass, true);
  assert.equal(out.checks.length, 6);
  assert.ok(
    out.checks.some((c) => c.name === "network/mlp θ taylor" && Math.abs((c.slope1 ?? 0) - 2) < 0.25),
  );
  assert.ok(out.checks.some((c) => c.name === "network/mlp θ adjoint" && (c.relErr ?? 1) <= 1e-12));
  await assert.rejects(
    buildProgram().parseAsync(["node", "gnvpro", "check-derivatives", "--filter", "no-such-check"]),
    /no check matches/,
  );
});

test("CLI: a failing check sets a non-zero exit code", async () => {
  const { buildProgram } = await import("../../src/cli/main.js");
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  const before = process.exitCode;
  try {
    await buildProgram().parseAsync(["node", "gnvpro", "check-derivatives", "--filter", "test/failing"]);
    assert.equal(process.exitCode, 1);
  } finally {
    process.stdout.write = write;
    process.exitCode = before;
  }
});
