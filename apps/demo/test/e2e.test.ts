import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { initBackend, loadBundle } from '@glossa/node-runtime';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoSite, startDemoSite } from './helpers/demo-site.js';
import { trainingCsv } from './helpers/training-csv.js';

const CLI = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));

/** Texts scored by the page and by Node for the parity check: English, Chinese, emoji, mixed. */
const PARITY_TEXTS = [
  'I love this, it is wonderful',
  'terrible, awful waste of money',
  '这个产品太好了，我很喜欢',
  '质量很差，非常失望',
  'great 👍🎉',
  '😡 worst service ever 👎',
  'the movie was 好 but the service was bad',
  'a word the model never saw: zyxwvut',
];

type Scores = Record<string, number>;

interface Shown {
  text: string;
  label: string;
  scores: Scores;
}

/** Types `text` into a text box and waits until the result panel shows the scores for exactly that text. */
async function classify(page: Page, input: string, output: string, text: string): Promise<Shown> {
  await page.fill(input, text);
  await page.waitForFunction(
    ([selector, expected]) => {
      const node = document.querySelector<HTMLElement>(selector as string);
      return node !== null && node.dataset.text === expected && node.dataset.scores !== undefined && node.getAttribute('aria-busy') === 'false';
    },
    [output, text],
  );
  return page.$eval(output, (node) => {
    const el = node as HTMLElement;
    return { text: el.dataset.text ?? '', label: el.dataset.label ?? '', scores: JSON.parse(el.dataset.scores ?? '{}') as Record<string, number> };
  });
}

async function waitForFirstPrediction(page: Page): Promise<Shown> {
  await page.waitForSelector('#try-result[data-scores]', { state: 'attached' });
  return page.$eval('#try-result', (node) => {
    const el = node as HTMLElement;
    return { text: el.dataset.text ?? '', label: el.dataset.label ?? '', scores: JSON.parse(el.dataset.scores ?? '{}') as Record<string, number> };
  });
}

function expectProbabilities(scores: Scores, labels: readonly string[]): void {
  expect(Object.keys(scores).sort()).toEqual([...labels].sort());
  const sum = Object.values(scores).reduce((a, b) => a + b, 0);
  expect(sum).toBeCloseTo(1, 5);
}

describe('demo site in Chromium', () => {
  let site: DemoSite;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    site = await startDemoSite();
    context = await site.browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(site.url);
  });

  afterAll(async () => {
    await context?.close();
    await site?.close();
  });

  it('loads the English model and predicts, showing the backend', async () => {
    const first = await waitForFirstPrediction(page);
    expect(first.text).toBe(await page.inputValue('#try-text'));
    expectProbabilities(first.scores, ['negative', 'positive']);
    const backend = await page.getAttribute('#backend-status', 'data-backend');
    expect(['webgpu', 'webgl', 'wasm', 'cpu']).toContain(backend);
    const report = await page.evaluate(() => window.__glossa.backends.predict);
    expect(report?.backend).toBe(backend);
    expect(await page.$$eval('#try-result .token', (nodes) => nodes.length)).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  it('updates the label, bars and token attributions as the user types', async () => {
    const negative = await classify(page, '#try-text', '#try-result', 'a dull, tedious and thoroughly boring mess');
    expect(negative.label).toBe('negative');
    const positive = await classify(page, '#try-text', '#try-result', 'a funny, touching and beautifully acted film');
    expect(positive.label).toBe('positive');
    expect(positive.scores.positive).toBeGreaterThan(0.5);
    const tokens = await page.$$eval('#try-result .token[data-score]', (nodes) =>
      nodes.map((n) => ({ text: n.firstChild?.textContent ?? '', title: (n as HTMLElement).title, score: Number((n as HTMLElement).dataset.score) })),
    );
    expect(tokens.map((t) => t.text)).toEqual(['a', 'funny', 'touching', 'and', 'beautifully', 'acted', 'film']);
    for (const token of tokens) {
      expect(Number.isFinite(token.score)).toBe(true);
      expect(token.title).toMatch(/(supports|opposes|barely affects) "positive": [+\u2212]\d\.\d{3}/);
    }
    const meter = await page.getAttribute('#try-result .winner [role="meter"]', 'aria-valuetext');
    expect(meter).toBe(`${(positive.scores.positive! * 100).toFixed(1)}%`);
  });

  it('switches to the Chinese model', async () => {
    await page.check('input[name="model"][value="zh"]');
    await page.waitForSelector('#try-result[data-model="zh"][data-label]', { state: 'attached' });
    const negative = await classify(page, '#try-text', '#try-result', '房间又小又脏，服务态度很差，不会再来了。');
    expect(negative.label).toBe('negative');
    const positive = await classify(page, '#try-text', '#try-result', '酒店环境很好，服务周到，早餐丰富，推荐！');
    expect(positive.label).toBe('positive');
    await page.check('input[name="model"][value="en"]');
    await page.waitForSelector('#try-result[data-model="en"][data-label]', { state: 'attached' });
  });

  it('scores the committed CLI-trained bundles like node-runtime does', async () => {
    await initBackend({ backend: 'cpu', job: 'predict' });
    const cases = [
      { model: 'en', file: '@glossa/model-sentiment-en', texts: ['an utterly charming , funny film', 'not good at all 😒', '好 movie'] },
      { model: 'zh', file: '@glossa/model-sentiment-zh', texts: ['服务很好，房间也干净。', '太差了！再也不来了 👎', 'ok 还行吧'] },
    ];
    for (const { model, file, texts } of cases) {
      await page.check(`input[name="model"][value="${model}"]`);
      await page.waitForSelector(`#try-result[data-model="${model}"][data-label]`, { state: 'attached' });
      const shown: Shown[] = [];
      for (const text of texts) shown.push(await classify(page, '#try-text', '#try-result', text));
      // The site serves the model packages' bundles; Node loads the same packages by name.
      const classifier = await loadBundle(file);
      try {
        const predictions = await classifier.predict(texts);
        predictions.forEach((prediction, i) => {
          expect(prediction.label, texts[i]).toBe(shown[i]?.label);
          for (const [label, score] of Object.entries(shown[i]?.scores ?? {})) {
            expect(Math.abs((prediction.scores[label] ?? Number.NaN) - score), `${file}: ${texts[i]} / ${label}`).toBeLessThan(1e-5);
          }
        });
      } finally {
        classifier.dispose();
      }
    }
    await page.check('input[name="model"][value="en"]');
    await page.waitForSelector('#try-result[data-model="en"][data-label]', { state: 'attached' });
  });

  it('has labelled controls and works from the keyboard', async () => {
    for (const label of [
      'Text to classify',
      'Data file (.csv, .tsv, .jsonl)',
      'Encoding',
      'Text column',
      'Label column',
      'Architecture',
      'Epochs',
      'Batch size',
      'Max tokens per text',
    ]) {
      expect(await page.getByLabel(label, { exact: true }).count(), label).toBe(1);
    }
    // The skip link is the first stop in the tab order (clicking the heading moves the focus start there).
    await page.click('h1');
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to the demo');
    await page.keyboard.press('Enter');
    expect(new URL(page.url()).hash).toBe('#try-it');
    await page.getByLabel('English (SST-2)').focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('#try-result[data-model="zh"][data-label]', { state: 'attached' });
    expect(await page.isChecked('input[name="model"][value="zh"]')).toBe(true);
    await page.keyboard.press('ArrowLeft');
    await page.waitForSelector('#try-result[data-model="en"][data-label]', { state: 'attached' });
  });

  it('reads TSV and JSONL uploads and suggests the columns', async () => {
    const tsv = 'id\tlabel\ttext\n1\tpos\t"quoted, with ""quotes"" and a tab-free body"\n2\tneg\tplain 文本 🙂\n3\tneg\tshort\n';
    await page.setInputFiles('#dataset-file', { name: 'data.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from(tsv, 'utf8') });
    await page.waitForFunction(() => document.querySelector('#dataset-summary')?.textContent?.startsWith('3 rows'));
    expect(await page.textContent('#dataset-summary')).toContain('3 rows, 3 columns (TSV). 3 usable examples; 2 labels: neg (2), pos (1).');
    expect(await page.inputValue('#text-column')).toBe('text');
    expect(await page.inputValue('#label-column')).toBe('label');
    expect(await page.isDisabled('#train-button')).toBe(true); // fewer than 10 examples

    const jsonl = Array.from({ length: 12 }, (_, i) => JSON.stringify({ body: `message ${i} 👍`, category: i % 3 === 0 ? 'spam' : 'ham' })).join('\n');
    await page.setInputFiles('#dataset-file', { name: 'data.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(jsonl, 'utf8') });
    await page.waitForFunction(() => document.querySelector('#dataset-summary')?.textContent?.startsWith('12 rows'));
    expect(await page.textContent('#dataset-summary')).toContain('(JSONL). 12 usable examples; 2 labels: ham (8), spam (4).');
    expect(await page.inputValue('#text-column')).toBe('body');
    expect(await page.inputValue('#label-column')).toBe('category');
    expect(await page.isEnabled('#train-button')).toBe(true);
  });

  it('trains on an uploaded CSV in a worker with live charts, and the download scores the same in Node and the CLI', async () => {
    await page.setInputFiles('#dataset-file', { name: 'reviews.csv', mimeType: 'text/csv', buffer: Buffer.from(trainingCsv(200), 'utf8') });
    await page.waitForFunction(() => !(document.querySelector('#train-button') as HTMLButtonElement).disabled);
    expect(await page.inputValue('#text-column')).toBe('review');
    expect(await page.inputValue('#label-column')).toBe('sentiment');
    expect(await page.textContent('#dataset-summary')).toContain('200 rows');
    await page.selectOption('#architecture', 'bow');
    await page.fill('#epochs', '8');
    await page.fill('#batch-size', '16');
    await page.fill('#max-length', '20');
    // Record every chart update with the training status at that moment (no timing involved).
    await page.evaluate(() => {
      const chart = document.querySelector('#loss-chart') as HTMLElement;
      const status = document.querySelector('#train-status') as HTMLElement;
      const seen: Array<{ points: number; state: string }> = [];
      (window as unknown as { __chartUpdates: typeof seen }).__chartUpdates = seen;
      new MutationObserver(() => seen.push({ points: Number(chart.dataset.points), state: status.dataset.state ?? '' })).observe(chart, {
        attributes: true,
        attributeFilter: ['data-points'],
      });
    });
    await page.click('#train-button');
    await page.waitForSelector('#train-status[data-state="done"]', { state: 'attached' });
    expect(await page.textContent('#train-status')).toMatch(/^Trained in/);
    const updates = await page.evaluate(() => (window as unknown as { __chartUpdates: Array<{ points: number; state: string }> }).__chartUpdates);
    const during = updates.filter((u) => u.state === 'training' && u.points > 0);
    expect(during.length).toBeGreaterThan(1);
    expect(during.map((u) => u.points)).toEqual([...during.map((u) => u.points)].sort((a, b) => a - b));
    // The training-loss line (#1d4ed8) is drawn on the canvas.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const bluePixels = await page.$eval('#loss-chart canvas', (node) => {
      const canvas = node as HTMLCanvasElement;
      const { data } = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! < 60 && data[i + 1]! > 50 && data[i + 1]! < 110 && data[i + 2]! > 180) n++;
      return n;
    });
    expect(bluePixels).toBeGreaterThan(20);
    expect(await page.$$eval('#epoch-table tbody tr', (rows) => rows.length)).toBeGreaterThan(0);

    // Validation: 20% of 200 rows, a 2×2 confusion matrix whose cells add up to the validation size.
    const cells = await page.$$eval('#confusion-matrix tbody td', (tds) => tds.map((td) => Number(td.textContent)));
    expect(cells).toHaveLength(4);
    expect(cells.reduce((a, b) => a + b, 0)).toBe(40);
    expect(Number(await page.getAttribute('#validation-metrics', 'data-accuracy'))).toBeGreaterThan(0.9);

    const shown: Shown[] = [];
    for (const text of PARITY_TEXTS) shown.push(await classify(page, '#custom-text', '#custom-result', text));
    expect(shown[0]?.label).toBe('good');
    expect(shown[1]?.label).toBe('bad');

    const dir = await mkdtemp(join(tmpdir(), 'glossa-demo-download-'));
    try {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-button')]);
      expect(download.suggestedFilename()).toBe('glossa-model.glossa');
      const path = join(dir, 'model.glossa');
      await download.saveAs(path);

      await initBackend({ backend: 'cpu', job: 'predict' });
      const classifier = await loadBundle(path);
      try {
        const predictions = await classifier.predict(PARITY_TEXTS);
        predictions.forEach((prediction, i) => {
          const page = shown[i]!;
          expect(prediction.label, PARITY_TEXTS[i]).toBe(page.label);
          for (const [label, score] of Object.entries(page.scores)) {
            expect(Math.abs((prediction.scores[label] ?? Number.NaN) - score), `${PARITY_TEXTS[i]} / ${label}`).toBeLessThan(1e-5);
          }
        });
      } finally {
        classifier.dispose();
      }

      // The same file opens in "Try it" and gives the same scores there.
      await page.setInputFiles('#model-file', path);
      await page.waitForSelector('#try-result[data-model="file"][data-label]', { state: 'attached' });
      const reopened = await classify(page, '#try-text', '#try-result', PARITY_TEXTS[2]!);
      expect(reopened.scores).toEqual(shown[2]?.scores);

      if (!existsSync(CLI)) throw new Error(`demo e2e: the CLI is not built (${CLI}). Run \`pnpm --filter demo... build\` first.`);
      const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'predict', path, ...PARITY_TEXTS], { maxBuffer: 1 << 20 });
      const lines = stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { text: string; label: string; scores: Scores });
      expect(lines.map((l) => l.text)).toEqual(PARITY_TEXTS);
      lines.forEach((line, i) => {
        expect(line.label).toBe(shown[i]?.label);
        for (const [label, score] of Object.entries(shown[i]?.scores ?? {})) {
          expect(Math.abs((line.scores[label] ?? Number.NaN) - score), `CLI: ${line.text} / ${label}`).toBeLessThan(1e-5);
        }
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('cancels a training run', async () => {
    await page.selectOption('#architecture', 'lstm');
    await page.fill('#epochs', '100');
    await page.fill('#batch-size', '4');
    await page.click('#train-button');
    await page.waitForFunction(() => Number((document.querySelector('#loss-chart') as HTMLElement).dataset.points) > 0);
    expect(await page.isDisabled('#train-button')).toBe(true);
    await page.click('#cancel-button');
    await page.waitForSelector('#train-status[data-state="cancelled"]', { state: 'attached' });
    expect(await page.isEnabled('#train-button')).toBe(true);
    expect(await page.isDisabled('#cancel-button')).toBe(true);
  });

  it('works offline once loaded (service worker)', async () => {
    const offline = await site.browser.newContext();
    try {
      const tab = await offline.newPage();
      await tab.goto(site.url);
      await waitForFirstPrediction(tab);
      await tab.evaluate(async () => {
        await navigator.serviceWorker.ready;
      });
      await offline.setOffline(true);
      await tab.reload();
      const shown = await waitForFirstPrediction(tab);
      expect(await tab.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
      expectProbabilities(shown.scores, ['negative', 'positive']);
      await tab.check('input[name="model"][value="zh"]');
      await tab.waitForSelector('#try-result[data-model="zh"][data-label]', { state: 'attached' });
    } finally {
      await offline.close();
    }
  });
});
