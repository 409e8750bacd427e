import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const root = new URL("../..", import.meta.url).pathname;
const addonBuilt = existsSync(`${root}build/Release/gnvpro_kernels.node`);

/** Run a snippet in a fresh process (the backend is chosen once per process) with the given env. */
function run(
  env: Record<string, string>,
  code: string,
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    cwd: root,
    env: { ...process.env, GNVPRO_BACKEND: "", GNVPRO_THREADS: "", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const PRINT = `import { kernels } from "./src/kernels/index.ts"; const k = kernels(); console.log(JSON.stringify({ name: k.name, info: k.info() }));`;

describe("backend selection", () => {
  it("GNVPRO_BACKEND=js gives the js backend, silently", () => {
    const r = run({ GNVPRO_BACKEND: "js" }, PRINT);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).name, "js");
    assert.equal(r.stderr, "");
  });

  it("an unknown GNVPRO_BACKEND or a bad GNVPRO_THREADS is a clear error", () => {
    const r = run({ GNVPRO_BACKEND: "cuda" }, PRINT);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /GNVPRO_BACKEND must be "native" or "js", got "cuda"/);
    const t = run({ GNVPRO_THREADS: "two" }, PRINT);
    assert.notEqual(t.status, 0);
    assert.match(t.stderr, /GNVPRO_THREADS must be a positive integer/);
  });

  it("the default is native when the addon is built, with GNVPRO_THREADS applied; js otherwise with one notice", () => {
    const r = run({ GNVPRO_THREADS: "1" }, PRINT);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { name: string; info: { name: string; threads: number } };
    if (addonBuilt) {
      assert.equal(out.name, "native");
      assert.equal(out.info.name, "openblas");
      assert.equal(out.info.threads, 1);
      assert.equal(r.stderr, "");
    } else {
      assert.equal(out.name, "js");
      assert.equal(r.stderr.match(/native kernels unavailable/g)?.length, 1);
    }
  });

  it("without a loadable addon: js with exactly one notice; GNVPRO_BACKEND=native a clear error", () => {
    const missing = { GNVPRO_ADDON: `${root}build/no-such-addon.node` };
    const twice = `${PRINT} (await import("./src/kernels/index.ts")).kernels();`;
    const r = run(missing, twice);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).name, "js");
    assert.equal(r.stderr.match(/native kernels unavailable/g)?.length, 1);
    const f = run({ ...missing, GNVPRO_BACKEND: "native" }, PRINT);
    assert.notEqual(f.status, 0);
    assert.match(f.stderr, /GNVPRO_BACKEND=native but the native kernels cannot be loaded/);
  });
});
