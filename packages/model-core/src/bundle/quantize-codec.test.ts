import { describe, expect, it } from 'vitest';
import {
  BitReader,
  BitWriter,
  INT8_GROUP_ROWS,
  QuantizedDataError,
  TENSOR_ENCODINGS,
  decodeFloat16,
  decodeTensor,
  dequantizeInt8,
  encodeFloat16,
  encodeTensor,
  encodedTensorBytes,
  quantizeInt8,
  toFloat16Bits,
} from './quantize-codec.js';

/** Seeded uniform numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Seeded roughly normal values (sum of uniforms), scaled. */
function normals(n: number, seed: number, scale = 1): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() + r() + r() + r() - 2) * scale);
}

describe('float16', () => {
  it('reads back every half-precision value exactly (all 63,488 finite bit patterns)', () => {
    const all = new Uint16Array(65_536).map((_, i) => i);
    const values = decodeFloat16(all);
    for (let h = 0; h < 65_536; h++) {
      if (((h >>> 10) & 0x1f) === 0x1f) continue; // Infinity and NaN
      expect(toFloat16Bits(values[h]!)).toBe(h);
    }
    expect(values[0x3c00]).toBe(1);
    expect(values[0xc000]).toBe(-2);
    expect(values[0x7bff]).toBe(65_504);
    expect(values[0x0001]).toBe(2 ** -24);
  });

  it('rounds to the nearest half, ties to even, subnormals included', () => {
    const values = [...normals(20_000, 3, 4), ...normals(2000, 4, 1e-5), ...normals(2000, 5, 1e3)];
    const f32 = Float32Array.from(values);
    const encoded = encodeFloat16(f32);
    if (!('bits' in encoded)) throw new Error('overflow');
    const back = decodeFloat16(encoded.bits);
    const table = decodeFloat16(new Uint16Array(65_536).map((_, i) => i));
    for (let i = 0; i < f32.length; i++) {
      const v = f32[i]!;
      const h = encoded.bits[i]!;
      // No neighbouring half is closer.
      for (const neighbour of [h - 1, h + 1]) {
        if (neighbour < 0 || neighbour > 0xffff || ((neighbour >>> 10) & 0x1f) === 0x1f || (neighbour & 0x7fff) === 0x7fff) continue;
        if ((neighbour & 0x8000) !== (h & 0x8000)) continue;
        expect(Math.abs(table[neighbour]! - v)).toBeGreaterThanOrEqual(Math.abs(back[i]! - v));
      }
      // Relative error of a normal half: at most 2^-11.
      if (Math.abs(v) >= 2 ** -14) expect(Math.abs(back[i]! - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11);
    }
    // Ties to even: 1 + 2^-11 lies halfway between 1 and 1 + 2^-10 and goes to 1 (even mantissa).
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(toFloat16Bits(-0)).toBe(0x8000);
  });

  it('reports values beyond ±65,504', () => {
    expect(encodeFloat16(Float32Array.from([1, 2, 65_504, -65_519]))).toHaveProperty('bits');
    expect(encodeFloat16(Float32Array.from([1, 70_000]))).toEqual({ overflowAt: 1 });
    expect(encodeFloat16(Float32Array.from([-65_520]))).toEqual({ overflowAt: 0 });
  });
});

describe('int8', () => {
  it('keeps every value within half a step of its scale (max |v| / 127), per row, column and group', () => {
    const rows = 300;
    const columns = 7;
    const values = normals(rows * columns, 9, 0.3);
    values[5] = 4; // an outlier: only its row / column / group gets a coarse scale
    for (const grouping of ['rows', 'columns', 'groups'] as const) {
      const { scales, q } = quantizeInt8(values, rows, columns, grouping);
      const back = dequantizeInt8(q, scales, rows, columns, grouping);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < columns; c++) {
          const s = grouping === 'rows' ? r : grouping === 'columns' ? c : Math.floor(r / INT8_GROUP_ROWS) * columns + c;
          expect(Math.abs(back[r * columns + c]! - values[r * columns + c]!)).toBeLessThanOrEqual(scales[s]! / 2 + 1e-7);
          expect(Math.abs(q[r * columns + c]!)).toBeLessThanOrEqual(127);
        }
      }
    }
    // The outlier sits in row 0, column 5: per row, the other rows keep fine steps.
    const perRow = quantizeInt8(values, rows, columns, 'rows');
    expect(perRow.scales[0]).toBeCloseTo(4 / 127, 6);
    expect(perRow.scales[1]!).toBeLessThan(0.02);
  });

  it('stores a zero channel as zeros with scale 0', () => {
    const { scales, q } = quantizeInt8(new Float32Array(6), 2, 3, 'rows');
    expect(Array.from(scales)).toEqual([0, 0]);
    expect(Array.from(dequantizeInt8(q, scales, 2, 3, 'rows'))).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('encodeTensor / decodeTensor', () => {
  it('round-trip each encoding in its declared size and error bound', () => {
    const rows = 130;
    const columns = 9;
    const values = normals(rows * columns, 17, 0.5);
    for (const encoding of TENSOR_ENCODINGS) {
      const encoded = encodeTensor(values, rows, columns, encoding);
      if (!('bytes' in encoded)) throw new Error('overflow');
      expect(encoded.bytes.byteLength).toBe(encodedTensorBytes(rows, columns, encoding));
      // At an odd offset, as inside a weights file.
      const padded = new Uint8Array(encoded.bytes.byteLength + 3);
      padded.set(encoded.bytes, 3);
      const back = decodeTensor(padded, 3, rows, columns, encoding);
      const worst = Math.max(...values.map((v, i) => Math.abs(v - back[i]!)));
      const bound = encoding === 'float32' ? 0 : encoding === 'float16' ? 2 ** -11 * 2 : Math.max(...values.map(Math.abs)) / 127 / 2 + 1e-7;
      expect(worst, encoding).toBeLessThanOrEqual(bound);
    }
  });

  it('refuses a negative or non-finite int8 scale', () => {
    const encoded = encodeTensor(normals(8, 1), 2, 4, 'int8-rows');
    if (!('bytes' in encoded)) throw new Error('overflow');
    const bad = encoded.bytes.slice();
    new DataView(bad.buffer).setFloat32(0, Number.NaN, true);
    expect(() => decodeTensor(bad, 0, 2, 4, 'int8-rows')).toThrow(QuantizedDataError);
  });
});

describe('BitWriter / BitReader', () => {
  it('round-trip fixed-width fields up to 53 bits and Rice codes', () => {
    const r = rng(5);
    const fields: Array<[number, number]> = [];
    const rice: Array<[number, number]> = [];
    const writer = new BitWriter();
    for (let i = 0; i < 3000; i++) {
      const bits = 1 + Math.floor(r() * 53);
      const value = Math.floor(r() * 2 ** bits);
      fields.push([value, bits]);
      writer.writeBig(value, bits);
      const k = Math.floor(r() * 30);
      const v = Math.floor(r() * 2 ** k * (r() < 0.05 ? 200 : 3));
      rice.push([v, k]);
      writer.writeRice(v, k);
    }
    const reader = new BitReader(writer.finish());
    for (let i = 0; i < fields.length; i++) {
      expect(reader.readBig(fields[i]![1])).toBe(fields[i]![0]);
      expect(reader.readRice(rice[i]![1], 1000)).toBe(rice[i]![0]);
    }
  });

  it('refuses data that ends early and codes longer than allowed', () => {
    const writer = new BitWriter();
    writer.writeRice(50, 0);
    const bytes = writer.finish();
    expect(() => new BitReader(bytes).readRice(0, 10)).toThrow(QuantizedDataError);
    expect(() => new BitReader(bytes.subarray(0, 2)).readRice(0, 100)).toThrow(QuantizedDataError);
    expect(() => new BitReader(new Uint8Array(1)).read(9)).toThrow(QuantizedDataError);
    expect(new BitReader(bytes).readRice(0, 100)).toBe(50);
  });
});
