// The CNN's prediction kernel (src/internal/cnn-inference.ts): each text's convolution windows summed from the
// projected table T[id][i] = E[id] · K_i, max-pooled, in one WebAssembly SIMD pass per batch. Compiled by
// `pnpm --filter @glossa/model-core build:wasm` (AssemblyScript) into src/internal/cnn-wasm.generated.ts; a test
// checks the committed file matches this source.

// @ts-nocheck  (AssemblyScript, not TypeScript)

import { addWindowGradients } from './simd';

/**
 * Pooled features ([rows, width] f32 at `out`) of a row-major [rows, length] id matrix (i32 at `ids`, 0 =
 * padding): for every window t the layer's mask keeps, `bias + Σ_i table[id(t + i)][i]` (table rows of
 * `k × width` floats, bias of `width`; `width` a multiple of 4), and per feature the maximum over the kept
 * windows clamped at 0. `mode`: 0 keeps window 0 and the windows starting on a token; 1 also the window just
 * after a token (the padding window); 2 window 0 and the windows ending on a token (leading padding).
 */
export function cnnPool(table: usize, bias: usize, ids: usize, out: usize, rows: i32, length: i32, k: i32, width: i32, mode: i32): void {
  const windows = length - k + 1;
  const rowBytes = <usize>(k * width) << 2;
  const offsetBytes = <usize>width << 2;
  const zero = f32x4.splat(0);
  for (let r = 0; r < rows; r++) {
    const row = ids + ((<usize>(r * length)) << 2);
    const o = out + ((<usize>(r * width)) << 2);
    for (let f = 0; f < width; f += 4) v128.store(o + ((<usize>f) << 2), zero);
    for (let t = 0; t < windows; t++) {
      let keep = t == 0;
      if (!keep) {
        if (mode == 2) keep = load<i32>(row + ((<usize>(t + k - 1)) << 2)) != 0;
        else keep = load<i32>(row + ((<usize>t) << 2)) != 0 || (mode == 1 && load<i32>(row + ((<usize>(t - 1)) << 2)) != 0);
      }
      if (!keep) continue;
      const at = row + ((<usize>t) << 2);
      let f = 0;
      // 16 features at a time in four accumulators, then 4 at a time.
      for (; f + 16 <= width; f += 16) {
        const fb = (<usize>f) << 2;
        let a0 = v128.load(bias + fb);
        let a1 = v128.load(bias + fb, 16);
        let a2 = v128.load(bias + fb, 32);
        let a3 = v128.load(bias + fb, 48);
        for (let i = 0; i < k; i++) {
          const p = table + (<usize>load<i32>(at + ((<usize>i) << 2))) * rowBytes + (<usize>i) * offsetBytes + fb;
          a0 = f32x4.add(a0, v128.load(p));
          a1 = f32x4.add(a1, v128.load(p, 16));
          a2 = f32x4.add(a2, v128.load(p, 32));
          a3 = f32x4.add(a3, v128.load(p, 48));
        }
        const q = o + fb;
        v128.store(q, f32x4.max(v128.load(q), a0));
        v128.store(q, f32x4.max(v128.load(q, 16), a1), 16);
        v128.store(q, f32x4.max(v128.load(q, 32), a2), 32);
        v128.store(q, f32x4.max(v128.load(q, 48), a3), 48);
      }
      for (; f < width; f += 4) {
        const fb = (<usize>f) << 2;
        let a = v128.load(bias + fb);
        for (let i = 0; i < k; i++) {
          a = f32x4.add(a, v128.load(table + (<usize>load<i32>(at + ((<usize>i) << 2))) * rowBytes + (<usize>i) * offsetBytes + fb));
        }
        v128.store(o + fb, f32x4.max(v128.load(o + fb), a));
      }
    }
  }
}

// Training: the convolution's window gradient and the masked max pool, run on tfjs-wasm's own memory (the
// module is instantiated on it: src/internal/cnn-train.ts), so tensors are read and written where they are.

/**
 * The gradient of the convolution's windows back to its input: `dx` [batch, time, dim] from `g` [batch, out,
 * k × dim] (out = time − k + 1, window t holding steps t … t + k − 1), each element summed over its windows
 * last offset first, ((g_{k−1} + g_{k−2}) + …) + g_0 in float32 — tfjs's order for the slices' gradients.
 */
export function windowsGradient(g: usize, dx: usize, batch: i32, time: i32, dim: i32, k: i32): void {
  const out = time - k + 1;
  for (let b = 0; b < batch; b++) {
    addWindowGradients(dx + (<usize>(b * time * dim) << 2), g + (<usize>(b * out * k * dim) << 2), time, dim, k);
  }
}

/**
 * Max over the kept steps of `x` [batch, time, dim] (f32; `mask` f32 [batch, time], 0 = masked, or 0 for
 * none): `out` [batch, dim] the maximum clamped at 0 (0 where no step is kept), `at` (i32 [batch, dim]) the
 * first step holding it, −1 where no step is kept. `dim` a multiple of 4.
 */
export function maskedMaxPool(x: usize, mask: usize, batch: i32, time: i32, dim: i32, out: usize, at: usize): void {
  const none = i32x4.splat(-1);
  const low = f32x4.splat(-Infinity);
  const zero = f32x4.splat(0);
  for (let b = 0; b < batch; b++) {
    const o = out + (<usize>(b * dim) << 2);
    const a = at + (<usize>(b * dim) << 2);
    for (let d = 0; d < dim; d += 4) {
      v128.store(o + (<usize>d << 2), low);
      v128.store(a + (<usize>d << 2), none);
    }
    for (let t = 0; t < time; t++) {
      if (mask !== 0 && load<f32>(mask + (<usize>(b * time + t) << 2)) == 0) continue;
      const row = x + (<usize>((b * time + t) * dim) << 2);
      const step = i32x4.splat(t);
      for (let d = 0; d < dim; d += 4) {
        const off = <usize>d << 2;
        const v = v128.load(row + off);
        const best = v128.load(o + off);
        const higher = f32x4.gt(v, best);
        v128.store(o + off, v128.bitselect(v, best, higher));
        v128.store(a + off, v128.bitselect(step, v128.load(a + off), higher));
      }
    }
    for (let d = 0; d < dim; d += 4) {
      const off = <usize>d << 2;
      const best = v128.load(o + off);
      v128.store(o + off, v128.bitselect(zero, best, f32x4.lt(best, zero))); // negative (or none kept) → 0; −0 stays
    }
  }
}
