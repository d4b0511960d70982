import { assertInteger, assertNonEmpty, assertSameLength } from './internal/validate.js';
import { MathError } from './math-error.js';

/**
 * One bin of a reliability diagram.
 *
 * @example
 * ```ts
 * import type { CalibrationBin } from '@glossa/math';
 *
 * const bin: CalibrationBin = { lower: 0.9, upper: 1, count: 120, meanPredicted: 0.95, fractionPositive: 0.93 };
 * ```
 */
export interface CalibrationBin {
  /** Lower edge (exclusive, except 0 for the first bin). */
  lower: number;
  /** Upper edge (inclusive). */
  upper: number;
  /** Items whose predicted probability falls in the bin. */
  count: number;
  /** Mean predicted probability of those items (NaN when the bin is empty). */
  meanPredicted: number;
  /** Fraction of those items whose outcome is 1 (NaN when the bin is empty). */
  fractionPositive: number;
}

/**
 * A reliability diagram and its summary errors; see {@link calibrationCurve}.
 *
 * @example
 * ```ts
 * import type { CalibrationCurve } from '@glossa/math';
 *
 * const curve: CalibrationCurve = { bins: [], expectedCalibrationError: 0.02, maximumCalibrationError: 0.08 };
 * ```
 */
export interface CalibrationCurve {
  /** Every bin in order, empty ones included (count 0). */
  bins: CalibrationBin[];
  /** ECE: `Σ_b (n_b / n)·|fractionPositive_b − meanPredicted_b|` over non-empty bins. */
  expectedCalibrationError: number;
  /** MCE: the largest `|fractionPositive_b − meanPredicted_b|` over non-empty bins. */
  maximumCalibrationError: number;
}

/**
 * Calibration of predicted probabilities against 0/1 outcomes in equal-width bins of [0, 1], as sklearn
 * `calibration_curve(strategy='uniform')`: bin b holds the probabilities in `(b/k, (b+1)/k]` (the first
 * bin also holds 0). For a reliability diagram of a multi-class classifier pass, per item, the probability
 * of its predicted label and whether that label was right.
 *
 * @param outcomes - n outcomes, each 0 or 1.
 * @param probabilities - n predicted probabilities of outcome 1, each in [0, 1].
 * @param numBins - number of equal-width bins k (default 10), an integer ≥ 1.
 * @returns the bins, the expected and the maximum calibration error.
 * @throws {@link MathError} `SHAPE_MISMATCH` when lengths differ; `EMPTY_INPUT` when empty;
 * `INVALID_ARGUMENT` for an outcome that is not 0/1, a probability outside [0, 1] or a bad `numBins`.
 * @example
 * ```ts
 * import { calibrationCurve } from '@glossa/math';
 *
 * const { bins } = calibrationCurve([0, 0, 0, 0, 1, 1, 1, 1, 1], [0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1], 3);
 * bins.map((b) => b.fractionPositive); // [0, 0.5, 1] (sklearn docs example)
 * bins.map((b) => b.meanPredicted); // [0.2, 0.525, 0.85]
 * ```
 */
export function calibrationCurve(outcomes: ArrayLike<number>, probabilities: ArrayLike<number>, numBins = 10): CalibrationCurve {
  const where = 'calibrationCurve';
  assertSameLength(where, 'outcomes', outcomes, 'probabilities', probabilities);
  assertNonEmpty(where, 'outcomes', outcomes);
  assertInteger(where, 'numBins', numBins, 1);
  const counts = new Float64Array(numBins);
  const sums = new Float64Array(numBins);
  const hits = new Float64Array(numBins);
  for (let i = 0; i < outcomes.length; i++) {
    const y = outcomes[i];
    const p = probabilities[i]!;
    if (y !== 0 && y !== 1) {
      throw new MathError('INVALID_ARGUMENT', `${where}: outcomes[${i}] is ${String(y)}, not 0 or 1. Pass binary outcomes.`);
    }
    if (!(p >= 0 && p <= 1)) {
      throw new MathError('INVALID_ARGUMENT', `${where}: probabilities[${i}] is ${String(p)}, not in [0, 1]. Pass probabilities.`);
    }
    const b = binOf(p, numBins);
    counts[b]!++;
    sums[b]! += p;
    hits[b]! += y;
  }
  const n = outcomes.length;
  let ece = 0;
  let mce = 0;
  const bins: CalibrationBin[] = [];
  for (let b = 0; b < numBins; b++) {
    const count = counts[b]!;
    const meanPredicted = count > 0 ? sums[b]! / count : Number.NaN;
    const fractionPositive = count > 0 ? hits[b]! / count : Number.NaN;
    if (count > 0) {
      const gap = Math.abs(fractionPositive - meanPredicted);
      ece += (count / n) * gap;
      mce = Math.max(mce, gap);
    }
    bins.push({ lower: b / numBins, upper: (b + 1) / numBins, count, meanPredicted, fractionPositive });
  }
  return { bins, expectedCalibrationError: ece, maximumCalibrationError: mce };
}

/** The bin of `p`: `(b/k, (b+1)/k]`, 0 in the first; an edge that rounds above `p` is checked exactly. */
function binOf(p: number, k: number): number {
  let b = Math.ceil(p * k) - 1;
  if (b < 0) b = 0;
  if (b > k - 1) b = k - 1;
  // p·k can round across an edge: keep p ≤ upper edge and p > lower edge by the same division the bins report.
  while (b > 0 && p <= b / k) b--;
  while (b < k - 1 && p > (b + 1) / k) b++;
  return b;
}
