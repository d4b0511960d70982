// The LSTM recurrence as WebAssembly SIMD functions: the inference forward, the training forward with the
// trace backpropagation needs, and backpropagation through time. Compiled by `pnpm --filter @glossa/model-core
// build:wasm` (AssemblyScript) into src/internal/lstm-wasm.generated.ts; a test checks the committed file
// matches this source.
//
// Memory is laid out by the caller (src/internal/lstm-wasm.ts); every f32 array starts on a 16-byte
// boundary. Keras semantics: gates i, f, g, o; sigmoid recurrent activation, tanh activation; a step whose
// id is 0 is masked and carries the state.
//
// Every result is bit for bit what the first version of this kernel computed (its module is kept as
// test/fixtures/lstm-wasm-v1.generated.ts and lstm-wasm.test.ts compares the two): each element goes through
// the same float32 operations in the same order — each h·U output sums q = 0…H−1 in order, multiply then add
// (no FMA), each dz·Uᵀ output keeps its eight interleaved partial sums and their final order. What changed is
// the loop structure around that arithmetic:
// - h·U and dz·Uᵀ run as register tiles of 4 rows × 8 columns (8 accumulators: what the 16 SIMD registers
//   V8 uses on x64 hold with the operands), fed by broadcast loads from a tile's rows interleaved and by
//   operands packed so each tile streams through contiguous memory with constant offsets;
// - gate activations run in loops of their own, whose iterations are independent, so the CPU overlaps the
//   long latency of exp and the division;
// - tanh of the new cell state is kept from the forward pass instead of being computed again backward.
// The activations, the register tile, the packing and the live-row scans are simd.ts's, shared with gru.ts.

// @ts-nocheck  (AssemblyScript, not TypeScript)

import { collectLive, collectLiveClearing, madd, packPanels, packTransposedPanels, sigmoid4, storeColumn, tanh4, tile4x8 } from './simd';

/**
 * Packs U ([H, 4H], row-major) for {@link projectLive}: for each block of 8 columns, its H rows of 8 floats
 * one after another (`upk` f32 [4H / 8][H][8], the size of U; 4H is a multiple of 8).
 */
export function packRecurrent(u: usize, upk: usize, H: i32): void {
  packPanels(u, 4 * H, 0, 4 * H, H, upk);
}

/**
 * Last hidden states of a batch.
 * - `table`: f32 [rows, 4H]; row `ids[b * time + t]` is the input projection (x · W + b) of step t of row b.
 *   Row 0 is never read: id 0 means a masked step.
 * - `ids`: i32 [batch, time].
 * - `upk`: the recurrent kernel U [H, 4H] packed by {@link packRecurrent}.
 * - `h`, `c`: f32 [batch, H] outputs/state (set here to zero, or to `init` when it is not 0).
 * - `init`: 0, or the address of the initial state f32 [2H] (h₀ then c₀) every row starts from (`initStride`
 *   0: a learned state shared by the rows), or of one such state per row, `initStride` (= 2H) floats apart
 *   (f32 [batch, 2H]: the padded start of each text).
 * - `rec`: f32 scratch [batch, 4H]; `live`: i32 scratch [batch]; `hpk`: f32 scratch [4H].
 * H must be a multiple of 4.
 */
export function lstmForward(table: usize, ids: usize, upk: usize, h: usize, c: usize, rec: usize, live: usize, hpk: usize, init: usize, initStride: i32, batch: i32, time: i32, H: i32): void {
  const G = 4 * H;
  startState(h, c, init, initStride, batch, H);
  for (let t = 0; t < time; t++) {
    // Rows live at this step.
    const n = collectLive(ids, live, batch, time, t);
    if (n == 0) continue;
    projectLive(table, ids, upk, h, rec, live, hpk, n, t, time, H, t > 0 || init != 0);
    for (let k = 0; k < n; k++) {
      const b = load<i32>(live + (<usize>k << 2));
      const z = rec + (<usize>(k * G) << 2);
      activate(z, z, H);
      updateState(z, c + (<usize>(b * H) << 2), h + (<usize>(b * H) << 2), 0, 0, H);
    }
  }
}

/**
 * Training forward: like {@link lstmForward} (with `table`/`ids` addressing the input projection), and also
 * records what backpropagation needs: `gates` f32 [time][batch][4H] (activated i, f, g, o), `cPrev`/`tanhC`
 * f32 [time][batch][H] (the cell state before the step, tanh of the cell state after it), `hPrev` f32
 * [batch][time][H] (the hidden state before the step; 0 for masked steps). Masked steps record nothing else.
 * `init` and `initStride` as in {@link lstmForward}.
 */
export function lstmForwardTrain(table: usize, ids: usize, upk: usize, h: usize, c: usize, rec: usize, live: usize, hpk: usize, gates: usize, cPrev: usize, tanhC: usize, hPrev: usize, init: usize, initStride: i32, batch: i32, time: i32, H: i32): void {
  const G = 4 * H;
  const Hb = <usize>H << 2;
  startState(h, c, init, initStride, batch, H);
  for (let t = 0; t < time; t++) {
    let n = 0;
    for (let b = 0; b < batch; b++) {
      const hp = hPrev + (<usize>((b * time + t) * H) << 2);
      if (load<i32>(ids + ((<usize>(b * time + t)) << 2)) != 0) {
        store<i32>(live + (<usize>n << 2), b);
        n++;
        memory.copy(hp, h + (<usize>(b * H) << 2), Hb);
      } else {
        memory.fill(hp, 0, Hb);
      }
    }
    if (n == 0) continue;
    projectLive(table, ids, upk, h, rec, live, hpk, n, t, time, H, t > 0 || init != 0);
    for (let k = 0; k < n; k++) {
      const b = load<i32>(live + (<usize>k << 2));
      const gt = gates + (<usize>((t * batch + b) * G) << 2);
      activate(rec + (<usize>(k * G) << 2), gt, H);
      updateState(gt, c + (<usize>(b * H) << 2), h + (<usize>(b * H) << 2), cPrev + (<usize>((t * batch + b) * H) << 2), tanhC + (<usize>((t * batch + b) * H) << 2), H);
    }
  }
}

/**
 * Every row's state starts at zero, or, when `init` is not 0, at the initial state (h₀, c₀) at `init` + b ·
 * `initStride` floats: the same learned state for every row (stride 0) or each row's own (stride 2H).
 */
@inline
function startState(h: usize, c: usize, init: usize, initStride: i32, batch: i32, H: i32): void {
  const Hb = <usize>H << 2;
  if (init == 0) {
    memory.fill(h, 0, <usize>batch * Hb);
    memory.fill(c, 0, <usize>batch * Hb);
    return;
  }
  for (let b = 0; b < batch; b++) {
    const from = init + (<usize>(b * initStride) << 2);
    memory.copy(h + <usize>b * Hb, from, Hb);
    memory.copy(c + <usize>b * Hb, from + Hb, Hb);
  }
}

/** `out` (f32 [4H]) = the activated gates of the pre-activations `z`: sigmoid(i), sigmoid(f), tanh(g), sigmoid(o). */
@inline
function activate(z: usize, out: usize, H: i32): void {
  const Hb = <usize>H << 2;
  for (let jo: usize = 0; jo < 2 * Hb; jo += 16) v128.store(out + jo, sigmoid4(v128.load(z + jo)));
  for (let jo: usize = 2 * Hb; jo < 3 * Hb; jo += 16) v128.store(out + jo, tanh4(v128.load(z + jo)));
  for (let jo: usize = 3 * Hb; jo < 4 * Hb; jo += 16) v128.store(out + jo, sigmoid4(v128.load(z + jo)));
}

/**
 * One row's state update from its activated gates `g` (f32 [4H]): c ← f·c + i·g, h ← o·tanh(c). With `cp` ≠ 0,
 * also records the previous c at `cp` and tanh of the new c at `tc`.
 */
@inline
function updateState(g: usize, c: usize, h: usize, cp: usize, tc: usize, H: i32): void {
  const Hb = <usize>H << 2;
  for (let jo: usize = 0; jo < Hb; jo += 16) {
    const c0 = v128.load(c + jo);
    const c1 = madd(v128.load(g + Hb + jo), c0, f32x4.mul(v128.load(g + jo), v128.load(g + 2 * Hb + jo)));
    const t1 = tanh4(c1);
    v128.store(c + jo, c1);
    v128.store(h + jo, f32x4.mul(v128.load(g + 3 * Hb + jo), t1));
    if (cp != 0) {
      v128.store(cp + jo, c0);
      v128.store(tc + jo, t1);
    }
  }
}

/**
 * rec[k] = table[ids[live k, t]] + (state ? h[live k] · U : 0) for the n live rows (`state` false: every h is
 * still zero), in {@link tile4x8} tiles: per q, the tile's four h values are broadcast from `hpk` (the tile's
 * rows interleaved, [H][4]) and 8 columns of U read from its packed panel, each accumulator summing q = 0…H−1
 * in order. A last partial tile repeats its last row (computed twice, stored twice).
 */
function projectLive(table: usize, ids: usize, upk: usize, h: usize, rec: usize, live: usize, hpk: usize, n: i32, t: i32, time: i32, H: i32, state: bool): void {
  const G = 4 * H;
  const Hb = <usize>H << 2;
  const hEnd = hpk + (Hb << 2);
  for (let k = 0; k < n; k += 4) {
    const k1 = min(k + 1, n - 1);
    const k2 = min(k + 2, n - 1);
    const k3 = min(k + 3, n - 1);
    const b0 = load<i32>(live + (<usize>k << 2));
    const b1 = load<i32>(live + (<usize>k1 << 2));
    const b2 = load<i32>(live + (<usize>k2 << 2));
    const b3 = load<i32>(live + (<usize>k3 << 2));
    const x0 = table + ((<usize>load<i32>(ids + (<usize>(b0 * time + t) << 2)) * <usize>G) << 2);
    const x1 = table + ((<usize>load<i32>(ids + (<usize>(b1 * time + t) << 2)) * <usize>G) << 2);
    const x2 = table + ((<usize>load<i32>(ids + (<usize>(b2 * time + t) << 2)) * <usize>G) << 2);
    const x3 = table + ((<usize>load<i32>(ids + (<usize>(b3 * time + t) << 2)) * <usize>G) << 2);
    const r0 = rec + (<usize>(k * G) << 2);
    const r1 = rec + (<usize>(k1 * G) << 2);
    const r2 = rec + (<usize>(k2 * G) << 2);
    const r3 = rec + (<usize>(k3 * G) << 2);
    if (state) {
      const h0 = h + (<usize>(b0 * H) << 2);
      const h1 = h + (<usize>(b1 * H) << 2);
      const h2 = h + (<usize>(b2 * H) << 2);
      const h3 = h + (<usize>(b3 * H) << 2);
      for (let qo: usize = 0; qo < Hb; qo += 4) {
        const d = hpk + (qo << 2);
        store<f32>(d, load<f32>(h0 + qo));
        store<f32>(d, load<f32>(h1 + qo), 4);
        store<f32>(d, load<f32>(h2 + qo), 8);
        store<f32>(d, load<f32>(h3 + qo), 12);
      }
    }
    for (let j = 0; j < G; j += 8) {
      const jo = <usize>j << 2;
      // Panel j of the packed U starts at float j·H.
      tile4x8(false, x0 + jo, x1 + jo, x2 + jo, x3 + jo, hpk, state ? hEnd : hpk, 16, upk + jo * <usize>H, 32, r0 + jo, r1 + jo, r2 + jo, r3 + jo);
    }
  }
}

/**
 * Backpropagation through time from the trace of {@link lstmForwardTrain}. In: `ut` the recurrent kernel
 * transposed and packed by {@link packTransposed}, `dh` f32 [batch][H] (the gradient of the last hidden
 * state; overwritten), `dc` f32 [batch][H] scratch. Out: `dxw` f32 [batch][time][4H] (gradient of the input
 * projection; also the pre-activation gradient whose product with hPrev gives dU). Scratch: `dz` f32
 * [batch + 3][4H], `part` f32 [256], `live` i32 [batch]. With an initial state (`init` ≠ 0: learned, or
 * per row) `dh` and `dc` end as the gradients of each row's initial h and c.
 */
export function lstmBackward(ids: usize, ut: usize, gates: usize, cPrev: usize, tanhC: usize, dh: usize, dc: usize, dxw: usize, dz: usize, part: usize, live: usize, init: i32, batch: i32, time: i32, H: i32): void {
  const G = 4 * H;
  const Hb = <usize>H << 2;
  memory.fill(dc, 0, <usize>(batch * H) << 2);
  const one = f32x4.splat(1.0);
  for (let t = time - 1; t >= 0; t--) {
    // Live rows; a masked step has no gradient.
    const n = collectLiveClearing(ids, live, dxw, G, batch, time, t);
    if (n == 0) continue;
    for (let k = 0; k < n; k++) {
      const b = load<i32>(live + (<usize>k << 2));
      const gt = gates + (<usize>((t * batch + b) * G) << 2);
      const cp = cPrev + (<usize>((t * batch + b) * H) << 2);
      const tcp = tanhC + (<usize>((t * batch + b) * H) << 2);
      const dhb = dh + (<usize>(b * H) << 2);
      const dcb = dc + (<usize>(b * H) << 2);
      // dz of the tile of four rows holding k, interleaved: [4H][4].
      const zk = dz + (<usize>((k & ~3) * G) << 2) + (<usize>(k & 3) << 2);
      const xk = dxw + (<usize>((b * time + t) * G) << 2);
      for (let jo: usize = 0; jo < Hb; jo += 16) {
        const i = v128.load(gt + jo);
        const f = v128.load(gt + Hb + jo);
        const g = v128.load(gt + 2 * Hb + jo);
        const o = v128.load(gt + 3 * Hb + jo);
        const tc = v128.load(tcp + jo);
        const dhj = v128.load(dhb + jo);
        const dct = f32x4.add(v128.load(dcb + jo), f32x4.mul(f32x4.mul(dhj, o), f32x4.sub(one, f32x4.mul(tc, tc))));
        const dzi = f32x4.mul(f32x4.mul(dct, g), f32x4.mul(i, f32x4.sub(one, i)));
        const dzf = f32x4.mul(f32x4.mul(dct, v128.load(cp + jo)), f32x4.mul(f, f32x4.sub(one, f)));
        const dzg = f32x4.mul(f32x4.mul(dct, i), f32x4.sub(one, f32x4.mul(g, g)));
        const dzo = f32x4.mul(f32x4.mul(dhj, tc), f32x4.mul(o, f32x4.sub(one, o)));
        storeColumn(zk + (jo << 2), dzi);
        storeColumn(zk + ((Hb + jo) << 2), dzf);
        storeColumn(zk + ((2 * Hb + jo) << 2), dzg);
        storeColumn(zk + ((3 * Hb + jo) << 2), dzo);
        v128.store(xk + jo, dzi);
        v128.store(xk + Hb + jo, dzf);
        v128.store(xk + 2 * Hb + jo, dzg);
        v128.store(xk + 3 * Hb + jo, dzo);
        v128.store(dcb + jo, f32x4.mul(dct, f));
      }
    }
    if (t == 0 && init == 0) continue;
    // The rows missing from the last tile read zeros.
    for (let k = n; (k & 3) != 0; k++) {
      const zk = dz + (<usize>((k & ~3) * G) << 2) + (<usize>(k & 3) << 2);
      for (let j = 0; j < G; j++) store<f32>(zk + (<usize>j << 4), 0);
    }
    backProject(ut, dz, dh, live, part, n, H);
  }
}

/**
 * Packs Uᵀ for {@link backProject}: `ut` f32 [⌈H / 8⌉][4H][8], for each block of 8 rows of U, its columns as
 * 8 floats one after another (rows past H read as 0).
 */
export function packTransposed(u: usize, ut: usize, H: i32): void {
  packTransposedPanels(u, 4 * H, 0, 4 * H, H, ut);
}

/**
 * dh[live k] = dz[k] · Uᵀ for the n live rows (masked rows carry their dh), summed exactly as the first
 * version did: per output, eight partial sums s_c over the entries j ≡ c (mod 8) in order from 0, then
 * (s₀+s₄) + (s₁+s₅) + (s₂+s₆) + (s₃+s₇) left to right. Each class c is a 4 rows × 8 outputs register tile
 * (broadcast dz from the interleaved tile, 8 columns of packed Uᵀ); `part` (f32 [8][8][4]) holds the classes
 * until they are combined.
 */
function backProject(ut: usize, dz: usize, dh: usize, live: usize, part: usize, n: i32, H: i32): void {
  const G = 4 * H;
  const Gb = <usize>G << 2;
  for (let k = 0; k < n; k += 4) {
    const zt = dz + (<usize>(k * G) << 2);
    const rows = min(4, n - k);
    for (let qb = 0; qb < H; qb += 8) {
      const ub = ut + (<usize>(qb * G) << 2);
      for (let c = 0; c < 8; c++) {
        // Class c: entries j = c, c + 8, … of the tile's dz (16 bytes a column) and of Uᵀ's panel (32 bytes a column).
        const pc = part + (<usize>c << 7);
        tile4x8(true, 0, 0, 0, 0, zt + (<usize>c << 4), zt + (Gb << 2), 128, ub + (<usize>c << 5), 256, pc, pc + 32, pc + 64, pc + 96);
      }
      for (let r = 0; r < rows; r++) {
        const d = dh + (<usize>(load<i32>(live + (<usize>(k + r) << 2)) * H + qb) << 2);
        const halves: usize = qb + 8 <= H ? 32 : 16;
        for (let half: usize = 0; half < halves; half += 16) {
          const p = part + (<usize>r << 5) + half;
          const s0 = f32x4.add(v128.load(p), v128.load(p, 4 * 128));
          const s1 = f32x4.add(v128.load(p, 128), v128.load(p, 5 * 128));
          const s2 = f32x4.add(v128.load(p, 2 * 128), v128.load(p, 6 * 128));
          const s3 = f32x4.add(v128.load(p, 3 * 128), v128.load(p, 7 * 128));
          v128.store(d + half, f32x4.add(f32x4.add(f32x4.add(s0, s1), s2), s3));
        }
      }
    }
  }
}
