/**
 * The number formats of quantized bundles, free of tfjs: IEEE half precision, symmetric int8 with one
 * float32 scale per channel, and a bit stream with Rice codes (for the n-gram model's sorted keys).
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * The IEEE 754 half-precision bits of a number, rounded to nearest, ties to even (as a float16 cast does).
 * Finite values beyond ±65,504 become ±Infinity; callers check.
 */
export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
  const e = exponent - 112; // rebiased: 127 − 15
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // A half subnormal (or zero): m · 2^-24 with the implicit leading bit made explicit.
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (half & 1) === 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa bumps the exponent, which is the right rounding (up to Infinity).
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++;
  return sign | half;
}

let halfTable: Float32Array | undefined;

/** Every half-precision value by its bits (256 KiB, made on first use). */
function float16Table(): Float32Array {
  if (halfTable) return halfTable;
  const table = new Float32Array(65_536);
  for (let h = 0; h < 65_536; h++) {
    const sign = (h & 0x8000) !== 0 ? -1 : 1;
    const e = (h >>> 10) & 0x1f;
    const m = h & 0x3ff;
    table[h] = e === 0 ? sign * m * 2 ** -24 : e === 31 ? (m !== 0 ? Number.NaN : sign * Number.POSITIVE_INFINITY) : sign * (1 + m / 1024) * 2 ** (e - 15);
  }
  halfTable = table;
  return table;
}

/**
 * Encodes float32 values as half precision.
 *
 * @returns The half bits, or the index of the first value that does not fit (beyond ±65,504, or NaN).
 */
export function encodeFloat16(values: Float32Array): { bits: Uint16Array } | { overflowAt: number } {
  const bits = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const h = toFloat16Bits(values[i]!);
    if ((h & 0x7c00) === 0x7c00) return { overflowAt: i };
    bits[i] = h;
  }
  return { bits };
}

/** Decodes half-precision bits to float32. */
export function decodeFloat16(bits: Uint16Array): Float32Array {
  const table = float16Table();
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]!]!;
  return out;
}

/**
 * How int8 values are grouped under one scale. A tensor is seen as a matrix `rows × columns` (the last axis
 * is the columns; a 1-D tensor is one row):
 * - `rows`: one scale per row (an embedding table: one per token).
 * - `columns`: one scale per column (a kernel: one per output unit).
 * - `groups`: one scale per column within each run of {@link INT8_GROUP_ROWS} rows (the n-gram model's
 *   weights, whose rows — features — are ordered from the most to the least frequent, so each run holds
 *   weights of similar size).
 */
export type Int8Grouping = 'rows' | 'columns' | 'groups';

/** Rows that share a scale (per column) in the `groups` int8 layout. */
export const INT8_GROUP_ROWS = 64;

/** Number of float32 scales an int8 tensor of `rows × columns` has under `grouping`. */
export function int8ScaleCount(rows: number, columns: number, grouping: Int8Grouping): number {
  return grouping === 'rows' ? rows : grouping === 'columns' ? columns : Math.ceil(rows / INT8_GROUP_ROWS) * columns;
}

/** The scale index of element (row r, column c). */
function scaleIndex(r: number, c: number, columns: number, grouping: Int8Grouping): number {
  return grouping === 'rows' ? r : grouping === 'columns' ? c : Math.floor(r / INT8_GROUP_ROWS) * columns + c;
}

/**
 * Symmetric int8 quantization: each scale is the largest magnitude it covers / 127 (a float32), each value
 * `round(v / scale)` in [-127, 127]; the value read back is `q · scale`, within `scale / 2` of the original.
 *
 * @param values - Row-major `rows × columns` values (finite).
 */
export function quantizeInt8(values: Float32Array, rows: number, columns: number, grouping: Int8Grouping): { scales: Float32Array; q: Int8Array } {
  const scales = new Float32Array(int8ScaleCount(rows, columns, grouping));
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const s = scaleIndex(r, c, columns, grouping);
      const magnitude = Math.abs(values[r * columns + c]!);
      if (magnitude > scales[s]!) scales[s] = magnitude;
    }
  }
  for (let s = 0; s < scales.length; s++) scales[s] = scales[s]! / 127;
  const q = new Int8Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const scale = scales[scaleIndex(r, c, columns, grouping)]!;
      if (scale === 0) continue;
      const v = Math.round(values[r * columns + c]! / scale);
      q[r * columns + c] = v > 127 ? 127 : Math.max(v, -127);
    }
  }
  return { scales, q };
}

/** The float32 values of int8 data (inverse of {@link quantizeInt8}). */
export function dequantizeInt8(q: Int8Array, scales: Float32Array, rows: number, columns: number, grouping: Int8Grouping): Float32Array {
  const out = new Float32Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    const base = r * columns;
    for (let c = 0; c < columns; c++) out[base + c] = q[base + c]! * scales[scaleIndex(r, c, columns, grouping)]!;
  }
  return out;
}

/** Appends bits, most significant first, to a growing byte array. */
export class BitWriter {
  private bytes = new Uint8Array(1024);
  private length = 0;
  /** Bits not yet flushed, in the low `pending` bits of `acc`. */
  private acc = 0;
  private pending = 0;

  /** Writes the low `count` (0–32) bits of `value`. */
  write(value: number, count: number): void {
    if (count > 24) {
      this.write(Math.floor(value / 2 ** 16) & ((1 << (count - 16)) - 1), count - 16);
      this.write(value & 0xffff, 16);
      return;
    }
    this.acc = ((this.acc << count) | (value & ((1 << count) - 1))) >>> 0;
    this.pending += count;
    while (this.pending >= 8) {
      this.pending -= 8;
      this.push((this.acc >>> this.pending) & 0xff);
    }
    this.acc &= (1 << this.pending) - 1;
  }

  /** Writes a whole number below 2^53 in `count` (≤ 53) bits. */
  writeBig(value: number, count: number): void {
    if (count <= 24) {
      this.write(value, count);
      return;
    }
    const high = Math.floor(value / 2 ** 24);
    this.writeBig(high, count - 24);
    this.write(value - high * 2 ** 24, 24);
  }

  /** Writes `value` ≥ 0 as a Rice code with parameter `k`: the quotient in unary (ones, then a zero), then `k` bits. */
  writeRice(value: number, k: number): void {
    const divisor = 2 ** k;
    let quotient = Math.floor(value / divisor);
    while (quotient >= 24) {
      this.write(0xffffff, 24);
      quotient -= 24;
    }
    this.write(((1 << quotient) - 1) * 2, quotient + 1);
    this.writeBig(value % divisor, k);
  }

  /** The bytes written (the last byte padded with zero bits). */
  finish(): Uint8Array {
    if (this.pending > 0) {
      this.push((this.acc << (8 - this.pending)) & 0xff);
      this.acc = 0;
      this.pending = 0;
    }
    return this.bytes.slice(0, this.length);
  }

  private push(byte: number): void {
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = byte;
  }
}

/** Quantized data no writer makes: a bit stream that ends early or holds an impossible code, a bad scale. */
export class QuantizedDataError extends Error {}

/** Reads what {@link BitWriter} wrote. */
export class BitReader {
  private position = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** Bits read so far. */
  get bitsRead(): number {
    return this.position;
  }

  /** Reads `count` (0–24) bits. */
  read(count: number): number {
    if (count === 0) return 0;
    if (this.position + count > this.bytes.length * 8) throw new QuantizedDataError('the data ends early');
    let value = 0;
    let left = count;
    while (left > 0) {
      const byte = this.bytes[this.position >>> 3]!;
      const offset = this.position & 7;
      const take = Math.min(8 - offset, left);
      value = (value << take) | ((byte >>> (8 - offset - take)) & ((1 << take) - 1));
      this.position += take;
      left -= take;
    }
    return value >>> 0;
  }

  /** Reads a whole number of `count` (≤ 53) bits. */
  readBig(count: number): number {
    if (count <= 24) return this.read(count);
    const high = this.readBig(count - 24);
    return high * 2 ** 24 + this.read(24);
  }

  /** Reads a 32-bit word. */
  read32(): number {
    return this.readBig(32);
  }

  /** Reads a Rice code with parameter `k`; quotients above `maxQuotient` are refused. */
  readRice(k: number, maxQuotient: number): number {
    let quotient = 0;
    for (;;) {
      if (this.position >= this.bytes.length * 8) throw new QuantizedDataError('the data ends early');
      const byte = this.bytes[this.position >>> 3]!;
      const offset = this.position & 7;
      // Ones left in this byte from the current bit: count them at once.
      const rest = (byte << offset) & 0xff;
      const ones = Math.clz32(~(rest << 24));
      const available = 8 - offset;
      if (ones < available) {
        quotient += ones;
        this.position += ones + 1;
        break;
      }
      quotient += available;
      this.position += available;
      if (quotient > maxQuotient) throw new QuantizedDataError('a code is longer than any the writer makes');
    }
    if (quotient > maxQuotient) throw new QuantizedDataError('a code is longer than any the writer makes');
    return quotient * 2 ** k + this.readBig(k);
  }
}

/** Reinterprets a float32's bits as an unsigned 32-bit integer. */
export function float32Bits(value: number): number {
  f32[0] = value;
  return u32[0]!;
}

/** The float32 with the given bits. */
export function float32FromBits(bits: number): number {
  u32[0] = bits;
  return f32[0]!;
}

/**
 * How one tensor is stored in a quantized bundle's weights file, as a `rows × columns` matrix (the last
 * axis is the columns): `float32` (little-endian, as tfjs writes), `float16` (IEEE half), or int8 with
 * float32 scales first and the int8 values after (`int8-rows`, `int8-columns`, `int8-groups`: see
 * {@link Int8Grouping}).
 */
export type TensorEncoding = 'float32' | 'float16' | 'int8-rows' | 'int8-columns' | 'int8-groups';

/** Every {@link TensorEncoding}. */
export const TENSOR_ENCODINGS: readonly TensorEncoding[] = ['float32', 'float16', 'int8-rows', 'int8-columns', 'int8-groups'];

function groupingOf(encoding: TensorEncoding): Int8Grouping | undefined {
  return encoding === 'int8-rows' ? 'rows' : encoding === 'int8-columns' ? 'columns' : encoding === 'int8-groups' ? 'groups' : undefined;
}

/** Bytes a `rows × columns` tensor takes in `encoding`. */
export function encodedTensorBytes(rows: number, columns: number, encoding: TensorEncoding): number {
  const n = rows * columns;
  const grouping = groupingOf(encoding);
  if (grouping !== undefined) return 4 * int8ScaleCount(rows, columns, grouping) + n;
  return encoding === 'float16' ? 2 * n : 4 * n;
}

/** Little-endian bytes of float32 values (a copy). */
export function float32Bytes(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
}

/** Float32 values of little-endian bytes at any offset (a copy, so any alignment works). */
export function float32sAt(bytes: Uint8Array, offset: number, count: number): Float32Array {
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + 4 * count) as ArrayBuffer);
}

/**
 * Encodes a `rows × columns` tensor.
 *
 * @returns The bytes, or the index of the first value float16 cannot hold.
 */
export function encodeTensor(values: Float32Array, rows: number, columns: number, encoding: TensorEncoding): { bytes: Uint8Array } | { overflowAt: number } {
  if (encoding === 'float32') return { bytes: float32Bytes(values) };
  if (encoding === 'float16') {
    const half = encodeFloat16(values);
    return 'bits' in half ? { bytes: new Uint8Array(half.bits.buffer) } : half;
  }
  const { scales, q } = quantizeInt8(values, rows, columns, groupingOf(encoding)!);
  const bytes = new Uint8Array(scales.byteLength + q.byteLength);
  bytes.set(new Uint8Array(scales.buffer), 0);
  bytes.set(new Uint8Array(q.buffer), scales.byteLength);
  return { bytes };
}

/**
 * Decodes a tensor written by {@link encodeTensor} from `bytes` at `offset` (the caller checked the size).
 *
 * @throws {@link QuantizedDataError} for a negative or non-finite int8 scale.
 */
export function decodeTensor(bytes: Uint8Array, offset: number, rows: number, columns: number, encoding: TensorEncoding): Float32Array {
  const n = rows * columns;
  if (encoding === 'float32') return float32sAt(bytes, offset, n);
  if (encoding === 'float16')
    return decodeFloat16(new Uint16Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + 2 * n) as ArrayBuffer));
  const grouping = groupingOf(encoding)!;
  const scaleCount = int8ScaleCount(rows, columns, grouping);
  const scales = float32sAt(bytes, offset, scaleCount);
  for (const scale of scales) if (!(scale >= 0 && scale < Number.POSITIVE_INFINITY)) throw new QuantizedDataError('an int8 scale is negative or not finite');
  const q = new Int8Array(bytes.buffer, bytes.byteOffset + offset + 4 * scaleCount, n);
  return dequantizeInt8(q, scales, rows, columns, grouping);
}
