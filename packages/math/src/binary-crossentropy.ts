import type { CrossentropyOptions } from './crossentropy-options.js';
import type { FloatArrayOf } from './float-array.js';
import { allocLike } from './internal/float-array.js';
import { clip, clipMask, resolveCrossentropyOptions } from './internal/loss-options.js';
import { assertNonEmpty, assertSameLength } from './internal/validate.js';

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * Binary crossentropy, averaged over all elements (Keras `binaryCrossentropy`):
 * `−mean(y·log p + (1 − y)·log(1 − p))`.
 *
 * - Probabilities (default): `p = clip(yPred, ε, 1 − ε)` with ε = 1e-7, as Keras does.
 * - `fromLogits: true`: `yPred` holds logits z and the loss is computed without clipping in the stable form
 *   `max(z, 0) − z·y + log(1 + exp(−|z|))` (TensorFlow's `sigmoid_cross_entropy_with_logits`).
 *
 * @param yTrue - targets in [0, 1] (usually 0 or 1).
 * @param yPred - probabilities, or logits with `fromLogits`; same length as `yTrue`.
 * @param options - see {@link CrossentropyOptions}.
 * @returns the mean loss (≥ 0 for targets in [0, 1]).
 * @throws {@link MathError} `SHAPE_MISMATCH` when lengths differ; `EMPTY_INPUT` when empty;
 * `INVALID_ARGUMENT` for an epsilon outside [0, 0.5).
 * @example
 * ```ts
 * import { binaryCrossentropy } from '@glossa/math';
 *
 * binaryCrossentropy([1, 0], [0.9, 0.2]); // (−log 0.9 − log 0.8) / 2 ≈ 0.1643
 * binaryCrossentropy([1, 0], [2.2, -1.4], { fromLogits: true });
 * ```
 */
export function binaryCrossentropy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options?: CrossentropyOptions): number {
  const where = 'binaryCrossentropy';
  const { fromLogits, epsilon } = resolveCrossentropyOptions(where, options);
  assertSameLength(where, 'yTrue', yTrue, 'yPred', yPred);
  assertNonEmpty(where, 'yPred', yPred);
  let sum = 0;
  for (let i = 0; i < yPred.length; i++) {
    const y = yTrue[i]!;
    if (fromLogits) {
      const z = yPred[i]!;
      sum += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
    } else {
      const p = clip(yPred[i]!, epsilon);
      sum -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
    }
  }
  return sum / yPred.length;
}

/**
 * Gradient of {@link binaryCrossentropy} (mean over N elements):
 *
 * - Probabilities (default): with respect to the predicted probabilities,
 *   `(−y/p + (1 − y)/(1 − p)) / N` where p is inside the clip range and 0 where it was clipped (the clip
 *   blocks the gradient, as in TensorFlow).
 * - `fromLogits: true`: with respect to the logits, `(sigmoid(z) − y) / N`.
 *
 * @typeParam T - the input array type; it selects the output type (see {@link FloatArrayOf}).
 * @param yTrue - targets in [0, 1].
 * @param yPred - probabilities, or logits with `fromLogits`; same length as `yTrue`.
 * @param options - see {@link CrossentropyOptions}.
 * @returns d loss / d yPred (`Float32Array` when `yPred` is a `Float32Array`, else `Float64Array`).
 * @throws {@link MathError} `SHAPE_MISMATCH` when lengths differ; `EMPTY_INPUT` when empty;
 * `INVALID_ARGUMENT` for an epsilon outside [0, 0.5).
 * @example
 * ```ts
 * import { binaryCrossentropyGradient } from '@glossa/math';
 *
 * binaryCrossentropyGradient([1], [0], { fromLogits: true }); // Float64Array [-0.5]
 * ```
 */
export function binaryCrossentropyGradient<T extends ArrayLike<number>>(yTrue: ArrayLike<number>, yPred: T, options?: CrossentropyOptions): FloatArrayOf<T> {
  const where = 'binaryCrossentropyGradient';
  const { fromLogits, epsilon } = resolveCrossentropyOptions(where, options);
  assertSameLength(where, 'yTrue', yTrue, 'yPred', yPred);
  assertNonEmpty(where, 'yPred', yPred);
  const n = yPred.length;
  const out = allocLike(yPred, n);
  for (let i = 0; i < n; i++) {
    const y = yTrue[i]!;
    if (fromLogits) {
      out[i] = (sigmoid(yPred[i]!) - y) / n;
    } else {
      const raw = yPred[i]!;
      const p = clip(raw, epsilon);
      out[i] = clipMask(raw, epsilon) === 1 ? (-y / p + (1 - y) / (1 - p)) / n : 0;
    }
  }
  return out as FloatArrayOf<T>;
}
