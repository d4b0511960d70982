// Glossa's matrix product for the wasm backend's large float32 BatchMatMul (src/internal/gemm-wasm.ts): the
// recurrent kernels' register tile (simd.ts's tile4x8, four rows × eight columns, k summed in order) over
// packed operands. Compiled by `pnpm --filter @glossa/model-core build:wasm` (AssemblyScript, plain and
// relaxed SIMD) into src/internal/gemm-wasm.generated.ts; a test checks the committed file matches this source.

// @ts-nocheck  (AssemblyScript, not TypeScript)

import { addFloats, addWindowGradients, madd, packPanels, packTransposedPanels, tile4x8, zeroFloats } from './simd';

export { packPanels, packTransposedPanels };

/**
 * Packs the left operand into interleaved panels of four rows: `dst` f32 [⌈M / 4⌉][K][4], lane r of panel p
 * holding row min(4p + r, M − 1) (a last partial panel repeats the last row). `a` is [M, K] row-major, or with
 * `transposed` [K, M] (the operand of Aᵀ · B).
 */
export function packRows(a: usize, transposed: bool, M: i32, K: i32, dst: usize): void {
  for (let p = 0; p < M; p += 4) {
    if (p + 4 <= M) {
      // A whole panel: four floats a step, moved as one vector (a transposed operand's four rows lie side by
      // side), or four rows' vectors transposed 4 × 4.
      if (transposed) packColumns4(a + (<usize>p << 2), <usize>M << 2, K, dst);
      else {
        const r0 = a + (<usize>(p * K) << 2);
        const rowBytes = <usize>K << 2;
        packRows4(r0, r0 + rowBytes, r0 + 2 * rowBytes, r0 + 3 * rowBytes, K, dst);
      }
    } else {
      for (let r = 0; r < 4; r++) {
        const row = min(p + r, M - 1);
        let d = dst + (<usize>r << 2);
        if (transposed) {
          let s = a + (<usize>row << 2);
          for (let k = 0; k < K; k++) {
            store<f32>(d, load<f32>(s));
            s += <usize>M << 2;
            d += 16;
          }
        } else {
          let s = a + (<usize>(row * K) << 2);
          for (let k = 0; k < K; k++) {
            store<f32>(d, load<f32>(s));
            s += 4;
            d += 16;
          }
        }
      }
    }
    dst += <usize>K << 4;
  }
}

/** One panel of a transposed operand: step k's four floats are contiguous at `s` + k · `step`. */
function packColumns4(s: usize, step: usize, K: i32, d: usize): void {
  for (let k = 0; k < K; k++) {
    v128.store(d, v128.load(s));
    s += step;
    d += 16;
  }
}

/** One panel of four rows of K floats each (at `r0` … `r3`): four steps at a time, transposed 4 × 4. */
function packRows4(r0: usize, r1: usize, r2: usize, r3: usize, K: i32, d: usize): void {
  let k = 0;
  for (; k + 4 <= K; k += 4) {
    const o = <usize>k << 2;
    const x0 = v128.load(r0 + o);
    const x1 = v128.load(r1 + o);
    const x2 = v128.load(r2 + o);
    const x3 = v128.load(r3 + o);
    const lo01 = i32x4.shuffle(x0, x1, 0, 4, 1, 5); // a0 b0 a1 b1
    const lo23 = i32x4.shuffle(x2, x3, 0, 4, 1, 5); // c0 d0 c1 d1
    const hi01 = i32x4.shuffle(x0, x1, 2, 6, 3, 7); // a2 b2 a3 b3
    const hi23 = i32x4.shuffle(x2, x3, 2, 6, 3, 7); // c2 d2 c3 d3
    v128.store(d, i64x2.shuffle(lo01, lo23, 0, 2));
    v128.store(d, i64x2.shuffle(lo01, lo23, 1, 3), 16);
    v128.store(d, i64x2.shuffle(hi01, hi23, 0, 2), 32);
    v128.store(d, i64x2.shuffle(hi01, hi23, 1, 3), 48);
    d += 64;
  }
  for (; k < K; k++) {
    const o = <usize>k << 2;
    store<f32>(d, load<f32>(r0 + o));
    store<f32>(d, load<f32>(r1 + o), 4);
    store<f32>(d, load<f32>(r2 + o), 8);
    store<f32>(d, load<f32>(r3 + o), 12);
    d += 16;
  }
}

/**
 * out ([M, N] row-major) = A · B from the packed operands (`apk` from {@link packRows}, `bpk` [⌈N / 8⌉][K][8]
 * from packPanels / packTransposedPanels). Every output is the sum over k = 0…K − 1 in order. `scratch` (f32
 * [4][8]) takes the last panel when N is not a multiple of 8.
 */
export function gemm(apk: usize, bpk: usize, out: usize, M: i32, K: i32, N: i32, scratch: usize): void {
  const panelA = <usize>K << 4;
  const panelB = <usize>K << 5;
  const full = N & ~7;
  const rowBytes = <usize>N << 2;
  for (let i = 0; i < M; i += 4) {
    const a = apk + <usize>(i >> 2) * panelA;
    const o0 = out + <usize>i * rowBytes;
    const o1 = out + <usize>min(i + 1, M - 1) * rowBytes;
    const o2 = out + <usize>min(i + 2, M - 1) * rowBytes;
    const o3 = out + <usize>min(i + 3, M - 1) * rowBytes;
    for (let j = 0; j < full; j += 8) {
      const jo = <usize>j << 2;
      tile4x8(true, 0, 0, 0, 0, a, a + panelA, 16, bpk + <usize>(j >> 3) * panelB, 32, o0 + jo, o1 + jo, o2 + jo, o3 + jo);
    }
    if (full < N) {
      tile4x8(true, 0, 0, 0, 0, a, a + panelA, 16, bpk + <usize>(full >> 3) * panelB, 32, scratch, scratch + 32, scratch + 64, scratch + 96);
      const jo = <usize>full << 2;
      for (let c = 0; c < N - full; c++) {
        const co = <usize>c << 2;
        store<f32>(o0 + jo + co, load<f32>(scratch + co));
        store<f32>(o1 + jo + co, load<f32>(scratch + 32 + co));
        store<f32>(o2 + jo + co, load<f32>(scratch + 64 + co));
        store<f32>(o3 + jo + co, load<f32>(scratch + 96 + co));
      }
    }
  }
}

/**
 * Column sums: `out` [cols] = Σ_r `x` [rows, cols] row by row in order, in float32 — what tfjs-wasm's `Sum`
 * over the leading axis computes (it transposes, then adds each column's values in order), without the
 * transpose: a bias's gradient.
 */
export function sumRows(x: usize, rows: i32, cols: i32, out: usize): void {
  zeroFloats(out, cols);
  for (let r = 0; r < rows; r++) addFloats(out, x + (<usize>(r * cols) << 2), cols);
}

/**
 * An embedding table's gradient: `out` [vocab, dim] zeroed, then row `ids[i]` += `dy` row i for each i in order
 * (ids outside [0, vocab) skipped), in float32.
 */
export function scatterRows(ids: usize, dy: usize, n: i32, dim: i32, vocab: i32, out: usize): void {
  zeroFloats(out, <usize>vocab * <usize>dim);
  for (let i = 0; i < n; i++) {
    const id = load<i32>(ids + (<usize>i << 2));
    if (id < 0 || id >= vocab) continue;
    addFloats(out + ((<usize>id * <usize>dim) << 2), dy + ((<usize>i * <usize>dim) << 2), dim);
  }
}

/**
 * Rows of an embedding table: `out` row i = `table` row `ids[i]` ([vocab, dim]), zeros for an id outside
 * [0, vocab).
 */
export function gatherRows(table: usize, ids: usize, n: i32, dim: i32, vocab: i32, out: usize): void {
  const bytes = <usize>dim << 2;
  for (let i = 0; i < n; i++) {
    const id = load<i32>(ids + (<usize>i << 2));
    const o = out + <usize>i * bytes;
    if (id < 0 || id >= vocab) memory.fill(o, 0, bytes);
    else memory.copy(o, table + <usize>id * bytes, bytes);
  }
}

/** max(Σ_t mask[b, t], 1) in float32, the divisor of row b's masked mean. */
function maskCount(mask: usize, b: i32, time: i32): f32 {
  let c: f32 = 0;
  for (let t = 0; t < time; t++) c += load<f32>(mask + (<usize>(b * time + t) << 2));
  return c < 1 ? 1 : c;
}

/**
 * The mean over the kept steps: `out` [batch, dim] = (Σ_t x[b, t] · mask[b, t]) / max(Σ_t mask[b, t], 1), every
 * step added in order in float32 (a masked step adds x · 0) — tfjs-wasm's `sum(x · mask, 1) / max(sum(mask, 1), 1)`.
 */
export function maskedMean(x: usize, mask: usize, batch: i32, time: i32, dim: i32, out: usize): void {
  const vec = dim & ~3;
  for (let b = 0; b < batch; b++) {
    const o = out + (<usize>(b * dim) << 2);
    zeroFloats(o, dim);
    for (let t = 0; t < time; t++) {
      const w = load<f32>(mask + (<usize>(b * time + t) << 2));
      const wv = f32x4.splat(w);
      const row = x + (<usize>((b * time + t) * dim) << 2);
      for (let d = 0; d < vec; d += 4) {
        const off = <usize>d << 2;
        v128.store(o + off, f32x4.add(v128.load(o + off), f32x4.mul(v128.load(row + off), wv)));
      }
      for (let d = vec; d < dim; d++) {
        const off = <usize>d << 2;
        store<f32>(o + off, load<f32>(o + off) + load<f32>(row + off) * w);
      }
    }
    const c = maskCount(mask, b, time);
    const cv = f32x4.splat(c);
    for (let d = 0; d < vec; d += 4) v128.store(o + (<usize>d << 2), f32x4.div(v128.load(o + (<usize>d << 2)), cv));
    for (let d = vec; d < dim; d++) store<f32>(o + (<usize>d << 2), load<f32>(o + (<usize>d << 2)) / c);
  }
}

/** The gradient of {@link maskedMean}: `dx` [batch, time, dim] = (dy[b] / count_b) · mask[b, t], in float32. */
export function maskedMeanGradient(dy: usize, mask: usize, batch: i32, time: i32, dim: i32, dx: usize): void {
  const vec = dim & ~3;
  for (let b = 0; b < batch; b++) {
    const c = maskCount(mask, b, time);
    const cv = f32x4.splat(c);
    const g = dy + (<usize>(b * dim) << 2);
    for (let t = 0; t < time; t++) {
      const w = load<f32>(mask + (<usize>(b * time + t) << 2));
      const wv = f32x4.splat(w);
      const row = dx + (<usize>((b * time + t) * dim) << 2);
      for (let d = 0; d < vec; d += 4) {
        const off = <usize>d << 2;
        v128.store(row + off, f32x4.mul(f32x4.div(v128.load(g + off), cv), wv));
      }
      for (let d = vec; d < dim; d++) {
        const off = <usize>d << 2;
        store<f32>(row + off, (load<f32>(g + off) / c) * w);
      }
    }
  }
}

/**
 * A 1-D convolution with ReLU, `out` [batch, time − k + 1, filters] = relu(windows(x) · w + bias) for `x`
 * [batch, time, dim] (window t = steps t … t + k − 1 side by side, read where they lie in `x`), `w` [k × dim,
 * filters], `bias` [filters]: {@link gemm}'s products and bits, four windows packed at a time instead of a
 * materialised window matrix, the bias added in float32 and x < 0 ? 0 : x after each four rows. `scratch`
 * takes ⌈filters / 8⌉ × 32 × k × dim + 16 × k × dim + 128 bytes.
 */
export function convolve(x: usize, w: usize, bias: usize, out: usize, batch: i32, time: i32, dim: i32, k: i32, filters: i32, scratch: usize): void {
  const K = k * dim;
  const windows = time - k + 1;
  const M = batch * windows;
  const bpk = scratch;
  const apk = bpk + (<usize>((filters + 7) >> 3) * <usize>K << 5);
  const tail = apk + (<usize>K << 4);
  packPanels(w, filters, 0, filters, K, bpk);
  const rowBytes = <usize>filters << 2;
  const zero = f32x4.splat(0);
  const vec = filters & ~3;
  for (let i = 0; i < M; i += 4) {
    const r0 = windowAt(x, i, windows, time, dim);
    const r1 = windowAt(x, min(i + 1, M - 1), windows, time, dim);
    const r2 = windowAt(x, min(i + 2, M - 1), windows, time, dim);
    const r3 = windowAt(x, min(i + 3, M - 1), windows, time, dim);
    packRows4(r0, r1, r2, r3, K, apk);
    const rows = min(4, M - i);
    const o = out + <usize>i * rowBytes;
    gemm(apk, bpk, o, rows, K, filters, tail);
    for (let r = 0; r < rows; r++) {
      const row = o + <usize>r * rowBytes;
      for (let f = 0; f < vec; f += 4) {
        const fb = <usize>f << 2;
        const v = f32x4.add(v128.load(row + fb), v128.load(bias + fb));
        v128.store(row + fb, v128.bitselect(zero, v, f32x4.lt(v, zero)));
      }
      for (let f = vec; f < filters; f++) {
        const fb = <usize>f << 2;
        const v = load<f32>(row + fb) + load<f32>(bias + fb);
        store<f32>(row + fb, v < 0 ? 0 : v);
      }
    }
  }
}

/** Where window `r` (text r / windows, step r % windows) of {@link convolve}'s input starts. */
@inline
function windowAt(x: usize, r: i32, windows: i32, time: i32, dim: i32): usize {
  const b = r / windows;
  return x + (<usize>((b * time + r - b * windows) * dim) << 2);
}

/** `n` floats at `dst` (n a multiple of 4) += `v` × those at `src`, as {@link gemm} adds each term. */
@inline
function maddFloats(dst: usize, src: usize, v: v128, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, madd(v, v128.load(src + o), v128.load(dst + o)));
  }
}

/**
 * One term of {@link convGradient}: output (b, t) of filter `f` with gradient `v`, where the ReLU let it through.
 */
@inline
function convTerm(v: f32, y: f32, f: i32, width: i32, xs: usize, row: usize, wt: usize, dwt: usize, dbias: usize): void {
  if (v == 0 || !(y > 0)) return;
  const fb = <usize>f << 2;
  store<f32>(dbias + fb, load<f32>(dbias + fb) + v);
  const vv = f32x4.splat(v);
  const off = <usize>(f * width) << 2;
  maddFloats(row, wt + off, vv, width);
  maddFloats(dwt + off, xs, vv, width);
}

/**
 * The gradient of a 1-D convolution with ReLU, `y` = relu(windows(x) · w + bias) ([batch, out, filters], out =
 * time − k + 1, window t = steps t … t + k − 1 of `x` [batch, time, dim] side by side; `w` [k × dim, filters]),
 * from `dy` [batch, out, filters], term by term over the nonzero gradients that pass the ReLU (y > 0). Under a
 * global max pool one output per text and filter has a gradient, so this is about 1/out of the matrix
 * products' work. The bits are theirs: each sum takes its nonzero terms in their order, with the same
 * multiply-add, and an omitted term adds ±0 there — `dw` = windowsᵀ · g summed over the windows in order, the
 * windows' gradient g · wᵀ over the filters in order, then into `dx` last offset first as
 * simd.ts's {@link addWindowGradients} adds them, `dbias` as {@link sumRows}. `dim` a multiple of 4;
 * `scratch` takes 4 × (2 × filters + out) × k × dim bytes.
 */
export function convGradient(
  x: usize,
  y: usize,
  dy: usize,
  w: usize,
  batch: i32,
  time: i32,
  dim: i32,
  k: i32,
  filters: i32,
  dx: usize,
  dw: usize,
  dbias: usize,
  scratch: usize,
): void {
  const width = k * dim;
  const out = time - k + 1;
  const wt = scratch; // wᵀ: filter f's k × dim weights side by side
  const dwt = wt + (<usize>(filters * width) << 2); // dwᵀ, accumulated
  const rows = dwt + (<usize>(filters * width) << 2); // one text's windows' gradient [out, k × dim]
  for (let r = 0; r < width; r++) {
    for (let f = 0; f < filters; f++) store<f32>(wt + (<usize>(f * width + r) << 2), load<f32>(w + (<usize>(r * filters + f) << 2)));
  }
  zeroFloats(dwt, <usize>(filters * width));
  zeroFloats(dbias, <usize>filters);
  const zero = f32x4.splat(0);
  const vec = filters & ~3;
  for (let b = 0; b < batch; b++) {
    zeroFloats(rows, <usize>(out * width));
    for (let t = 0; t < out; t++) {
      const at = <usize>((b * out + t) * filters) << 2;
      const g = dy + at;
      const yt = y + at;
      const xs = x + (<usize>((b * time + t) * dim) << 2);
      const row = rows + (<usize>(t * width) << 2);
      for (let f = 0; f < vec; f += 4) {
        const fb = <usize>f << 2;
        if (!v128.any_true(f32x4.ne(v128.load(g + fb), zero))) continue;
        for (let l = 0; l < 4; l++) {
          const lb = fb + (<usize>l << 2);
          convTerm(load<f32>(g + lb), load<f32>(yt + lb), f + l, width, xs, row, wt, dwt, dbias);
        }
      }
      for (let f = vec; f < filters; f++) {
        const fb = <usize>f << 2;
        convTerm(load<f32>(g + fb), load<f32>(yt + fb), f, width, xs, row, wt, dwt, dbias);
      }
    }
    addWindowGradients(dx + (<usize>(b * time * dim) << 2), rows, time, dim, k);
  }
  for (let r = 0; r < width; r++) {
    for (let f = 0; f < filters; f++) store<f32>(dw + (<usize>(r * filters + f) << 2), load<f32>(dwt + (<usize>(f * width + r) << 2)));
  }
}
