import { shuffleInPlace } from './internal/shuffle.js';
import { assertInRange, assertInteger } from './internal/validate.js';
import { MathError } from './math-error.js';

const TWO_POW_32 = 0x100000000;

/**
 * The complete state of an {@link Rng}, as plain JSON-safe numbers: `getState()` then `setState()` (on any
 * generator) continues the exact same stream, e.g. after a training checkpoint is reloaded.
 *
 * @example
 * ```ts
 * import { type RngState, createRng } from '@glossa/math';
 *
 * const rng = createRng(42);
 * const saved: RngState = rng.getState();
 * const a = rng.next();
 * rng.setState(saved);
 * rng.next() === a; // true
 * ```
 */
export interface RngState {
  /** The seed the generator was created from (kept for reference; it does not affect the stream). */
  seed: number;
  /** The four sfc32 words a, b, c and counter, each an unsigned 32-bit integer. */
  words: [number, number, number, number];
  /** The second Box–Muller value waiting to be returned by `normal()`, or null. */
  spareNormal: number | null;
}

/**
 * A seeded, deterministic pseudo-random generator; see {@link createRng}.
 *
 * @example
 * ```ts
 * import { type Rng, createRng } from '@glossa/math';
 *
 * const rng: Rng = createRng(42);
 * rng.next(); // same value on every platform
 * ```
 */
export interface Rng {
  /** The seed this generator was created from; `createRng(rng.seed)` restarts the same sequence. */
  readonly seed: number;
  /** Next uniform float in [0, 1), with 32 bits of randomness. */
  next(): number;
  /** Next uniform unsigned 32-bit integer in [0, 2³²). */
  nextUint32(): number;
  /**
   * Next uniform integer in [0, maxExclusive), without modulo bias (rejection sampling).
   * Throws {@link MathError} `INVALID_ARGUMENT` unless maxExclusive is an integer in [1, 2³²].
   */
  nextInt(maxExclusive: number): number;
  /**
   * Next normally distributed value (Box–Muller). Defaults: mean 0, std 1. It is deterministic for a seed
   * within one JavaScript engine; across engines the last bits may differ, because `Math.log`/`Math.cos`
   * are not required to round identically everywhere (the integer stream itself is bit-identical).
   * Throws {@link MathError} `INVALID_ARGUMENT` for a non-finite mean or a negative / non-finite std.
   */
  normal(mean?: number, std?: number): number;
  /** Shuffles `items` in place (Fisher–Yates) and returns the same array. */
  shuffle<T>(items: T[]): T[];
  /** A uniformly random permutation of 0..n−1. Throws for n that is not an integer in [0, 2³¹). */
  permutation(n: number): Int32Array<ArrayBuffer>;
  /**
   * k distinct items drawn uniformly without replacement, in random order; `items` is not modified.
   * Throws {@link MathError} `INVALID_ARGUMENT` unless k is an integer in [0, items.length].
   */
  sample<T>(items: readonly T[], k: number): T[];
  /**
   * A child generator with its own stream, derived deterministically from (and advancing) this one:
   * forking the same parent state always gives the same child.
   */
  fork(): Rng;
  /** A copy of the full generator state; see {@link RngState}. */
  getState(): RngState;
  /**
   * Restores a state from {@link Rng.getState} (of this or any generator), so the stream continues exactly
   * from there. Throws {@link MathError} `INVALID_ARGUMENT` for a malformed state.
   */
  setState(state: RngState): void;
}

/**
 * Creates a seeded generator using sfc32 (Chris Doty-Humphrey's Small Fast Counter, 32-bit variant, from
 * PractRand: passes PractRand and BigCrush), seeded as PractRand does: the seed's low and high 32 bits
 * fill two state words, the counter starts at 1, and 12 outputs are discarded. Pure 32-bit integer
 * arithmetic, so the same seed gives the same sequence on every platform.
 *
 * @param seed - any safe integer (negative values and values above 2³² are fine; e.g. from
 * {@link seedFromString}).
 * @returns a new {@link Rng}.
 * @throws {@link MathError} `INVALID_ARGUMENT` when seed is not a safe integer.
 * @example
 * ```ts
 * import { createRng } from '@glossa/math';
 *
 * const rng = createRng(42);
 * const order = rng.permutation(5); // e.g. Int32Array [3, 0, 4, 1, 2], the same for every run
 * const noise = rng.normal(0, 0.1);
 * ```
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new MathError('INVALID_ARGUMENT', `createRng: seed must be a safe integer (got ${String(seed)}). Pass an integer, e.g. seedFromString(text).`);
  }
  let a = 0;
  let b = seed >>> 0;
  let c = Math.floor(seed / TWO_POW_32) >>> 0;
  let counter = 1;
  let spareNormal: number | undefined;

  const nextUint32 = (): number => {
    const t = (a + b + counter) >>> 0;
    counter = (counter + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (((c << 21) | (c >>> 11)) + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) nextUint32();

  const nextInt = (maxExclusive: number): number => {
    if (!Number.isInteger(maxExclusive) || maxExclusive < 1 || maxExclusive > TWO_POW_32) {
      throw new MathError(
        'INVALID_ARGUMENT',
        `Rng.nextInt: maxExclusive must be an integer in [1, 2^32] (got ${String(maxExclusive)}). Pass the number of choices.`,
      );
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % maxExclusive);
    let u = nextUint32();
    while (u >= limit) u = nextUint32();
    return u % maxExclusive;
  };

  const rng: Rng = {
    seed,
    nextUint32,
    next: () => nextUint32() / TWO_POW_32,
    nextInt,
    normal(mean = 0, std = 1): number {
      assertInRange('Rng.normal', 'mean', mean, -Number.MAX_VALUE, Number.MAX_VALUE);
      assertInRange('Rng.normal', 'std', std, 0, Number.MAX_VALUE);
      let z: number;
      if (spareNormal !== undefined) {
        z = spareNormal;
        spareNormal = undefined;
      } else {
        const u1 = 1 - nextUint32() / TWO_POW_32; // (0, 1], so log(u1) is finite
        const u2 = nextUint32() / TWO_POW_32;
        const r = Math.sqrt(-2 * Math.log(u1));
        z = r * Math.cos(2 * Math.PI * u2);
        spareNormal = r * Math.sin(2 * Math.PI * u2);
      }
      return mean + std * z;
    },
    shuffle<T>(items: T[]): T[] {
      for (let i = items.length - 1; i > 0; i--) {
        const j = nextInt(i + 1);
        const tmp = items[i]!;
        items[i] = items[j]!;
        items[j] = tmp;
      }
      return items;
    },
    permutation(n: number): Int32Array<ArrayBuffer> {
      assertInteger('Rng.permutation', 'n', n, 0);
      if (n > 0x7fffffff) {
        throw new MathError('INVALID_ARGUMENT', `Rng.permutation: n ${n} exceeds 2^31 − 1. Pass a smaller n.`);
      }
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = i;
      shuffleInPlace(out, nextInt);
      return out;
    },
    sample<T>(items: readonly T[], k: number): T[] {
      if (!Number.isInteger(k) || k < 0 || k > items.length) {
        throw new MathError(
          'INVALID_ARGUMENT',
          `Rng.sample: k must be an integer in [0, ${items.length}] (got ${String(k)}). Sampling is without replacement.`,
        );
      }
      const index = Array.from({ length: items.length }, (_, i) => i);
      const out: T[] = [];
      for (let i = 0; i < k; i++) {
        const j = i + nextInt(items.length - i);
        const tmp = index[i]!;
        index[i] = index[j]!;
        index[j] = tmp;
        out.push(items[index[i]!]!);
      }
      return out;
    },
    fork(): Rng {
      const high = nextUint32() >>> 11; // 21 bits, so the child seed stays a safe integer
      const low = nextUint32();
      return createRng(high * TWO_POW_32 + low);
    },
    getState(): RngState {
      return { seed, words: [a >>> 0, b >>> 0, c >>> 0, counter >>> 0], spareNormal: spareNormal ?? null };
    },
    setState(state: RngState): void {
      const words = state?.words;
      const isWord = (w: unknown): boolean => Number.isInteger(w) && (w as number) >= 0 && (w as number) < TWO_POW_32;
      const spare = state?.spareNormal;
      if (!Array.isArray(words) || words.length !== 4 || !words.every(isWord) || !(spare === null || Number.isFinite(spare))) {
        throw new MathError(
          'INVALID_ARGUMENT',
          `Rng.setState: expected { words: four unsigned 32-bit integers, spareNormal: number | null } (got ${JSON.stringify(state)?.slice(0, 120)}). Pass a value returned by getState().`,
        );
      }
      [a, b, c, counter] = words;
      spareNormal = spare ?? undefined;
    },
  };
  return rng;
}
