import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { infoReport } from "../../src/cli/commands/info.js";
import { kernels } from "../../src/kernels/index.js";
import { VERSION } from "../../src/version.js";

const root = new URL("../..", import.meta.url).pathname;

describe("gnvpro info", () => {
  it("infoReport names the version, the backend in use, the BLAS and node", () => {
    const r = infoReport();
    assert.equal(r.version, VERSION);
    assert.equal(r.backend, kernels().name);
    assert.equal(r.blas.name, r.backend === "native" ? "openblas" : "gnvpro-js");
    assert.ok(Number.isInteger(r.blas.threads) && r.blas.threads >= 1);
    assert.equal(r.node, process.version);
  });

  it("`gnvpro info --json` prints {version, backend, blas: {name, version, threads}, node}", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "info", "--json"], {
      cwd: root,
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(j).sort(), ["backend", "blas", "node", "version"]);
    assert.deepEqual(Object.keys(j.blas as object).sort(), ["name", "threads", "version"]);
    assert.equal(j.backend, kernels().name);
  });
});
