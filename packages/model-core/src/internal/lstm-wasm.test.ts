import { createRng } from '@glossa/math';
import { memory, tensor } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LSTM_WASM_V1_BASE64 } from '../../test/fixtures/lstm-wasm-v1.generated.js';
import { bitsDiffering, relDiff } from '../../test/recurrent-fixtures.js';
import { onWasmBackend } from '../../test/wasm-backend.js';
import { setRelaxedSimd, setWasmKernels, usesRelaxedSimd } from '../flags.js';
import { createLstmKernel, lstmTrainKernel } from './lstm-wasm.js';
import { i32View, layout } from './wasm-module.js';
import { sumInitialGradients } from './recurrent.js';
import { activeWasmHeap, peekValues, writeTensors } from './tensor-memory.js';
import { compileKernel, instantiateKernel } from './wasm-module.js';

/** The exports of the first kernel version (test/fixtures/lstm-wasm-v1.generated.ts). */
interface V1Exports {
  lstmForward(...args: number[]): void;
  lstmForwardTrain(...args: number[]): void;
  lstmBackward(...args: number[]): void;
}

/** The first kernel, driven as its JavaScript side drove it: the reference every later version must equal bit for bit. */
function v1() {
  const kernel = instantiateKernel<V1Exports>(compileKernel(LSTM_WASM_V1_BASE64)!);
  const f32 = (at: number, values: Float32Array): void => kernel.f32(at, values.length).set(values);
  return {
    /** Last hidden states for ids into `table` (id 0 = masked step). */
    forward(table: Float32Array, ids: Int32Array, u: Float32Array, batch: number, time: number, H: number, init?: Float32Array): Float32Array {
      const { at, end } = layout({
        u: u.byteLength,
        table: table.byteLength,
        init: 8 * H,
        ids: ids.byteLength,
        h: 4 * batch * H,
        c: 4 * batch * H,
        rec: 16 * batch * H,
        live: 4 * batch,
      });
      kernel.ensure(end);
      f32(at.u, u);
      f32(at.table, table);
      if (init) f32(at.init, init);
      i32View(kernel, at.ids, ids.length).set(ids);
      kernel.exports.lstmForward(at.table, at.ids, at.u, at.h, at.c, at.rec, at.live, init ? at.init : 0, batch, time, H);
      return kernel.f32(at.h, batch * H).slice();
    },
    /** The training forward and backward: h, hPrev, dxw and the initial state's gradient. */
    train(xw: Float32Array, live: Uint8Array, u: Float32Array, dhLast: Float32Array, batch: number, time: number, H: number, init?: Float32Array) {
      const n = batch * time;
      const G = 4 * H;
      const { at, end } = layout({
        u: u.byteLength,
        table: (n + 1) * G * 4,
        ids: 4 * n,
        h: 4 * batch * H,
        c: 4 * batch * H,
        rec: 4 * batch * G,
        live: 4 * batch,
        gates: 4 * n * G,
        cPrev: 4 * n * H,
        cNew: 4 * n * H,
        hPrev: 4 * n * H,
        init: 8 * H,
        dh: 4 * batch * H,
        dc: 4 * batch * H,
        dxw: 4 * n * G,
        dz: 4 * batch * G,
      });
      kernel.ensure(end);
      f32(at.u, u);
      kernel.f32(at.table, G).fill(0);
      f32(at.table + 4 * G, xw);
      if (init) f32(at.init, init);
      const ids = i32View(kernel, at.ids, n);
      for (let p = 0; p < n; p++) ids[p] = live[p] !== 0 ? p + 1 : 0;
      const start = init ? at.init : 0;
      kernel.exports.lstmForwardTrain(at.table, at.ids, at.u, at.h, at.c, at.rec, at.live, at.gates, at.cPrev, at.cNew, at.hPrev, start, batch, time, H);
      const h = kernel.f32(at.h, batch * H).slice();
      const hPrev = kernel.f32(at.hPrev, n * H).slice();
      f32(at.dh, dhLast);
      kernel.exports.lstmBackward(at.ids, at.u, at.gates, at.cPrev, at.cNew, at.dh, at.dc, at.dxw, at.dz, at.live, init ? 1 : 0, batch, time, H);
      const dInit = init ? sumInitialGradients(kernel.f32(at.dh, batch * H), kernel.f32(at.dc, batch * H), batch, H) : undefined;
      return { h, hPrev, dxw: kernel.f32(at.dxw, n * G).slice(), dInit };
    },
  };
}

/** Index of the first element whose bits differ (-1: byte-identical; NaN payloads and ±0 count). */
function firstDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

/** Seeded inputs of one case: projections with some saturating values, U, a learned state, the gradient of h. */
function inputs(seed: number, rows: number, batch: number, time: number, H: number) {
  const rng = createRng(seed);
  const values = (length: number, scale: number): Float32Array => Float32Array.from({ length }, () => (rng.next() - 0.5) * 2 * scale);
  const table = values(rows * 4 * H, 2);
  for (let i = 0; i < table.length; i += 97) table[i] = (rng.next() - 0.5) * 400; // beyond exp's clamp at ±88
  // Masks: rows of every length (0 = all padding), pre-padding, and holes.
  const live = new Uint8Array(batch * time);
  for (let b = 0; b < batch; b++) {
    const first = b % 3 === 1 ? Math.floor(rng.next() * time) : 0;
    const last = b % 4 === 3 ? first + Math.floor(rng.next() * (time - first)) : time;
    for (let t = first; t < last; t++) live[b * time + t] = rng.next() < 0.9 ? 1 : 0;
  }
  const ids = Int32Array.from(live, (l) => (l ? 1 + Math.floor(rng.next() * (rows - 1)) : 0));
  return { table, ids, live, u: values(4 * H * H, 0.6), init: values(2 * H, 1), dh: values(batch * H, 1) };
}

const CASES: Array<[batch: number, time: number, H: number]> = [
  [1, 7, 4],
  [3, 9, 4],
  [5, 12, 12],
  [8, 6, 16],
  [13, 17, 64],
  [64, 40, 64],
  [7, 11, 128],
  [37, 5, 128],
];

describe('the WebAssembly LSTM kernels (plain SIMD build)', () => {
  beforeAll(() => {
    setWasmKernels(true);
    setRelaxedSimd(false);
  });
  afterAll(() => {
    setWasmKernels(true);
    setRelaxedSimd(true);
  });

  it('are byte-identical to the first version: inference forward (batches of 1 to 64, H = 4 to 128, masked steps, zero or learned state)', () => {
    const before = memory().numTensors;
    const old = v1();
    for (const [c, [batch, time, H]] of CASES.entries()) {
      const rows = 50;
      const { table, ids, u, init } = inputs(100 + c, rows, batch, time, H);
      for (const start of [undefined, init]) {
        const kernel = createLstmKernel(H)!;
        kernel.setWeights(table, u, H, start);
        const got = kernel.forward(ids, batch, time);
        expect(firstDifference(got, old.forward(table, ids, u, batch, time, H, start)), `batch ${batch}, T ${time}, H ${H}`).toBe(-1);
      }
    }
    expect(memory().numTensors).toBe(before);
  });

  it('are byte-identical to the first version: training forward and backpropagation through time (outputs, hPrev, dXW, initial-state gradient)', () => {
    const before = memory().numTensors;
    const old = v1();
    const kernel = lstmTrainKernel()!;
    expect(kernel).toBeDefined();
    for (const [c, [batch, time, H]] of CASES.entries()) {
      const { table, live, u, init, dh } = inputs(200 + c, batch * time + 1, batch, time, H);
      const xw = table.subarray(4 * H);
      for (const start of [undefined, init]) {
        const want = old.train(xw, live, u, dh, batch, time, H, start);
        const { h, trace } = kernel.forward(xw, live, u, batch, time, H, start);
        const got = kernel.backward(dh, trace);
        const where = `batch ${batch}, T ${time}, H ${H}, ${start ? 'learned' : 'zero'} state`;
        expect(firstDifference(h, want.h), `h: ${where}`).toBe(-1);
        expect(firstDifference(got.hPrev, want.hPrev), `hPrev: ${where}`).toBe(-1);
        expect(firstDifference(got.dxw, want.dxw), `dXW: ${where}`).toBe(-1);
        if (start) expect(firstDifference(got.dInit!, want.dInit!), `dInit: ${where}`).toBe(-1);
        else expect(got.dInit).toBeUndefined();
      }
    }
    expect(memory().numTensors).toBe(before);
  });

  it('keeps each trace apart when forwards run before their backwards (the two directions of a bidirectional layer)', () => {
    const kernel = lstmTrainKernel()!;
    const old = v1();
    const [batch, time, H] = [6, 9, 8];
    const a = inputs(300, batch * time + 1, batch, time, H);
    const b = inputs(301, batch * time + 1, batch, time, H);
    const fa = kernel.forward(a.table.subarray(4 * H), a.live, a.u, batch, time, H, a.init);
    const fb = kernel.forward(b.table.subarray(4 * H), b.live, b.u, batch, time, H);
    const gb = kernel.backward(b.dh, fb.trace);
    const ga = kernel.backward(a.dh, fa.trace);
    expect(firstDifference(ga.dxw, old.train(a.table.subarray(4 * H), a.live, a.u, a.dh, batch, time, H, a.init).dxw)).toBe(-1);
    expect(firstDifference(gb.dxw, old.train(b.table.subarray(4 * H), b.live, b.u, b.dh, batch, time, H).dxw)).toBe(-1);
    expect(() => kernel.backward(a.dh, fa.trace)).toThrow(
      'lstmTrainKernel: backward ran twice on one trace (its memory serves one backward pass). Run the forward pass again.',
    );
  });
});

describe('the relaxed-SIMD build of the LSTM kernels', () => {
  beforeAll(() => {
    setWasmKernels(true);
    setRelaxedSimd(true);
  });

  it("runs here (the test config turns on Node 20's relaxed SIMD) and agrees with the first version to 1e-5, differing in the last bits", () => {
    expect(usesRelaxedSimd()).toBe(true);
    const old = v1();
    const kernel = lstmTrainKernel()!;
    let differing = 0;
    for (const [c, [batch, time, H]] of CASES.entries()) {
      const where = `batch ${batch}, T ${time}, H ${H}`;
      const forwardIn = inputs(100 + c, 50, batch, time, H);
      const predictor = createLstmKernel(H)!;
      predictor.setWeights(forwardIn.table, forwardIn.u, H, forwardIn.init);
      const predicted = predictor.forward(forwardIn.ids, batch, time);
      const predictedWant = old.forward(forwardIn.table, forwardIn.ids, forwardIn.u, batch, time, H, forwardIn.init);
      expect(relDiff(predicted, predictedWant), `prediction h: ${where}`).toBeLessThan(1e-5);
      const { table, live, u, init, dh } = inputs(200 + c, batch * time + 1, batch, time, H);
      const xw = table.subarray(4 * H);
      const want = old.train(xw, live, u, dh, batch, time, H, init);
      const { h, trace } = kernel.forward(xw, live, u, batch, time, H, init);
      const got = kernel.backward(dh, trace);
      expect(relDiff(h, want.h), `h: ${where}`).toBeLessThan(1e-5);
      expect(relDiff(got.hPrev, want.hPrev), `hPrev: ${where}`).toBeLessThan(1e-5);
      expect(relDiff(got.dxw, want.dxw), `dXW: ${where}`).toBeLessThan(1e-5);
      expect(relDiff(got.dInit!, want.dInit!), `dInit: ${where}`).toBeLessThan(1e-5);
      differing += bitsDiffering(predicted, predictedWant) + bitsDiffering(got.dxw, want.dxw);
    }
    // The module that ran is the relaxed one: fused multiply-adds round once where the plain build rounds twice.
    expect(differing).toBeGreaterThan(0);
  });
});

describe("the LSTM training kernel on tfjs-wasm's memory", () => {
  onWasmBackend();
  beforeAll(() => {
    setWasmKernels(true);
    setRelaxedSimd(false);
  });
  afterAll(() => {
    setRelaxedSimd(true);
  });

  it('reads xw and writes dXW in the tensors, to the bits of the first version (xw and dXW elsewhere too)', () => {
    expect(activeWasmHeap()).toBeDefined();
    const before = memory().numTensors;
    const old = v1();
    const kernel = lstmTrainKernel()!;
    for (const [c, [batch, time, H]] of CASES.entries()) {
      const { table, live, u, init, dh } = inputs(200 + c, batch * time + 1, batch, time, H);
      const xw = table.subarray(4 * H);
      const want = old.train(xw, live, u, dh, batch, time, H, init);
      const where = `batch ${batch}, T ${time}, H ${H}`;
      // In place: xw a tensor's memory, dXW and hPrev written into new tensors' memory.
      const x = tensor(xw, [batch, time, 4 * H]);
      const d = tensor(dh, [batch, H]);
      const { h, trace } = kernel.forward(peekValues(x) as Float32Array, live, u, batch, time, H, init);
      let dInit: Float32Array | undefined;
      const [dx, hp] = writeTensors(
        [
          [batch, time, 4 * H],
          [batch * time, H],
        ],
        [d],
        ([dxw, hPrev], [dy]) => {
          dInit = kernel.backward(dy as Float32Array, trace, { dxw: dxw!, hPrev: hPrev! }).dInit;
        },
      );
      expect(firstDifference(h, want.h), `h: ${where}`).toBe(-1);
      expect(firstDifference(dx!.dataSync() as Float32Array, want.dxw), `dXW: ${where}`).toBe(-1);
      expect(firstDifference(hp!.dataSync() as Float32Array, want.hPrev), `hPrev: ${where}`).toBe(-1);
      expect(firstDifference(dInit!, want.dInit!), `dInit: ${where}`).toBe(-1);
      // xw copied in (an array of its own) and dXW returned as a new array: the same bits.
      const copied = kernel.forward(xw, live, u, batch, time, H, init);
      const got = kernel.backward(dh, copied.trace);
      expect(firstDifference(copied.h, want.h), `h, copied: ${where}`).toBe(-1);
      expect(firstDifference(got.dxw, want.dxw), `dXW, copied: ${where}`).toBe(-1);
      // xw in place, dXW returned as a new array (an arena of its own).
      const inPlace = kernel.forward(peekValues(x) as Float32Array, live, u, batch, time, H, init);
      expect(firstDifference(kernel.backward(dh, inPlace.trace).dxw, want.dxw), `dXW, own arena: ${where}`).toBe(-1);
      for (const t of [x, d, dx!, hp!]) t.dispose();
    }
    expect(memory().numTensors).toBe(before);
  });

  it('bounds the memory of traces whose backward never runs, and says so if it runs after all', () => {
    const kernel = lstmTrainKernel()!;
    const [batch, time, H] = [3, 5, 8];
    const a = inputs(400, batch * time + 1, batch, time, H);
    const traces = Array.from({ length: 5 }, () => kernel.forward(a.table.subarray(4 * H), a.live, a.u, batch, time, H).trace);
    expect(() => kernel.backward(a.dh, traces[0]!)).toThrow(
      'lstmTrainKernel: the trace of this backward pass was released (more training forward passes ran without theirs). Run the forward pass again.',
    );
    for (const t of traces.slice(1)) kernel.backward(a.dh, t);
  });
});
