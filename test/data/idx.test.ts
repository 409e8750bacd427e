import { test } from "node:test";
import assert from "node:assert/strict";
import { encodeIdx, parseIdx, type IdxArray } from "../../src/data/idx.js";

test("idx: parses hand-written big-endian bytes", () => {
  // uint8, 2 dims [2, 3]
  const u8 = Uint8Array.from([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 250, 251, 252]);
  const a = parseIdx(u8, "u8.idx");
  assert.equal(a.type, "uint8");
  assert.deepEqual(a.dims, [2, 3]);
  assert.deepEqual(Array.from(a.data), [1, 2, 3, 250, 251, 252]);
  // int16, 1 dim [2]: 0x0102 = 258, 0xFFFE = −2
  const i16 = Uint8Array.from([0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe]);
  assert.deepEqual(Array.from(parseIdx(i16).data), [258, -2]);
  // float32 1.0 = 3f800000 big-endian, int8 −1
  assert.deepEqual(
    Array.from(parseIdx(Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0x80, 0, 0])).data),
    [1],
  );
  assert.deepEqual(Array.from(parseIdx(Uint8Array.from([0, 0, 0x09, 1, 0, 0, 0, 1, 0xff])).data), [-1]);
});

test("idx: encode/parse round trip for every element type", () => {
  const cases: IdxArray[] = [
    { type: "uint8", dims: [3, 2], data: Uint8Array.from([0, 1, 2, 128, 254, 255]) },
    { type: "int8", dims: [2], data: Int8Array.from([-128, 127]) },
    { type: "int16", dims: [1, 3], data: Int16Array.from([-32768, 0, 32767]) },
    { type: "int32", dims: [2, 1, 1], data: Int32Array.from([-(2 ** 31), 2 ** 31 - 1]) },
    { type: "float32", dims: [2], data: Float32Array.from([0.5, -3.25]) },
    { type: "float64", dims: [3], data: Float64Array.from([Math.PI, -1e-300, 1e300]) },
    { type: "uint8", dims: [0, 28, 28], data: new Uint8Array(0) },
  ];
  for (const c of cases) {
    const back = parseIdx(encodeIdx(c), c.type);
    assert.equal(back.type, c.type);
    assert.deepEqual(back.dims, c.dims);
    assert.deepEqual(Array.from(back.data), Array.from(c.data), c.type);
  }
});

test("idx: rejects bad magic, unsupported types, truncation and inconsistent sizes, naming the file", () => {
  const good = encodeIdx({ type: "int16", dims: [2, 2], data: Int16Array.from([1, 2, 3, 4]) });
  const withByte = (i: number, v: number): Uint8Array => {
    const b = good.slice();
    b[i] = v;
    return b;
  };
  const grown = new Uint8Array(good.length + 1);
  grown.set(good);
  const cases: [Uint8Array, RegExp][] = [
    [good.subarray(0, 3), /file too short \(3 bytes\)/],
    [withByte(0, 1), /bad magic number 0x01000b02/],
    [withByte(1, 8), /bad magic number/],
    [withByte(2, 0x0a), /unsupported element type code 0x0a/],
    [withByte(3, 0), /unsupported number of dimensions 0/],
    [withByte(3, 40), /unsupported number of dimensions 40/],
    [good.subarray(0, 10), /truncated header: 2 dimensions need 12 bytes/],
    [
      good.subarray(0, good.length - 1),
      /truncated: header announces dims \[2, 2\] of int16 = 20 bytes, the file has 19/,
    ],
    [grown, /inconsistent size: .* the file has 21/],
    [withByte(7, 200), /truncated: header announces dims \[200, 2\]/],
  ];
  for (const [bytes, re] of cases)
    assert.throws(
      () => parseIdx(bytes, "digits.idx"),
      (e: Error) => e.message.startsWith("IDX digits.idx: ") && re.test(e.message),
      String(re),
    );
  assert.throws(
    () => encodeIdx({ type: "uint8", dims: [3], data: new Uint8Array(2) }),
    /need 3 elements, got 2/,
  );
});
