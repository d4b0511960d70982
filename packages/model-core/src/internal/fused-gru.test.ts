import {
  type Scalar,
  type Tensor,
  type Tensor2D,
  type Tensor3D,
  type Variable,
  concat,
  memory,
  mul,
  randomNormal,
  reshape,
  slice,
  stack,
  sum,
  tensor2d,
  tidy,
  tile,
  variable,
  variableGrads,
} from '@tensorflow/tfjs-core';
import { type RNN, layers } from '@tensorflow/tfjs-layers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STEP_MASKS, maskedInputs, maxDiff } from '../../test/recurrent-fixtures.js';
import { GlossaGRU } from './fused-gru.js';
import { setFusedLstm, setWasmKernels } from '../flags.js';
import { GlossaLSTM } from './fused-lstm.js';
import type { RecurrentLayer } from './recurrent.js';

type Cell = 'gru' | 'lstm';
const GATES: Record<Cell, number> = { gru: 3, lstm: 4 };

/**
 * Stock tfjs-layers layers (one per direction; the backward one with `goBackwards`) and a Glossa layer with
 * the same random weights; with `learned`, a random initial state per direction (the stock layers get it as
 * their `initialState`, repeated for every row).
 */
function pair(cell: Cell, dim: number, units: number, bidirectional: boolean, learned: boolean, padTo?: number) {
  const stockOf = (goBackwards: boolean): RNN =>
    cell === 'gru'
      ? (layers.gru({ units, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform', goBackwards }) as RNN)
      : (layers.lstm({ units, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform', goBackwards }) as RNN);
  const stock = bidirectional ? [stockOf(false), stockOf(true)] : [stockOf(false)];
  const args = { units, bidirectional, learnedInitialState: learned, ...(padTo === undefined ? {} : { padTo }) };
  const glossa: RecurrentLayer = cell === 'gru' ? new GlossaGRU(args) : new GlossaLSTM(args);
  const probe = randomNormal([1, 2, dim]) as Tensor3D;
  for (const s of stock) s.apply(probe);
  tidy(() => {
    glossa.apply(probe, padTo === undefined ? {} : { mask: tensor2d([[0, 1]], undefined, 'bool') }); // padTo: a leading pad step
  });
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
  const stateVectors = cell === 'lstm' ? 2 : 1;
  const initial: Variable[][] = stock.map((_, d) =>
    learned ? Array.from({ length: stateVectors }, (_, v) => variable(randomNormal([units], 0, 0.5, 'float32', 40 + 10 * d + v))) : [],
  );
  glossa.setWeights(stock.flatMap((_, d) => [...weights.slice(3 * d, 3 * d + 3), ...initial[d]!]));
  for (const w of weights) w.dispose();
  return { stock, glossa, initial };
}

function stockApply(stock: RNN[], initial: Variable[][], x: Tensor, mask: Tensor2D): Tensor {
  const rows = x.shape[0]!;
  const outs = stock.map((s, d) => {
    const init = initial[d]!;
    if (init.length === 0) return s.apply(x, { mask }) as Tensor;
    return s.apply(x, { mask, initialState: init.map((v) => tile(reshape(v, [1, -1]), [rows, 1])) }) as Tensor;
  });
  return outs.length === 1 ? outs[0]! : concat(outs, 1);
}

describe.each([
  ['GlossaGRU', 'gru', false, false, true],
  ['GlossaGRU, bidirectional', 'gru', true, false, true],
  ['GlossaGRU, learned initial state (WebAssembly recurrence)', 'gru', false, true, true],
  ['GlossaGRU, learned initial state (JavaScript recurrence)', 'gru', false, true, false],
  ['GlossaLSTM, bidirectional', 'lstm', true, false, true],
  ['GlossaLSTM, learned initial state (WebAssembly recurrence)', 'lstm', false, true, true],
  ['GlossaLSTM, learned initial state (JavaScript recurrence)', 'lstm', false, true, false],
  ['GlossaGRU, bidirectional, learned initial state', 'gru', true, true, true],
  ['GlossaLSTM, bidirectional, learned initial state', 'lstm', true, true, true],
] as const)('%s', (_name, cell, bidirectional, learned, wasm) => {
  beforeEach(() => setWasmKernels(wasm));
  afterEach(() => setWasmKernels(true));
  for (const [maskName, pattern] of Object.entries(STEP_MASKS)) {
    for (const fusedOn of [true, false]) {
      it(`gives the stock layers' outputs with a ${maskName} mask (${fusedOn ? 'fused' : 'tfjs ops'})`, () => {
        setFusedLstm(fusedOn);
        const { stock, glossa, initial } = pair(cell, 6, 4, bidirectional, learned);
        tidy(() => {
          const { x, mask } = maskedInputs(6, pattern);
          const a = stockApply(stock, initial, x, mask);
          const b = glossa.apply(x, { mask }) as Tensor;
          expect(b.shape).toEqual([pattern.length, bidirectional ? 8 : 4]);
          expect(maxDiff(a.dataSync(), b.dataSync())).toBeLessThan(1e-5);
        });
        setFusedLstm(true);
      });

      it(`matches the stock layers' gradients (inputs and every weight) to 1e-4 with a ${maskName} mask (${fusedOn ? 'fused' : 'tfjs ops'})`, () => {
        setFusedLstm(fusedOn);
        const { stock, glossa, initial } = pair(cell, 6, 4, bidirectional, learned);
        const before = memory().numTensors;
        tidy(() => {
          const { x, mask } = maskedInputs(6, pattern);
          const xVar = variable(x);
          const upstream = randomNormal([pattern.length, bidirectional ? 8 : 4], 0, 1, 'float32', 5);
          const gradsOf = (vars: Variable[], f: () => Tensor): Tensor[] => {
            const { grads } = variableGrads(() => sum(mul(f(), upstream)) as Scalar, vars);
            return vars.map((v) => grads[v.name]!);
          };
          const stockVars = stock.flatMap((s, d) => [...s.trainableWeights.map((w) => w.read() as Variable), ...initial[d]!]);
          const g1 = gradsOf([xVar, ...stockVars], () => stockApply(stock, initial, xVar, mask));
          const g2 = gradsOf([xVar, ...glossa.trainableWeights.map((w) => w.read() as Variable)], () => glossa.apply(xVar, { mask, training: true }) as Tensor);
          const perDirection = 3 + (learned ? (cell === 'lstm' ? 2 : 1) : 0);
          expect(g1).toHaveLength(1 + perDirection * (bidirectional ? 2 : 1));
          g1.forEach((g, i) => {
            expect(maxDiff(g.dataSync(), g2[i]!.dataSync())).toBeLessThan(1e-4);
          });
          xVar.dispose();
        });
        expect(memory().numTensors).toBe(before);
        for (const s of stock) s.dispose();
        for (const v of initial.flat()) v.dispose();
        glossa.dispose();
        setFusedLstm(true);
      });
    }
  }
});

describe('GlossaGRU with padTo (initialState padded)', () => {
  // Glossa's rows: one leading pad step, then 4, 2, 0 and 6 real tokens, then masked padding (8 steps in all).
  // The stock GRU reads the same tokens after padTo − length copies of the pad vector, unmasked (padTo 6).
  const lengths = [4, 2, 0, 6];
  const padTo = 6;
  const time = 8;
  const dim = 5;
  const steps = (pad: Tensor, tokens: Tensor, b: number, from: number, count: number): Tensor[] =>
    Array.from({ length: count }, (_, t) => (t >= from && t < from + lengths[b]! ? reshape(slice(tokens, [b, t - from, 0], [1, 1, dim]), [dim]) : pad));
  const glossaInput = (pad: Tensor, tokens: Tensor): Tensor3D => stack(lengths.map((_, b) => stack(steps(pad, tokens, b, 1, time)))) as Tensor3D;
  const stockInput = (pad: Tensor, tokens: Tensor): Tensor3D => stack(lengths.map((len, b) => stack(steps(pad, tokens, b, padTo - len, padTo)))) as Tensor3D;
  const glossaMask = () =>
    tensor2d(
      lengths.map((len) => Array.from({ length: time }, (_, t) => (t >= 1 && t <= len ? 1 : 0))),
      undefined,
      'bool',
    );

  for (const [units, path] of [
    [4, 'wasm'],
    [4, 'js'],
    [6, 'js'],
    [4, 'tfjs ops'],
  ] as const) {
    it(`gives an unmasked stock GRU's outputs and gradients (pad vector, tokens, all three weights) over pre-padded rows (${path}, ${units} units)`, () => {
      setWasmKernels(path === 'wasm');
      setFusedLstm(path !== 'tfjs ops');
      const { stock, glossa } = pair('gru', dim, units, false, false, padTo);
      const before = memory().numTensors;
      tidy(() => {
        const pad = variable(randomNormal([dim], 0, 1, 'float32', 31));
        const tokens = variable(randomNormal([lengths.length, padTo, dim], 0, 1, 'float32', 32));
        const upstream = randomNormal([lengths.length, units], 0, 1, 'float32', 33);
        const run = (layer: 'stock' | 'glossa') => {
          const weights = (layer === 'stock' ? stock[0]! : glossa).trainableWeights.map((w) => w.read() as Variable);
          const vars = [pad, tokens, ...weights];
          let out: Float32Array | undefined;
          const { grads } = variableGrads(() => {
            const y =
              layer === 'stock'
                ? (stock[0]!.apply(stockInput(pad, tokens)) as Tensor)
                : (glossa.apply(glossaInput(pad, tokens), { mask: glossaMask(), training: true }) as Tensor);
            out = y.dataSync() as Float32Array;
            return sum(mul(y, upstream)) as Scalar;
          }, vars);
          return { out: out!, grads: vars.map((v) => grads[v.name]!.dataSync()) };
        };
        const expected = run('stock');
        const got = run('glossa');
        expect(maxDiff(got.out, expected.out)).toBeLessThan(1e-5);
        expect(got.grads).toHaveLength(5);
        expected.grads.forEach((g, i) => {
          expect(maxDiff(got.grads[i]!, g), `gradient ${i}`).toBeLessThan(1e-4);
        });
        // Prediction (no trace) starts from the same states.
        expect(maxDiff((glossa.apply(glossaInput(pad, tokens), { mask: glossaMask() }) as Tensor).dataSync(), expected.out)).toBeLessThan(1e-5);
        pad.dispose();
        tokens.dispose();
      });
      expect(memory().numTensors).toBe(before);
      stock[0]!.dispose();
      glossa.dispose();
      setWasmKernels(true);
      setFusedLstm(true);
    });
  }

  it('is one direction without a learned state, and saves padTo in its config', () => {
    expect(() => new GlossaGRU({ units: 4, padTo: 5, bidirectional: true })).toThrow(/one direction/);
    expect(() => new GlossaGRU({ units: 4, padTo: 5, learnedInitialState: true })).toThrow(/one direction/);
    expect(new GlossaGRU({ units: 4, padTo: 5 }).getConfig().padTo).toBe(5);
    expect(new GlossaGRU({ units: 4 }).getConfig().padTo).toBeUndefined();
  });
});
