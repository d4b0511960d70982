import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CliError } from '../cli-error.js';
import { parseTextLine, readTextLines } from './text-lines.js';

describe('parseTextLine', () => {
  it('returns plain lines as they are and skips blank ones', () => {
    expect(parseTextLine('  a plain text ', 'stdin', 1)).toBe('  a plain text ');
    expect(parseTextLine('with CR\r', 'stdin', 1)).toBe('with CR');
    expect(parseTextLine('   ', 'stdin', 1)).toBeUndefined();
  });

  it('takes the text field of a JSON line', () => {
    expect(parseTextLine('{"id": 3, "text": "naïve \\"quote\\""}', 'stdin', 1)).toBe('naïve "quote"');
  });

  it('names the source and line of an invalid JSON line', () => {
    expect(() => parseTextLine('{"text": "oops"', 'in.jsonl', 7)).toThrow(CliError);
    expect(() => parseTextLine('{"text": "oops"', 'in.jsonl', 7)).toThrow(/^in\.jsonl:7: /);
    expect(() => parseTextLine('{"body": "x"}', 'stdin', 2)).toThrow(
      'stdin:2: JSON line has no string "text" field. Write {"text": "..."} per line, or name the field with --text-column.',
    );
  });
});

describe('readTextLines', () => {
  it('mixes plain and JSON lines, counting blank lines in line numbers', async () => {
    const input = Readable.from(['first\n\n{"text":"sec', 'ond"}\r\nthird']);
    const texts: string[] = [];
    for await (const text of readTextLines(input, 'stdin')) texts.push(text);
    expect(texts).toEqual(['first', 'second', 'third']);
  });

  it('reports the line number of a bad line after blank lines', async () => {
    const input = Readable.from(['ok\n\n{bad\n']);
    const read = async (): Promise<void> => {
      for await (const _ of readTextLines(input, 'stdin')) {
        // consume
      }
    };
    await expect(read()).rejects.toThrow(/^stdin:3: /);
  });
});
