import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BenchError } from './bench-error.js';
import { parseBenchArgs } from './parse-bench-args.js';

const base = { defaultOutDir: '/tmp/out', defaultPeersDir: '/tmp/peers', tensorflowAvailable: false };

describe('parseBenchArgs --threads (property)', () => {
  it('gives each listed count once, in first-seen order, all and auto being the cores', () => {
    const item = fc.oneof(fc.integer({ min: 1, max: 256 }).map(String), fc.constantFrom('all', 'auto'));
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 256 }), (items, cores) => {
        const o = parseBenchArgs(['--threads', items.join(',')], { ...base, cores });
        const expected: number[] = [];
        for (const v of items.map((i) => (i === 'all' || i === 'auto' ? cores : Number(i)))) if (!expected.includes(v)) expected.push(v);
        expect(o !== 'help' && o.threads).toEqual(expected);
      }),
    );
  });

  it('refuses anything else with a BenchError, never another error', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (raw) => {
        const ok = raw
          .split(',')
          .map((v) => v.trim())
          .filter((v) => v !== '');
        const valid = ok.length > 0 && ok.every((v) => v === 'all' || v === 'auto' || (Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= 256));
        try {
          parseBenchArgs([`--threads=${raw}`], { ...base, cores: 2 });
          expect(valid).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(BenchError);
          expect(valid).toBe(false);
        }
      }),
    );
  });
});
