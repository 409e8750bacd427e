import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { register, parseParamPairs } from "../../src/cli/commands/data.js";
import { loadDataset } from "../../src/data/dataset.js";

/** Run `gnvpro data ...` in-process; returns what it printed on stdout. */
async function gnvpro(...args: string[]): Promise<string> {
  const program = new Command();
  program.exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  register(program);
  let out = "";
  const orig = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(["node", "gnvpro", "data", ...args]);
  } finally {
    process.stdout.write = orig;
  }
  return out;
}

test("data CLI: generate and show CDR, DCR and a toy on small grids", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gnvpro-cli-"));
  try {
    const cdr = join(dir, "cdr");
    let out = await gnvpro(
      "generate",
      "cdr",
      "--n",
      "24",
      "--seed",
      "2",
      "--out",
      cdr,
      "-p",
      "grid=8",
      "-p",
      "steps=6",
      "--quiet",
    );
    assert.match(out, /cdr: 24 samples, Y 24×55, C 24×72 \(seed 2\) →/);
    assert.match(out, /mean predictor .*ridge/);
    const ds = loadDataset(cdr);
    assert.equal(ds.manifest?.params.grid, 8);
    out = await gnvpro(
      "generate",
      "cdr",
      "--n",
      "24",
      "--seed",
      "2",
      "--out",
      cdr,
      "-p",
      "grid=8",
      "-p",
      "steps=6",
    );
    assert.match(out, /up to date/);
    out = await gnvpro("show", cdr, "--sample", "5", "--out", join(dir, "cdr.svg"));
    const svg = readFileSync(join(dir, "cdr.svg"), "utf8");
    assert.ok(svg.startsWith("<svg") && svg.includes("reaction coefficient"));
    assert.match(svg, /differ by 0\.00e\+0/);

    const dcr = join(dir, "dcr");
    await gnvpro(
      "generate",
      "dcr",
      "--n",
      "3",
      "--out",
      dcr,
      "--quiet",
      "-p",
      "grid=16",
      "-p",
      "anomalyWidth=0.25",
      "-p",
      "receiversX=4",
      "-p",
      "receiversY=4",
    );
    assert.equal(loadDataset(dcr).q, 32);
    await gnvpro("show", dcr, "--sample", "2", "--out", join(dir, "dcr.svg"));
    assert.ok(readFileSync(join(dir, "dcr.svg"), "utf8").includes("potential u, dipole 2"));

    const pk = join(dir, "peaks");
    await gnvpro("generate", "peaks", "--n", "50", "--out", pk, "--json");
    await gnvpro("show", pk, "--sample", "0", "--out", join(dir, "peaks.svg"));
    assert.ok(readFileSync(join(dir, "peaks.svg"), "utf8").includes("5 classes"));
    assert.match(await gnvpro("list"), /dcr .*10000 samples/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("data CLI: bad requests give clear errors and write nothing", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gnvpro-cli-"));
  try {
    const out = join(dir, "x");
    const bad: [string[], RegExp][] = [
      [["generate", "cdr", "--n", "0", "--out", out], /--n must be a positive integer, got 0/],
      [["generate", "cdr", "--n", "ten", "--out", out], /--n must be an integer, got 'ten'/],
      [["generate", "cdr", "--n", "5", "--out", out, "-p", "grid=-4"], /grid: Too small/],
      [
        ["generate", "cdr", "--n", "5", "--out", out, "-p", "grid=NaN"],
        /grid: Invalid input: expected number, received string/,
      ],
      [["generate", "dcr", "--n", "5", "--out", out, "-p", "grid"], /--param expects key=value, got 'grid'/],
      [["generate", "circle", "--n", "5", "--out", out, "--seed", "1.5"], /--seed must be an integer/],
      [["generate", "mnist-grid", "--out", out], /unknown data generator 'mnist-grid'/],
    ];
    for (const [args, re] of bad) {
      await assert.rejects(gnvpro(...args), re, args.join(" "));
      assert.equal(existsSync(out), false, `${args.join(" ")} wrote ${out}`);
    }
    const pk = join(dir, "peaks");
    await gnvpro("generate", "peaks", "--n", "10", "--out", pk, "--quiet");
    await assert.rejects(
      gnvpro("show", pk, "--sample", "10", "--out", join(dir, "a.svg")),
      /--sample 10 out of range 0\.\.9/,
    );
    await assert.rejects(
      gnvpro("show", pk, "--sample", "1", "--out", join(dir, "a.png")),
      /must name an \.svg file/,
    );
    await assert.rejects(
      gnvpro("show", join(dir, "nope"), "--sample", "1", "--out", join(dir, "a.svg")),
      /does not exist/,
    );
    assert.equal(existsSync(join(dir, "a.svg")), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("data CLI: --param values are parsed as JSON when they parse", () => {
  assert.deepEqual(parseParamPairs(["grid=16", "name=abc", "box=[0,1]", "flag=true"]), {
    grid: 16,
    name: "abc",
    box: [0, 1],
    flag: true,
  });
});
