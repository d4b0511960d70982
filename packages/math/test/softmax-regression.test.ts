import { describe, expect, it } from 'vitest';
import {
  adamUpdateInPlace,
  classificationReport,
  createAdamState,
  createRng,
  seedFromString,
  softmaxRows,
  sparseCategoricalCrossentropy,
  sparseCategoricalCrossentropyGradient,
  stratifiedSplit,
} from '../src/index.js';

describe('softmax regression built from @glossa/math', () => {
  it('learns three Gaussian blobs and reports high held-out accuracy', () => {
    const rng = createRng(seedFromString('blobs'));
    const k = 3;
    const d = 2;
    const centres = [
      [0, 3],
      [3, -2],
      [-3, -2],
    ];
    const n = 300;
    const x = new Float32Array(n * d);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = i % k;
      y[i] = c;
      x[i * d] = rng.normal(centres[c]![0], 1);
      x[i * d + 1] = rng.normal(centres[c]![1], 1);
    }
    const { train, test } = stratifiedSplit(y, 0.2, rng);

    const params = new Float32Array(d * k + k); // W (d×k) then b (k)
    const state = createAdamState(params.length);
    const logitsOf = (rows: Int32Array): Float32Array => {
      const z = new Float32Array(rows.length * k);
      rows.forEach((row, r) => {
        for (let j = 0; j < k; j++) {
          let s = params[d * k + j]!;
          for (let f = 0; f < d; f++) s += x[row * d + f]! * params[f * k + j]!;
          z[r * k + j] = s;
        }
      });
      return z;
    };

    const yTrain = Int32Array.from(train, (i) => y[i]!);
    const initialLoss = sparseCategoricalCrossentropy(yTrain, logitsOf(train), k, { fromLogits: true });
    for (let epoch = 0; epoch < 300; epoch++) {
      const dz = sparseCategoricalCrossentropyGradient(yTrain, logitsOf(train), k, { fromLogits: true });
      const grads = new Float32Array(params.length);
      train.forEach((row, r) => {
        for (let j = 0; j < k; j++) {
          const g = dz[r * k + j]!;
          grads[d * k + j]! += g;
          for (let f = 0; f < d; f++) grads[f * k + j]! += x[row * d + f]! * g;
        }
      });
      adamUpdateInPlace(params, grads, state, { learningRate: 0.05 });
    }
    const finalLoss = sparseCategoricalCrossentropy(yTrain, logitsOf(train), k, { fromLogits: true });
    expect(finalLoss).toBeLessThan(initialLoss / 5);

    const report = classificationReport({
      yTrue: Int32Array.from(test, (i) => y[i]!),
      probabilities: softmaxRows(logitsOf(test), k),
      labels: ['north', 'east', 'west'],
    });
    expect(report.n).toBe(60);
    expect(report.accuracy).toBeGreaterThan(0.9);
    expect(report.macroF1).toBeGreaterThan(0.9);
  });
});
