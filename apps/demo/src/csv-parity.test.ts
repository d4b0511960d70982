// The two CSV parsers Glossa ships: csv-parse in node-runtime's readers (the CLI, Node apps) and Papa Parse
// in the demo page. They must read the same file to the same rows, so a data set that trains in the
// browser trains the same from the command line. Each tricky file below is parsed by both, from the same
// bytes on disk, and the rows compared field by field.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// node-runtime is not a dependency of the demo; its reader is loaded by path, as web-runtime's tests load
// node-runtime's store contract suite.
// biome-ignore lint/style/noRestrictedImports: the parity test compares node-runtime's reader itself with the page's parser.
import { readRecords } from '../../../packages/node-runtime/src/read-records.js';
import { parseDataset } from './parse-dataset.js';

const BOM = '\uFEFF';

/** name → file content. */
const FILES: Record<string, string> = {
  'quotes.csv': 'text,label\n"He said ""hi""",pos\n"a, b and c",neg\n"",""\n"plain",pos\n',
  'embedded-newlines.csv': 'text,label\n"line one\nline two",pos\n"three\n\nlines",neg\nlast,pos\n',
  'embedded-crlf.csv': 'text,label\r\n"line one\r\nline two",pos\r\n"x",neg\r\n',
  'bom.csv': `${BOM}text,label\nwith a byte-order mark,pos\nsecond,neg\n`,
  'crlf.csv': 'text,label\r\nfirst,pos\r\nsecond,neg\r\n',
  'no-final-newline.csv': 'text,label\nfirst,pos\nsecond,neg',
  'empty-fields.csv': 'id,text,label,note\n1,first,pos,\n2,second,neg,x\n3,,pos,\n,fourth,,\n',
  'unicode.csv': 'text,label\n"naïve café 😀",pos\n中文评论,neg\n"tab\there",pos\n',
  'spaces.csv': 'text,label\n  padded  , pos \n"  quoted padding  ",neg\n',
  'tsv.tsv': 'text\tlabel\n"quoted\ttab"\tpos\nplain text\tneg\n',
  'blank-lines.csv': 'text,label\nfirst,pos\n\nsecond,neg\n\n',
  'whitespace-lines.csv': 'text,label\nfirst,pos\n   \n,,,\n \t \nsecond,neg\n , \n',
  'lone-cr.csv': 'text,label\rfirst,pos\r"two\rlines",neg\r',
  // Over a million characters: it is decoded in several pieces, so CRLF pairs and quoted fields cross piece boundaries.
  'large-crlf.csv': `text,label\r\n${Array.from({ length: 70_000 }, (_, i) => (i % 7 === 0 ? `"row ${i}\r\nsecond line, ""quoted""",pos` : `row ${i} text,${i % 2 ? 'pos' : 'neg'}`)).join('\r\n')}\r\n`,
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glossa-csv-parity-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function viaNode(path: string): Promise<Array<Record<string, string>>> {
  const rows: Array<Record<string, string>> = [];
  for await (const record of readRecords(path)) rows.push({ ...record.fields });
  return rows;
}

async function viaDemo(name: string, content: string): Promise<Array<Record<string, string>>> {
  const parsed = await parseDataset(new Blob([content]), { format: name.endsWith('.tsv') ? 'tsv' : 'csv', name });
  expect(parsed.problems, name).toEqual([]);
  return parsed.rows;
}

describe('CSV parsing in Node (csv-parse) and in the demo page (Papa Parse)', () => {
  it.each(Object.entries(FILES))('reads %s to the same rows', async (name, content) => {
    const path = join(dir, name);
    await writeFile(path, content);
    const node = await viaNode(path);
    const demo = await viaDemo(name, content);
    expect(demo).toEqual(node);
    expect(node.length).toBeGreaterThan(0);
  });
});
