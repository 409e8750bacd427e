#!/usr/bin/env node
// Finds every test/**/*.test.ts file and runs them with Node's built-in test runner through tsx.
// Node 20's `node --test` neither expands globs nor picks up .ts files, hence this script.
// Usage: node scripts/run-tests.mjs [substring ...]   (only files whose path contains a substring)
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { spawnSync } from "node:child_process";

const root = new URL("..", import.meta.url).pathname;
function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}
const filters = process.argv.slice(2);
let files = walk(join(root, "test")).sort();
if (filters.length > 0) files = files.filter((f) => filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error("run-tests: no test files matched");
  process.exit(1);
}
const env = { ...process.env, GNVPRO_THREADS: process.env.GNVPRO_THREADS ?? "1" };
const args = ["--import", "tsx", "--test", "--test-concurrency=2", ...files.map((f) => relative(root, f))];
const r = spawnSync(process.execPath, args, { cwd: root, env, stdio: "inherit" });
process.exit(r.status ?? 1);
