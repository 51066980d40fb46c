// Opens a shop page in headless Chromium (Debian's, through playwright-core) and waits until its
// trackers have sent what they send: node browser-visit.mjs <page url> <collector origin> [user agent].
// Prints one JSON line: the requests to the collector (method, path, status, cors header) and the
// console errors. Leaving the page (close) lets sendBeacon flush, as a real visitor's tab would.
import { chromium } from 'playwright-core';

const [pageUrl, collector, userAgent] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const context = await browser.newContext(userAgent ? { userAgent } : {});
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('requestfailed', r => { if (r.url().startsWith(collector)) errors.push(`failed ${r.method()} ${r.url()}: ${r.failure()?.errorText}`); });
  page.on('response', async r => {
    if (!r.url().startsWith(collector)) return;
    const u = new URL(r.url());
    requests.push({ method: r.request().method(), path: u.pathname, status: r.status(), allowOrigin: (await r.allHeaders())['access-control-allow-origin'] ?? null });
  });
  await page.goto(pageUrl, { waitUntil: 'load' });
  await page.waitForFunction(() => window.visitDone === true, null, { timeout: 20000 });
  await page.waitForTimeout(300);
  await page.close({ runBeforeUnload: true });
  // A closed tab's beacons and keepalive fetches (with their CORS preflight) outlive it in a real browser;
  // here they live as long as the browser context, so give them a moment before closing it.
  await new Promise(resolve => setTimeout(resolve, 1500));
  await context.close();
  console.log(JSON.stringify({ requests, errors }));
} finally {
  await browser.close();
}
