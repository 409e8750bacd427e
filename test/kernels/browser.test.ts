import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";

const dir = new URL("../../src/kernels/", import.meta.url);

describe("the js backend is browser-safe", () => {
  it("src/kernels/js/* and validate.ts import only each other and the types, and use no Node globals", () => {
    const files = [...readdirSync(new URL("js/", dir)).map((f) => `js/${f}`), "validate.ts", "types.ts"];
    for (const f of files) {
      const src = readFileSync(new URL(f, dir), "utf8");
      for (const m of src.matchAll(/from\s+"([^"]+)"/g))
        assert.ok(m[1].startsWith("./") || m[1].startsWith("../"), `${f} imports ${m[1]}`);
      for (const m of src.matchAll(/from\s+"\.\.\/([^"]+)"/g))
        assert.ok(["types.js", "validate.js"].includes(m[1]), `${f} imports ../${m[1]}`);
      assert.doesNotMatch(src, /\b(process|Buffer|require)\s*[.(]/, `${f} uses a Node global`);
    }
  });
});
