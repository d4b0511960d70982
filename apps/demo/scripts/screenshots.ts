// Captures the demo's main views at desktop and phone widths into docs/screenshots/*.png.
// Run with `pnpm --filter demo screenshots` (vitest runs this file; it is not part of `pnpm test`).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { buildSite, DEMO_ROOT } from '../test/helpers/build-site.js';
import { launchChromium } from '../test/helpers/launch-chromium.js';
import { type StaticServer, serveStatic } from '../test/helpers/serve-static.js';
import { trainingCsv } from '../test/helpers/training-csv.js';

const OUT = join(DEMO_ROOT, 'docs', 'screenshots');

const VIEWPORTS = {
  desktop: { width: 1200, height: 900 },
  phone: { width: 390, height: 844 },
} as const;

async function showResult(page: Page, selector: string, text: string): Promise<void> {
  await page.fill(selector === '#try-result' ? '#try-text' : '#custom-text', text);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.waitForFunction(
    ([sel, expected]) => {
      const node = document.querySelector<HTMLElement>(sel as string);
      return node !== null && node.dataset.text === expected && node.getAttribute('aria-busy') === 'false';
    },
    [selector, text],
  );
}

describe('screenshots', () => {
  let outDir: string;
  let server: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    outDir = await buildSite();
    server = await serveStatic(outDir);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (outDir !== undefined) await rm(outDir, { recursive: true, force: true });
  });

  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    it(`captures the ${name} views`, async () => {
      const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
      const page = await context.newPage();
      await page.goto(server.url);
      await page.waitForSelector('#try-result[data-scores]', { state: 'attached' });
      await page.evaluate(() => document.fonts.ready);
      await page.screenshot({ path: join(OUT, `try-it-en-${name}.png`), fullPage: name === 'phone' });

      await page.check('input[name="model"][value="zh"]');
      await page.waitForSelector('#try-result[data-model="zh"][data-label]', { state: 'attached' });
      await showResult(page, '#try-result', '房间干净，服务热情，就是早餐有点单调。');
      await page.locator('#try-it').screenshot({ path: join(OUT, `try-it-zh-${name}.png`) });

      await page.setInputFiles('#dataset-file', { name: 'reviews.csv', mimeType: 'text/csv', buffer: Buffer.from(trainingCsv(400), 'utf8') });
      await page.waitForFunction(() => !(document.querySelector('#train-button') as HTMLButtonElement).disabled);
      await page.selectOption('#architecture', 'cnn');
      await page.fill('#epochs', '6');
      await page.fill('#batch-size', '16');
      await page.fill('#max-length', '20');
      await page.click('#train-button');
      await page.waitForSelector('#train-status[data-state="done"]', { state: 'attached' });
      await showResult(page, '#custom-result', 'really great service 👍 but the movie was boring');
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      await page.locator('#train').screenshot({ path: join(OUT, `train-your-own-${name}.png`) });
      await context.close();
    });
  }
});
