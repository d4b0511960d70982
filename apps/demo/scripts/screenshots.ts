// Captures the demo's main views at desktop and phone widths into docs/screenshots/*.png.
// Run with `pnpm --filter demo screenshots` (vitest runs this file; it is not part of `pnpm test`).
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DEMO_ROOT } from '../test/helpers/build-site.js';
import { type DemoSite, startDemoSite } from '../test/helpers/demo-site.js';
import { legacyEncoder } from '../test/helpers/encode-legacy.js';
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
  let site: DemoSite;

  beforeAll(async () => {
    site = await startDemoSite();
  });

  afterAll(async () => {
    await site?.close();
  });

  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    it(`captures the ${name} views`, async () => {
      const context = await site.browser.newContext({ viewport, deviceScaleFactor: 1 });
      const page = await context.newPage();
      await page.goto(site.url);
      await page.waitForSelector('#try-result[data-scores]', { state: 'attached' });
      await page.evaluate(() => document.fonts.ready);
      await page.screenshot({ path: join(OUT, `try-it-en-${name}.png`), fullPage: name === 'phone' });

      await page.check('input[name="model"][value="zh"]');
      await page.waitForSelector('#try-result[data-model="zh"][data-label]', { state: 'attached' });
      await showResult(page, '#try-result', '房间干净，服务热情，就是早餐有点单调。');
      await page.locator('#try-it').screenshot({ path: join(OUT, `try-it-zh-${name}.png`) });

      // A Latin-1 export read as UTF-8: refused with the CLI's message and an offer to read it as windows-1252.
      const latin1 = legacyEncoder('windows-1252')('text,label\nun café très agréable,positif\nun serveur désagréable,négatif\n');
      await page.setInputFiles('#dataset-file', { name: 'avis.csv', mimeType: 'text/csv', buffer: Buffer.from(latin1) });
      await page.waitForSelector('#encoding-suggestions:not([hidden])');
      await page.locator('#train-form').screenshot({ path: join(OUT, `train-encoding-${name}.png`) });

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
