import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seeded, sentimentRows, toCsv } from '../helpers.js';
import { runCaptured } from '../run-captured.js';
import { launchChromium, openFile, tabThrough } from './chromium.js';

// The HTML reports of `glossa evaluate --report` and `glossa analyze --report`, written by the CLI (in process,
// from the sources: turbo may run this task while the CLI's own build is still writing dist/) and opened from disk in Debian's Chromium: no console errors, no request but the file, the key parts there,
// keyboard focus reaching every interactive part, and a phone-width layout without sideways scrolling.

let dir: string;
let browser: Browser;
const reports: Record<'evaluate' | 'analyze', string> = { evaluate: '', analyze: '' };

function noisy(n: number, seed: number): Array<{ text: string; label: string }> {
  const random = seeded(seed + 100);
  return sentimentRows(n, seed).map((row) => (random() < 0.2 ? { ...row, label: row.label === 'pos' ? 'neg' : 'pos' } : row));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glossa-report-browser-'));
  await writeFile(join(dir, 'train.csv'), toCsv(noisy(300, 1)));
  await writeFile(join(dir, 'test.csv'), toCsv(noisy(150, 2)));
  const random = seeded(3);
  const regions = ['north', 'south', 'east', 'online — 网店'];
  const rows = sentimentRows(800, 4).map((row, i) => {
    const day = new Date(Date.UTC(2024, 0, 1 + Math.floor(random() * 56)));
    return `"${row.text}",${regions[i % 4]},${day.toISOString().slice(0, 10)}`;
  });
  await writeFile(join(dir, 'reviews.csv'), `text,region,date\n${rows.join('\n')}\n`);
  const model = join(dir, 'model');
  expect((await runCaptured(['train', join(dir, 'train.csv'), '--out', model, '--arch', 'ngram'])).code).toBe(0);
  reports.evaluate = join(dir, 'evaluation.html');
  reports.analyze = join(dir, 'analysis.html');
  const runs = [
    await runCaptured(['evaluate', model, join(dir, 'test.csv'), '--report', reports.evaluate]),
    await runCaptured(['analyze', model, join(dir, 'reviews.csv'), '--by', 'region', '--time', 'date', '--every', 'week', '--report', reports.analyze]),
  ];
  for (const run of runs) expect(run.stderr).not.toMatch(/^glossa:/m);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const SECTIONS = {
  evaluate: ['confusion', 'per-label', 'curves', 'calibration', 'thresholds', 'errors'],
  analyze: ['shares', 'over-time', 'movers', 'terms', 'data'],
} as const;

describe.each(['evaluate', 'analyze'] as const)('the %s report in Chromium', (kind) => {
  it('opens from disk with no console error, no request but the file, and every section drawn', async () => {
    const { page, watch } = await openFile(browser, reports[kind], 1280);
    expect(watch.problems).toEqual([]);
    expect(watch.requests).toEqual([`file://${reports[kind]}`]);
    expect(await page.locator('h1').textContent()).toMatch(kind === 'evaluate' ? /^Evaluation of model on test\.csv$/ : /^Analysis of reviews\.csv by region$/);
    for (const id of SECTIONS[kind]) expect(await page.locator(`section#${id} h2`).isVisible()).toBe(true);
    // Charts: visible SVGs with an accessible name, at desktop width the wide drawing.
    const charts = page.locator('.chart-wide');
    expect(await charts.count()).toBeGreaterThanOrEqual(kind === 'evaluate' ? 5 : 3);
    for (const chart of await charts.all()) {
      const named = chart.locator('svg[aria-label]').first();
      expect(await named.isVisible()).toBe(true);
      expect((await named.boundingBox())?.height).toBeGreaterThan(100);
    }
    expect(await page.locator('.chart-narrow svg').first().isVisible()).toBe(false);
    const data = JSON.parse((await page.locator('#glossa-data').textContent()) ?? '{}') as Record<string, unknown>;
    expect(data).toHaveProperty(kind === 'evaluate' ? 'calibration' : 'movers');
    if (kind === 'evaluate') {
      expect(await page.locator('#errors .example').count()).toBeGreaterThan(0);
      expect(await page.locator('#errors .tok.s').count()).toBeGreaterThan(0);
      expect(await page.locator('#thresholds tbody tr').count()).toBe(19);
    } else {
      expect(await page.getByText('online — 网店').first().isVisible()).toBe(true);
      expect(await page.locator('#terms ol.terms li').count()).toBeGreaterThan(0);
    }
    await page.close();
  });

  it('is usable with the keyboard: the skip link first, then the contents, the tables and the disclosures', async () => {
    const { page, watch } = await openFile(browser, reports[kind], 1280);
    expect(await page.locator('a.skip').evaluate((el) => el.getBoundingClientRect().left >= 0)).toBe(false);
    const focused = await tabThrough(page, 12);
    expect(focused[0]).toBe('a.skip[href=#main]');
    expect(focused).toContain(`a[href=#${SECTIONS[kind][0]}]`);
    expect(focused.some((f) => f.startsWith('div.table-wrap'))).toBe(true);
    if (kind === 'evaluate') expect(focused).toContain('summary');
    // The skip link jumps to the report, and a disclosure opens with Enter.
    await page.keyboard.press('Home');
    await page.locator('a.skip').focus();
    expect(await page.locator('a.skip').evaluate((el) => el.getBoundingClientRect().left >= 0)).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('main');
    const summary = page.locator('details summary').first();
    await summary.focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('details').first().getAttribute('open')).not.toBeNull();
    expect(watch.problems).toEqual([]);
    await page.close();
  });

  it('fits a phone: no sideways scrolling, the narrow drawings shown', async () => {
    const { page, watch } = await openFile(browser, reports[kind], 390, 844);
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
    expect(await page.locator('.chart-narrow svg').first().isVisible()).toBe(true);
    expect(await page.locator('.chart-wide svg').first().isVisible()).toBe(false);
    for (const svg of await page.locator('.chart-narrow svg').all()) {
      const box = await svg.boundingBox();
      if (box !== null) expect(box.width).toBeLessThanOrEqual(390);
    }
    expect(watch.problems).toEqual([]);
    await page.close();
  });
});
