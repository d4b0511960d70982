import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoSite, startDemoSite } from './helpers/demo-site.js';
import { legacyEncoder } from './helpers/encode-legacy.js';
import { trainingCsv } from './helpers/training-csv.js';

const CLI = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));

/** How the command line names the encoding in its advice, and how the page does. */
const CLI_CONTROL = ['Name it with --encoding (encoding), e.g. --encoding gb18030', 'Check --encoding (encoding):'];
const SKIP_HINT = ' Fix the row, or pass onBadRow: "skip" (--on-bad-row skip) to skip bad rows.';

/** The message `glossa train` prints for `bytes` saved as `name` (it refuses the file, so nothing is trained). */
async function cliMessage(name: string, bytes: Uint8Array, args: string[] = []): Promise<string> {
  if (!existsSync(CLI)) throw new Error(`demo uploads test: the CLI is not built (${CLI}). Run \`pnpm --filter demo... build\` first.`);
  const dir = await mkdtemp(join(tmpdir(), 'glossa-demo-encoding-'));
  try {
    await writeFile(join(dir, name), bytes);
    const stderr = await new Promise<string>((resolve) => {
      execFile(process.execPath, [CLI, 'train', name, '--out', 'model', ...args], { cwd: dir }, (_error, _stdout, err) => resolve(err));
    });
    const line = stderr
      .trim()
      .split('\n')
      .find((l) => l.startsWith('glossa: '));
    if (line === undefined) throw new Error(`glossa train ${name} printed no error: ${stderr}`);
    return line.slice('glossa: '.length);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Text in Windows-1252 (Latin-1) bytes. */
const latin1 = legacyEncoder('windows-1252');
const gbk = legacyEncoder('gbk');

// Issue 11 part 4 (encodings) and issue 12 item 6 (summary wording, a TSV saved as .csv), in Chromium.
describe('demo uploads in Chromium', () => {
  let site: DemoSite;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  async function upload(name: string, bytes: Uint8Array | string, mimeType = 'text/csv'): Promise<void> {
    const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes);
    await page.setInputFiles('#dataset-file', { name, mimeType, buffer });
  }

  /** Waits for the summary of a file read whole, and returns it. */
  async function summaryOfRows(): Promise<string> {
    await page.waitForFunction(() => /^[\d,]+ rows?, /.test(document.querySelector('#dataset-summary')?.textContent ?? ''));
    return (await page.textContent('#dataset-summary')) ?? '';
  }

  /** Waits for a refusal and returns its message. */
  async function refusal(): Promise<string> {
    await page.waitForSelector('#dataset-summary[data-state="error"]', { state: 'attached' });
    return (await page.textContent('#dataset-summary')) ?? '';
  }

  const options = (selector: string): Promise<string[]> => page.$$eval(`${selector} option`, (nodes) => nodes.map((n) => (n as HTMLOptionElement).value));

  beforeAll(async () => {
    site = await startDemoSite();
    context = await site.browser.newContext({ viewport: { width: 1200, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(site.url);
    await page.waitForSelector('#try-result[data-scores]', { state: 'attached' });
  });

  afterAll(async () => {
    await context?.close();
    await site?.close();
  });

  it('counts in the singular when there is one ("1 label", not "1 labels")', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => `message ${i},spam`);
    await upload('one-label.csv', `text,label\n${rows.join('\n')}\n`);
    expect(await summaryOfRows()).toBe('12 rows, 2 columns (CSV). 12 usable examples; 1 label: spam (12).');
    expect(await page.textContent('#train-status')).toBe('Need at least 10 examples and 2 labels to train (these columns give 12 examples and 1 label).');
    expect(await page.isDisabled('#train-button')).toBe(true);
    await upload('one-row.csv', 'text,label\nonly one,pos\n');
    expect(await summaryOfRows()).toBe('1 row, 2 columns (CSV). 1 usable example; 1 label: pos (1).');
  });

  it("reads a tab-separated file named .csv as TSV and says so; a new file never keeps the previous file's columns", async () => {
    await upload('reviews.csv', trainingCsv(20));
    await page.waitForFunction(() => !(document.querySelector('#train-button') as HTMLButtonElement).disabled);
    expect(await options('#text-column')).toEqual(['review', 'sentiment']);

    const rows = Array.from({ length: 12 }, (_, i) => `${i}\t${i % 2 === 0 ? 'pos' : 'neg'}\tsome text, number ${i}`);
    await upload('tickets.csv', `id\tlabel\ttext\n${rows.join('\n')}\n`);
    expect(await summaryOfRows()).toBe(
      '12 rows, 3 columns (TSV). 12 usable examples; 2 labels: pos (6), neg (6). The header is tab-separated, so it was read as TSV.',
    );
    expect(await options('#text-column')).toEqual(['id', 'label', 'text']);
    expect([await page.inputValue('#text-column'), await page.inputValue('#label-column')]).toEqual(['text', 'label']);
    expect(await page.isEnabled('#train-button')).toBe(true);
    expect(await page.textContent('#train-status')).toBe('Ready to train.');

    // A file the page cannot use: the previous columns go, training is off, and the message says why.
    await upload('notes.csv', 'note\nhello\nworld\n');
    expect(await refusal()).toBe('notes.csv: found 1 column (note). The file needs a header row with a text column and a label column.');
    expect(await options('#text-column')).toEqual([]);
    expect(await options('#label-column')).toEqual([]);
    expect(await page.isDisabled('#text-column')).toBe(true);
    expect(await page.isDisabled('#train-button')).toBe(true);
    expect(await page.textContent('#train-status')).toBe('');
  });

  it("refuses a Latin-1 file read as UTF-8 with the command line's message, and reads it whole as windows-1252 once chosen", async () => {
    const rows = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? `un café très agréable ${i},positif` : `un serveur désagréable ${i},négatif`));
    const bytes = latin1(`text,label\n${rows.join('\n')}\n`);
    expect(await page.inputValue('#dataset-encoding')).toBe('utf-8');
    await upload('avis.csv', bytes);
    const shown = await refusal();
    const cli = await cliMessage('avis.csv', bytes);
    expect(cli).toMatch(/^avis\.csv:2:7: invalid UTF-8 \(byte 0xE9 at character 7\); /);
    // The same text, naming the page's Encoding list (with the encoding it detected) where the CLI names
    // --encoding, and without the CLI's advice about skipping rows (the page refuses the file whole).
    expect(shown).toBe(cli.replace(SKIP_HINT, '').replace(CLI_CONTROL[0]!, 'Name it with the Encoding list, e.g. windows-1252'));
    expect(await options('#text-column')).toEqual([]);
    expect(await page.isDisabled('#train-button')).toBe(true);
    expect(await page.$$eval('#encoding-suggestions button', (buttons) => buttons.map((b) => b.textContent))).toEqual(['Read as windows-1252']);

    await page.click('#encoding-suggestions button');
    expect(await summaryOfRows()).toBe('12 rows, 2 columns (CSV, windows-1252). 12 usable examples; 2 labels: positif (6), négatif (6).');
    expect(await page.inputValue('#dataset-encoding')).toBe('windows-1252');
    expect(await page.isHidden('#encoding-suggestions')).toBe(true);
    expect(await page.isEnabled('#train-button')).toBe(true);
    expect(errors).toEqual([]);
  });

  it("reads GB18030 when chosen, and refuses bytes that are not GB18030 with the command line's message", async () => {
    await page.selectOption('#dataset-encoding', 'gb18030');
    const rows = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? `酒店的服务很好 ${i},正面` : `质量太差了，非常失望 ${i},负面`));
    await upload('weibo.csv', gbk(`text,label\n${rows.join('\n')}\n`));
    expect(await summaryOfRows()).toBe('12 rows, 2 columns (CSV, gb18030). 12 usable examples; 2 labels: 正面 (6), 负面 (6).');

    const bad = Uint8Array.from([...gbk('text,label\n中文,正面\nok '), 0x81, 0x20, ...gbk('x,负面\n')]);
    await upload('bad.csv', bad);
    const shown = await refusal();
    const cli = await cliMessage('bad.csv', bad, ['--encoding', 'gb18030']);
    expect(cli).toMatch(/^bad\.csv:3:4: a byte sequence that is not valid GB18030 \(at character 4\)/);
    expect(shown).toBe(cli.replace(SKIP_HINT, '').replace(CLI_CONTROL[1]!, 'Check the Encoding list:'));
    await page.selectOption('#dataset-encoding', 'utf-8');
  });

  it('reads UTF-16 by its byte-order mark whatever the list says, and offers UTF-16LE for a file without one', async () => {
    const text = 'text\tlabel\n很好 👍\tpositive\n太差\tnegative\n';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    await upload('export.tsv', utf16, 'text/tab-separated-values');
    expect(await summaryOfRows()).toBe('2 rows, 2 columns (TSV, UTF-16LE from its byte-order mark). 2 usable examples; 2 labels: positive (1), negative (1).');
    expect(await page.inputValue('#dataset-encoding')).toBe('utf-8');
    // Without the mark: refused (its Chinese is not UTF-8; its ASCII is, with a NUL in every other byte),
    // and UTF-16LE offered.
    const offered = (): Promise<Array<string | null>> => page.$$eval('#encoding-suggestions button', (buttons) => buttons.map((b) => b.textContent));
    await upload('export.tsv', Buffer.from(text, 'utf16le'), 'text/tab-separated-values');
    expect(await refusal()).toMatch(/^export\.tsv:2:2: invalid UTF-8 \(byte 0x88 at character 2\); .* Name it with the Encoding list, e\.g\. utf-16le,/);
    expect(await offered()).toEqual(['Read as utf-16le']);
    await upload('ascii.tsv', Buffer.from('text\tlabel\nfine\tpositive\nbad\tnegative\n', 'utf16le'), 'text/tab-separated-values');
    expect(await refusal()).toMatch(/^ascii\.tsv: 38 of its first 76 characters are NUL bytes \(0x00\), which text files do not contain/);
    expect(await offered()).toEqual(['Read as utf-16le']);
    await page.click('#encoding-suggestions button');
    expect(await summaryOfRows()).toBe('2 rows, 2 columns (TSV, utf-16le). 2 usable examples; 2 labels: positive (1), negative (1).');
    await page.selectOption('#dataset-encoding', 'utf-8');
  });

  it('keeps a character that straddles the first megabyte of a large upload', async () => {
    const filler = `${'x'.repeat(60)},pos\n${'y'.repeat(60)},neg\n`;
    const head = `text,label\n${filler.repeat(Math.floor((1 << 20) / filler.length))}`;
    // The label's first character, 中 (three bytes in UTF-8), starts one byte before 1 MiB.
    const pad = 'z'.repeat((1 << 20) - Buffer.byteLength(head) - 'end,'.length - 1);
    await upload('big.csv', `${head}${pad}end,中性\n`);
    const summary = await summaryOfRows();
    expect(summary).toMatch(/; 3 labels: pos \([\d,]+\), neg \([\d,]+\), 中性 \(1\)\.$/);
    expect(summary).not.toContain('\uFFFD');
  });
});
