import { assertBinaryScores } from './internal/validate.js';
import { MathError } from './math-error.js';

/**
 * Area under the ROC curve for binary labels, computed exactly from ranks: tied scores get their average
 * rank, so the result equals the Mann–Whitney U statistic divided by n₁·n₀ (the probability that a random
 * positive scores above a random negative, ties counting one half) and matches sklearn `roc_auc_score`.
 *
 * @param yTrue - labels, each 0 or 1, with both classes present.
 * @param scores - a score per item (higher means more likely class 1), same length; no NaN.
 * @returns the AUC in [0, 1].
 * @throws {@link MathError} `SHAPE_MISMATCH` when lengths differ; `EMPTY_INPUT` when empty;
 * `INVALID_ARGUMENT` when a label is not 0/1, a score is NaN, or only one class is present.
 * @example
 * ```ts
 * import { rocAuc } from '@glossa/math';
 *
 * rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 * ```
 */
export function rocAuc(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  const where = 'rocAuc';
  const positives = assertBinaryScores(where, yTrue, scores);
  const n = yTrue.length;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw new MathError(
      'INVALID_ARGUMENT',
      `${where}: only one class is present in yTrue (${positives} positives, ${negatives} negatives); ROC AUC is undefined. ` +
        'Pass labels containing both 0 and 1.',
    );
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    const sa = scores[a]!;
    const sb = scores[b]!;
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  });
  let positiveRankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && scores[order[end]!] === scores[order[start]!]) end++;
    const averageRank = (start + 1 + end) / 2; // ranks are 1-based: start+1 .. end
    for (let j = start; j < end; j++) if (yTrue[order[j]!] === 1) positiveRankSum += averageRank;
    start = end;
  }
  const u = positiveRankSum - (positives * (positives + 1)) / 2;
  return u / (positives * negatives);
}
