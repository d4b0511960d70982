import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-dir.js';
import { DataError, type NodeRuntimeError } from './errors.js';
import { type DataRecord, readRecords } from './read-records.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('readRecords', () => {
  const tmp = useTempDir();
  const file = async (name: string, content: string): Promise<string> => {
    const path = join(tmp(), name);
    await writeFile(path, content);
    return path;
  };

  it('yields every CSV column by header name, with the line each row starts on', async () => {
    const path = await file('a.csv', ' id , text ,label\n1,"x\ny",a\n2,z,b\n');
    const records: DataRecord[] = await collect(readRecords(path));
    expect(records).toEqual([
      { line: 2, fields: { id: '1', text: 'x\ny', label: 'a' } },
      { line: 4, fields: { id: '2', text: 'z', label: 'b' } },
    ]);
  });

  it('checks requiredColumns against the header', async () => {
    const path = await file('b.csv', 'id,text\n1,x\n');
    const error = await collect(readRecords(path, { requiredColumns: ['ID'] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toContain('Did you mean "id"?');
  });

  it('keeps the first of duplicate columns and is safe with odd header names', async () => {
    const path = await file('c.csv', 'text,text,__proto__\nfirst,second,p\n');
    const [record] = await collect(readRecords(path));
    expect(record?.fields.text).toBe('first');
    expect(Object.getOwnPropertyDescriptor(record?.fields, '__proto__')?.value).toBe('p');
    expect(Object.getPrototypeOf(record?.fields)).toBe(Object.prototype);
  });

  it('reads JSONL values as strings, nested values as JSON, leaving out null', async () => {
    const path = await file('d.jsonl', '{"text":"t","n":2.5,"b":false,"o":{"k":[1]},"z":null}\n');
    expect(await collect(readRecords(path))).toEqual([{ line: 1, fields: { text: 't', n: '2.5', b: 'false', o: '{"k":[1]}' } }]);
  });

  it('reads txt lines into the text column, skipping blank lines', async () => {
    const path = await file('e.txt', '\uFEFFfirst line\r\n\r\n  \nsecond, with "quotes"\rthird');
    expect(await collect(readRecords(path, { textColumn: 'body' }))).toEqual([
      { line: 1, fields: { body: 'first line' } },
      { line: 4, fields: { body: 'second, with "quotes"' } },
      { line: 5, fields: { body: 'third' } },
    ]);
  });

  it('stops reading when the consumer stops early', async () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => `row ${i},l`).join('\n');
    const path = await file('big.csv', `text,label\n${rows}\n`);
    const seen: string[] = [];
    for await (const record of readRecords(path)) {
      seen.push(record.fields.text ?? '');
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(['row 0', 'row 1', 'row 2']);
  });

  it('refuses an encoding label that is not one', async () => {
    const path = await file('f.csv', 'text\nx\n');
    const error = await collect(readRecords(path, { encoding: 'latin-one' })).catch((e: unknown) => e);
    expect((error as NodeRuntimeError).code).toBe('INVALID_OPTION');
    expect(await collect(readRecords(path, { encoding: 'latin1' }))).toHaveLength(1);
  });
});
