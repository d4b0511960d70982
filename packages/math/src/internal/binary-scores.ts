import { assertBinaryScores } from './validate.js';

/**
 * Cumulative counts at each distinct score, highest score first: `tps[i]` / `fps[i]` are the positives /
 * negatives scoring at least `thresholds[i]` (sklearn's `_binary_clf_curve`). Validates binary labels and
 * scores that are not NaN.
 */
export interface BinaryCounts {
  thresholds: number[];
  tps: number[];
  fps: number[];
  positives: number;
  negatives: number;
}

/** The counts behind the ROC and precision-recall curves; see {@link BinaryCounts}. */
export function binaryCounts(where: string, yTrue: ArrayLike<number>, scores: ArrayLike<number>): BinaryCounts {
  assertBinaryScores(where, yTrue, scores);
  const n = yTrue.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || 0);
  const thresholds: number[] = [];
  const tps: number[] = [];
  const fps: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let j = 0; j < n; j++) {
    const i = order[j]!;
    if (yTrue[i] === 1) tp++;
    else fp++;
    const next = order[j + 1];
    if (next === undefined || scores[next] !== scores[i]) {
      thresholds.push(scores[i]!);
      tps.push(tp);
      fps.push(fp);
    }
  }
  return { thresholds, tps, fps, positives: tp, negatives: fp };
}
