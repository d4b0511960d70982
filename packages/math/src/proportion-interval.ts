import { assertInRange } from './internal/validate.js';
import { MathError } from './math-error.js';
import { normalQuantile, normalTwoSidedPValue } from './normal-distribution.js';

/**
 * A proportion with its confidence interval.
 *
 * @example
 * ```ts
 * import type { ProportionInterval } from '@glossa/math';
 *
 * const share: ProportionInterval = { estimate: 0.7, lower: 0.3968, upper: 0.8922 };
 * ```
 */
export interface ProportionInterval {
  /** successes / trials (NaN for 0 trials). */
  estimate: number;
  /** Lower bound (0 for 0 trials). */
  lower: number;
  /** Upper bound (1 for 0 trials). */
  upper: number;
}

function checkCounts(where: string, successes: number, trials: number, suffix = ''): void {
  if (!Number.isFinite(trials) || trials < 0 || !Number.isFinite(successes) || successes < 0 || successes > trials) {
    throw new MathError(
      'INVALID_ARGUMENT',
      `${where}: successes${suffix} (${successes}) and trials${suffix} (${trials}) must be finite with 0 ≤ successes ≤ trials. Pass counts.`,
    );
  }
}

/**
 * The Wilson score interval of a binomial proportion (statsmodels `proportion_confint(method='wilson')`):
 * well behaved for small samples and for proportions near 0 or 1, unlike the normal ("Wald") interval,
 * and never outside [0, 1].
 *
 * @param successes - the count with the property (may be fractional, e.g. weighted).
 * @param trials - the total count.
 * @param confidence - the confidence level (default 0.95), in (0, 1).
 * @returns the estimate and the interval; for 0 trials, NaN and [0, 1].
 * @throws {@link MathError} `INVALID_ARGUMENT` for negative counts, successes above trials, or a
 * confidence outside (0, 1).
 * @example
 * ```ts
 * import { wilsonInterval } from '@glossa/math';
 *
 * wilsonInterval(7, 10); // { estimate: 0.7, lower: 0.3968, upper: 0.8922 }
 * ```
 */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): ProportionInterval {
  const where = 'wilsonInterval';
  checkCounts(where, successes, trials);
  assertInRange(where, 'confidence', confidence, 0, 1, true, true);
  if (trials === 0) return { estimate: Number.NaN, lower: 0, upper: 1 };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  // At 0 and at n successes the bound is exactly 0 (or 1); the formula leaves a rounding error there.
  return { estimate: p, lower: successes === 0 ? 0 : Math.max(0, centre - half), upper: successes === trials ? 1 : Math.min(1, centre + half) };
}

/**
 * The change between two independent proportions and how sure it is; see {@link compareProportions}.
 *
 * @example
 * ```ts
 * import type { ProportionChange } from '@glossa/math';
 *
 * const change: ProportionChange = { difference: 0.2, lower: 0.0524, upper: 0.3339, z: 2.58, pValue: 0.0099 };
 * ```
 */
export interface ProportionChange {
  /** p₁ − p₂. */
  difference: number;
  /** Lower bound of the difference (Newcombe's hybrid score interval). */
  lower: number;
  /** Upper bound of the difference. */
  upper: number;
  /** The pooled two-proportion z statistic (0 when both proportions are 0 or both 1). */
  z: number;
  /** Its two-sided p-value. */
  pValue: number;
}

/**
 * Compares two independent proportions x₁/n₁ and x₂/n₂: the difference p₁ − p₂ with Newcombe's hybrid
 * score interval (method 10 of Newcombe 1998, built from the two Wilson intervals; good coverage for
 * small counts) and the pooled two-proportion z test.
 *
 * @param successes1 - x₁.
 * @param trials1 - n₁ (≥ 1).
 * @param successes2 - x₂.
 * @param trials2 - n₂ (≥ 1).
 * @param confidence - the confidence level of the interval (default 0.95).
 * @returns the difference, its interval, z and the two-sided p-value.
 * @throws {@link MathError} `INVALID_ARGUMENT` for negative counts, successes above trials, zero trials or
 * a confidence outside (0, 1).
 * @example
 * ```ts
 * import { compareProportions } from '@glossa/math';
 *
 * compareProportions(56, 70, 48, 80); // difference 0.2, interval [0.0524, 0.3339] (Newcombe 1998, Table II)
 * ```
 */
export function compareProportions(successes1: number, trials1: number, successes2: number, trials2: number, confidence = 0.95): ProportionChange {
  const where = 'compareProportions';
  checkCounts(where, successes1, trials1, '1');
  checkCounts(where, successes2, trials2, '2');
  if (trials1 === 0 || trials2 === 0) {
    throw new MathError('INVALID_ARGUMENT', `${where}: trials1 (${trials1}) and trials2 (${trials2}) must both be ≥ 1. A proportion of nothing has no value.`);
  }
  const a = wilsonInterval(successes1, trials1, confidence);
  const b = wilsonInterval(successes2, trials2, confidence);
  const difference = a.estimate - b.estimate;
  const lower = difference - Math.sqrt((a.estimate - a.lower) ** 2 + (b.upper - b.estimate) ** 2);
  const upper = difference + Math.sqrt((a.upper - a.estimate) ** 2 + (b.estimate - b.lower) ** 2);
  const pooled = (successes1 + successes2) / (trials1 + trials2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / trials1 + 1 / trials2));
  const z = se > 0 ? difference / se : 0;
  return { difference, lower, upper, z, pValue: normalTwoSidedPValue(z) };
}

/**
 * Benjamini–Hochberg adjusted p-values (q-values), controlling the false discovery rate when many
 * comparisons are made at once (e.g. every group's change): `q₍ᵢ₎ = min_{j ≥ i} (m / j)·p₍ⱼ₎`, capped at 1,
 * returned in the input's order (R `p.adjust(method = "BH")`).
 *
 * @param pValues - p-values, each in [0, 1].
 * @returns the adjusted p-values, same order and length.
 * @throws {@link MathError} `INVALID_ARGUMENT` for a value outside [0, 1] or NaN.
 * @example
 * ```ts
 * import { benjaminiHochberg } from '@glossa/math';
 *
 * benjaminiHochberg([0.01, 0.04, 0.03, 0.2]); // [0.04, 0.0533, 0.0533, 0.2]
 * ```
 */
export function benjaminiHochberg(pValues: ArrayLike<number>): number[] {
  const m = pValues.length;
  for (let i = 0; i < m; i++) assertInRange('benjaminiHochberg', `pValues[${i}]`, pValues[i]!, 0, 1);
  const order = Array.from({ length: m }, (_, i) => i).sort((x, y) => pValues[y]! - pValues[x]!);
  const adjusted = new Array<number>(m);
  let running = 1;
  order.forEach((index, k) => {
    const rank = m - k;
    running = Math.min(running, (m / rank) * pValues[index]!);
    adjusted[index] = running;
  });
  return adjusted;
}
