#!/usr/bin/env node
// Screenshots of the reports for the README, in Debian's Chromium: desktop (1280 px) and phone (390 px) width.
// usage (from apps/cli): node test/browser/screenshots.mjs <evaluation.html> <analysis.html> [out dir, default docs]
import { chromium } from 'playwright-core';

const [evaluation, analysis, out = 'docs'] = process.argv.slice(2);
if (evaluation === undefined || analysis === undefined) {
  console.error('usage: node test/browser/screenshots.mjs <evaluation.html> <analysis.html> [out dir]');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.GLOSSA_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const shots = [
  // [file, name, width, height, what: 'top' | selector]
  [evaluation, 'evaluate-report-desktop', 1280, 1250, 'top'],
  [evaluation, 'evaluate-report-curves', 1280, 900, '#curves'],
  [evaluation, 'evaluate-report-calibration', 1280, 900, '#calibration'],
  [evaluation, 'evaluate-report-errors', 1280, 900, '#errors .example >> nth=0', '#errors .example >> nth=2'],
  [evaluation, 'evaluate-report-phone', 390, 844, 'top'],
  [analysis, 'analyze-report-desktop', 1280, 1150, 'top'],
  [analysis, 'analyze-report-over-time', 1280, 900, '#over-time figure'],
  [analysis, 'analyze-report-movers', 1280, 900, '#movers'],
  [analysis, 'analyze-report-terms', 1280, 900, '#terms article >> nth=1'],
  [analysis, 'analyze-report-phone', 390, 844, 'top'],
];
for (const [file, name, width, height, what, until] of shots) {
  const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
  const problems = [];
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(m.text()));
  await page.goto(`file://${file}`);
  const path = `${out}/${name}.png`;
  if (what === 'top') await page.screenshot({ path });
  else if (until !== undefined) {
    const a = await page.locator(what).boundingBox();
    const b = await page.locator(until).boundingBox();
    await page.screenshot({ path, fullPage: true, clip: { x: a.x - 8, y: a.y - 8, width: a.width + 16, height: b.y + b.height - a.y + 16 } });
  } else await page.locator(what).screenshot({ path });
  if (problems.length > 0) throw new Error(`${file}: ${problems.join('; ')}`);
  console.log(path);
  await page.close();
}
await browser.close();
