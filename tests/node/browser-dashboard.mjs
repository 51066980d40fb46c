// Opens the dashboard in headless Chromium (Debian's, through playwright-core) at each width, waits until
// every panel shows data, looks a customer up from the CLV table, saves full-page screenshots and prints
// one JSON line: console errors, failed requests, which panels have data, the page width, how long the
// page took to show every panel, and what the lookup showed.
// Usage: node browser-dashboard.mjs <dashboard url> <screenshot folder> <width>[,<width>…]
import { chromium } from 'playwright-core';

const [url, folder, widths] = process.argv.slice(2);
// A panel has data when its selector finds something.
const PANELS = {
  overview: '#cards .card',
  daily: '#daily .card',
  stages: '#stages tbody tr',
  channels: '#channels tbody tr',
  journeyMap: '#sankey svg path',
  steps: '#steps table',
  paths: '#paths tbody tr',
  funnel: '#funnel-table tbody tr',
  funnelSegments: '#funnel-matrix tbody tr',
  retention: '#retention-table tbody tr',
  clvHistogram: '#clv-histogram svg rect',
  clvDeciles: '#clv-deciles tbody tr',
  clvTop: '#clv-top tbody tr',
  rates: '#rate-charts svg path',
  painPoints: '#pain-list .pain blockquote',
  actions: '#actions-table tbody tr',
  best: '#best-table tbody tr',
  bestMixes: '#best-mixes table',
  rfm: '#rfm tbody tr',
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const result = { errors: [], panels: {}, pageWidth: {}, allPanelsMs: {}, lookup: null };
try {
  for (const width of widths.split(',').map(Number)) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    page.on('console', m => { if (m.type() === 'error') result.errors.push(`${width}px: ${m.text()}`); });
    page.on('pageerror', e => result.errors.push(`${width}px: ${e}`));
    page.on('requestfailed', r => result.errors.push(`${width}px: failed ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
    page.on('response', r => { if (r.status() >= 400) result.errors.push(`${width}px: ${r.status()} ${r.url()}`); });
    await page.goto(url, { waitUntil: 'load' });
    try {
      await page.waitForFunction(panels => Object.values(panels).every(s => document.querySelector(s)), PANELS, { timeout: 20000, polling: 50 });
      result.allPanelsMs[width] = Math.round(await page.evaluate(() => performance.now()));
    } catch { result.allPanelsMs[width] = null; /* reported by the panels below */ }
    const filled = await page.evaluate(panels => Object.fromEntries(Object.entries(panels).map(([name, s]) => [name, !!document.querySelector(s)])), PANELS);
    for (const [name, ok] of Object.entries(filled)) result.panels[name] = (result.panels[name] ?? true) && ok;
    result.pageWidth[width] = await page.evaluate(() => document.documentElement.scrollWidth);
    await page.screenshot({ path: `${folder}/dashboard-${width}.png`, fullPage: true });

    // The lookup: follow the first top customer's link.
    const link = await page.$('#clv-top a.id');
    if (link) {
      const id = await link.textContent();
      await link.click();
      await page.waitForFunction(() => document.querySelectorAll('#lookup-result h3').length > 0, null, { timeout: 10000 });
      const shown = await page.evaluate(() => ({
        headings: [...document.querySelectorAll('#lookup-result h3')].map(x => x.textContent.trim()),
        facts: Object.fromEntries([...document.querySelectorAll('#lookup-result dt')].map(dt => [dt.textContent, dt.nextElementSibling.textContent])),
        transitions: document.querySelectorAll('#lookup-result table')[0]?.querySelectorAll('tbody tr').length ?? 0,
        sessions: document.querySelectorAll('#lookup-result .session').length,
      }));
      result.lookup ??= { id, ...shown };
      await page.locator('#lookup').screenshot({ path: `${folder}/dashboard-lookup-${width}.png` });
    }
    await page.close();
  }
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
}
