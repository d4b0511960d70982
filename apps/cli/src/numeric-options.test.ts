import { FIT_OPTION_RANGES, OPTION_RANGES } from '@glossa/model-core/options';
import { describe, expect, it } from 'vitest';
import { runCaptured } from '../test/run-captured.js';

// Every numeric option of every command, found from the commands' --help (placeholders <n>, <f>, <ms>),
// refuses NaN, ±Infinity, negatives, fractions where an integer is needed, words and empty strings with
// exit 2 and one line giving the allowed range — before any file, bundle or port is touched.

const run = runCaptured;

/** Arguments that make each command reach option parsing (paths that do not exist: nothing runs). */
const POSITIONAL: Record<string, string[]> = {
  train: ['missing-data.csv', '--out', 'never-written'],
  evaluate: ['missing-bundle', 'missing-data.csv'],
  predict: ['missing-bundle', 'text'],
  explain: ['missing-bundle', 'text'],
  analyze: ['missing-bundle', 'missing-data.csv', '--by', 'region'],
  info: ['missing-bundle'],
  serve: ['missing-bundle'],
  quantize: ['missing-bundle', '--out', 'never-written', '--eval', 'missing-data.csv'],
  quickstart: [],
  doctor: [],
};

/** Ranges this test pins down (the message of every other numeric option is checked for shape only). */
const KNOWN: Record<string, [number, number, boolean]> = {
  // 1–10,000: the range fit checks (the CLI said 1–1000 before model-core's options became its home).
  'train --epochs': [1, 10_000, true],
  'train --batch-size': [1, 65_536, true],
  'train --max-length': [1, 10_000, true],
  'train --vocab-size': [3, 2_000_000, true],
  'train --min-frequency': [1, 1_000_000, true],
  'train --embedding-dim': [1, 1024, true],
  'train --units': [1, 1024, true],
  'train --kernel-size': [1, 32, true],
  'train --heads': [1, 64, true],
  'train --word-ngrams': [0, 3, true],
  'train --max-features': [1, 10_000_000, true],
  'train --regularization': [0, 1e6, false],
  'train --dropout': [0, 0.9, false],
  'train --learning-rate': [1e-7, 10, false],
  'train --seed': [0, 4_294_967_295, true],
  'train --validation-split': [0, 0.9, false],
  'train --max-record-size': [1, 2 ** 29 - 24, true],
  'evaluate --batch-size': [1, 65_536, true],
  'evaluate --max-record-size': [1, 2 ** 29 - 24, true],
  'evaluate --worst': [0, 1000, true],
  'analyze --sample': [0, 1000, true],
  'analyze --explain-groups': [0, 1000, true],
  'analyze --max-groups': [1, 100_000, true],
  'analyze --seed': [0, 4_294_967_295, true],
  'analyze --confidence': [0.5, 0.999, false],
  'analyze --batch-size': [1, 65_536, true],
  'predict --batch-size': [1, 65_536, true],
  'predict --max-record-size': [1, 2 ** 29 - 24, true],
  'quantize --batch-size': [1, 65_536, true],
  'quantize --max-record-size': [1, 2 ** 29 - 24, true],
  'quickstart --epochs': [1, 10_000, true],
  'quickstart --batch-size': [1, 65_536, true],
  'quickstart --max-length': [1, 10_000, true],
  'quickstart --seed': [0, 4_294_967_295, true],
};

const BAD = ['NaN', 'Infinity', '-Infinity', '-1', 'abc', '', ' ', '1e999', '0x10', '12abc', '1,5'];

async function numericOptions(): Promise<Array<[string, string]>> {
  const help = await run(['--help']);
  const commands = [...help.stdout.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]!).filter((c) => c !== 'help');
  const found: Array<[string, string]> = [];
  for (const command of commands) {
    const text = (await run([command, '--help'])).stdout;
    for (const match of text.matchAll(/(--[a-z-]+) <(n|f|ms)>/g)) found.push([command, match[1]!]);
  }
  return found;
}

describe('numeric CLI options', () => {
  it('finds the numeric options of every command, including the ones this test pins down', async () => {
    const found = (await numericOptions()).map(([command, flag]) => `${command} ${flag}`);
    for (const known of Object.keys(KNOWN)) expect(found).toContain(known);
    for (const [command] of await numericOptions()) expect(Object.keys(POSITIONAL)).toContain(command);
  });

  it('refuses every bad value of every numeric option with exit 2 and the allowed range', async () => {
    for (const [command, flag] of await numericOptions()) {
      const integer = (await run([command, ...(POSITIONAL[command] ?? []), flag, 'abc'])).stderr.includes('must be an integer');
      for (const value of integer ? [...BAD, '1.5', '2.0e0'] : BAD) {
        const result = await run([command, ...(POSITIONAL[command] ?? []), flag, value]);
        const where = `${command} ${flag} ${JSON.stringify(value)}`;
        expect(result.code, where).toBe(2);
        expect(result.stdout, where).toBe('');
        const line = result.stderr.trimEnd();
        expect(line.split('\n'), where).toHaveLength(1);
        expect(line, where).toMatch(
          new RegExp(
            `^glossa: ${flag} must be (an integer from -?[\\d.e+-]+ to [\\d.e+-]+|a number (from|greater than|at least) .+) \\(got ${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)$`,
          ),
        );
        const known = KNOWN[`${command} ${flag}`];
        if (known !== undefined) {
          const [min, max, integer] = known;
          expect(line, where).toContain(integer ? `must be an integer from ${min} to ${max}` : `must be a number from ${min} to ${max}`);
        }
      }
    }
  }, 120_000);

  it('gives train and quickstart the ranges model-core checks (@glossa/model-core/options)', () => {
    const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    const modelCore: Record<string, readonly [number, number, boolean]> = { ...OPTION_RANGES, ...FIT_OPTION_RANGES };
    let compared = 0;
    for (const [name, range] of Object.entries(modelCore)) {
      for (const command of ['train', 'quickstart']) {
        const known = KNOWN[`${command} --${kebab(name)}`];
        if (known === undefined) continue;
        expect(known, `${command} --${kebab(name)}`).toEqual([...range]);
        compared++;
      }
    }
    expect(compared).toBe(20); // train: 12 classifier options and 4 fit options; quickstart: 4 fit and classifier options
  });

  it.each(Object.entries(KNOWN).filter(([name]) => !name.startsWith('quickstart')))('accepts %s at both ends of its range', async (name, [min, max]) => {
    const [command, flag] = name.split(' ') as [string, string];
    for (const value of [min, max]) {
      const result = await run([command, ...(POSITIONAL[command] ?? []), flag, String(value)]);
      // Parsing passed: the command went on to fail on the missing file or bundle (exit 1), not on usage.
      expect(result.code, `${name} ${value}: ${result.stderr}`).toBe(1);
    }
  });

  it('refuses fractions and values just outside integer ranges', async () => {
    for (const [name, [min, max, integer]] of Object.entries(KNOWN)) {
      if (!integer) continue;
      const [command, flag] = name.split(' ') as [string, string];
      for (const value of [min - 1, max + 1, min + 0.5]) {
        const result = await run([command, ...(POSITIONAL[command] ?? []), flag, String(value)]);
        expect(result.code, `${name} ${value}`).toBe(2);
      }
    }
  });
});
