/**
 * Robustness of the binary parsers (IDX, CIFAR-10, level-5 MAT) under fast-check fuzzing: thousands
 * of mutated files (byte changes, truncations, insertions, deletions, duplicated chunks, and for MAT
 * files mutations behind the zlib layer). Every parse either returns a complete, self-consistent
 * result or throws the parser's own Error naming the file; never another exception, a hang or a
 * partial result. All loops in the parsers are bounded by the file size.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import fc from "fast-check";
import { encodeIdx, parseIdx } from "../../src/data/idx.js";
import { parseCifar10Batch } from "../../src/data/cifar10.js";
import { parseMat, type MatFile } from "../../src/data/mat.js";
import {
  cifarBatch,
  element,
  matFile,
  matHeader,
  matrixElement,
  miCOMPRESSED,
  miDOUBLE,
  miINT16,
  miSINGLE,
  miUINT16,
  miUINT8,
  mxDOUBLE,
  mxINT16,
  mxSINGLE,
  mxUINT16,
  mxUINT8,
  type MatVarSpec,
} from "./helpers/classification-files.js";

type Mutation =
  | { op: "set"; at: number; value: number }
  | { op: "flip"; at: number; bit: number }
  | { op: "truncate"; at: number }
  | { op: "insert"; at: number; bytes: number[] }
  | { op: "delete"; at: number; len: number }
  | { op: "duplicate"; at: number; len: number };

const pos = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant("set" as const),
      at: pos,
      value: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 1, 255, 0x7f, 0x80)),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant("flip" as const), at: pos, bit: fc.integer({ min: 0, max: 7 }) }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("truncate" as const), at: pos }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("insert" as const),
      at: pos,
      bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 9 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("delete" as const),
      at: pos,
      len: fc.integer({ min: 1, max: 16 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("duplicate" as const),
      at: pos,
      len: fc.integer({ min: 1, max: 24 }),
    }),
  },
);
const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });

/** Apply mutations; positions are fractions of the current length, biased toward headers by `head`. */
function mutate(base: Uint8Array, ms: Mutation[], head: number): Uint8Array {
  let b = Array.from(base);
  for (const m of ms) {
    if (b.length === 0) break;
    // half of the positions fall in the first `head` bytes, where the structure is
    const frac = m.at < 0.5 ? (m.at * 2 * Math.min(head, b.length)) / b.length : (m.at - 0.5) * 2;
    const at = Math.min(b.length - 1, Math.floor(frac * b.length));
    switch (m.op) {
      case "set":
        b[at] = m.value;
        break;
      case "flip":
        b[at] ^= 1 << m.bit;
        break;
      case "truncate":
        b = b.slice(0, at);
        break;
      case "insert":
        b.splice(at, 0, ...m.bytes);
        break;
      case "delete":
        b.splice(at, m.len);
        break;
      case "duplicate":
        b.splice(at, 0, ...b.slice(at, at + m.len));
        break;
    }
  }
  return Uint8Array.from(b);
}

/** Run `parse`; it must succeed with a result passing `check` or throw an Error starting with `prefix`. */
function robust<T>(parse: () => T, prefix: string, check: (r: T) => void): void {
  let r: T;
  try {
    r = parse();
  } catch (e) {
    assert.ok(e instanceof Error, `non-Error thrown: ${String(e)}`);
    assert.ok(
      e.message.startsWith(prefix),
      `foreign error (a crash, not a validation): ${e.name}: ${e.message}`,
    );
    return;
  }
  check(r);
}

test("fuzz: IDX parser on 2000 mutated files", () => {
  const bases = [
    encodeIdx({ type: "uint8", dims: [3, 4, 4], data: Uint8Array.from({ length: 48 }, (_, i) => i * 5) }),
    encodeIdx({ type: "uint8", dims: [7], data: Uint8Array.from([5, 0, 4, 1, 9, 2, 1]) }),
    encodeIdx({ type: "float64", dims: [2, 2], data: Float64Array.from([1, -2, 3.5, 1e300]) }),
    encodeIdx({ type: "int16", dims: [5], data: Int16Array.from([1, -1, 300, -300, 7]) }),
  ];
  fc.assert(
    fc.property(fc.integer({ min: 0, max: bases.length - 1 }), mutations, (bi, ms) => {
      const buf = mutate(bases[bi], ms, 16);
      robust(
        () => parseIdx(buf, "fuzz.idx"),
        "IDX fuzz.idx: ",
        (r) => {
          const count = r.dims.reduce((a, b) => a * b, 1);
          assert.equal(r.data.length, count, "complete data");
          const size = { uint8: 1, int8: 1, int16: 2, int32: 4, float32: 4, float64: 8 }[r.type];
          assert.equal(4 + 4 * r.dims.length + count * size, buf.length, "the whole file accounted for");
        },
      );
    }),
    { numRuns: 2000, seed: 1 },
  );
});

test("fuzz: CIFAR-10 batch parser on 1000 mutated files", () => {
  const base = cifarBatch([3, 9], (img, ch, r, c) => (img * 7 + ch * 13 + r + c) % 256);
  fc.assert(
    fc.property(mutations, (ms) => {
      const buf = mutate(base, ms, 8);
      robust(
        () => parseCifar10Batch(buf, "fuzz.bin"),
        "CIFAR-10 fuzz.bin: ",
        (r) => {
          assert.ok(r.n >= 1);
          assert.equal(r.n * 3073, buf.length);
          assert.equal(r.pixels.length, 3072 * r.n);
          assert.ok(r.labels.every((l) => l <= 9));
        },
      );
    }),
    { numRuns: 1000, seed: 2 },
  );
});

const MAT_VARS: MatVarSpec[] = [
  { name: "indian_pines_gt", cls: mxUINT8, dims: [3, 2], storage: miUINT8, values: [0, 1, 16, 2, 0, 5] },
  {
    name: "img",
    cls: mxUINT16,
    dims: [2, 2, 2],
    storage: miUINT16,
    values: [1, 2, 3, 4, 5000, 6000, 7000, 65535],
  },
  { name: "x", cls: mxDOUBLE, dims: [1, 3], storage: miDOUBLE, values: [1.5, -2, 1e-300] },
  { name: "k", cls: mxINT16, dims: [1, 2], storage: miINT16, values: [-7, 7] },
  { name: "s", cls: mxSINGLE, dims: [1, 1], storage: miSINGLE, values: [0.25] },
];

function checkMat(r: MatFile): void {
  for (const v of r.variables) {
    assert.ok(v.dims.every((d) => Number.isInteger(d) && d >= 0));
    if (v.data !== null) {
      assert.equal(
        v.data.length,
        v.dims.reduce((a, b) => a * b, 1),
        `complete data of ${v.name}`,
      );
      if (v.imag !== null) assert.equal(v.imag.length, v.data.length);
    }
  }
}

for (const little of [true, false])
  test(`fuzz: MAT parser on 1500 mutated uncompressed files (${little ? "little" : "big"}-endian)`, () => {
    const base = matFile(MAT_VARS, { little });
    fc.assert(
      fc.property(mutations, (ms) => {
        const buf = mutate(base, ms, 400);
        robust(() => parseMat(buf, "fuzz.mat"), "MAT fuzz.mat", checkMat);
      }),
      { numRuns: 1500, seed: little ? 3 : 4 },
    );
  });

test("fuzz: MAT parser on 1500 files mutated behind the zlib layer, and 500 with a mutated stream", () => {
  const little = true;
  const inner = MAT_VARS.map((v) => matrixElement(v, little));
  const wrap = (elements: Uint8Array[]): Uint8Array => {
    const parts = [
      matHeader({ little }),
      ...elements.map((e) => element(miCOMPRESSED, deflateSync(e), little, false, false)),
    ];
    const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };
  fc.assert(
    fc.property(fc.integer({ min: 0, max: inner.length - 1 }), mutations, (which, ms) => {
      const els = inner.slice();
      els[which] = mutate(inner[which], ms, 64);
      const buf = wrap(els);
      robust(() => parseMat(buf, "fuzz.mat"), "MAT fuzz.mat", checkMat);
    }),
    { numRuns: 1500, seed: 5 },
  );
  const base = matFile(MAT_VARS, { little, compress: true });
  fc.assert(
    fc.property(mutations, (ms) => {
      const buf = mutate(base, ms, 200);
      robust(() => parseMat(buf, "fuzz.mat", { maxInflatedBytes: 1 << 20 }), "MAT fuzz.mat", checkMat);
    }),
    { numRuns: 500, seed: 6 },
  );
});
