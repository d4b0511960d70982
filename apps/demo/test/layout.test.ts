import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoSite, startDemoSite } from './helpers/demo-site.js';

const DESKTOP = { width: 1200, height: 900 };
/** An iPhone 12–15's CSS viewport. */
const PHONE = { width: 390, height: 844 };

interface Box {
  top: number;
  bottom: number;
}

function box(page: Page, selector: string): Promise<Box> {
  return page.$eval(selector, (node) => {
    const { top, bottom } = node.getBoundingClientRect();
    return { top, bottom };
  });
}

// Issue 12 item 6: the layout and wording faults of the demo, measured in Chromium.
describe('demo layout in Chromium', () => {
  let site: DemoSite;

  /** A fresh page at `viewport`, scrolled to the top, once the first prediction is shown. */
  async function open(viewport: { width: number; height: number }): Promise<Page> {
    const context = await site.browser.newContext({ viewport });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(site.url);
    await page.waitForSelector('#try-result[data-scores]', { state: 'attached' });
    await page.evaluate(() => document.fonts.ready);
    expect(errors).toEqual([]);
    return page;
  }

  beforeAll(async () => {
    site = await startDemoSite();
  });

  afterAll(async () => {
    await site?.close();
  });

  it('leaves room between the header and the Try-it card, on desktop and on a phone', async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      const page = await open(viewport);
      const header = await box(page, '.site-header');
      const card = await box(page, '#try-it');
      expect(card.top - header.bottom, `${viewport.width}px`).toBeGreaterThanOrEqual(12);
      await page.context().close();
    }
  });

  it('shows every choice of the form selects whole, at every width from 320 to 1280 px', async () => {
    const page = await open(DESKTOP);
    const cut: string[] = [];
    for (let width = 320; width <= 1280; width += 8) {
      await page.setViewportSize({ width, height: 900 });
      // A copy of each select at its natural width (`width: auto`: as wide as its longest option, arrow
      // and padding included) next to it: the select is cut when it is narrower than that.
      const narrow = await page.$$eval('#architecture, #dataset-encoding', (selects) =>
        selects.flatMap((node) => {
          const select = node as HTMLSelectElement;
          const natural = select.cloneNode(true) as HTMLSelectElement;
          natural.removeAttribute('id');
          natural.style.cssText = 'width: auto; min-width: 0; max-width: none; position: absolute; visibility: hidden;';
          select.parentElement?.append(natural);
          const needed = natural.getBoundingClientRect().width;
          natural.remove();
          const has = select.getBoundingClientRect().width;
          return has + 0.5 < needed ? [`${select.id}: ${has.toFixed(0)} px of ${needed.toFixed(0)}`] : [];
        }),
      );
      cut.push(...narrow.map((n) => `${width} px wide: ${n}`));
    }
    expect(cut).toEqual([]);
    expect(await page.$$eval('#architecture option', (options) => options.map((o) => o.textContent))).toContain('Bag of words (fastest)');
    await page.context().close();
  });

  it('names the backend once ("Running on WebAssembly", not "WASM WebAssembly")', async () => {
    const page = await open(DESKTOP);
    const backend = await page.getAttribute('#backend-status', 'data-backend');
    const status = (await page.textContent('#backend-status')) ?? '';
    const names: Record<string, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'plain JavaScript (CPU)' };
    expect(status).toMatch(new RegExp(`^Running on ${names[backend ?? '']?.replace(/[()]/g, '\\$&')} · TensorFlow\\.js \\S+ · Glossa \\S+$`));
    expect(await page.textContent('#backend-status .badge')).toBe(names[backend ?? '']);
    expect(
      status
        .toLowerCase()
        .split(/\W+/)
        .filter((word) => word === 'wasm' || word === 'webassembly'),
    ).toHaveLength(backend === 'wasm' ? 1 : 0);
    await page.context().close();
  });

  it('shows the first prediction, its bars and its token explanation without scrolling on a 390×844 phone', async () => {
    const page = await open(PHONE);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    for (const part of ['#try-result .headline', '#try-result .bars', '#try-result .tokens']) {
      const { top, bottom } = await box(page, part);
      expect(top, part).toBeGreaterThanOrEqual(0);
      expect(bottom, part).toBeLessThanOrEqual(PHONE.height);
    }
    await page.context().close();
  });
});
