import {
  type Scalar,
  type Tensor,
  type Tensor3D,
  type Variable,
  memory,
  mul,
  randomNormal,
  sum,
  tensor,
  tensor2d,
  tensor3d,
  tidy,
  variable,
  variableGrads,
} from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { GlossaTransformer } from './transformer.js';

const D = 4;
const T = 3;

/** A transformer (2 heads, feed-forward 5, 4 positions) with random weights of moderate size. */
function layer(): GlossaTransformer {
  const t = new GlossaTransformer({ heads: 2, ffUnits: 5, maxPositions: 4 });
  const probe = randomNormal([1, 2, D]) as Tensor3D;
  t.apply(probe);
  probe.dispose();
  t.setWeights(t.weights.map((w, i) => randomNormal(w.shape as number[], 0, 0.5, 'float32', 100 + i)));
  return t;
}

const maskRows = [
  [1, 1, 1],
  [1, 1, 0],
  [1, 0, 0],
];

/** `sum(layer(x) · upstream)` (float32; the finite differences use a wide step). */
function lossOf(t: GlossaTransformer, x: Tensor, upstream: Tensor): number {
  return tidy(() => (sum(mul(t.apply(x, { mask: tensor2d(maskRows, undefined, 'bool') }) as Tensor, upstream)) as Scalar).dataSync()[0]!);
}

describe('GlossaTransformer', () => {
  it('has the gradient of its finite differences, for the input and every weight', () => {
    const t = layer();
    const before = memory().numTensors;
    const init = randomNormal([3, T, D], 0, 1, 'float32', 7);
    const x = variable(init);
    init.dispose();
    const upstream = randomNormal([3, D], 0, 1, 'float32', 8);
    const vars = [x, ...t.trainableWeights.map((w) => w.read() as Variable)];
    const mask = tensor2d(maskRows, undefined, 'bool');
    const { grads, value } = variableGrads(() => sum(mul(t.apply(x, { mask }) as Tensor, upstream)) as Scalar, vars);
    value.dispose();
    mask.dispose();
    // Small enough that no ReLU of the feed-forward network changes side within ±eps (at 1e-2 one does).
    const eps = 3e-3;
    let checked = 0;
    for (const v of vars) {
      const analytic = grads[v.name]!.dataSync();
      const values = v.dataSync().slice() as Float32Array;
      // A few coordinates of each tensor, spread over it.
      for (let i = 0; i < values.length; i += Math.max(1, Math.floor(values.length / 5))) {
        const shifted = (delta: number): number => {
          const copy = values.slice();
          copy[i] = values[i]! + delta;
          setValues(v, copy);
          return lossOf(t, x, upstream);
        };
        const numeric = (shifted(eps) - shifted(-eps)) / (2 * eps);
        setValues(v, values);
        expect(Math.abs(numeric - analytic[i]!)).toBeLessThan(2e-3 + 2e-2 * Math.abs(numeric));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(60);
    // Padded positions get no gradient: row 2 reads only its first token.
    const dx = grads[x.name]!.arraySync() as number[][][];
    expect(dx[2]![1]!.every((g) => g === 0) && dx[2]![2]!.every((g) => g === 0)).toBe(true);
    for (const g of Object.values(grads)) g.dispose();
    x.dispose();
    upstream.dispose();
    expect(memory().numTensors).toBe(before);
    t.dispose();
  });

  it('gives a text the same output alone as padded in a batch (padding is masked out of attention and the mean)', () => {
    const t = layer();
    tidy(() => {
      const row = randomNormal([1, 2, D], 0, 1, 'float32', 3).dataSync();
      const padded = new Float32Array(4 * D);
      padded.set(row);
      padded.fill(9, 2 * D); // garbage in the padding: must not matter
      const alone = t.apply(tensor3d(row, [1, 2, D])) as Tensor;
      const batched = t.apply(tensor3d(padded, [1, 4, D]), { mask: tensor2d([[1, 1, 0, 0]], undefined, 'bool') }) as Tensor;
      const a = alone.dataSync();
      const b = batched.dataSync();
      for (let i = 0; i < D; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-5);
    });
    t.dispose();
  });

  it('refuses a sequence longer than its positions', () => {
    const t = layer();
    const x = randomNormal([1, 5, D]);
    expect(() => t.apply(x)).toThrow(/5 tokens is longer than the 4 positions/);
    x.dispose();
    t.dispose();
  });
});

function setValues(v: Variable, values: Float32Array): void {
  const t = tensor(values, v.shape);
  v.assign(t);
  t.dispose();
}
