// What Glossa's recurrent kernels share (assembly/gru.ts): the vectorised activations and the register tile of
// their matrix products. AssemblyScript; imported, not an entry of its own.

// @ts-nocheck  (AssemblyScript, not TypeScript)

/**
 * a · b + c, 4 lanes. Built twice by scripts/build-wasm.mjs: with relaxed SIMD it is `f32x4.relaxed_madd`
 * (one fused multiply-add where the CPU has FMA, rounded once), without it a multiply then an add (rounded
 * twice), so the two modules differ in the last bits. The engine runs whichever it can (src/internal/wasm-module.ts).
 */
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

// expf for 4 lanes (Cephes polynomial, range-reduced by powers of 2; ~1 ulp), inputs clamped to [-87, 88]
// (pmax/pmin: one instruction each under V8, where min/max take seven). The power of two is built from the
// rounded exponent by the 1.5·2²³ shift (|fx| ≤ 127).
@inline
export function exp4(x: v128): v128 {
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-87.0)), f32x4.splat(88.0));
  const fx = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(fx, f32x4.splat(LN2_HI))), f32x4.mul(fx, f32x4.splat(LN2_LO)));
  let y = f32x4.splat(1.9875691500e-4);
  y = madd(y, r, f32x4.splat(1.3981999507e-3));
  y = madd(y, r, f32x4.splat(8.3334519073e-3));
  y = madd(y, r, f32x4.splat(4.1665795894e-2));
  y = madd(y, r, f32x4.splat(1.6666665459e-1));
  y = madd(y, r, f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(y, r), r), r), f32x4.splat(1.0));
  const pow2 = i32x4.shl(i32x4.add(f32x4.add(fx, f32x4.splat(12582912.0)), i32x4.splat(127 - 0x4b400000)), 23);
  return f32x4.mul(y, pow2);
}

/** 1 / (1 + e^(−x)), 4 lanes. */
@inline
export function sigmoid4(x: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
}

/** tanh, 4 lanes: 1 − 2 / (e^{2x} + 1) (exact limits ±1, absolute error ~1e-7). */
@inline
export function tanh4(x: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.sub(one, f32x4.div(f32x4.splat(2.0), f32x4.add(exp4(f32x4.add(x, x)), one)));
}

/**
 * The register tile of the recurrent matrix products: 4 rows × 8 columns in 8 accumulators (what V8's 16 x64
 * SIMD registers hold with the operands; larger tiles spill). Row r's two accumulators start at the 8 floats at
 * `x_r` (or at 0 with `fromZero`); then, for each step of `s` from its start to `sEnd` by `sStep`, they add
 * ({@link madd}) the row's broadcast value, the float at `s + 4r`, times the 8 floats at `w` (which
 * advances by `wStep`). The sums are stored at `o_r`. So the rows' left operands are interleaved ([K][4], see
 * {@link storeColumn}) and the right operand is packed in panels of 8 columns.
 */
@inline
export function tile4x8(fromZero: bool, x0: usize, x1: usize, x2: usize, x3: usize, s: usize, sEnd: usize, sStep: usize, w: usize, wStep: usize, o0: usize, o1: usize, o2: usize, o3: usize): void {
  const zero = f32x4.splat(0);
  let a00 = fromZero ? zero : v128.load(x0);
  let a01 = fromZero ? zero : v128.load(x0, 16);
  let a10 = fromZero ? zero : v128.load(x1);
  let a11 = fromZero ? zero : v128.load(x1, 16);
  let a20 = fromZero ? zero : v128.load(x2);
  let a21 = fromZero ? zero : v128.load(x2, 16);
  let a30 = fromZero ? zero : v128.load(x3);
  let a31 = fromZero ? zero : v128.load(x3, 16);
  for (; s < sEnd; s += sStep) {
    const u0 = v128.load(w);
    const u1 = v128.load(w, 16);
    let v = v128.load32_splat(s);
    a00 = madd(v, u0, a00);
    a01 = madd(v, u1, a01);
    v = v128.load32_splat(s, 4);
    a10 = madd(v, u0, a10);
    a11 = madd(v, u1, a11);
    v = v128.load32_splat(s, 8);
    a20 = madd(v, u0, a20);
    a21 = madd(v, u1, a21);
    v = v128.load32_splat(s, 12);
    a30 = madd(v, u0, a30);
    a31 = madd(v, u1, a31);
    w += wStep;
  }
  v128.store(o0, a00);
  v128.store(o0, a01, 16);
  v128.store(o1, a10);
  v128.store(o1, a11, 16);
  v128.store(o2, a20);
  v128.store(o2, a21, 16);
  v128.store(o3, a30);
  v128.store(o3, a31, 16);
}

/** Stores the 4 lanes of `v` 16 bytes apart: 4 consecutive columns of one row of an interleaved [·][4] tile. */
@inline
export function storeColumn(p: usize, v: v128): void {
  v128.store32_lane(p, v, 0);
  v128.store32_lane(p, v, 1, 16);
  v128.store32_lane(p, v, 2, 32);
  v128.store32_lane(p, v, 3, 48);
}

/**
 * Backward: writes the rows live at step t (id ≠ 0) into `live` and zeroes the gradient row of every masked
 * one in `dxw` (f32 [batch][time][width]: a masked step has no gradient); returns how many are live.
 */
@inline
export function collectLiveClearing(ids: usize, live: usize, dxw: usize, width: i32, batch: i32, time: i32, t: i32): i32 {
  let n = 0;
  for (let b = 0; b < batch; b++) {
    if (load<i32>(ids + ((<usize>(b * time + t)) << 2)) != 0) {
      store<i32>(live + (<usize>n << 2), b);
      n++;
    } else {
      memory.fill(dxw + (<usize>((b * time + t) * width) << 2), 0, <usize>width << 2);
    }
  }
  return n;
}

/** Writes the rows live at step t (id ≠ 0) into `live`; returns how many. */
@inline
export function collectLive(ids: usize, live: usize, batch: i32, time: i32, t: i32): i32 {
  let n = 0;
  for (let b = 0; b < batch; b++) {
    if (load<i32>(ids + ((<usize>(b * time + t)) << 2)) != 0) {
      store<i32>(live + (<usize>n << 2), b);
      n++;
    }
  }
  return n;
}

/**
 * Packs columns [`col`, `col` + `cols`) of the row-major `u` ([rows, stride]) into panels of 8 columns, each
 * panel its rows of 8 floats one after another (`dst` f32 [⌈cols / 8⌉][rows][8]; columns past `cols` are 0).
 * The right operand of {@link tile4x8} for x · u.
 */
export function packPanels(u: usize, stride: i32, col: i32, cols: i32, rows: i32, dst: usize): void {
  for (let j = 0; j < cols; j += 8) {
    if (j + 8 <= cols) {
      // A whole panel: each row's eight floats are contiguous, moved as two vectors.
      let s = u + (<usize>(col + j) << 2);
      const step = <usize>stride << 2;
      for (let q = 0; q < rows; q++) {
        v128.store(dst, v128.load(s));
        v128.store(dst, v128.load(s, 16), 16);
        s += step;
        dst += 32;
      }
      continue;
    }
    for (let q = 0; q < rows; q++) {
      for (let c = 0; c < 8; c++) store<f32>(dst + (<usize>c << 2), j + c < cols ? load<f32>(u + (<usize>(q * stride + col + j + c) << 2)) : 0);
      dst += 32;
    }
  }
}

/**
 * Packs the transpose of columns [`col`, `col` + `cols`) of `u` ([rows, stride]) into panels of 8 rows of u:
 * `dst` f32 [⌈rows / 8⌉][cols][8], for each panel its columns as 8 floats (rows past `rows` are 0). The right
 * operand of {@link tile4x8} for x · uᵀ.
 */
export function packTransposedPanels(u: usize, stride: i32, col: i32, cols: i32, rows: i32, dst: usize): void {
  for (let q = 0; q < rows; q += 8) {
    for (let j = 0; j < cols; j++) {
      for (let r = 0; r < 8; r++) store<f32>(dst + (<usize>r << 2), q + r < rows ? load<f32>(u + (<usize>((q + r) * stride + col + j) << 2)) : 0);
      dst += 32;
    }
  }
}

/** `n` floats at `dst` set to 0. */
export function zeroFloats(dst: usize, n: usize): void {
  const zero = f32x4.splat(0);
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (i << 2), zero);
  for (; i < n; i++) store<f32>(dst + (i << 2), 0);
}

/** `n` floats at `dst` += those at `src`, each addition in float32. */
export function addFloats(dst: usize, src: usize, n: usize): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) {
    const o = i << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; i < n; i++) {
    const o = i << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

/**
 * One text's convolution-window gradients back to its steps: `dst` [time, dim] row s = the sum over the windows
 * t = s − i holding step s (offset i, 0 ≤ t < time − k + 1) of block i of `g` row t ([time − k + 1, k × dim]),
 * last offset first, ((g_{k−1} + g_{k−2}) + …) + g_0 in float32 — tfjs's order for the slices' gradients.
 */
export function addWindowGradients(dst: usize, g: usize, time: i32, dim: i32, k: i32): void {
  const out = time - k + 1;
  for (let s = 0; s < time; s++) {
    const d = dst + (<usize>(s * dim) << 2);
    zeroFloats(d, <usize>dim);
    for (let i = k - 1; i >= 0; i--) {
      const t = s - i;
      if (t < 0 || t >= out) continue;
      addFloats(d, g + (<usize>((t * k + i) * dim) << 2), <usize>dim);
    }
  }
}
