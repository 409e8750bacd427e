import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { matNumeric, parseMat, readMatFile } from "../../src/data/mat.js";
import {
  element,
  matFile,
  matHeader,
  miCOMPRESSED,
  miDOUBLE,
  miINT16,
  miINT64,
  miINT8,
  miMATRIX,
  miSINGLE,
  miUINT16,
  miUINT8,
  mxCELL,
  mxCHAR,
  mxDOUBLE,
  mxINT16,
  mxSINGLE,
  mxUINT16,
  mxUINT8,
  type MatVarSpec,
} from "./helpers/classification-files.js";

// Written by SciPy 1.17 (scipy.io.savemat, format 5) — an independent writer:
//   gt  = uint8  3×4   (0..11, row-major arange)     img = uint16 3×4×2 (arange·1000 + 7)
//   x   = double 2×3   [[1.5, −2.25, 3e10], [0, π, −1e−300]]
const SCIPY = {
  plain:
    "TUFUTEFCIDUuMCBNQVQtZmlsZSBQbGF0Zm9ybTogcG9zaXgsIENyZWF0ZWQgb246IFRodSBOb3YgMjYgMTI6NTQ6NDQgMjAyNgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABSU0OAAAAQAAAAAYAAAAIAAAACQAAAAAAAAAFAAAACAAAAAMAAAAEAAAAAQACAGd0AAACAAAADAAAAAAECAEFCQIGCgMHCwAAAAAOAAAAaAAAAAYAAAAIAAAACwAAAAAAAAAFAAAADAAAAAMAAAAEAAAAAgAAAAAAAAABAAMAaW1nAAQAAAAwAAAABwBHH4c+1wcXJ1dGpw/nLidOdxe3NvdV7wMvI29Cvwv/Kj9KjxPPMg9SXxufOt9ZDgAAAGAAAAAGAAAACAAAAAYAAAAAAAAABQAAAAgAAAACAAAAAwAAAAEAAQB4AAAACQAAADAAAAAAAAAAAAD4PwAAAAAAAAAAAAAAAAAAAsAYLURU+yEJQAAAALCO8BtCWfP4wh9upYE=",
  compressed:
    "TUFUTEFCIDUuMCBNQVQtZmlsZSBQbGF0Zm9ybTogcG9zaXgsIENyZWF0ZWQgb246IFRodSBOb3YgMjYgMTI6NTQ6NDQgMjAyNgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABSU0PAAAANwAAAHicLcqJCQAgAELR333STG3TAu1PRglPEBzAlChZCi/hbydeDJa1UUO/B59NKDZWl9qdBzlMAagPAAAAXwAAAHic42NgYMgAYjYg5gBibgYIYAViHiBmBmIWIGaCijMCRTJz08FiBkDMzuAu3253nV1cPdxtOf9zPXW/cvHtZt9D3zPrK+c77ef+r2Xv1S983og/KF56vtX9SAAadxMRDwAAAEYAAAB4nONjYGBIAGI2IOaA0iDACuUzATEzEDMCYQWQ5gRiAwYY+GHPgAKYDkjouoT8VuR0AHI29H2Qdor8/OOQfN7SRgAIDAzH",
};

/** Value of a row-major (C-order) 3-D arange at MATLAB subscripts (i, j, k) of dims [3, 4, 2]. */
const cOrder = (i: number, j: number, k: number): number => i * 8 + j * 2 + k;

for (const kind of ["plain", "compressed"] as const) {
  test(`mat: reads a SciPy-written ${kind} level-5 file (uint8, uint16 3-D, double)`, () => {
    const f = parseMat(Buffer.from(SCIPY[kind], "base64"), `scipy-${kind}.mat`);
    assert.equal(f.littleEndian, true);
    assert.match(f.header, /^MATLAB 5.0 MAT-file/);
    assert.deepEqual(
      f.variables.map((v) => [v.name, v.className]),
      [
        ["gt", "uint8"],
        ["img", "uint16"],
        ["x", "double"],
      ],
    );
    const gt = matNumeric(f, "gt", "t");
    assert.deepEqual(gt.dims, [3, 4]);
    // column-major in the file: element (i, j) at i + 3j holds the C-order value 4i + j
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) assert.equal(gt.data[i + 3 * j], 4 * i + j);
    const img = matNumeric(f, "img", "t");
    assert.deepEqual(img.dims, [3, 4, 2]);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 4; j++)
        for (let k = 0; k < 2; k++) assert.equal(img.data[i + 3 * j + 12 * k], cOrder(i, j, k) * 1000 + 7);
    const x = matNumeric(f, "x", "t");
    assert.deepEqual(x.dims, [2, 3]);
    assert.deepEqual(Array.from(x.data), [1.5, 0, -2.25, Math.PI, 3e10, -1e-300]);
  });
}

const VARS: MatVarSpec[] = [
  // MATLAB stores a double array with small integer values as miUINT8
  { name: "indian_pines_gt", cls: mxDOUBLE, dims: [2, 3], storage: miUINT8, values: [0, 1, 2, 16, 5, 0] },
  {
    name: "cube",
    cls: mxUINT16,
    dims: [2, 2, 3],
    storage: miUINT16,
    values: Array.from({ length: 12 }, (_, i) => 1000 * i + 65),
  },
  { name: "s", cls: mxSINGLE, dims: [1, 3], storage: miSINGLE, values: [0.5, -1.25, 1e6] },
  { name: "a", cls: mxINT16, dims: [1, 2], storage: miINT16, values: [-32768, 32767] }, // 4 bytes: small element
  { name: "big", cls: mxDOUBLE, dims: [1, 2], storage: miINT64, values: [-(2 ** 40), 2 ** 50] },
  { name: "z", cls: mxDOUBLE, dims: [1, 2], storage: miDOUBLE, values: [1, 2], imag: [3, -4] },
  { name: "e", cls: mxDOUBLE, dims: [0, 0], storage: miDOUBLE, values: [] },
];

for (const little of [true, false])
  for (const compress of [false, true]) {
    test(`mat: round trip through the test writer (${little ? "little" : "big"}-endian, ${compress ? "compressed" : "uncompressed"})`, () => {
      const f = parseMat(matFile(VARS, { little, compress }), "w.mat");
      assert.equal(f.littleEndian, little);
      assert.equal(f.variables.length, VARS.length);
      for (const spec of VARS) {
        const v = f.variables.find((x) => x.name === spec.name);
        assert.ok(v, spec.name);
        assert.deepEqual(v.dims, spec.dims);
        assert.deepEqual(Array.from(v.data ?? []), spec.values, spec.name);
        if (spec.imag) assert.deepEqual(Array.from(v.imag ?? []), spec.imag);
        else assert.equal(v.imag, null);
      }
      assert.equal(f.variables[0].className, "double");
      assert.equal(f.variables[1].className, "uint16");
      assert.throws(() => matNumeric(f, "z", "w.mat"), /w\.mat: variable 'z' is complex/);
    });
  }

test("mat: readMatFile reads from disk and names the file in errors", () => {
  const dir = mkdtempSync(join(tmpdir(), "gnvpro-mat-"));
  try {
    const p = join(dir, "ok.mat");
    writeFileSync(p, matFile(VARS.slice(0, 2), { compress: true }));
    assert.equal(readMatFile(p).variables.length, 2);
    const bad = join(dir, "bad.mat");
    writeFileSync(bad, matFile(VARS.slice(0, 2)).subarray(0, 150));
    assert.throws(
      () => readMatFile(bad),
      (e: Error) => e.message.includes(bad) && /truncated/.test(e.message),
    );
    assert.throws(() => readMatFile(join(dir, "missing.mat")), /missing\.mat: cannot read file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("mat: cell, struct and char arrays are listed but not decoded as numbers", () => {
  const cellBody = element(miMATRIX, new Uint8Array(0), true, false); // an empty cell element inside
  const f = parseMat(
    matFile([
      { name: "c", cls: mxCELL, dims: [1, 1], storage: 0, values: [], rawAfterName: cellBody },
      { name: "txt", cls: mxCHAR, dims: [1, 2], storage: miUINT16, values: [104, 105] },
      VARS[0],
    ]),
    "mixed.mat",
  );
  assert.deepEqual(
    f.variables.map((v) => [v.name, v.className, v.data === null]),
    [
      ["c", "cell", true],
      ["txt", "char", false],
      ["indian_pines_gt", "double", false],
    ],
  );
  assert.throws(
    () => matNumeric(f, "c", "mixed.mat"),
    /mixed\.mat: variable 'c' is a cell array, expected a numeric array/,
  );
  assert.throws(() => matNumeric(f, "txt", "mixed.mat"), /'txt' is a char array/);
  assert.throws(() => matNumeric(f, "nope", "mixed.mat"), /no variable 'nope' \(variables: 'c' \(cell\)/);
});

test("mat: v7.3 (HDF5) files get a clear 're-save with -v7' error", () => {
  const v73 = new Uint8Array(1024);
  v73.set(
    matHeader({ version: 0x0200, headerText: "MATLAB 7.3 MAT-file, Platform: GLNXA64, HDF5 schema 1.00 ." }),
  );
  v73.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a], 512);
  assert.throws(
    () => parseMat(v73, "new.mat"),
    /new\.mat: MATLAB v7\.3 \(HDF5\) MAT-files are not supported; re-save .*'-v7'/,
  );
  // version word alone
  assert.throws(() => parseMat(matHeader({ version: 0x0200 }), "v.mat"), /v7\.3 .*re-save/);
  // a bare HDF5 file
  const h5 = new Uint8Array(600);
  h5.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a], 0);
  assert.throws(() => parseMat(h5, "h.h5"), /h\.h5: MATLAB v7\.3/);
});

test("mat: rejects wrong magic, truncation, inconsistent sizes and unsupported types", () => {
  const good = matFile([VARS[1]]);
  const cases: [string, Uint8Array, RegExp][] = [
    ["short", good.subarray(0, 100), /file too short \(100 bytes\)/],
    ["level4", Uint8Array.from({ length: 200 }, (_, i) => i % 7), /not a MATLAB level-5 MAT-file/],
    ["version", matHeader({ version: 0x0101 }), /unsupported MAT-file version 0x0101/],
    ["cut-tag", good.subarray(0, 133), /truncated data element tag/],
    ["cut-data", good.subarray(0, good.length - 8), /truncated/],
  ];
  // inconsistent: dims say 2×2×3 = 12 values, data hold 11
  cases.push([
    "count",
    matFile([{ ...VARS[1], values: VARS[1].values.slice(0, 11) }]),
    /inconsistent size: the real part of variable 'cube' \(uint16 \[2×2×3\]\) needs 12 values/,
  ]);
  // a storage type that is not numeric (miMATRIX = 14) in the data slot
  const weird = matFile([{ ...VARS[2], storage: miDOUBLE }]);
  const dv = new DataView(weird.buffer);
  // find the real-part tag (miDOUBLE, 24 bytes) and make its type 11 (undefined)
  for (let o = 136; o < weird.length - 8; o += 8)
    if (dv.getUint32(o, true) === miDOUBLE && dv.getUint32(o + 4, true) === 24) {
      dv.setUint32(o, 11, true);
      break;
    }
  cases.push(["storage", weird, /unsupported storage type 11/]);
  // an unknown class code
  const cls = matFile([{ ...VARS[2], cls: 42 }]);
  cases.push(["class", cls, /unknown array class code 42/]);
  // a top-level element that is neither miMATRIX nor miCOMPRESSED
  cases.push([
    "toplevel",
    concatBytes(matHeader(), element(miINT8, new Uint8Array(16), true, false)),
    /unexpected data element type 1/,
  ]);
  // garbage in place of a zlib stream
  cases.push([
    "zlib",
    concatBytes(
      matHeader(),
      element(miCOMPRESSED, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), true, false, false),
    ),
    /not a valid zlib stream/,
  ]);
  // a compressed element holding something else than miMATRIX
  cases.push([
    "zinner",
    concatBytes(
      matHeader(),
      element(miCOMPRESSED, deflateSync(element(miINT8, new Uint8Array(8), true, false)), true, false, false),
    ),
    /holds element type 1, expected miMATRIX/,
  ]);
  // trailing bytes inside a matrix
  const extra = matFile([VARS[2]]);
  const grown = new Uint8Array(extra.length + 8);
  grown.set(extra);
  new DataView(grown.buffer).setUint32(132, new DataView(extra.buffer).getUint32(132, true) + 8, true);
  cases.push(["trailing", grown, /8 unexpected bytes after the data/]);
  for (const [name, bytes, re] of cases)
    assert.throws(
      () => parseMat(bytes, `${name}.mat`),
      (e: Error) => e.message.startsWith(`MAT ${name}.mat`) && re.test(e.message),
      name,
    );
});

test("mat: a decompression bomb is stopped by maxInflatedBytes", () => {
  const big = matFile(
    [{ name: "z", cls: mxUINT8, dims: [1, 100000], storage: miUINT8, values: new Array(100000).fill(0) }],
    {
      compress: true,
    },
  );
  assert.ok(big.length < 2000);
  assert.throws(
    () => parseMat(big, "bomb.mat", { maxInflatedBytes: 50000 }),
    /bomb\.mat: compressed element at byte 128 inflates to more than 50000 bytes/,
  );
  assert.equal(parseMat(big, "bomb.mat").variables[0].data?.length, 100000);
});

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

test("mat: zero padding after a compressed element is tolerated (both byte orders)", () => {
  for (const little of [true, false]) {
    // a first variable whose compressed stream does not end on an 8-byte boundary
    const a = VARS.map((v) => matFile([v], { little, compress: true })).find((f) => f.length % 8 !== 0);
    assert.ok(a !== undefined);
    const b = matFile([VARS[2]], { little, compress: true }).subarray(128);
    const padLen = 8 - (a.length % 8);
    const padded = new Uint8Array(a.length + padLen + b.length);
    padded.set(a);
    padded.set(b, a.length + padLen);
    assert.equal(parseMat(padded, "padded.mat").variables.length, 2);
    // and unpadded, the next tag right after the stream
    const plain = new Uint8Array(a.length + b.length);
    plain.set(a);
    plain.set(b, a.length);
    assert.equal(parseMat(plain, "plain.mat").variables.length, 2);
    // padding that is not zero is an error
    padded[a.length] = 7;
    assert.throws(() => parseMat(padded, "bad-pad.mat"), /bad-pad\.mat/);
  }
});
