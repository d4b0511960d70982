import type { Prediction } from './types.js';

/**
 * Row-major probabilities → predictions: for each text, the most probable label (the first of equal
 * ones) and every label's score. The one implementation behind `predict` in model-core, node-runtime's
 * prediction pool and `@glossa/server`'s `/v1/predict`.
 *
 * @param labels - The model's labels, in column order.
 * @param probs - `count × labels.length` probabilities, one row per text (as `predictProbabilities` returns).
 * @param count - How many rows to read. Default: every whole row of `probs`.
 * @returns One {@link Prediction} per row.
 * @example
 * ```ts
 * toPredictions(['neg', 'pos'], Float32Array.of(0.25, 0.75, 0.5, 0.5));
 * // [{ label: 'pos', scores: { neg: 0.25, pos: 0.75 } }, { label: 'neg', scores: { neg: 0.5, pos: 0.5 } }]
 * ```
 */
export function toPredictions(labels: readonly string[], probs: Float32Array, count: number = Math.floor(probs.length / labels.length)): Prediction[] {
  const k = labels.length;
  const out: Prediction[] = [];
  for (let i = 0; i < count; i++) {
    const scores: Record<string, number> = {};
    let best = 0;
    for (let j = 0; j < k; j++) {
      scores[labels[j]!] = probs[i * k + j]!;
      if (probs[i * k + j]! > probs[i * k + best]!) best = j;
    }
    out.push({ label: labels[best]!, scores });
  }
  return out;
}
