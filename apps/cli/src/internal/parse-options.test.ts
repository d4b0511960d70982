import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CliError } from '../cli-error.js';
import { choiceOption, floatOption, intOption } from './parse-options.js';

function usageMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe('USAGE');
    expect((error as CliError).exitCode).toBe(2);
    return (error as CliError).message;
  }
  throw new Error('expected a usage error');
}

describe('intOption', () => {
  const epochs = intOption('--epochs', 1, 1000);

  it('accepts integers in range, with surrounding spaces or a plus sign', () => {
    expect(epochs('1')).toBe(1);
    expect(epochs(' 1000 ')).toBe(1000);
    expect(epochs('+7')).toBe(7);
  });

  it('rejects out-of-range values with a message giving the range and the value', () => {
    expect(usageMessage(() => epochs('0'))).toBe('--epochs must be an integer from 1 to 1000 (got 0)');
    expect(usageMessage(() => epochs('1001'))).toBe('--epochs must be an integer from 1 to 1000 (got 1001)');
  });

  it('rejects non-integers, empty strings and numbers in other notations', () => {
    for (const raw of ['', 'abc', '2.5', '1e2', '0x10', '3 epochs', 'NaN', 'Infinity']) {
      expect(usageMessage(() => epochs(raw))).toContain(`(got ${raw})`);
    }
  });

  it('accepts exactly the integers within bounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5000, max: 5000 }), (value) => {
        const inRange = value >= 1 && value <= 1000;
        if (inRange) expect(epochs(String(value))).toBe(value);
        else expect(() => epochs(String(value))).toThrow(CliError);
      }),
    );
  });
});

describe('floatOption', () => {
  it('honours inclusive and exclusive bounds', () => {
    const rate = floatOption('--learning-rate', { min: 0, max: 10, minExclusive: true });
    expect(rate('0.001')).toBe(0.001);
    expect(rate('1e-4')).toBe(0.0001);
    expect(rate('10')).toBe(10);
    expect(usageMessage(() => rate('0'))).toBe('--learning-rate must be a number greater than 0 and at most 10 (got 0)');
    const split = floatOption('--validation-split', { min: 0, max: 0.9 });
    expect(split('0')).toBe(0);
    expect(split('.25')).toBe(0.25);
    expect(usageMessage(() => split('0.95'))).toBe('--validation-split must be a number from 0 to 0.9 (got 0.95)');
    expect(usageMessage(() => split('half'))).toContain('(got half)');
  });
});

describe('choiceOption', () => {
  it('returns an allowed word and names the choices otherwise', () => {
    const arch = choiceOption('--arch', ['lstm', 'bow', 'cnn'] as const);
    expect(arch('cnn')).toBe('cnn');
    expect(usageMessage(() => arch('LSTM'))).toBe('--arch must be one of lstm, bow, cnn (got LSTM)');
  });
});
