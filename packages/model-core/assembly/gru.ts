// The GRU recurrence (Keras reset_after=False: gates z, r, h; sigmoid recurrent activation, tanh activation) as
// WebAssembly SIMD functions: the forward pass (inference, or training with the trace backpropagation needs)
// and backpropagation through time. Compiled by `pnpm --filter @glossa/model-core build:wasm` (AssemblyScript)
// into src/internal/gru-wasm.generated.ts; a test checks the committed file matches this source.
//
// Memory is laid out by the caller (src/internal/gru-wasm.ts); every f32 array starts on a 16-byte boundary.
// A step whose id is 0 is masked and carries the state. Step, per live row (x·W + b precomputed as xz, xr, xh):
//   z = σ(xz + h·Uz), r = σ(xr + h·Ur), ĥ = tanh(xh + (r ⊙ h)·Uh), h' = z ⊙ h + (1 − z) ⊙ ĥ.
// The live rows go through in tiles of four (the last one repeating its last row): per tile the products run in
// register tiles (simd.ts's tile4x8, left operands interleaved, U packed in panels), each row's gate arithmetic
// right after. Every row's step depends only on that row, so a tile finishes its rows before the next starts.
// H must be a multiple of 4; "Hp" below is H rounded up to a multiple of 8 (the panels' width).

// @ts-nocheck  (AssemblyScript, not TypeScript)

import { collectLive, collectLiveClearing, madd, packPanels, packTransposedPanels, sigmoid4, storeColumn, tanh4, tile4x8 } from './simd';

export { packPanels, packTransposedPanels };

/**
 * Last hidden states of a batch.
 * - `table`: f32 [rows, 3H]; row `ids[b * time + t]` is the input projection (x · W + b) of step t of row b.
 *   Row 0 is never read: id 0 means a masked step.
 * - `ids`: i32 [batch, time].
 * - `uzr`: [Uz Ur] packed by `packPanels(u, 3H, 0, 2H, H, ·)` (f32 [2H / 8][H][8]); `uh`: Uh packed by
 *   `packPanels(u, 3H, 2H, H, H, ·)` (f32 [Hp / 8][H][8]).
 * - `h`: f32 [batch, H], the output (set here to zero, or, when `init` is not 0, to the initial state at
 *   `init` + b · `initStride` floats: the learned state [H] every row starts from (`initStride` 0), or each
 *   row's own (f32 [batch, H], `initStride` H: the padded start of each text)).
 * - scratch: `live` i32 [batch], `work` f32 [4 · (2H + Hp + H) + 8H].
 */
export function gruForward(table: usize, ids: usize, uzr: usize, uh: usize, h: usize, live: usize, work: usize, init: usize, initStride: i32, batch: i32, time: i32, H: i32): void {
  forward(table, ids, uzr, uh, h, live, work, 0, 0, 0, 0, 0, init, initStride, batch, time, H, false);
}

/**
 * Training forward: like {@link gruForward}, and also records what backpropagation needs: `z`, `r`, `hh` (ĥ)
 * f32 [time][batch][H] (live steps only), `hPrev` and `rh` (r ⊙ h) f32 [batch][time][H] (0 at masked steps:
 * dU = [hPrevᵀ · dXW_zr, rhᵀ · dXW_h]). `init` and `initStride` as in {@link gruForward}.
 */
export function gruForwardTrain(table: usize, ids: usize, uzr: usize, uh: usize, h: usize, live: usize, work: usize, z: usize, r: usize, hh: usize, hPrev: usize, rh: usize, init: usize, initStride: i32, batch: i32, time: i32, H: i32): void {
  forward(table, ids, uzr, uh, h, live, work, z, r, hh, hPrev, rh, init, initStride, batch, time, H, true);
}

@inline
function forward(table: usize, ids: usize, uzr: usize, uh: usize, h: usize, live: usize, work: usize, zT: usize, rT: usize, hhT: usize, hPrev: usize, rhT: usize, init: usize, initStride: i32, batch: i32, time: i32, H: i32, record: bool): void {
  const G = 3 * H;
  const Hb = <usize>H << 2;
  const Hp = (H + 7) & ~7;
  // Scratch: the tile's h and r ⊙ h interleaved ([H][4] each), h·[Uz Ur] ([4][2H]), (r ⊙ h)·Uh ([4][Hp]), z ([4][H]).
  const hpk = work;
  const rhpk = hpk + (Hb << 2);
  const recZR = rhpk + (Hb << 2);
  const recH = recZR + (<usize>(8 * H) << 2);
  const zs = recH + (<usize>(4 * Hp) << 2);
  if (init == 0) {
    memory.fill(h, 0, <usize>batch * Hb);
  } else {
    for (let b = 0; b < batch; b++) memory.copy(h + <usize>b * Hb, init + (<usize>(b * initStride) << 2), Hb);
  }
  for (let t = 0; t < time; t++) {
    let n = 0;
    if (record) {
      for (let b = 0; b < batch; b++) {
        const at = (<usize>((b * time + t) * H)) << 2;
        if (load<i32>(ids + ((<usize>(b * time + t)) << 2)) != 0) {
          store<i32>(live + (<usize>n << 2), b);
          n++;
          memory.copy(hPrev + at, h + (<usize>(b * H) << 2), Hb);
        } else {
          memory.fill(hPrev + at, 0, Hb);
          memory.fill(rhT + at, 0, Hb);
        }
      }
    } else {
      n = collectLive(ids, live, batch, time, t);
    }
    // With a zero state at t = 0 both products are zero.
    const state = t > 0 || init != 0;
    for (let k = 0; k < n; k += 4) {
      const rows = min(4, n - k);
      const b0 = load<i32>(live + (<usize>k << 2));
      const b1 = load<i32>(live + (<usize>min(k + 1, n - 1) << 2));
      const b2 = load<i32>(live + (<usize>min(k + 2, n - 1) << 2));
      const b3 = load<i32>(live + (<usize>min(k + 3, n - 1) << 2));
      if (state) {
        interleave(hpk, h + (<usize>(b0 * H) << 2), h + (<usize>(b1 * H) << 2), h + (<usize>(b2 * H) << 2), h + (<usize>(b3 * H) << 2), Hb);
      }
      const hEnd = state ? hpk + (Hb << 2) : hpk;
      for (let j: usize = 0; j < <usize>(2 * H); j += 8) {
        const o = recZR + (j << 2);
        tile4x8(true, 0, 0, 0, 0, hpk, hEnd, 16, uzr + j * Hb, 32, o, o + (Hb << 1), o + (Hb << 2), o + 6 * Hb);
      }
      // z, r and r ⊙ h of the tile's rows; the rows a partial tile repeats read r ⊙ h = 0.
      for (let q = 0; q < 4; q++) {
        const rhq = rhpk + (<usize>q << 2);
        if (q >= rows) {
          for (let jo: usize = 0; jo < Hb; jo += 4) store<f32>(rhq + (jo << 2), 0);
          continue;
        }
        const b = load<i32>(live + (<usize>(k + q) << 2));
        const x = table + ((<usize>load<i32>(ids + (<usize>(b * time + t) << 2)) * <usize>G) << 2);
        const hb = h + (<usize>(b * H) << 2);
        const rz = recZR + <usize>q * (Hb << 1);
        const so = (<usize>((t * batch + b) * H)) << 2;
        const po = (<usize>((b * time + t) * H)) << 2;
        for (let jo: usize = 0; jo < Hb; jo += 16) {
          const zv = sigmoid4(f32x4.add(v128.load(x + jo), v128.load(rz + jo)));
          const rv = sigmoid4(f32x4.add(v128.load(x + Hb + jo), v128.load(rz + Hb + jo)));
          const rhv = f32x4.mul(rv, v128.load(hb + jo));
          v128.store(zs + <usize>q * Hb + jo, zv);
          storeColumn(rhq + (jo << 2), rhv);
          if (record) {
            v128.store(rT + so + jo, rv);
            v128.store(rhT + po + jo, rhv);
          }
        }
      }
      if (state) {
        for (let j: usize = 0; j < <usize>Hp; j += 8) {
          const o = recH + (j << 2);
          const ro = <usize>Hp << 2;
          tile4x8(true, 0, 0, 0, 0, rhpk, rhpk + (Hb << 2), 16, uh + j * Hb, 32, o, o + ro, o + 2 * ro, o + 3 * ro);
        }
      }
      // ĥ and the new h of the tile's rows.
      for (let q = 0; q < rows; q++) {
        const b = load<i32>(live + (<usize>(k + q) << 2));
        const x = table + ((<usize>load<i32>(ids + (<usize>(b * time + t) << 2)) * <usize>G) << 2) + 2 * Hb;
        const hb = h + (<usize>(b * H) << 2);
        const rec = recH + <usize>q * (<usize>Hp << 2);
        const so = (<usize>((t * batch + b) * H)) << 2;
        const one = f32x4.splat(1.0);
        for (let jo: usize = 0; jo < Hb; jo += 16) {
          const zv = v128.load(zs + <usize>q * Hb + jo);
          const hhv = tanh4(state ? f32x4.add(v128.load(x + jo), v128.load(rec + jo)) : v128.load(x + jo));
          v128.store(hb + jo, madd(zv, v128.load(hb + jo), f32x4.mul(f32x4.sub(one, zv), hhv)));
          if (record) {
            v128.store(zT + so + jo, zv);
            v128.store(hhT + so + jo, hhv);
          }
        }
      }
    }
  }
}

/** Interleaves four rows of `bytes` bytes each into `dst` ([bytes / 4][4]). */
@inline
function interleave(dst: usize, a: usize, b: usize, c: usize, d: usize, bytes: usize): void {
  for (let o: usize = 0; o < bytes; o += 4) {
    const p = dst + (o << 2);
    store<f32>(p, load<f32>(a + o));
    store<f32>(p, load<f32>(b + o), 4);
    store<f32>(p, load<f32>(c + o), 8);
    store<f32>(p, load<f32>(d + o), 12);
  }
}

/**
 * Backpropagation through time from the trace of {@link gruForwardTrain}. In: `uzrT`, `uhT`: [Uz Ur]ᵀ and Uhᵀ
 * packed by `packTransposedPanels(u, 3H, 0, 2H, H, ·)` (f32 [Hp / 8][2H][8]) and `packTransposedPanels(u, 3H,
 * 2H, H, H, ·)` (f32 [Hp / 8][H][8]); `dh` f32 [batch][H], the gradient of the last hidden state (overwritten).
 * Out: `dxw` f32 [batch][time][3H], the gradient of the input projection (0 at masked steps); with a learned
 * or per-row initial state (`init` ≠ 0), `dh` ends as the gradient of each row's initial h. Scratch: `live` i32 [batch],
 * `work` f32 [4 · (3H + 2Hp)].
 */
export function gruBackward(ids: usize, uzrT: usize, uhT: usize, z: usize, r: usize, hh: usize, hPrev: usize, dh: usize, dxw: usize, live: usize, work: usize, init: i32, batch: i32, time: i32, H: i32): void {
  const G = 3 * H;
  const Hb = <usize>H << 2;
  const Hp = (H + 7) & ~7;
  const rowP = <usize>Hp << 2;
  // Scratch: the tile's dâh ([H][4]) and [dz dr] ([2H][4]) interleaved, dâh·Uhᵀ and [dz dr]·[Uz Ur]ᵀ ([4][Hp] each).
  const dahpk = work;
  const dzrpk = dahpk + (Hb << 2);
  const drh = dzrpk + (Hb << 3);
  const back = drh + (rowP << 2);
  const one = f32x4.splat(1.0);
  for (let t = time - 1; t >= 0; t--) {
    const n = collectLiveClearing(ids, live, dxw, G, batch, time, t); // a masked step carries dh
    const gates = t > 0 || init != 0; // dh_{t-1} through the gates: at t = 0 only a learned or per-row start needs it
    for (let k = 0; k < n; k += 4) {
      const rows = min(4, n - k);
      // dâh = dh ⊙ (1 − z) ⊙ (1 − ĥ²), the gradient of ĥ's pre-activation.
      for (let q = 0; q < 4; q++) {
        const dq = dahpk + (<usize>q << 2);
        if (q >= rows) {
          for (let jo: usize = 0; jo < Hb; jo += 4) store<f32>(dq + (jo << 2), 0);
          for (let jo: usize = 0; jo < Hb << 1; jo += 4) store<f32>(dzrpk + (<usize>q << 2) + (jo << 2), 0);
          continue;
        }
        const b = load<i32>(live + (<usize>(k + q) << 2));
        const so = (<usize>((t * batch + b) * H)) << 2;
        const dhb = dh + (<usize>(b * H) << 2);
        const xk = dxw + (<usize>((b * time + t) * G) << 2) + 2 * Hb;
        for (let jo: usize = 0; jo < Hb; jo += 16) {
          const zv = v128.load(z + so + jo);
          const hhv = v128.load(hh + so + jo);
          const d = f32x4.mul(f32x4.mul(v128.load(dhb + jo), f32x4.sub(one, zv)), f32x4.sub(one, f32x4.mul(hhv, hhv)));
          storeColumn(dq + (jo << 2), d);
          v128.store(xk + jo, d);
        }
      }
      // d(r ⊙ h) = dâh · Uhᵀ
      for (let qb: usize = 0; qb < <usize>Hp; qb += 8) {
        const o = drh + (qb << 2);
        tile4x8(true, 0, 0, 0, 0, dahpk, dahpk + (Hb << 2), 16, uhT + qb * Hb, 32, o, o + rowP, o + 2 * rowP, o + 3 * rowP);
      }
      // dz, dr (pre-activation), and the direct paths into h_{t-1}: through z ⊙ h and through r ⊙ h.
      for (let q = 0; q < rows; q++) {
        const b = load<i32>(live + (<usize>(k + q) << 2));
        const so = (<usize>((t * batch + b) * H)) << 2;
        const po = (<usize>((b * time + t) * H)) << 2;
        const dhb = dh + (<usize>(b * H) << 2);
        const xk = dxw + (<usize>((b * time + t) * G) << 2);
        const dr = drh + <usize>q * rowP;
        const dq = dzrpk + (<usize>q << 2);
        for (let jo: usize = 0; jo < Hb; jo += 16) {
          const zv = v128.load(z + so + jo);
          const rv = v128.load(r + so + jo);
          const hp = v128.load(hPrev + po + jo);
          const dhj = v128.load(dhb + jo);
          const drv = v128.load(dr + jo);
          const daz = f32x4.mul(f32x4.mul(f32x4.mul(dhj, f32x4.sub(hp, v128.load(hh + so + jo))), zv), f32x4.sub(one, zv));
          const dar = f32x4.mul(f32x4.mul(f32x4.mul(drv, hp), rv), f32x4.sub(one, rv));
          storeColumn(dq + (jo << 2), daz);
          storeColumn(dq + ((Hb + jo) << 2), dar);
          v128.store(xk + jo, daz);
          v128.store(xk + Hb + jo, dar);
          v128.store(dhb + jo, f32x4.add(f32x4.mul(dhj, zv), f32x4.mul(drv, rv)));
        }
      }
      if (!gates) continue;
      // dh_{t-1} += [dz dr] · [Uz Ur]ᵀ
      for (let qb: usize = 0; qb < <usize>Hp; qb += 8) {
        const o = back + (qb << 2);
        tile4x8(true, 0, 0, 0, 0, dzrpk, dzrpk + (Hb << 3), 16, uzrT + (qb * Hb << 1), 32, o, o + rowP, o + 2 * rowP, o + 3 * rowP);
      }
      for (let q = 0; q < rows; q++) {
        const dhb = dh + (<usize>(load<i32>(live + (<usize>(k + q) << 2)) * H) << 2);
        const bq = back + <usize>q * rowP;
        for (let jo: usize = 0; jo < Hb; jo += 16) v128.store(dhb + jo, f32x4.add(v128.load(dhb + jo), v128.load(bq + jo)));
      }
    }
  }
}
