import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeNpy, encodeNpy, readNpy, writeNpy } from "../../src/util/npy.js";
import { Rng } from "../../src/util/rng.js";

// Files written by NumPy 2.x (np.save / numpy.lib.format.write_array), base64-encoded.
const FIX = {
  f8: "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAAAAOA/AAAAAAAA8D8AAAAAAAD4PwAAAAAAAABAAAAAAAAABEA=",
  f4F: "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/AACAQAAAAEAAAKBAAABAQAAAyMA=",
  i2F: "k05VTVBZAQB2AHsnZGVzY3InOiAnPGkyJywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAQA/v8FAAMA1P4=",
  i1: "k05VTVBZAQB2AHsnZGVzY3InOiAnfGkxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqAAH8=",
  u1: "k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoA/wc=",
  i8: "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr7/////////wAAAAAAAQAA",
  u4: "k05VTVBZAQB2AHsnZGVzY3InOiAnPHU0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAKGvuAQAAAA==",
  b1: "k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAE=",
  gt: "k05VTVBZAQB2AHsnZGVzY3InOiAnPmY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo/9AAAAAAAAMAAAAAAAAAA",
  v2: "k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwgMiksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADwPwAAAAAAAABAAAAAAAAACEAAAAAAAAAQQA==",
  v3: "k05VTVBZAwB0AAAAeydkZXNjcic6ICc8ZjgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAcQAAAAAAAACBA",
  f3d: "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMywgNCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAAAAChAAAAAAAAAEEAAAAAAAAAwQAAAAAAAACBAAAAAAAAANEAAAAAAAADwPwAAAAAAACpAAAAAAAAAFEAAAAAAAAAxQAAAAAAAACJAAAAAAAAANUAAAAAAAAAAQAAAAAAAACxAAAAAAAAAGEAAAAAAAAAyQAAAAAAAACRAAAAAAAAANkAAAAAAAAAIQAAAAAAAAC5AAAAAAAAAHEAAAAAAAAAzQAAAAAAAACZAAAAAAAAAN0A=",
  scalar:
    "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAMQA==",
};
const bytes = (k: keyof typeof FIX): Buffer => Buffer.from(FIX[k], "base64");
const arr = (a: Float64Array): number[] => Array.from(a);

test("npy: reads NumPy-written files of every supported dtype and order", () => {
  let r = decodeNpy(bytes("f8"));
  assert.deepEqual(r.shape, [2, 3]);
  assert.equal(r.dtype, "<f8");
  assert.deepEqual(arr(r.data), [0, 0.5, 1, 1.5, 2, 2.5]);
  r = decodeNpy(bytes("f4F"));
  assert.equal(r.fortranOrder, true);
  assert.deepEqual(arr(r.data), [1.5, 2, 3, 4, 5, -6.25]);
  r = decodeNpy(bytes("i2F"));
  assert.deepEqual(arr(r.data), [1, -2, 3, 4, 5, -300]);
  assert.deepEqual(arr(decodeNpy(bytes("i1")).data), [-128, 0, 127]);
  assert.deepEqual(arr(decodeNpy(bytes("u1")).data), [0, 255, 7]);
  assert.deepEqual(arr(decodeNpy(bytes("i8")).data), [-5, 2 ** 40]);
  assert.deepEqual(arr(decodeNpy(bytes("u4")).data), [4000000000, 1]);
  assert.deepEqual(arr(decodeNpy(bytes("b1")).data), [1, 0, 1]);
  assert.deepEqual(arr(decodeNpy(bytes("gt")).data), [1.25, -2]);
  r = decodeNpy(bytes("v2"));
  assert.deepEqual(r.shape, [2, 2]);
  assert.deepEqual(arr(r.data), [1, 2, 3, 4]);
  assert.deepEqual(arr(decodeNpy(bytes("v3")).data), [7, 8]);
  r = decodeNpy(bytes("f3d"));
  assert.deepEqual(r.shape, [2, 3, 4]);
  assert.deepEqual(
    arr(r.data),
    Array.from({ length: 24 }, (_, i) => i),
  );
  r = decodeNpy(bytes("scalar"));
  assert.deepEqual(r.shape, []);
  assert.deepEqual(arr(r.data), [3.5]);
});

test("npy: the writer produces NumPy's exact bytes", () => {
  const out = encodeNpy(Float64Array.from([0, 0.5, 1, 1.5, 2, 2.5]), [2, 3]);
  assert.deepEqual(out, bytes("f8"));
  // The data start on a 64-byte boundary.
  const hlen = out.readUInt16LE(8);
  assert.equal((10 + hlen) % 64, 0);
});

test("npy: write → read round trip is exact (file on disk, odd shapes)", () => {
  const dir = mkdtempSync(join(tmpdir(), "gnvpro-npy-"));
  try {
    const rng = new Rng(7);
    for (const shape of [[5, 3], [1], [0, 4], [2, 3, 4], []] as number[][]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const x = rng.fillNormal(new Float64Array(n));
      if (n > 2) {
        x[0] = -0;
        x[1] = Number.MAX_VALUE;
        x[2] = 5e-324;
      }
      const f = join(dir, `a${shape.join("x")}.npy`);
      writeNpy(f, x, shape);
      const r = readNpy(f);
      assert.deepEqual(r.shape, shape);
      assert.equal(r.dtype, "<f8");
      assert.equal(r.fortranOrder, false);
      assert.deepEqual(r.data, x);
      if (n > 2) assert.ok(Object.is(r.data[0], -0));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("npy: huge headers switch to format 2.0", () => {
  const shape = Array.from({ length: 25000 }, () => 1);
  const out = encodeNpy([4.5], shape);
  assert.equal(out[6], 2);
  const r = decodeNpy(out);
  assert.equal(r.shape.length, 25000);
  assert.deepEqual(arr(r.data), [4.5]);
});

test("npy: malformed, truncated and unsupported files give errors naming the file", () => {
  const dir = mkdtempSync(join(tmpdir(), "gnvpro-npy-"));
  try {
    const good = bytes("f8");
    const cases: [string, Buffer, RegExp][] = [
      ["short.npy", good.subarray(0, 5), /short\.npy.*too short/],
      ["magic.npy", Buffer.concat([Buffer.from("XNUMPY"), good.subarray(6)]), /magic\.npy.*magic/],
      ["trunc.npy", good.subarray(0, good.length - 3), /trunc\.npy.*truncated data/],
      ["trunchead.npy", good.subarray(0, 40), /trunchead\.npy.*truncated header/],
      [
        "version.npy",
        Buffer.concat([good.subarray(0, 6), Buffer.from([9, 0]), good.subarray(8)]),
        /version\.npy.*version 9\.0/,
      ],
      [
        "complex.npy",
        Buffer.from(good.toString("latin1").replace("<f8", "<c8"), "latin1"),
        /complex\.npy.*unsupported dtype '<c8'/,
      ],
      [
        "f2.npy",
        Buffer.from(good.toString("latin1").replace("<f8", "<f2"), "latin1"),
        /f2\.npy.*unsupported dtype '<f2'/,
      ],
      [
        "noshape.npy",
        Buffer.from(good.toString("latin1").replace("'shape'", "'shapx'"), "latin1"),
        /noshape\.npy.*malformed header/,
      ],
      [
        "badshape.npy",
        Buffer.from(good.toString("latin1").replace("(2, 3)", "(2, x)"), "latin1"),
        /badshape\.npy.*bad shape entry/,
      ],
    ];
    for (const [name, buf, re] of cases) {
      const f = join(dir, name);
      writeFileSync(f, buf);
      assert.throws(() => readNpy(f), re, name);
    }
    assert.throws(() => readNpy(join(dir, "missing.npy")), /cannot read .*missing\.npy/);
    const bool = Buffer.from(bytes("b1"));
    bool[bool.length - 1] = 2;
    assert.throws(() => decodeNpy(bool, "bool.npy"), /bool\.npy.*byte value 2/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("npy: writer rejects inconsistent shapes", () => {
  assert.throws(() => encodeNpy([1, 2, 3], [2, 2]), /shape \[2, 2\] holds 4 elements but the data have 3/);
  assert.throws(() => encodeNpy([1, 2], [-1, -2]), /non-negative integers/);
  assert.throws(() => writeNpy("/nonexistent-dir/x.npy", [1], [1]), /cannot write \/nonexistent-dir\/x\.npy/);
});
