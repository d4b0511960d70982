import {
  type Scalar,
  type Tensor,
  type Tensor1D,
  type Tensor2D,
  type Tensor3D,
  type Variable,
  add,
  concat,
  div,
  engine,
  fill,
  getBackend,
  grad,
  grads,
  max,
  matMul,
  maximum,
  memory,
  mul,
  randomNormal,
  relu,
  reshape,
  scalar,
  slice,
  sum,
  tensor1d,
  tensor2d,
  tensor3d,
  tidy,
  variable,
  variableGrads,
} from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { STEP_MASKS, bitsDiffering, maskedInputs, maxDiff } from '../../test/recurrent-fixtures.js';
import { onWasmBackend } from '../../test/wasm-backend.js';
import { registerGlossaKernels } from '../kernels.js';
import { cnnTrainKernel } from './cnn-train.js';
import { ADAM_WASM_BASE64 } from './adam-wasm.generated.js';
import { CNN_WASM_BASE64 } from './cnn-wasm.generated.js';
import { GEMM_RELAXED_WASM_BASE64, GEMM_WASM_BASE64 } from './gemm-wasm.generated.js';
import { GRU_RELAXED_WASM_BASE64, GRU_WASM_BASE64 } from './gru-wasm.generated.js';
import { LSTM_RELAXED_WASM_BASE64, LSTM_WASM_BASE64 } from './lstm-wasm.generated.js';
import { GlossaGRU } from './fused-gru.js';
import { heapKernel, matMulKernel } from './gemm-wasm.js';
import { GlossaLSTM } from './fused-lstm.js';
import { embeddingLookup, gatherRows, maskedMaxPool, maskedMean, reluConvolution, scatterAddRows, windowsOf } from './layers.js';
import { peekValues, wasmHeapBackend, wasmHeapOf, writeTensors } from './tensor-memory.js';

/** Frees a large block of tfjs's memory full of NaN, so the next allocations get memory that is not clear. */
function poisonFreedMemory(size: number): void {
  const junk = fill([size], Number.NaN);
  junk.dataSync();
  junk.dispose();
}

/**
 * Expects `fused` (given `stock`'s weights) to give `stock`'s gradients of Σ upstream · layer(x) to 1e-4, for the
 * input and every weight.
 */
function expectSameGradients(stock: layers.Layer, fused: layers.Layer, x: Tensor, mask: Tensor, upstream: Tensor): void {
  stock.apply(x, { mask });
  fused.apply(x, { mask });
  fused.setWeights(stock.getWeights());
  const xVar = variable(x);
  const gradsOf = (layer: layers.Layer): Tensor[] => {
    const vars = [xVar, ...layer.trainableWeights.map((w) => w.read() as Variable)];
    const { grads } = variableGrads(() => sum(mul(layer.apply(xVar, { mask, training: true }) as Tensor, upstream)) as Scalar, vars);
    return vars.map((v) => grads[v.name]!);
  };
  const expected = gradsOf(stock);
  const got = gradsOf(fused);
  expect(got).toHaveLength(expected.length);
  got.forEach((g, i) => {
    expect(maxDiff(g.dataSync(), expected[i]!.dataSync()), `gradient ${i}`).toBeLessThan(1e-4);
  });
  xVar.dispose();
}

function contractTests(): void {
  it('reads values as dataSync gives them, for every dtype', () => {
    tidy(() => {
      const f = randomNormal([5, 7], 0, 1, 'float32', 3);
      const i = tensor1d([4, -2, 0, 2147483647], 'int32');
      const b = tensor1d([1, 0, 1], 'bool');
      for (const t of [f, i, b]) expect(Array.from(peekValues(t))).toEqual(Array.from(t.dataSync()));
    });
  });

  it('writes tensors from their inputs, and outputs big enough to grow the memory leave the inputs readable', () => {
    const before = memory().numTensors;
    tidy(() => {
      const x = randomNormal([1000], 0, 1, 'float32', 4);
      const expected = Float32Array.from(x.dataSync());
      // 64 MB: more than tfjs-wasm has free, so its memory grows after x was made.
      const [big, copy] = writeTensors([[16 << 20], [1000]], [x], ([b, c], [xv]) => {
        b!.fill(2);
        for (let k = 0; k < xv!.length; k++) c![k] = 2 * xv![k]!;
      });
      expect(Array.from(copy!.dataSync())).toEqual(Array.from(expected, (v) => Math.fround(2 * v)));
      expect(big!.shape).toEqual([16 << 20]);
      expect(sum(slice(big!, [0], [1000])).dataSync()[0]).toBe(2000);
    });
    expect(memory().numTensors).toBe(before);
  });

  it('frees the outputs when the writer throws', () => {
    const tensors = memory().numTensors;
    const ids = engine().backend.numDataIds();
    expect(() =>
      writeTensors([[10], [20]], [], () => {
        throw new Error('writer failed');
      }),
    ).toThrow('writer failed');
    expect(memory().numTensors).toBe(tensors);
    expect(engine().backend.numDataIds()).toBe(ids);
  });
}

function layerTests(): void {
  it("gives the bits of tfjs's masked mean (sum of x · mask over time / count), forward and gradient", () => {
    poisonFreedMemory(1 << 16);
    tidy(() => {
      const [batch, time, dim] = [4, 37, 10];
      const x = randomNormal([batch, time, dim], 0, 3, 'float32', 51) as Tensor3D;
      const lengths = [37, 20, 1, 0];
      const mask = tensor3d(
        lengths.map((l) => Array.from({ length: time }, (_, t) => [t < l ? 1 : 0])),
        [batch, time, 1],
      );
      const upstream = randomNormal([batch, dim], 0, 1, 'float32', 52);
      const reference = (v: Tensor) => div(sum(mul(v, mask), 1), maximum(sum(mask, 1), scalar(1)));
      const bits = (t: Tensor) => t.dataSync() as Float32Array;
      expect(bitsDiffering(bits(maskedMean(x, mask)), bits(reference(x)))).toBe(0);
      const ours = grad((v: Tensor) => sum(mul(maskedMean(v as Tensor3D, mask), upstream)))(x);
      const stock = grad((v: Tensor) => sum(mul(reference(v), upstream)))(x);
      expect(maxDiff(bits(ours), bits(stock))).toBe(0);
    });
  });

  it('looks up and scatter-adds embedding rows over repeated steps, each gradient written over uncleared memory', () => {
    const table = variable(randomNormal([300, 8], 0, 1, 'float32', 5)) as unknown as Variable & Tensor2D;
    // (The last step reads two ids outside the table: zeros forward, no gradient.)
    const steps = [Int32Array.from([1, 2, 2, 7, 299]), Int32Array.from([3, 3, 0, 29, 299]), Int32Array.from([7, 300, 9, -1, 1])];
    for (const [i, ids] of steps.entries()) {
      poisonFreedMemory(300 * 8);
      tidy(() => {
        const weights = randomNormal([5, 8], 0, 1, 'float32', 60 + i);
        const idTensor = tensor1d(ids, 'int32');
        const rows = gatherRows(table, idTensor).dataSync();
        const values = table.dataSync();
        for (const [k, id] of ids.entries()) {
          const expected = id >= 0 && id < 300 ? Array.from(values.subarray(id * 8, id * 8 + 8)) : new Array<number>(8).fill(0);
          expect(Array.from(rows.subarray(k * 8, k * 8 + 8))).toEqual(expected);
        }
        const ours = grad((t: Tensor) => sum(mul(embeddingLookup(t as Tensor2D, idTensor), weights)))(table).dataSync() as Float32Array;
        const reference = scatterAddRows(ids, weights.dataSync() as Float32Array, 300, 8);
        expect(bitsDiffering(ours, reference)).toBe(0);
      });
    }
    table.dispose();
  });

  for (const dim of [6, 8]) {
    it(`gives tfjs's bits for the convolution's windows and the masked max pool, forward and gradient (${dim} features)`, () => {
      poisonFreedMemory(1 << 16);
      tidy(() => {
        const [batch, time, k] = [4, 11, 4];
        const x = randomNormal([batch, time, dim], 0, 1, 'float32', 31) as Tensor3D;
        const out = time - k + 1;
        const upstream = randomNormal([batch, out, k * dim], 0, 1, 'float32', 41);
        const reference = (v: Tensor3D) =>
          concat(
            Array.from({ length: k }, (_, i) => slice(v, [0, i, 0], [batch, out, dim])),
            2,
          );
        const bits = (t: Tensor) => t.dataSync() as Float32Array;
        expect(bitsDiffering(bits(windowsOf(x, k)), bits(reference(x)))).toBe(0);
        const ours = grad((v: Tensor) => sum(mul(windowsOf(v as Tensor3D, k), upstream)))(x);
        const stock = grad((v: Tensor) => sum(mul(reference(v as Tensor3D), upstream)))(x);
        expect(bitsDiffering(bits(ours), bits(stock))).toBe(0);

        // Non-negative features without ties at a positive maximum (where the two gradients differ by design).
        const features = relu(randomNormal([batch, time, dim], 0.5, 1, 'float32', 21)) as Tensor3D;
        const lengths = [11, 8, 5, 0]; // the last row keeps no step
        const mask = tensor3d(
          lengths.map((l) => Array.from({ length: time }, (_, t) => [t < l ? 1 : 0])),
          [batch, time, 1],
        );
        const w = randomNormal([batch, dim], 0, 1, 'float32', 22);
        expect(bitsDiffering(bits(maskedMaxPool(features, mask)), bits(max(mul(features, mask), 1)))).toBe(0);
        const poolGrad = grad((t: Tensor) => sum(mul(maskedMaxPool(t as Tensor3D, mask), w)))(features);
        const stockPoolGrad = grad((t: Tensor) => sum(mul(max(mul(t, mask), 1), w)))(features);
        expect(maxDiff(poolGrad.dataSync(), stockPoolGrad.dataSync())).toBe(0);
        expect(bitsDiffering(bits(maskedMaxPool(features, undefined)), bits(max(features, 1)))).toBe(0);
      });
    });
  }

  for (const [name, make] of [
    [
      'LSTM',
      (units: number) => [layers.lstm({ units, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' }), new GlossaLSTM({ units })] as const,
    ],
    [
      'GRU',
      (units: number) => [layers.gru({ units, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' }), new GlossaGRU({ units })] as const,
    ],
  ] as const) {
    for (const [maskName, pattern] of Object.entries(STEP_MASKS)) {
      it(`trains the fused ${name} (kernel results written into tensors) to the stock layer's gradients, ${maskName} mask`, () => {
        const [stock, fused] = make(8);
        const dim = 6;
        tidy(() => {
          const { x, mask } = maskedInputs(dim, pattern);
          poisonFreedMemory(1 << 16);
          expectSameGradients(stock, fused, x, mask, randomNormal([pattern.length, 8], 0, 1, 'float32', 5));
        });
        stock.dispose();
        fused.dispose();
      });
    }
  }
}

describe('kernel modules on foreign memory', () => {
  it("runs only kernel modules without a data, start or global section on tfjs-wasm's memory (importing it writes nothing)", () => {
    for (const base64 of [
      GEMM_WASM_BASE64,
      GEMM_RELAXED_WASM_BASE64,
      CNN_WASM_BASE64,
      ADAM_WASM_BASE64,
      LSTM_WASM_BASE64,
      LSTM_RELAXED_WASM_BASE64,
      GRU_WASM_BASE64,
      GRU_RELAXED_WASM_BASE64,
    ]) {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const sections: number[] = [];
      for (let i = 8; i < bytes.length; ) {
        sections.push(bytes[i++]!);
        let size = 0;
        for (let shift = 0; ; shift += 7) {
          const byte = bytes[i++]!;
          size |= (byte & 0x7f) << shift;
          if (byte < 0x80) break;
        }
        i += size;
      }
      expect(sections).toContain(10); // code
      for (const forbidden of [6, 8, 11]) expect(sections).not.toContain(forbidden); // global, start, data
    }
  });
});

describe('tensor memory on the cpu backend (ordinary arrays)', () => {
  it('is not the wasm heap', () => {
    expect(getBackend()).toBe('cpu');
    expect(wasmHeapBackend()).toBeUndefined();
  });
  contractTests();
  layerTests();
});

describe('tensor memory on the wasm backend (in place in tfjs-wasm memory)', () => {
  onWasmBackend();

  it("sums over leading axes with tfjs-wasm's bits once Glossa's kernels are registered (no transpose)", () => {
    const cases: Array<[number[], number | number[], boolean]> = [
      [[6400, 256], 0, false],
      [[37, 7], [0], true],
      [[5, 9, 6], [0, 1], false],
      [[5, 9, 6], [1, 0], true],
      [[4, 3, 8], -3, false],
      [[5, 9, 6], 1, false], // not leading: tfjs's own
    ];
    const run = () =>
      cases.map(([shape, axis, keepDims], c) =>
        tidy(() => {
          const t = sum(randomNormal(shape, 0, 10, 'float32', 70 + c), axis, keepDims);
          return { shape: t.shape, values: Float32Array.from(t.dataSync()) };
        }),
      );
    const stock = run();
    registerGlossaKernels('wasm');
    const ours = run();
    ours.forEach((o, c) => {
      expect(o.shape).toEqual(stock[c]!.shape);
      expect(bitsDiffering(o.values, stock[c]!.values), `case ${c}`).toBe(0);
    });
  });

  it("shares a clone's memory once Glossa's kernels are registered (tfjs-wasm's Identity copies), reference-counted", () => {
    registerGlossaKernels('wasm');
    const heap = wasmHeapOf(wasmHeapBackend()!)!;
    const ids = engine().backend.numDataIds();
    const x = randomNormal([1000], 0, 1, 'float32', 9);
    const values = Array.from(x.dataSync());
    const y = x.clone();
    expect(heap.offsetOf(y)).toBe(heap.offsetOf(x));
    x.dispose();
    poisonFreedMemory(4000);
    expect(Array.from(y.dataSync())).toEqual(values); // still held by the clone
    y.dispose();
    expect(engine().backend.numDataIds()).toBe(ids);
  });

  it('reads and writes in place', () => {
    expect(wasmHeapBackend()).toBeDefined();
    expect(cnnTrainKernel()).toBeDefined(); // the CNN's passes run on tfjs-wasm's memory here
    tidy(() => {
      const x = tensor1d([1, 2, 3]);
      const view = peekValues(x);
      // A view of tfjs's memory, not a copy: dataSync would hand out a new array each time.
      expect(view.buffer).toBe(peekValues(x).buffer);
      expect(view.buffer).not.toBe(x.dataSync().buffer);
    });
  });
  contractTests();
  layerTests();

  it("trains a fused GRU large enough for the matrix kernel (dXW's column blocks read in place) to the stock layer's gradients", () => {
    const units = 64;
    const [batch, time, dim] = [16, 17, 12]; // 272 rows: 272 × 64 × 64 ≥ 2²⁰ multiply-adds
    const stock = layers.gru({ units, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' });
    const fused = new GlossaGRU({ units });
    tidy(() => {
      const x = randomNormal([batch, time, dim], 0, 1, 'float32', 81);
      const mask = tensor2d(
        Array.from({ length: batch }, (_, b) => Array.from({ length: time }, (_, t) => (t < time - (b % 5) ? 1 : 0))),
        [batch, time],
        'bool',
      );
      expectSameGradients(stock, fused, x, mask, randomNormal([batch, units], 0, 1, 'float32', 82));
    });
    stock.dispose();
    fused.dispose();
  });

  it("differentiates the ReLU convolution term by term over the max pool's sparse gradient, with the matrix products' bits", () => {
    registerGlossaKernels('wasm');
    // 896 windows × 160 × 38 filters: every product of the reference is Glossa's matrix kernel (≥ 2²⁰ multiply-adds);
    // 38 filters leave a partial group of four.
    const [batch, time, dim, k, filters] = [16, 60, 32, 5, 38];
    const out = time - k + 1;
    tidy(() => {
      const x = randomNormal([batch, time, dim], 0, 1, 'float32', 91) as Tensor3D;
      const w = randomNormal([k * dim, filters], 0, 0.1, 'float32', 92) as Tensor2D;
      const b = randomNormal([filters], 0, 0.1, 'float32', 93) as Tensor1D;
      const stock = (v: Tensor3D, kw: Tensor2D, kb: Tensor1D) =>
        reshape(relu(add(matMul(reshape(windowsOf(v, k), [batch * out, k * dim]), kw), kb)), [batch, out, filters]) as Tensor3D;
      expect(bitsDiffering(reluConvolution(x, w, b, k).dataSync() as Float32Array, stock(x, w, b).dataSync() as Float32Array)).toBe(0);
      const mask = tensor3d(
        Array.from({ length: batch }, (_, r) => Array.from({ length: out }, (_, t) => [t < out - 3 * r ? 1 : 0])),
        [batch, out, 1],
      );
      const pooled = randomNormal([batch, filters], 0, 1, 'float32', 94);
      const dense = randomNormal([batch, out, filters], 0, 1, 'float32', 95);
      for (const [name, loss] of [
        ['max pool', (y: Tensor3D) => sum(mul(maskedMaxPool(y, mask), pooled))],
        ['dense', (y: Tensor3D) => sum(mul(y, dense))],
      ] as const) {
        const ours = grads((v, kw, kb) => loss(reluConvolution(v as Tensor3D, kw as Tensor2D, kb as Tensor1D, k)))([x, w, b]);
        const theirs = grads((v, kw, kb) => loss(stock(v as Tensor3D, kw as Tensor2D, kb as Tensor1D)))([x, w, b]);
        ours.forEach((g, i) => {
          const expected = theirs[i]!.dataSync() as Float32Array;
          expect(
            expected.some((e) => e !== 0),
            `${name} gradient ${i}`,
          ).toBe(true);
          expect(bitsDiffering(g.dataSync() as Float32Array, expected), `${name} gradient ${i}`).toBe(0);
        });
      }
    });
  });

  it("runs Glossa's matrix kernel on tfjs-wasm's own memory: the copying kernel's bits, batches at their offsets", () => {
    const heap = wasmHeapOf(wasmHeapBackend()!);
    expect(heap).toBeDefined();
    const onHeap = heapKernel(heap!)!;
    expect(onHeap).toBeDefined();
    const copying = matMulKernel()!;
    for (const [M, K, N] of [
      [5, 3, 9],
      [13, 64, 17],
      [37, 300, 45],
    ] as const) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          tidy(() => {
            const a = randomNormal([3, M * K], 0, 1, 'float32', M + K);
            const b = randomNormal([3, K * N], 0, 1, 'float32', K + N);
            const want = new Float32Array(M * N);
            const av = a.dataSync() as Float32Array;
            const bv = b.dataSync() as Float32Array;
            copying.multiply(av.subarray(M * K, 2 * M * K), bv.subarray(2 * K * N), M, K, N, ta, tb, want);
            poisonFreedMemory(1 << 16);
            const [out] = writeTensors([[3, M * N]], [], ([o]) => o!.fill(Number.NaN));
            // The second batch element of a times the third of b, into the second row of out; the rest untouched.
            onHeap.multiply(
              [{ a: heap!.offsetOf(a) + M * K * 4, b: heap!.offsetOf(b) + 2 * K * N * 4, out: heap!.offsetOf(out!) + M * N * 4 }],
              M,
              K,
              N,
              ta,
              tb,
            );
            const got = out!.dataSync() as Float32Array;
            expect(bitsDiffering(got.slice(M * N, 2 * M * N), want), `${M}×${K}×${N} ta ${ta} tb ${tb}`).toBe(0);
            expect(got.slice(0, M * N).every(Number.isNaN) && got.slice(2 * M * N).every(Number.isNaN)).toBe(true);
          });
        }
      }
    }
  });
});
