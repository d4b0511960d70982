import { type Scalar, type Tensor, type Tensor3D, type Variable, memory, mul, randomNormal, sum, tidy, variable, variableGrads } from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { STEP_MASKS, maskedInputs, maxDiff } from '../../test/recurrent-fixtures.js';
import { setFusedLstm, setWasmKernels } from '../flags.js';
import { GlossaLSTM } from './fused-lstm.js';
import { setTrainingPhase } from './phase.js';

/** A stock tfjs-layers LSTM and a GlossaLSTM with the same random weights. */
function pair(dim: number, units: number) {
  const stock = layers.lstm({ units, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' });
  const fused = new GlossaLSTM({ units });
  const probe = randomNormal([1, 2, dim]) as Tensor3D;
  stock.apply(probe);
  fused.apply(probe);
  probe.dispose();
  const weights = [
    randomNormal([dim, 4 * units], 0, 0.4, 'float32', 1),
    randomNormal([units, 4 * units], 0, 0.4, 'float32', 2),
    randomNormal([4 * units], 0, 0.4, 'float32', 3),
  ];
  stock.setWeights(weights);
  fused.setWeights(weights);
  for (const w of weights) w.dispose();
  return { stock, fused };
}

describe('GlossaLSTM', () => {
  for (const [maskName, pattern] of Object.entries(STEP_MASKS)) {
    for (const fusedOn of [true, false]) {
      it(`gives the stock LSTM's outputs with a ${maskName} mask (${fusedOn ? 'fused' : 'tfjs ops'})`, () => {
        setFusedLstm(fusedOn);
        const { stock, fused } = pair(6, 4);
        tidy(() => {
          const { x, mask } = maskedInputs(6, pattern);
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
          const { x, mask } = maskedInputs(6, pattern);
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
