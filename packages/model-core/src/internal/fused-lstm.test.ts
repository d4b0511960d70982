import { type Scalar, type Tensor, type Tensor2D, type Tensor3D, type Variable, memory, mul, randomNormal, sum, tensor2d, tidy, variable, variableGrads } from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { GlossaLSTM, setFusedLstm } from './fused-lstm.js';
import { setWasmKernels } from './lstm-wasm.js';
import { setTrainingPhase } from './phase.js';

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** A stock tfjs-layers LSTM and a GlossaLSTM with the same random weights. */
function pair(dim: number, units: number) {
  const stock = layers.lstm({ units, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' });
  const fused = new GlossaLSTM({ units });
  const probe = randomNormal([1, 2, dim]) as Tensor3D;
  stock.apply(probe);
  fused.apply(probe);
  probe.dispose();
  const weights = [randomNormal([dim, 4 * units], 0, 0.4, 'float32', 1), randomNormal([units, 4 * units], 0, 0.4, 'float32', 2), randomNormal([4 * units], 0, 0.4, 'float32', 3)];
  stock.setWeights(weights);
  fused.setWeights(weights);
  for (const w of weights) w.dispose();
  return { stock, fused };
}

/** Step masks: post-padded rows of lengths 5, 3, 1, 0 (what Glossa's batches hold), and arbitrary patterns. */
const masks: Record<string, number[][]> = {
  'post-padded': [5, 3, 1, 0].map((l) => Array.from({ length: 5 }, (_, t) => (t < l ? 1 : 0))),
  'arbitrary (pre-padded, holes)': [
    [0, 0, 1, 1, 1],
    [1, 0, 1, 0, 1],
    [1, 1, 1, 1, 1],
    [0, 1, 1, 0, 0],
    [0, 0, 0, 0, 0],
  ],
};

function inputs(dim: number, pattern: number[][]): { x: Tensor3D; mask: Tensor2D } {
  const x = randomNormal([pattern.length, 5, dim], 0, 1, 'float32', 9) as Tensor3D;
  const mask = tensor2d(pattern, undefined, 'bool') as Tensor2D;
  return { x, mask };
}

describe('GlossaLSTM', () => {
  for (const [maskName, pattern] of Object.entries(masks)) {
  for (const fusedOn of [true, false]) {
    it(`gives the stock LSTM's outputs with a ${maskName} mask (${fusedOn ? 'fused' : 'tfjs ops'})`, () => {
      setFusedLstm(fusedOn);
      const { stock, fused } = pair(6, 4);
      tidy(() => {
        const { x, mask } = inputs(6, pattern);
        const a = stock.apply(x, { mask }) as Tensor;
        const b = fused.apply(x, { mask }) as Tensor;
        expect(maxDiff(a.dataSync(), b.dataSync())).toBeLessThan(1e-5);
      });
      setFusedLstm(true);
    });
  }

  for (const kernel of ['wasm', 'js'] as const) {
  it(`matches the stock layer gradients (inputs and all three weights) to 1e-4 with a ${maskName} mask (${kernel} recurrence)`, () => {
    setWasmKernels(kernel === 'wasm');
    const { stock, fused } = pair(6, 4);
    const before = memory().numTensors;
    tidy(() => {
      const { x, mask } = inputs(6, pattern);
      const xVar = variable(x);
      const upstream = randomNormal([pattern.length, 4], 0, 1, 'float32', 5);
      const gradsOf = (layer: typeof stock | GlossaLSTM): Tensor[] => {
        const vars = [xVar, ...layer.trainableWeights.map((w) => w.read() as Variable)];
        const { grads: g } = variableGrads(() => sum(mul(layer.apply(xVar, { mask }) as Tensor, upstream)) as Scalar, vars);
        return vars.map((v) => g[v.name]!);
      };
      const g1 = gradsOf(stock);
      setTrainingPhase(true);
      const g2 = gradsOf(fused);
      setTrainingPhase(false);
      expect(g1).toHaveLength(4);
      g1.forEach((g, i) => {
        expect(maxDiff(g.dataSync(), g2[i]!.dataSync())).toBeLessThan(1e-4);
      });
      xVar.dispose();
    });
    expect(memory().numTensors).toBe(before);
    stock.dispose();
    fused.dispose();
    setWasmKernels(true);
  });
  }
  }
});
