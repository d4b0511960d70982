import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalQuantile, normalTwoSidedPValue } from './normal-distribution.js';
import { benjaminiHochberg, compareProportions, wilsonInterval } from './proportion-interval.js';

describe('normal distribution', () => {
  it('gives the textbook quantiles and probabilities', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489004, 13);
    expect(normalQuantile(0.9)).toBeCloseTo(1.2815515655446004, 13);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 10);
    expect(normalTwoSidedPValue(0)).toBe(1);
    expect(normalTwoSidedPValue(3) / 0.0026997960632601913).toBeCloseTo(1, 13); // Python: math.erfc(3 / math.sqrt(2))
    expect(normalTwoSidedPValue(10) / 1.5239706048321186e-23).toBeCloseTo(1, 10);
    expect(normalTwoSidedPValue(1.959963984540054)).toBeCloseTo(0.05, 14);
    expect(normalTwoSidedPValue(-8) / 1.2441921148543639e-15).toBeCloseTo(1, 10);
  });

  it('inverts Φ: Φ(normalQuantile(p)) = p, with Φ(z) = P(|Z| ≥ |z|) / 2 for z ≤ 0', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 0.5, noNaN: true }), (p) => {
        const z = normalQuantile(p);
        expect(z).toBeLessThanOrEqual(0);
        expect(Math.abs(normalTwoSidedPValue(z) / 2 - p)).toBeLessThan(1e-14 + p * 1e-12);
        expect(normalQuantile(1 - p)).toBeCloseTo(-z, 4); // 1 − p rounds: ~1e-5 in z at p = 1e-12
      }),
    );
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(() => normalQuantile(1.5)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('wilsonInterval', () => {
  it('matches statsmodels proportion_confint(method="wilson")', () => {
    const { estimate, lower, upper } = wilsonInterval(7, 10);
    expect(estimate).toBe(0.7);
    expect(lower).toBeCloseTo(0.39678, 5);
    expect(upper).toBeCloseTo(0.89221, 5);
    const zero = wilsonInterval(0, 20);
    expect(zero.lower).toBe(0);
    expect(zero.upper).toBeCloseTo(0.16113, 5);
  });

  it('contains the estimate, stays in [0, 1] and narrows as the sample grows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, share) => {
        const x = Math.round(share * n);
        const small = wilsonInterval(x, n);
        const large = wilsonInterval(x * 4, n * 4);
        expect(small.lower).toBeLessThanOrEqual(small.estimate + 1e-12);
        expect(small.upper).toBeGreaterThanOrEqual(small.estimate - 1e-12);
        expect(small.lower).toBeGreaterThanOrEqual(0);
        expect(small.upper).toBeLessThanOrEqual(1);
        expect(large.upper - large.lower).toBeLessThan(small.upper - small.lower);
      }),
    );
  });

  it('says nothing for no trials and refuses impossible counts', () => {
    expect(wilsonInterval(0, 0)).toEqual({ estimate: Number.NaN, lower: 0, upper: 1 });
    expect(() => wilsonInterval(3, 2)).toThrow(/0 ≤ successes ≤ trials/);
    expect(() => wilsonInterval(1, 2, 1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('compareProportions', () => {
  it("matches Newcombe's hybrid score interval (1998, Table II) and the pooled z test", () => {
    const change = compareProportions(56, 70, 48, 80);
    expect(change.difference).toBeCloseTo(0.2, 12);
    expect(change.lower).toBeCloseTo(0.0524, 4);
    expect(change.upper).toBeCloseTo(0.3339, 4);
    // pooled p = 104/150; z = 0.2 / sqrt(p(1-p)(1/70 + 1/80))
    const p = 104 / 150;
    expect(change.z).toBeCloseTo(0.2 / Math.sqrt(p * (1 - p) * (1 / 70 + 1 / 80)), 12);
    expect(change.pValue).toBeCloseTo(normalTwoSidedPValue(change.z), 15);
    const newcombe = compareProportions(9, 10, 3, 10);
    expect(newcombe.lower).toBeCloseTo(0.1705, 4);
    expect(newcombe.upper).toBeCloseTo(0.809, 4);
  });

  it('is antisymmetric and has z = 0 when nothing varies', () => {
    const ab = compareProportions(5, 40, 11, 30);
    const ba = compareProportions(11, 30, 5, 40);
    expect(ba.difference).toBeCloseTo(-ab.difference, 12);
    expect(ba.lower).toBeCloseTo(-ab.upper, 12);
    expect(compareProportions(0, 10, 0, 20)).toMatchObject({ difference: 0, z: 0, pValue: 1 });
    expect(() => compareProportions(0, 0, 1, 2)).toThrow(/must both be ≥ 1/);
  });
});

describe('benjaminiHochberg', () => {
  it('matches R p.adjust(method = "BH")', () => {
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.2]);
    expect(q[0]).toBeCloseTo(0.04, 12);
    expect(q[1]).toBeCloseTo(0.16 / 3, 12);
    expect(q[2]).toBeCloseTo(0.16 / 3, 12);
    expect(q[3]).toBeCloseTo(0.2, 12);
    expect(benjaminiHochberg([])).toEqual([]);
    expect(() => benjaminiHochberg([1.2])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
