import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, parseJsonl, runBin, sentimentRows, toCsv } from './helpers.js';

// `glossa predict` on an input of a few hundred MB whose first line has no end: the built binary reads it
// through node-runtime's bounded line reader, so its peak resident set stays within 200 MB of a run on a
// tiny input. The full 2 GB run (not in CI, a few minutes and 2 GB of temporary disk):
//
//   GLOSSA_HUGE_FILE_MB=2048 pnpm --filter @glossa/cli exec vitest run test/huge-input.test.ts

const MEGABYTES = Number(process.env.GLOSSA_HUGE_FILE_MB ?? 300);
const RSS_GROWTH_LIMIT_KB = 200 * 1024;

let dir: string;
let model: string;

/** Runs the binary with a preload that writes the process's peak RSS (KiB) to a file at exit. */
async function runMeasured(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string; maxRssKb: number }> {
  const rssFile = join(dir, `rss-${Math.random().toString(36).slice(2)}`);
  const preload = `data:text/javascript,${encodeURIComponent(
    `import { writeFileSync } from 'node:fs'; process.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));`,
  )}`;
  const child = spawn(process.execPath, ['--import', preload, BIN, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr, maxRssKb: Number(await readFile(rssFile, 'utf8')) };
}

beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'glossa-huge-input-'));
  await writeFile(join(dir, 'train.csv'), toCsv(sentimentRows(120, 21)));
  model = join(dir, 'model');
  const run = await runBin(['train', join(dir, 'train.csv'), '--out', model, '--arch', 'bow', '--epochs', '1', '--max-length', '16', '--embedding-dim', '8']);
  expect(run.code).toBe(0);
}, 180_000);

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe(`glossa predict on a ${MEGABYTES} MB input`, () => {
  it('skips a line of hundreds of MB in bounded memory and labels the rest', async () => {
    const small = join(dir, 'small.txt');
    await writeFile(small, 'a great film\nawful acting\n');
    const baseline = await runMeasured(['predict', model, '--input', small, '--on-bad-row', 'skip']);
    expect(baseline.code).toBe(0);

    const huge = join(dir, 'huge.txt');
    const out = createWriteStream(huge);
    const block = Buffer.from('endless text without a line break '.repeat(1928)); // ~64 KiB
    for (let written = 0; written < MEGABYTES * 1024 * 1024; written += block.length) {
      if (!out.write(block)) await once(out, 'drain');
    }
    out.end('\na great film\nawful acting\n');
    await once(out, 'finish');

    const run = await runMeasured(['predict', model, '--input', huge, '--on-bad-row', 'skip']);
    expect(run.code).toBe(0);
    expect(parseJsonl(run.stdout).map((row) => row.text ?? `error at line ${row.line}`)).toEqual(['error at line 1', 'a great film', 'awful acting']);
    expect(run.stderr).toMatch(
      /^warning: .*huge\.txt: 1 record could not be labelled; its output line carries an "error" field instead \(first: .*huge\.txt:1: the line is \d+ characters long, more than maxRecordSize/,
    );
    expect(run.maxRssKb - baseline.maxRssKb).toBeLessThan(RSS_GROWTH_LIMIT_KB);
  }, 600_000);
});
