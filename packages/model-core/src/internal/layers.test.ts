import {
  type Tensor,
  type Tensor2D,
  type Tensor3D,
  conv1d,
  gather,
  grad,
  max,
  memory,
  randomNormal,
  relu,
  tensor1d,
  tensor2d,
  tensor3d,
  tidy,
  sum,
  concat,
  slice,
  mul,
  add,
  reshape,
  variable,
} from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { GlossaConv1D, GlossaGlobalMaxPool1D, GlossaMaskedMean, embeddingLookup, gatherRows, maskedMaxPool, scatterAddRows, windowsOf } from './layers.js';

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(tol);
}

describe('maskedMaxPool', () => {
  it('gives the values and gradient of tfjs max over the masked input (non-negative features, no ties)', () => {
    const before = memory().numTensors;
    tidy(() => {
      const x = relu(randomNormal([3, 5, 4], 0.5, 1, 'float32', 21)) as Tensor3D;
      const mask = tensor3d([
        [[1], [1], [0], [1], [0]],
        [[0], [1], [1], [1], [1]],
        [[0], [0], [0], [0], [0]],
      ]);
      const weights = randomNormal([3, 4], 0, 1, 'float32', 22);
      const ours = (t: Tensor) => sum(mul(maskedMaxPool(t as Tensor3D, mask), weights));
      const stock = (t: Tensor) => sum(mul(max(mul(t, mask), 1), weights));
      close(maskedMaxPool(x, mask).dataSync(), max(mul(x, mask), 1).dataSync(), 0);
      close(grad(ours)(x).dataSync(), grad(stock)(x).dataSync(), 1e-6);
      close(maskedMaxPool(x, undefined).dataSync(), max(x, 1).dataSync(), 0);
    });
    expect(memory().numTensors).toBe(before);
  });
});

describe('gatherRows', () => {
  it('copies exactly the rows tfjs gather returns (CPU-memory backends), and zeros for ids outside the table', () => {
    tidy(() => {
      const table = randomNormal([50, 6], 0, 1, 'float32', 8) as Tensor2D;
      const ids = tensor1d([0, 49, 3, 3, 17], 'int32');
      expect(Array.from(gatherRows(table, ids).dataSync())).toEqual(Array.from(gather(table, ids).dataSync()));
      expect(gatherRows(table, ids).shape).toEqual([5, 6]);
      const outside = gatherRows(table, tensor1d([50, -1, 2], 'int32')).arraySync() as number[][];
      expect(outside[0]!.every((v) => v === 0) && outside[1]!.every((v) => v === 0)).toBe(true);
      expect(outside[2]).toEqual(Array.from(table.dataSync().subarray(12, 18)));
    });
  });
});

describe('embeddingLookup', () => {
  it('gives the same values and gradient as tfjs gather', () => {
    const before = memory().numTensors;
    tidy(() => {
      const table = randomNormal([30, 4], 0, 1, 'float32', 3) as Tensor2D;
      const ids = tensor2d(
        [
          [1, 5, 5, 0],
          [29, 2, 1, 1],
        ],
        undefined,
        'int32',
      );
      const weights = randomNormal([2, 4, 4], 0, 1, 'float32', 4);
      const ours = (t: Tensor) => sum(mul(embeddingLookup(t as Tensor2D, ids), weights));
      const stock = (t: Tensor) => sum(mul(gather(t, ids), weights));
      close(embeddingLookup(table, ids).dataSync(), gather(table, ids).dataSync(), 0);
      close(grad(ours)(table).dataSync(), grad(stock)(table).dataSync(), 1e-5);
    });
    expect(memory().numTensors).toBe(before);
  });

  it('scatter-adds repeated ids and ignores out-of-range ones', () => {
    const out = scatterAddRows(Int32Array.from([2, 2, 9]), Float32Array.from([1, 2, 3, 4, 5, 6]), 3, 2);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 4, 6]);
  });

  it('scatter-adds into a given table, adding to what it holds', () => {
    const out = scatterAddRows(Int32Array.from([2, 0]), Float32Array.from([1, 2, 3, 4]), 3, 2);
    const again = scatterAddRows(Int32Array.from([1, 1]), Float32Array.from([5, 6, 7, 8]), 3, 2, out);
    expect(again).toBe(out);
    expect(Array.from(again)).toEqual([3, 4, 12, 14, 1, 2]);
  });

  it('gives the same table gradient over repeated steps on one table (on wasm each step writes its gradient over uncleared memory)', () => {
    const table = variable(randomNormal([30, 4], 0, 1, 'float32', 5)) as unknown as Tensor2D;
    const steps = [Int32Array.from([1, 2, 2, 7]), Int32Array.from([3, 3, 0, 29]), Int32Array.from([7, 8, 9, 1])];
    for (const [i, ids] of steps.entries()) {
      tidy(() => {
        const weights = randomNormal([4, 4], 0, 1, 'float32', 60 + i);
        const idTensor = tensor1d(ids, 'int32');
        const ours = grad((t: Tensor) => sum(mul(embeddingLookup(t as Tensor2D, idTensor), weights)))(table).dataSync();
        const stock = grad((t: Tensor) => sum(mul(gather(t, idTensor), weights)))(table).dataSync();
        close(ours, stock, 1e-6);
      });
    }
    (table as unknown as { dispose(): void }).dispose();
  });
});

describe('windowsOf', () => {
  it('gives the bits of tfjs slices + concat, forward and gradient (accumulated in tfjs order)', () => {
    tidy(() => {
      for (const [batch, time, dim, k] of [
        [3, 9, 5, 3],
        [2, 6, 4, 6],
        [4, 12, 7, 5],
      ] as const) {
        const x = randomNormal([batch, time, dim], 0, 1, 'float32', 31 + k) as Tensor3D;
        const out = time - k + 1;
        const upstream = randomNormal([batch, out, k * dim], 0, 1, 'float32', 41 + k);
        const reference = (v: Tensor3D) =>
          concat(
            Array.from({ length: k }, (_, i) => slice(v, [0, i, 0], [batch, out, dim])),
            2,
          );
        const bits = (t: Tensor) => Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));
        expect(bits(windowsOf(x, k))).toEqual(bits(reference(x)));
        const gotGrad = grad((v: Tensor) => sum(mul(windowsOf(v as Tensor3D, k), upstream)))(x);
        const wantGrad = grad((v: Tensor) => sum(mul(reference(v as Tensor3D), upstream)))(x);
        expect(gotGrad.shape).toEqual([batch, time, dim]);
        expect(bits(gotGrad)).toEqual(bits(wantGrad));
      }
    });
  });
});

describe('GlossaConv1D', () => {
  it('matches tfjs conv1d + relu for the same kernel', () => {
    tidy(() => {
      const layer = new GlossaConv1D({ filters: 3, kernelSize: 2 });
      const x = randomNormal([2, 5, 4], 0, 1, 'float32', 7);
      layer.apply(x);
      const [kernel, bias] = layer.getWeights();
      const k = randomNormal([8, 3], 0, 1, 'float32', 8) as Tensor2D;
      const b = randomNormal([3], 0, 1, 'float32', 9);
      layer.setWeights([k, b]);
      const ours = layer.apply(x) as ReturnType<typeof relu>;
      const stock = relu(add(conv1d(x as Tensor3D, reshape(k, [2, 4, 3]) as Tensor3D, 1, 'valid'), b));
      expect(ours.shape).toEqual([2, 4, 3]);
      close(ours.dataSync(), stock.dataSync(), 1e-5);
      expect(kernel!.shape).toEqual([8, 3]);
      expect(bias!.shape).toEqual([3]);
      layer.dispose();
    });
  });

  it('keeps the windows that start on a real token, and with paddingWindow the first all-padding one after each text', () => {
    tidy(() => {
      // Texts of 3, 1 and 0 tokens, padded to 7 steps (kernel 3: 5 windows).
      const mask = tensor2d(
        [
          [1, 1, 1, 0, 0, 0, 0],
          [1, 0, 0, 0, 0, 0, 0],
          [0, 0, 0, 0, 0, 0, 0],
        ],
        undefined,
        'bool',
      );
      const x = randomNormal([3, 7, 2], 0, 1, 'float32', 3);
      const plain = new GlossaConv1D({ filters: 1, kernelSize: 3 }).computeMask(x, mask);
      expect(plain.arraySync()).toEqual([
        [1, 1, 1, 0, 0],
        [1, 0, 0, 0, 0],
        [1, 0, 0, 0, 0],
      ]);
      const padded = new GlossaConv1D({ filters: 1, kernelSize: 3, paddingWindow: true });
      expect(padded.computeMask(x, mask).arraySync()).toEqual([
        [1, 1, 1, 1, 0],
        [1, 1, 0, 0, 0],
        [1, 0, 0, 0, 0],
      ]);
      expect(padded.getConfig().paddingWindow).toBe(true);
      expect(new GlossaConv1D({ filters: 1, kernelSize: 3 }).getConfig().paddingWindow).toBeUndefined();
    });
  });

  it('with leadingPadding keeps the all-padding window and the windows up to each text end, after kernelSize steps of padding', () => {
    tidy(() => {
      // Texts of 3, 1 and 0 tokens after 3 steps of padding (kernel 3), 7 steps in all: 5 windows.
      const mask = tensor2d(
        [
          [0, 0, 0, 1, 1, 1, 0],
          [0, 0, 0, 1, 0, 0, 0],
          [0, 0, 0, 0, 0, 0, 0],
        ],
        undefined,
        'bool',
      );
      const x = randomNormal([3, 7, 2], 0, 1, 'float32', 3);
      const leading = new GlossaConv1D({ filters: 1, kernelSize: 3, leadingPadding: true });
      // Window t covers steps t…t+2: window 0 padding only, 1–2 straddle the start, 3 is the 3-token text itself.
      expect(leading.computeMask(x, mask).arraySync()).toEqual([
        [1, 1, 1, 1, 0],
        [1, 1, 0, 0, 0],
        [1, 0, 0, 0, 0],
      ]);
      expect(leading.getConfig().leadingPadding).toBe(true);
      expect(new GlossaConv1D({ filters: 1, kernelSize: 3 }).getConfig().leadingPadding).toBeUndefined();
      expect(() => new GlossaConv1D({ filters: 1, kernelSize: 3, leadingPadding: true, paddingWindow: true })).toThrow(/exclude each other/);
    });
  });
});

describe('masked pooling', () => {
  it('averages and maxes only unmasked steps', () => {
    tidy(() => {
      const x = tensor3d([
        [
          [1, 10],
          [3, 20],
          [100, 100],
        ],
        [
          [5, 1],
          [0, 0],
          [0, 0],
        ],
      ]);
      const mask = tensor2d(
        [
          [true, true, false],
          [true, false, false],
        ],
        undefined,
        'bool',
      );
      const mean = new GlossaMaskedMean().apply(x, { mask }) as ReturnType<typeof relu>;
      close(mean.dataSync(), [2, 15, 5, 1], 1e-6);
      const max = new GlossaGlobalMaxPool1D().apply(x, { mask }) as ReturnType<typeof relu>;
      close(max.dataSync(), [3, 20, 5, 1], 1e-6);
    });
  });
});
