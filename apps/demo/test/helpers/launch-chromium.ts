import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium, which CI installs with apt-get. */
export const CHROMIUM_PATH = process.env.GLOSSA_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Launches headless Chromium for the end-to-end tests, failing with a clear message when it is missing.
 *
 * @returns The browser.
 * @throws Error when the Chromium binary is absent.
 * @example
 * ```ts
 * const browser = await launchChromium();
 * ```
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `demo e2e: Chromium not found at ${CHROMIUM_PATH}. Install it (Debian: apt-get install -y chromium fonts-noto-cjk) or point GLOSSA_CHROMIUM at a Chromium binary.`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
