import { MathError } from '../math-error.js';
import { clip, clipMask } from './loss-options.js';
import { logSumExpRange } from './rows.js';

/** Σ p over one row; throws when it is not positive (the row cannot be rescaled to probabilities). */
export function rowSum(where: string, yPred: ArrayLike<number>, o: number, k: number): number {
  let s = 0;
  for (let j = o; j < o + k; j++) s += yPred[j]!;
  if (!(s > 0)) {
    throw new MathError(
      'INVALID_ARGUMENT',
      `${where}: row ${o / k} of yPred sums to ${String(s)}, so it cannot be read as probabilities. ` +
        'Pass non-negative probabilities, or logits with { fromLogits: true }.',
    );
  }
  return s;
}

/**
 * Loss of one row with dense targets. Probabilities: −Σ y·log(clip(p/Σp)). Logits: Σ y·(lse(z) − z).
 */
export function denseRowLoss(
  where: string,
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  o: number,
  k: number,
  fromLogits: boolean,
  epsilon: number,
): number {
  let loss = 0;
  if (fromLogits) {
    const lse = logSumExpRange(yPred, o, k);
    for (let j = o; j < o + k; j++) {
      const y = yTrue[j]!;
      if (y !== 0) loss += y * (lse - yPred[j]!);
    }
    return loss;
  }
  const s = rowSum(where, yPred, o, k);
  for (let j = o; j < o + k; j++) {
    const y = yTrue[j]!;
    if (y !== 0) loss -= y * Math.log(clip(yPred[j]! / s, epsilon));
  }
  return loss;
}

/** Writes scale · d(row loss)/d yPred for one row with dense targets into out. */
export function denseRowGradient(
  where: string,
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  o: number,
  k: number,
  fromLogits: boolean,
  epsilon: number,
  scale: number,
  out: { [index: number]: number },
): void {
  if (fromLogits) {
    const lse = logSumExpRange(yPred, o, k);
    let sumY = 0;
    for (let j = o; j < o + k; j++) sumY += yTrue[j]!;
    for (let j = o; j < o + k; j++) out[j] = scale * (sumY * Math.exp(yPred[j]! - lse) - yTrue[j]!);
    return;
  }
  // q = p / S, c = clip(q), L = −Σ y·log c  ⇒  dL/dp_j = (Σ_i y_i·m_i − m_j·y_j / q_j) / S
  const s = rowSum(where, yPred, o, k);
  let sumYm = 0;
  for (let j = o; j < o + k; j++) sumYm += yTrue[j]! * clipMask(yPred[j]! / s, epsilon);
  for (let j = o; j < o + k; j++) {
    const q = yPred[j]! / s;
    const y = yTrue[j]!;
    const own = y !== 0 && clipMask(q, epsilon) === 1 ? y / q : 0;
    out[j] = (scale * (sumYm - own)) / s;
  }
}

/** Loss of one row with an integer target t: −log(clip(p_t/Σp)), or lse(z) − z_t from logits. */
export function sparseRowLoss(where: string, t: number, yPred: ArrayLike<number>, o: number, k: number, fromLogits: boolean, epsilon: number): number {
  if (fromLogits) return logSumExpRange(yPred, o, k) - yPred[o + t]!;
  const s = rowSum(where, yPred, o, k);
  return -Math.log(clip(yPred[o + t]! / s, epsilon));
}

/** Writes scale · d(row loss)/d yPred for one row with an integer target t into out. */
export function sparseRowGradient(
  where: string,
  t: number,
  yPred: ArrayLike<number>,
  o: number,
  k: number,
  fromLogits: boolean,
  epsilon: number,
  scale: number,
  out: { [index: number]: number },
): void {
  if (fromLogits) {
    const lse = logSumExpRange(yPred, o, k);
    for (let j = 0; j < k; j++) out[o + j] = scale * (Math.exp(yPred[o + j]! - lse) - (j === t ? 1 : 0));
    return;
  }
  const s = rowSum(where, yPred, o, k);
  const q = yPred[o + t]! / s;
  const m = clipMask(q, epsilon);
  for (let j = 0; j < k; j++) out[o + j] = (scale * (m - (j === t ? m / q : 0))) / s;
}
