// Opens the dashboard in headless Chromium (Debian's, through playwright-core), waits until its panels
// are filled, saves a full-page screenshot and prints one JSON line: console errors, failed requests and
// the rows of each table. Usage: node browser-dashboard.mjs <dashboard url> <screenshot.png> [width]
import { chromium } from 'playwright-core';

const [url, screenshot, width] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: Number(width || 1200), height: 900 } });
  const errors = [];
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', e => errors.push(String(e)));
  page.on('requestfailed', r => errors.push(`failed ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', r => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
  await page.goto(url, { waitUntil: 'networkidle' });
  await page.waitForFunction(() => document.querySelectorAll('#actions tbody tr').length > 0 && document.querySelectorAll('#retention tbody tr').length > 0, null, { timeout: 20000 });
  await page.screenshot({ path: screenshot, fullPage: true });
  const rows = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('table[id]')].map(t => [t.id, t.querySelectorAll('tbody tr').length])));
  const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  console.log(JSON.stringify({ errors, rows, pageWidth }));
} finally {
  await browser.close();
}
