import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from './create-rng.js';

const draw = (seed: number, count: number): number[] => {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => rng.nextUint32());
};

describe('createRng', () => {
  it('produces the reference sfc32 sequence (checked against an independent Python implementation)', () => {
    expect(draw(42, 4)).toEqual([1264412219, 1947509147, 3919439299, 1251167922]);
    expect(draw(0, 4)).toEqual([1363572419, 145230303, 808754475, 4216505632]);
    expect(draw(-1, 4)).toEqual([3339006752, 3678934910, 3081961671, 2370706465]);
    expect(draw(2 ** 40 + 5, 4)).toEqual([1829320450, 171792437, 3939325321, 1304853484]);
  });

  it('repeats the same sequence for the same seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), (seed) => {
        const a = createRng(seed);
        const b = createRng(seed);
        for (let i = 0; i < 20; i++) expect(a.next()).toBe(b.next());
        expect(a.seed).toBe(seed);
      }),
    );
  });

  it('gives different sequences for different seeds, including seeds equal modulo 2^32', () => {
    const firsts = new Set(Array.from({ length: 1000 }, (_, seed) => draw(seed, 2).join(',')));
    expect(firsts.size).toBe(1000);
    expect(draw(1, 4)).not.toEqual(draw(2 ** 32 + 1, 4));
  });

  it('returns next() values in [0, 1)', () => {
    const rng = createRng(7);
    for (let i = 0; i < 10000; i++) {
      const v = rng.next();
      expect(v >= 0 && v < 1).toBe(true);
    }
  });

  it('draws nextInt uniformly (chi-square sanity check)', () => {
    for (const seed of [1, 2, 3]) {
      const rng = createRng(seed);
      const k = 10;
      const draws = 50000;
      const counts = new Array<number>(k).fill(0);
      for (let i = 0; i < draws; i++) counts[rng.nextInt(k)]!++;
      const expected = draws / k;
      const chiSquare = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
      expect(chiSquare).toBeLessThan(27.88); // 9 degrees of freedom, p = 0.001
    }
  });

  it('keeps nextInt within range for awkward bounds', () => {
    const rng = createRng(5);
    for (const max of [1, 3, 2 ** 31 + 1, 2 ** 32]) {
      for (let i = 0; i < 200; i++) {
        const v = rng.nextInt(max);
        expect(Number.isInteger(v) && v >= 0 && v < max).toBe(true);
      }
    }
    expect(() => rng.nextInt(0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => rng.nextInt(2.5)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('draws normal values with the requested mean and standard deviation', () => {
    const rng = createRng(11);
    const values = Array.from({ length: 20000 }, () => rng.normal(3, 2));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    expect(mean).toBeCloseTo(3, 1);
    expect(Math.sqrt(variance)).toBeCloseTo(2, 1);
    expect(() => rng.normal(0, -1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('shuffles in place into a permutation of the items', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer(), (items, seed) => {
        const copy = [...items];
        const result = createRng(seed).shuffle(copy);
        expect(result).toBe(copy);
        expect([...result].sort((a, b) => a - b)).toEqual([...items].sort((a, b) => a - b));
      }),
    );
  });

  it('visits every ordering of a small array', () => {
    const rng = createRng(9);
    const seen = new Set<string>();
    for (let i = 0; i < 600; i++) seen.add(rng.shuffle(['a', 'b', 'c']).join(''));
    expect(seen.size).toBe(6);
  });

  it('returns a permutation of 0..n−1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.integer(), (n, seed) => {
        const p = createRng(seed).permutation(n);
        expect(p).toBeInstanceOf(Int32Array);
        expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
    );
  });

  it('samples k distinct items without replacement and leaves the input alone', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer(), { maxLength: 30 }).chain((items) => fc.tuple(fc.constant(items), fc.integer({ min: 0, max: items.length }), fc.integer())),
        ([items, k, seed]) => {
          const frozen = Object.freeze([...items]);
          const sample = createRng(seed).sample(frozen, k);
          expect(sample).toHaveLength(k);
          expect(new Set(sample).size).toBe(k);
          for (const v of sample) expect(items).toContain(v);
        },
      ),
    );
    expect(() => createRng(1).sample([1, 2], 3)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('forks deterministic, reproducible child streams that differ from the parent', () => {
    const parentA = createRng(123);
    const parentB = createRng(123);
    const childA = parentA.fork();
    const childB = parentB.fork();
    const childSeq = Array.from({ length: 5 }, () => childA.nextUint32());
    expect(Array.from({ length: 5 }, () => childB.nextUint32())).toEqual(childSeq);
    expect(Number.isSafeInteger(childA.seed)).toBe(true);
    const replay = createRng(childA.seed);
    expect(Array.from({ length: 5 }, () => replay.nextUint32())).toEqual(childSeq);
    expect(Array.from({ length: 5 }, () => parentA.nextUint32())).not.toEqual(childSeq);
    expect(parentA.fork().seed).not.toBe(childA.seed);
  });

  it('rejects seeds that are not safe integers', () => {
    expect(() => createRng(1.5)).toThrow(expect.objectContaining({ name: 'MathError', code: 'INVALID_ARGUMENT' }));
    expect(() => createRng(Number.NaN)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => createRng(2 ** 60)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('continues the exact stream after getState / setState, also on another generator and through JSON', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.nat(50), fc.boolean(), (seed, skip, oddNormals) => {
        const rng = createRng(seed);
        for (let i = 0; i < skip; i++) rng.nextUint32();
        if (oddNormals) rng.normal(); // leaves a spare Box–Muller value in the state
        const state = JSON.parse(JSON.stringify(rng.getState()));
        const expected = [rng.normal(), rng.nextUint32(), ...rng.permutation(8)];
        const other = createRng(seed + 1);
        other.setState(state);
        expect([other.normal(), other.nextUint32(), ...other.permutation(8)]).toEqual(expected);
        rng.setState(state);
        expect([rng.normal(), rng.nextUint32(), ...rng.permutation(8)]).toEqual(expected);
      }),
    );
  });

  it('rejects a malformed state and leaves the generator unchanged', () => {
    const rng = createRng(1);
    const twin = createRng(1);
    for (const bad of [
      { seed: 1, words: [1, 2, 3], spareNormal: null },
      { seed: 1, words: [1, 2, 3, -1], spareNormal: null },
      { seed: 1, words: [1, 2, 3, 2 ** 32], spareNormal: null },
      { seed: 1, words: [1, 2, 3, 4], spareNormal: Number.NaN },
      null,
    ]) {
      expect(() => rng.setState(bad as never)).toThrow(expect.objectContaining({ name: 'MathError', code: 'INVALID_ARGUMENT' }));
    }
    expect(rng.nextUint32()).toBe(twin.nextUint32());
  });
});
