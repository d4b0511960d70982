import { rm } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { buildSite } from './build-site.js';
import { launchChromium } from './launch-chromium.js';
import { type StaticServer, serveStatic } from './serve-static.js';

/** The demo, built and served on 127.0.0.1, and a Chromium to open it in. */
export interface DemoSite {
  /** The site's address, e.g. `http://127.0.0.1:40123/`. */
  url: string;
  /** Debian's Chromium, headless. */
  browser: Browser;
  /** Closes the browser and the server and deletes the build. */
  close(): Promise<void>;
}

/**
 * Builds the demo into a temporary directory, serves it and launches Chromium: what every browser test and
 * the screenshot script start with.
 *
 * @returns The running site.
 * @throws Error when the build fails or Chromium is missing (everything started so far is stopped first).
 * @example
 * ```ts
 * const site = await startDemoSite();
 * const page = await site.browser.newPage();
 * await page.goto(site.url);
 * await site.close();
 * ```
 */
export async function startDemoSite(): Promise<DemoSite> {
  const outDir = await buildSite();
  let server: StaticServer | undefined;
  try {
    server = await serveStatic(outDir);
    const browser = await launchChromium();
    const running = server;
    return {
      url: running.url,
      browser,
      close: async () => {
        await browser.close();
        await running.close();
        await rm(outDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server?.close();
    await rm(outDir, { recursive: true, force: true });
    throw error;
  }
}
