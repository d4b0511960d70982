/**
 * Seeded synthetic data for the tests of every package (model-core, the CLI, the server): one generator, so a
 * change to the test data is made once; and the reference arithmetic the kernel tests compare with. Private to
 * the workspace, never published; imported from source.
 */

const POSITIVE = ['great', 'wonderful', 'excellent', 'loved', 'superb', 'delightful', 'brilliant', 'fantastic'];
const NEGATIVE = ['awful', 'terrible', 'boring', 'hated', 'dreadful', 'poor', 'horrible', 'worst'];
const NEUTRAL = ['the', 'film', 'movie', 'plot', 'actors', 'story', 'was', 'and', 'a', 'it', 'really', 'very'];

/** One labelled text. */
export interface SyntheticRow {
  /** 4–16 words: filler with one or two sentiment words inserted. */
  text: string;
  /** `labels[1]` for even rows (positive words), `labels[0]` for odd rows (negative words). */
  label: string;
}

/**
 * A small seeded sentiment-like dataset: a text's label is decided by its sentiment words. The same `n`,
 * `seed` and `labels` give the same rows on every machine (a linear congruential generator over 32-bit
 * integers: the committed bundle fixtures of model-core were trained on its output).
 *
 * @param n - Rows; they alternate positive, negative, starting positive.
 * @param seed - Any 32-bit integer.
 * @param labels - The negative and the positive label.
 * @returns `n` rows.
 * @example
 * ```ts
 * const rows = syntheticSentiment(200, 4, ['neg', 'pos']); // [{ text: 'the film was great …', label: 'pos' }, …]
 * ```
 */
export function syntheticSentiment(n: number, seed = 1, labels: readonly [string, string] = ['negative', 'positive']): SyntheticRow[] {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const out: SyntheticRow[] = [];
  for (let i = 0; i < n; i++) {
    const positive = i % 2 === 0;
    const words: string[] = [];
    const len = 3 + Math.floor(rand() * 12);
    for (let j = 0; j < len; j++) words.push(pick(NEUTRAL));
    const k = 1 + Math.floor(rand() * 2);
    for (let j = 0; j < k; j++) words.splice(Math.floor(rand() * words.length), 0, pick(positive ? POSITIVE : NEGATIVE));
    out.push({ text: words.join(' '), label: positive ? labels[1] : labels[0] });
  }
  return out;
}

/**
 * A · B ([M, N] row-major) with each output summed over k = 0…K − 1 in order, every product and sum rounded to
 * float32: what a matrix kernel without fused multiply-add computes, bit for bit. `a` is [M, K] (or [K, M] with
 * `transposeA`), `b` is [K, N] (or [N, K] with `transposeB`), both row-major.
 *
 * @example
 * ```ts
 * sequentialMatMul(Float32Array.of(1, 2), Float32Array.of(3, 4), 1, 2, 1, false, false); // Float32Array [11]
 * ```
 */
export function sequentialMatMul(a: Float32Array, b: Float32Array, M: number, K: number, N: number, transposeA: boolean, transposeB: boolean): Float32Array {
  const out = new Float32Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const x = transposeA ? a[k * M + i]! : a[i * K + k]!;
        const y = transposeB ? b[j * K + k]! : b[k * N + j]!;
        s = Math.fround(s + Math.fround(x * y));
      }
      out[i * N + j] = s;
    }
  }
  return out;
}
