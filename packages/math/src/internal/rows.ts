/**
 * Stable log(Σ exp(values[offset .. offset+length))). Returns -Infinity when every value is -Infinity,
 * +Infinity when any value is +Infinity (and none is NaN), NaN when any value is NaN.
 */
export function logSumExpRange(values: ArrayLike<number>, offset: number, length: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = offset; i < offset + length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) return Number.NaN;
    if (v > max) max = v;
  }
  if (!Number.isFinite(max)) return max;
  let sum = 0;
  for (let i = offset; i < offset + length; i++) sum += Math.exp(values[i]! - max);
  return max + Math.log(sum);
}

/** Writes softmax(values[offset .. offset+length)) into out[offset ..]. */
export function softmaxRange(values: ArrayLike<number>, offset: number, length: number, out: { [index: number]: number }): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = offset; i < offset + length; i++) if (values[i]! > max) max = values[i]!;
  // exp(x − max) / Σ exp(x − max) is more accurate than exp(x − lse) when |x| is large.
  let sum = 0;
  for (let i = offset; i < offset + length; i++) {
    const e = Math.exp(values[i]! - max);
    out[i] = e;
    sum += e;
  }
  for (let i = offset; i < offset + length; i++) out[i] = out[i]! / sum;
}

/** Writes logSoftmax(values[offset .. offset+length)) into out[offset ..]. */
export function logSoftmaxRange(values: ArrayLike<number>, offset: number, length: number, out: { [index: number]: number }): void {
  const lse = logSumExpRange(values, offset, length);
  for (let i = offset; i < offset + length; i++) out[i] = values[i]! - lse;
}
