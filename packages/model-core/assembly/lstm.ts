// The LSTM recurrence forward (inference) as one WebAssembly SIMD function.
// Compiled by `pnpm --filter @glossa/model-core build:wasm` (AssemblyScript) into
// src/internal/lstm-wasm.generated.ts; a test checks the committed file matches this source.
//
// Memory is laid out by the caller (src/internal/lstm-wasm.ts); every f32 array starts on a 16-byte
// boundary. Keras semantics: gates i, f, g, o; sigmoid recurrent activation, tanh activation; a step whose
// id is 0 is masked and carries the state.

// @ts-nocheck  (AssemblyScript, not TypeScript)

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

// expf for 4 lanes (Cephes polynomial, range-reduced by powers of 2; ~1 ulp), inputs clamped to ±88.
@inline
function exp4(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.0)), f32x4.splat(88.0));
  const fx = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(fx, f32x4.splat(LN2_HI))), f32x4.mul(fx, f32x4.splat(LN2_LO)));
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(y, r), r), r), f32x4.splat(1.0));
  const pow2 = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(fx), i32x4.splat(127)), 23);
  return f32x4.mul(y, pow2);
}

@inline
function sigmoid4(x: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
}

@inline
function tanh4(x: v128): v128 {
  // 1 - 2 / (e^{2x} + 1): exact limits ±1, absolute error ~1e-7.
  const one = f32x4.splat(1.0);
  return f32x4.sub(one, f32x4.div(f32x4.splat(2.0), f32x4.add(exp4(f32x4.add(x, x)), one)));
}

/**
 * Last hidden states of a batch.
 * - `table`: f32 [rows, 4H]; row `ids[b * time + t]` is the input projection (x · W + b) of step t of row b.
 *   Row 0 is never read: id 0 means a masked step.
 * - `ids`: i32 [batch, time].
 * - `u`: f32 [H, 4H] recurrent kernel.
 * - `h`, `c`: f32 [batch, H] outputs/state (set here to zero, or to `init` when it is not 0).
 * - `init`: 0, or the address of a learned initial state f32 [2H] (h₀ then c₀) every row starts from.
 * - `rec`: f32 scratch [batch, 4H]; `live`: i32 scratch [batch].
 * H must be a multiple of 4.
 */
export function lstmForward(table: usize, ids: usize, u: usize, h: usize, c: usize, rec: usize, live: usize, init: usize, batch: i32, time: i32, H: i32): void {
  const G = 4 * H;
  startState(h, c, init, batch, H);
  for (let t = 0; t < time; t++) {
    // Rows live at this step.
    const n = collectLive(ids, live, batch, time, t);
    if (n == 0) continue;
    projectLive(table, ids, u, h, rec, live, n, t, time, H, t > 0 || init != 0);
    // Gates and state update of the live rows.
    for (let k = 0; k < n; k++) {
      const b = load<i32>(live + (<usize>k << 2));
      const z = rec + (<usize>(k * G) << 2);
      const hb = h + (<usize>(b * H) << 2);
      const cb = c + (<usize>(b * H) << 2);
      const Hb = <usize>H << 2;
      for (let j = 0; j < H; j += 4) {
        const jo = <usize>j << 2;
        const ig = sigmoid4(v128.load(z + jo));
        const fg = sigmoid4(v128.load(z + Hb + jo));
        const gg = tanh4(v128.load(z + 2 * Hb + jo));
        const og = sigmoid4(v128.load(z + 3 * Hb + jo));
        const cn = f32x4.add(f32x4.mul(fg, v128.load(cb + jo)), f32x4.mul(ig, gg));
        v128.store(cb + jo, cn);
        v128.store(hb + jo, f32x4.mul(og, tanh4(cn)));
      }
    }
  }
}

/**
 * Training forward: like {@link lstmForward} (with `table`/`ids` addressing the input projection), and also
 * records what backpropagation needs, in the layout of src/internal/fused-lstm.ts:
 * `gates` f32 [time][batch][4H] (activated i, f, g, o), `cPrev`/`cNew` f32 [time][batch][H], `hPrev` f32
 * [batch][time][H] (0 for masked steps). Masked steps carry c (cPrev = cNew = c).
 */
export function lstmForwardTrain(table: usize, ids: usize, u: usize, h: usize, c: usize, rec: usize, live: usize, gates: usize, cPrev: usize, cNew: usize, hPrev: usize, init: usize, batch: i32, time: i32, H: i32): void {
  const G = 4 * H;
  const Hb = <usize>H << 2;
  startState(h, c, init, batch, H);
  memory.fill(hPrev, 0, <usize>(batch * time * H) << 2);
  for (let t = 0; t < time; t++) {
    let n = 0;
    for (let b = 0; b < batch; b++) {
      const so = cPrev + (<usize>((t * batch + b) * H) << 2);
      if (load<i32>(ids + ((<usize>(b * time + t)) << 2)) != 0) {
        store<i32>(live + (<usize>n << 2), b);
        n++;
        memory.copy(hPrev + (<usize>((b * time + t) * H) << 2), h + (<usize>(b * H) << 2), Hb);
      } else {
        memory.copy(so, c + (<usize>(b * H) << 2), Hb);
        memory.copy(cNew + (<usize>((t * batch + b) * H) << 2), c + (<usize>(b * H) << 2), Hb);
      }
    }
    if (n == 0) continue;
    projectLive(table, ids, u, h, rec, live, n, t, time, H, t > 0 || init != 0);
    for (let k = 0; k < n; k++) {
      const b = load<i32>(live + (<usize>k << 2));
      const z = rec + (<usize>(k * G) << 2);
      const hb = h + (<usize>(b * H) << 2);
      const cb = c + (<usize>(b * H) << 2);
      const gt = gates + (<usize>((t * batch + b) * G) << 2);
      const cp = cPrev + (<usize>((t * batch + b) * H) << 2);
      const cn = cNew + (<usize>((t * batch + b) * H) << 2);
      for (let j = 0; j < H; j += 4) {
        const jo = <usize>j << 2;
        const ig = sigmoid4(v128.load(z + jo));
        const fg = sigmoid4(v128.load(z + Hb + jo));
        const gg = tanh4(v128.load(z + 2 * Hb + jo));
        const og = sigmoid4(v128.load(z + 3 * Hb + jo));
        const c0 = v128.load(cb + jo);
        const c1 = f32x4.add(f32x4.mul(fg, c0), f32x4.mul(ig, gg));
        v128.store(gt + jo, ig);
        v128.store(gt + Hb + jo, fg);
        v128.store(gt + 2 * Hb + jo, gg);
        v128.store(gt + 3 * Hb + jo, og);
        v128.store(cp + jo, c0);
        v128.store(cn + jo, c1);
        v128.store(cb + jo, c1);
        v128.store(hb + jo, f32x4.mul(og, tanh4(c1)));
      }
    }
  }
}

/** Every row's state starts at zero, or at the learned initial state (h₀, c₀) at `init` when it is not 0. */
@inline
function startState(h: usize, c: usize, init: usize, batch: i32, H: i32): void {
  const Hb = <usize>H << 2;
  if (init == 0) {
    memory.fill(h, 0, <usize>batch * Hb);
    memory.fill(c, 0, <usize>batch * Hb);
    return;
  }
  for (let b = 0; b < batch; b++) {
    memory.copy(h + <usize>b * Hb, init, Hb);
    memory.copy(c + <usize>b * Hb, init + Hb, Hb);
  }
}

/** Writes the rows live at step t (id ≠ 0) into `live`; returns how many. */
@inline
function collectLive(ids: usize, live: usize, batch: i32, time: i32, t: i32): i32 {
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
 * rec[k] = table[ids[live k, t]] + (state ? h[live k] · U : 0) for the n live rows (`state` false: every
 * h is still zero): four rows at a time (each U vector loaded once for four rows), then the rest one by one.
 */
function projectLive(table: usize, ids: usize, u: usize, h: usize, rec: usize, live: usize, n: i32, t: i32, time: i32, H: i32, state: bool): void {
  const G = 4 * H;
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const b0 = load<i32>(live + (<usize>k << 2));
    const b1 = load<i32>(live + (<usize>(k + 1) << 2));
    const b2 = load<i32>(live + (<usize>(k + 2) << 2));
    const b3 = load<i32>(live + (<usize>(k + 3) << 2));
    const x0 = table + ((<usize>load<i32>(ids + (<usize>(b0 * time + t) << 2)) * <usize>G) << 2);
    const x1 = table + ((<usize>load<i32>(ids + (<usize>(b1 * time + t) << 2)) * <usize>G) << 2);
    const x2 = table + ((<usize>load<i32>(ids + (<usize>(b2 * time + t) << 2)) * <usize>G) << 2);
    const x3 = table + ((<usize>load<i32>(ids + (<usize>(b3 * time + t) << 2)) * <usize>G) << 2);
    const h0 = h + (<usize>(b0 * H) << 2);
    const h1 = h + (<usize>(b1 * H) << 2);
    const h2 = h + (<usize>(b2 * H) << 2);
    const h3 = h + (<usize>(b3 * H) << 2);
    const r0 = rec + (<usize>(k * G) << 2);
    const r1 = r0 + (<usize>G << 2);
    const r2 = r1 + (<usize>G << 2);
    const r3 = r2 + (<usize>G << 2);
    for (let j = 0; j < G; j += 8) {
      const jo = <usize>j << 2;
      let a00 = v128.load(x0 + jo);
      let a01 = v128.load(x0 + jo, 16);
      let a10 = v128.load(x1 + jo);
      let a11 = v128.load(x1 + jo, 16);
      let a20 = v128.load(x2 + jo);
      let a21 = v128.load(x2 + jo, 16);
      let a30 = v128.load(x3 + jo);
      let a31 = v128.load(x3 + jo, 16);
      if (state) {
        let up = u + jo;
        for (let q = 0; q < H; q++) {
          const u0 = v128.load(up);
          const u1 = v128.load(up, 16);
          const qo = <usize>q << 2;
          const s0 = f32x4.splat(load<f32>(h0 + qo));
          const s1 = f32x4.splat(load<f32>(h1 + qo));
          const s2 = f32x4.splat(load<f32>(h2 + qo));
          const s3 = f32x4.splat(load<f32>(h3 + qo));
          a00 = f32x4.add(a00, f32x4.mul(s0, u0));
          a01 = f32x4.add(a01, f32x4.mul(s0, u1));
          a10 = f32x4.add(a10, f32x4.mul(s1, u0));
          a11 = f32x4.add(a11, f32x4.mul(s1, u1));
          a20 = f32x4.add(a20, f32x4.mul(s2, u0));
          a21 = f32x4.add(a21, f32x4.mul(s2, u1));
          a30 = f32x4.add(a30, f32x4.mul(s3, u0));
          a31 = f32x4.add(a31, f32x4.mul(s3, u1));
          up += <usize>G << 2;
        }
      }
      v128.store(r0 + jo, a00);
      v128.store(r0 + jo, a01, 16);
      v128.store(r1 + jo, a10);
      v128.store(r1 + jo, a11, 16);
      v128.store(r2 + jo, a20);
      v128.store(r2 + jo, a21, 16);
      v128.store(r3 + jo, a30);
      v128.store(r3 + jo, a31, 16);
    }
  }
  for (; k < n; k++) {
    const b0 = load<i32>(live + (<usize>k << 2));
    const x0 = table + ((<usize>load<i32>(ids + (<usize>(b0 * time + t) << 2)) * <usize>G) << 2);
    const h0 = h + (<usize>(b0 * H) << 2);
    const r0 = rec + (<usize>(k * G) << 2);
    for (let j = 0; j < G; j += 8) {
      const jo = <usize>j << 2;
      let a00 = v128.load(x0 + jo);
      let a01 = v128.load(x0 + jo, 16);
      if (state) {
        let up = u + jo;
        for (let q = 0; q < H; q++) {
          const s0 = f32x4.splat(load<f32>(h0 + (<usize>q << 2)));
          a00 = f32x4.add(a00, f32x4.mul(s0, v128.load(up)));
          a01 = f32x4.add(a01, f32x4.mul(s0, v128.load(up, 16)));
          up += <usize>G << 2;
        }
      }
      v128.store(r0 + jo, a00);
      v128.store(r0 + jo, a01, 16);
    }
  }
}

/**
 * Backpropagation through time from the trace of {@link lstmForwardTrain}. In: `dh` f32 [batch][H] (the
 * gradient of the last hidden state; overwritten), `dc` f32 [batch][H] scratch. Out: `dxw` f32
 * [batch][time][4H] (gradient of the input projection; also the pre-activation gradient whose product with
 * hPrev gives dU). `dz` f32 [batch][4H] scratch, `live` i32 [batch] scratch. With a learned initial state
 * (`init` ≠ 0) `dh` and `dc` end as the gradients of each row's initial h and c.
 */
export function lstmBackward(ids: usize, u: usize, gates: usize, cPrev: usize, cNew: usize, dh: usize, dc: usize, dxw: usize, dz: usize, live: usize, init: i32, batch: i32, time: i32, H: i32): void {
  const G = 4 * H;
  const Hb = <usize>H << 2;
  memory.fill(dc, 0, <usize>(batch * H) << 2);
  memory.fill(dxw, 0, <usize>(batch * time * G) << 2);
  const one = f32x4.splat(1.0);
  for (let t = time - 1; t >= 0; t--) {
    const n = collectLive(ids, live, batch, time, t);
    if (n == 0) continue;
    for (let k = 0; k < n; k++) {
      const b = load<i32>(live + (<usize>k << 2));
      const gt = gates + (<usize>((t * batch + b) * G) << 2);
      const cp = cPrev + (<usize>((t * batch + b) * H) << 2);
      const cn = cNew + (<usize>((t * batch + b) * H) << 2);
      const dhb = dh + (<usize>(b * H) << 2);
      const dcb = dc + (<usize>(b * H) << 2);
      const zk = dz + (<usize>(k * G) << 2);
      const xk = dxw + (<usize>((b * time + t) * G) << 2);
      for (let j = 0; j < H; j += 4) {
        const jo = <usize>j << 2;
        const i = v128.load(gt + jo);
        const f = v128.load(gt + Hb + jo);
        const g = v128.load(gt + 2 * Hb + jo);
        const o = v128.load(gt + 3 * Hb + jo);
        const tc = tanh4(v128.load(cn + jo));
        const dhj = v128.load(dhb + jo);
        const dct = f32x4.add(v128.load(dcb + jo), f32x4.mul(f32x4.mul(dhj, o), f32x4.sub(one, f32x4.mul(tc, tc))));
        const dzi = f32x4.mul(f32x4.mul(dct, g), f32x4.mul(i, f32x4.sub(one, i)));
        const dzf = f32x4.mul(f32x4.mul(dct, v128.load(cp + jo)), f32x4.mul(f, f32x4.sub(one, f)));
        const dzg = f32x4.mul(f32x4.mul(dct, i), f32x4.sub(one, f32x4.mul(g, g)));
        const dzo = f32x4.mul(f32x4.mul(dhj, tc), f32x4.mul(o, f32x4.sub(one, o)));
        v128.store(zk + jo, dzi);
        v128.store(zk + Hb + jo, dzf);
        v128.store(zk + 2 * Hb + jo, dzg);
        v128.store(zk + 3 * Hb + jo, dzo);
        v128.store(xk + jo, dzi);
        v128.store(xk + Hb + jo, dzf);
        v128.store(xk + 2 * Hb + jo, dzg);
        v128.store(xk + 3 * Hb + jo, dzo);
        v128.store(dcb + jo, f32x4.mul(dct, f));
      }
    }
    if (t == 0 && init == 0) continue;
    // dh_{t-1}[b] = dz[k] · Uᵀ for live rows (masked rows carry their dh).
    for (let k = 0; k < n; k++) {
      const b = load<i32>(live + (<usize>k << 2));
      const zk = dz + (<usize>(k * G) << 2);
      const dhb = dh + (<usize>(b * H) << 2);
      for (let q = 0; q < H; q++) {
        const uq = u + (<usize>(q * G) << 2);
        let a0 = f32x4.splat(0);
        let a1 = f32x4.splat(0);
        for (let j = 0; j < G; j += 8) {
          const jo = <usize>j << 2;
          a0 = f32x4.add(a0, f32x4.mul(v128.load(zk + jo), v128.load(uq + jo)));
          a1 = f32x4.add(a1, f32x4.mul(v128.load(zk + jo, 16), v128.load(uq + jo, 16)));
        }
        const a = f32x4.add(a0, a1);
        store<f32>(dhb + (<usize>q << 2), f32x4.extract_lane(a, 0) + f32x4.extract_lane(a, 1) + f32x4.extract_lane(a, 2) + f32x4.extract_lane(a, 3));
      }
    }
  }
}
