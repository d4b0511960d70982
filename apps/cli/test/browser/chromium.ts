import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium, which CI installs with apt-get (GLOSSA_CHROMIUM overrides). */
export const CHROMIUM_PATH = process.env.GLOSSA_CHROMIUM ?? '/usr/bin/chromium';

/** Launches headless Chromium, failing with a clear message when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `report browser tests: Chromium not found at ${CHROMIUM_PATH}. Install it (Debian: apt-get install -y chromium fonts-noto-cjk) or point GLOSSA_CHROMIUM at a Chromium binary.`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** What a page did while it was open: console errors and warnings, uncaught exceptions, requests other than the file. */
export interface PageWatch {
  problems: string[];
  requests: string[];
}

/** Opens a file in a new page at the given viewport, recording problems and requests. */
export async function openFile(browser: Browser, path: string, width: number, height = 900): Promise<{ page: Page; watch: PageWatch }> {
  const page = await browser.newPage({ viewport: { width, height } });
  const watch: PageWatch = { problems: [], requests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') watch.problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => watch.problems.push(`pageerror: ${error.message}`));
  page.on('request', (request) => watch.requests.push(request.url()));
  await page.goto(`file://${path}`, { waitUntil: 'load' });
  return { page, watch };
}

/** Presses Tab `presses` times and returns a description of each focused element. */
export async function tabThrough(page: Page, presses: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press('Tab');
    seen.push(
      // A string: this package type-checks without the DOM library.
      String(
        await page.evaluate(`(() => {
          const el = document.activeElement;
          if (el === null || el === document.body) return 'body';
          const cls = el.getAttribute('class');
          return el.tagName.toLowerCase() + (cls ? '.' + cls.split(' ')[0] : '') + (el.getAttribute('href') ? '[href=' + el.getAttribute('href') + ']' : '');
        })()`),
      ),
    );
  }
  return seen;
}
