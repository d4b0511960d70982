import { type Scalar, type Tensor, type Tensor2D, type Tensor3D, type Variable, concat, memory, mul, randomNormal, sum, tidy, variable, variableGrads } from '@tensorflow/tfjs-core';
import { type RNN, layers } from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { STEP_MASKS, maskedInputs, maxDiff } from '../../test/recurrent-fixtures.js';
import { GlossaGRU } from './fused-gru.js';
import { GlossaLSTM, setFusedLstm } from './fused-lstm.js';
import { setTrainingPhase } from './phase.js';
import type { RecurrentLayer } from './recurrent.js';


type Cell = 'gru' | 'lstm';
const GATES: Record<Cell, number> = { gru: 3, lstm: 4 };

/**
 * Stock tfjs-layers layers (one per direction; the backward one with `goBackwards`) and a Glossa layer with
 * the same random weights.
 */
function pair(cell: Cell, dim: number, units: number, bidirectional: boolean) {
  const stockOf = (goBackwards: boolean): RNN =>
    cell === 'gru'
      ? (layers.gru({ units, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform', goBackwards }) as RNN)
      : (layers.lstm({ units, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform', goBackwards }) as RNN);
  const stock = bidirectional ? [stockOf(false), stockOf(true)] : [stockOf(false)];
  const glossa: RecurrentLayer = cell === 'gru' ? new GlossaGRU({ units, bidirectional }) : new GlossaLSTM({ units, bidirectional });
  const probe = randomNormal([1, 2, dim]) as Tensor3D;
  for (const s of stock) s.apply(probe);
  glossa.apply(probe);
  probe.dispose();
  const g = GATES[cell] * units;
  const weights = stock.flatMap((_, d) => [
    randomNormal([dim, g], 0, 0.4, 'float32', 1 + 10 * d),
    randomNormal([units, g], 0, 0.4, 'float32', 2 + 10 * d),
    randomNormal([g], 0, 0.4, 'float32', 3 + 10 * d),
  ]);
  stock.forEach((s, d) => {
    s.setWeights(weights.slice(3 * d, 3 * d + 3));
  });
  glossa.setWeights(weights);
  for (const w of weights) w.dispose();
  return { stock, glossa };
}


function stockApply(stock: RNN[], x: Tensor, mask: Tensor2D): Tensor {
  const outs = stock.map((s) => s.apply(x, { mask }) as Tensor);
  return outs.length === 1 ? outs[0]! : concat(outs, 1);
}

describe.each([
  ['GlossaGRU', 'gru', false],
  ['GlossaGRU, bidirectional', 'gru', true],
  ['GlossaLSTM, bidirectional', 'lstm', true],
] as const)('%s', (_name, cell, bidirectional) => {
  for (const [maskName, pattern] of Object.entries(STEP_MASKS)) {
    for (const fusedOn of [true, false]) {
      it(`gives the stock layers' outputs with a ${maskName} mask (${fusedOn ? 'fused' : 'tfjs ops'})`, () => {
        setFusedLstm(fusedOn);
        const { stock, glossa } = pair(cell, 6, 4, bidirectional);
        tidy(() => {
          const { x, mask } = maskedInputs(6, pattern);
          const a = stockApply(stock, x, mask);
          const b = glossa.apply(x, { mask }) as Tensor;
          expect(b.shape).toEqual([pattern.length, bidirectional ? 8 : 4]);
          expect(maxDiff(a.dataSync(), b.dataSync())).toBeLessThan(1e-5);
        });
        setFusedLstm(true);
      });

      it(`matches the stock layers' gradients (inputs and every weight) to 1e-4 with a ${maskName} mask (${fusedOn ? 'fused' : 'tfjs ops'})`, () => {
        setFusedLstm(fusedOn);
        const { stock, glossa } = pair(cell, 6, 4, bidirectional);
        const before = memory().numTensors;
        tidy(() => {
          const { x, mask } = maskedInputs(6, pattern);
          const xVar = variable(x);
          const upstream = randomNormal([pattern.length, bidirectional ? 8 : 4], 0, 1, 'float32', 5);
          const gradsOf = (vars: Variable[], f: () => Tensor): Tensor[] => {
            const { grads } = variableGrads(() => sum(mul(f(), upstream)) as Scalar, vars);
            return vars.map((v) => grads[v.name]!);
          };
          const g1 = gradsOf([xVar, ...stock.flatMap((s) => s.trainableWeights.map((w) => w.read() as Variable))], () => stockApply(stock, xVar, mask));
          setTrainingPhase(true);
          const g2 = gradsOf([xVar, ...glossa.trainableWeights.map((w) => w.read() as Variable)], () => glossa.apply(xVar, { mask }) as Tensor);
          setTrainingPhase(false);
          expect(g1).toHaveLength(bidirectional ? 7 : 4);
          g1.forEach((g, i) => {
            expect(maxDiff(g.dataSync(), g2[i]!.dataSync())).toBeLessThan(1e-4);
          });
          xVar.dispose();
        });
        expect(memory().numTensors).toBe(before);
        for (const s of stock) s.dispose();
        glossa.dispose();
        setFusedLstm(true);
      });
    }
  }
});
