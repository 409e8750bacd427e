import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatCsv, parseCsv, readCsv, writeCsv } from "../../src/util/csv.js";
import { Rng } from "../../src/util/rng.js";

test("csv: parses with and without a header row", () => {
  let t = parseCsv("a,b,c\n1,2,3\n4.5,-6e-3,7\n");
  assert.deepEqual(t.header, ["a", "b", "c"]);
  assert.equal(t.rows, 2);
  assert.equal(t.cols, 3);
  assert.deepEqual(Array.from(t.data), [1, 2, 3, 4.5, -6e-3, 7]);
  t = parseCsv("1,2\r\n3,4");
  assert.equal(t.header, null);
  assert.deepEqual(Array.from(t.data), [1, 2, 3, 4]);
  t = parseCsv("1,2\n3,4\n", "x", { header: true });
  assert.deepEqual(t.header, ["1", "2"]);
  assert.equal(t.rows, 1);
  t = parseCsv('"x, y",z\n1,2\n');
  assert.deepEqual(t.header, ["x, y", "z"]);
  t = parseCsv("1\tnan\n-inf\tinf\n", "x", { delimiter: "\t" });
  assert.ok(Number.isNaN(t.data[1]));
  assert.equal(t.data[2], -Infinity);
  assert.equal(t.data[3], Infinity);
  t = parseCsv("");
  assert.equal(t.rows, 0);
});

test("csv: write → read round trip is exact", () => {
  const dir = mkdtempSync(join(tmpdir(), "gnvpro-csv-"));
  try {
    const rng = new Rng(3);
    const x = rng.fillNormal(new Float64Array(12), 1e3);
    x[0] = 5e-324;
    x[1] = -0.1;
    const f = join(dir, "a.csv");
    writeCsv(f, x, 4, 3, { header: ["p", 'q"r', "s,t"] });
    const t = readCsv(f);
    assert.deepEqual(t.header, ["p", 'q"r', "s,t"]);
    assert.equal(t.rows, 4);
    assert.deepEqual(t.data, x);
    writeCsv(f, x, 3, 4);
    const u = readCsv(f);
    assert.equal(u.header, null);
    assert.deepEqual(u.data, x);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("csv: errors name the file and the line", () => {
  const dir = mkdtempSync(join(tmpdir(), "gnvpro-csv-"));
  try {
    const f = join(dir, "bad.csv");
    writeFileSync(f, "a,b\n1,2\n3\n");
    assert.throws(() => readCsv(f), /bad\.csv:3: expected 2 fields, found 1/);
    writeFileSync(f, "1,2\n3,oops\n");
    assert.throws(() => readCsv(f), /bad\.csv:2: field 2 is not a number: 'oops'/);
    writeFileSync(f, "1,2\n\n3,4\n");
    assert.throws(() => readCsv(f), /bad\.csv:2: empty line/);
    writeFileSync(f, "1,0x10\n");
    assert.throws(() => readCsv(f, { header: false }), /bad\.csv:1: field 2 is not a number/);
    writeFileSync(f, "1,\n");
    assert.throws(() => readCsv(f, { header: false }), /bad\.csv:1: field 2 is not a number: ''/);
    assert.throws(() => readCsv(join(dir, "none.csv")), /cannot read .*none\.csv/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(() => formatCsv([1, 2, 3], 2, 2), /2×2 needs 4 values, got 3/);
  assert.throws(() => formatCsv([1, 2], 1, 2, { header: ["a"] }), /header has 1 names for 2 columns/);
});
