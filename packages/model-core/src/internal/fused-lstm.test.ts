import {
  type Scalar,
  type Tensor,
  type Tensor3D,
  type Variable,
  memory,
  mul,
  randomNormal,
  stack,
  sum,
  tensor2d,
  tidy,
  unstack,
  variable,
  variableGrads,
} from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { STEP_MASKS, maskedInputs, maxDiff } from '../../test/recurrent-fixtures.js';
import { setFusedLstm, setWasmKernels } from '../flags.js';
import { GlossaLSTM } from './fused-lstm.js';

/** A stock tfjs-layers LSTM and a GlossaLSTM with the same random weights (`padTo`: the GlossaLSTM's). */
function pair(dim: number, units: number, padTo?: number) {
  const stock = layers.lstm({ units, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' });
  const fused = new GlossaLSTM({ units, ...(padTo === undefined ? {} : { padTo }) });
  const probe = randomNormal([1, 2, dim]) as Tensor3D;
  stock.apply(probe);
  const probeMask = tensor2d([[0, 1]], undefined, 'bool'); // padTo: a leading pad step
  fused.apply(probe, padTo === undefined ? {} : { mask: probeMask });
  probe.dispose();
  probeMask.dispose();
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
            const { grads: g } = variableGrads(() => sum(mul(layer.apply(xVar, { mask, training: true }) as Tensor, upstream)) as Scalar, vars);
            return vars.map((v) => g[v.name]!);
          };
          const g1 = gradsOf(stock);
          const g2 = gradsOf(fused);
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

describe('GlossaLSTM with padTo (initialState padded)', () => {
  // Rows of 4, 2, 0 and 6 real tokens after Glossa's one leading pad step, padTo 6: the stock LSTM reads each
  // row pre-padded with the pad vector to 6 steps, unmasked (the 6-token row: no pad step, the zero state).
  const lengths = [4, 2, 0, 6];
  const padTo = 6;
  const time = 7;
  const dim = 5;
  const units = 4;
  /** Glossa's input ([pad, tokens…, pad…], masked but for the tokens) and the stock one ([pad × (padTo − len), tokens…]). */
  const inputs = (pad: Tensor, tokens: Tensor) => {
    const rows = unstack(tokens as Tensor3D).map((r) => unstack(r));
    const glossa = stack(lengths.map((len, b) => stack(Array.from({ length: time }, (_, t) => (t >= 1 && t <= len ? rows[b]![t - 1]! : pad)))));
    const stockX = stack(lengths.map((len, b) => stack(Array.from({ length: padTo }, (_, t) => (t < padTo - len ? pad : rows[b]![t - (padTo - len)]!)))));
    const mask = tensor2d(
      lengths.map((len) => Array.from({ length: time }, (_, t) => (t >= 1 && t <= len ? 1 : 0))),
      undefined,
      'bool',
    );
    return { glossa: glossa as Tensor3D, stockX: stockX as Tensor3D, mask };
  };

  for (const path of ['wasm', 'js', 'tfjs ops'] as const) {
    it(`gives an unmasked stock LSTM's outputs and gradients (pad vector, tokens, all three weights) over pre-padded rows (${path})`, () => {
      setWasmKernels(path === 'wasm');
      setFusedLstm(path !== 'tfjs ops');
      const { stock, fused } = pair(dim, units, padTo);
      const before = memory().numTensors;
      tidy(() => {
        const pad = variable(randomNormal([dim], 0, 1, 'float32', 21));
        const tokens = variable(randomNormal([lengths.length, padTo, dim], 0, 1, 'float32', 22));
        const upstream = randomNormal([lengths.length, units], 0, 1, 'float32', 23);
        const run = (useStock: boolean) => {
          const layer = useStock ? stock : fused;
          const vars = [pad, tokens, ...layer.trainableWeights.map((w) => w.read() as Variable)];
          let out: Float32Array | undefined;
          const { grads } = variableGrads(() => {
            const { glossa, stockX, mask } = inputs(pad, tokens);
            const y = useStock ? (stock.apply(stockX) as Tensor) : (fused.apply(glossa, { mask, training: true }) as Tensor);
            out = y.dataSync() as Float32Array;
            return sum(mul(y, upstream)) as Scalar;
          }, vars);
          return { out: out!, grads: vars.map((v) => grads[v.name]!.dataSync()) };
        };
        const a = run(true);
        const b = run(false);
        expect(maxDiff(a.out, b.out)).toBeLessThan(1e-5);
        expect(a.grads).toHaveLength(5);
        a.grads.forEach((g, i) => {
          expect(maxDiff(g, b.grads[i]!)).toBeLessThan(1e-4);
        });
        // Inference (no trace) gives the same outputs.
        const { glossa, mask } = inputs(pad, tokens);
        expect(maxDiff((fused.apply(glossa, { mask }) as Tensor).dataSync(), a.out)).toBeLessThan(1e-5);
        pad.dispose();
        tokens.dispose();
      });
      expect(memory().numTensors).toBe(before);
      stock.dispose();
      fused.dispose();
      setWasmKernels(true);
      setFusedLstm(true);
    });
  }

  it('needs a leading pad step in every row, and refuses bidirectional or learned-state layers', () => {
    expect(() => new GlossaLSTM({ units: 4, padTo: 5, bidirectional: true })).toThrow(/one direction/);
    expect(() => new GlossaLSTM({ units: 4, padTo: 5, learnedInitialState: true })).toThrow(/one direction/);
    expect(new GlossaLSTM({ units: 4, padTo: 5 }).getConfig().padTo).toBe(5);
    expect(new GlossaLSTM({ units: 4 }).getConfig().padTo).toBeUndefined();
    const layer = new GlossaLSTM({ units: 4, padTo: 5 });
    tidy(() => {
      const x = randomNormal([2, 3, 2]) as Tensor3D;
      expect(() =>
        layer.apply(x, {
          mask: tensor2d(
            [
              [0, 1, 1],
              [1, 1, 0],
            ],
            undefined,
            'bool',
          ),
        }),
      ).toThrow(/start with a pad step/);
      expect(() => layer.apply(x)).toThrow(/needs the input's mask/);
    });
    layer.dispose();
  });
});
