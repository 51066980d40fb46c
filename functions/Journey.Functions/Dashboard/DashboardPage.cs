namespace Journey.Functions.Dashboard;

/// <summary>A single self-contained page (no external scripts or fonts: it works offline).</summary>
internal static class DashboardPage
{
    public const string Html = """
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>Journey</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1d2430; }
  h1 { font-size: 1.5rem; margin-bottom: .2rem; }
  .muted { color: #667; }
  .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: .8rem; margin: 1.2rem 0; }
  .card { border: 1px solid #dde2ea; border-radius: .5rem; padding: .7rem .9rem; }
  .card b { display: block; font-size: 1.4rem; }
  table { border-collapse: collapse; width: 100%; margin: .6rem 0 1.4rem; }
  th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #eef1f5; }
  td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
  .bar { background: #3d6fd8; height: .7rem; border-radius: .2rem; }
  code { background: #f3f5f8; padding: .1rem .3rem; border-radius: .2rem; }
  /* Phones: wide tables scroll inside themselves, the page does not. */
  @media (max-width: 700px) { table { display: block; overflow-x: auto; white-space: nowrap; } }
</style>
</head>
<body>
<h1>Journey</h1>
<div class="muted">Customer journeys of this shop, from the local store. Send events to <code>/i</code> or <code>/v1/batch</code>; look a customer up at <code>/api/customers/{id}</code>.</div>
<div id="error" class="muted"></div>
<div class="cards" id="cards"></div>
<h2>Stages</h2>
<table id="stages"><thead><tr><th>stage</th><th class="n">customers</th><th style="width:50%"></th></tr></thead><tbody></tbody></table>
<h2>Acquisition channels</h2>
<table id="channels"><thead><tr><th>channel</th><th class="n">customers</th><th class="n">buyers</th><th class="n">revenue</th></tr></thead><tbody></tbody></table>
<h2>Daily metrics <span class="muted" id="asof"></span></h2>
<div class="muted" id="nometrics"></div>
<div class="cards" id="daily"></div>
<h3>RFM segments</h3>
<table id="rfm"><thead><tr><th>segment</th><th class="n">customers</th><th class="n">share %</th><th class="n">avg orders</th><th class="n">revenue</th></tr></thead><tbody></tbody></table>
<h3>Monthly retention: customers by first order, % active in month k</h3>
<table id="retention"><thead></thead><tbody></tbody></table>
<h2>Actions <span class="muted">(the latest 1,000, by rule and status; conversion of treated against holdout from the daily metrics)</span></h2>
<table id="actions"><thead><tr><th>rule</th><th class="n">pending</th><th class="n">sent</th><th class="n">failed</th><th class="n">skipped</th><th class="n">cancelled</th><th class="n">holdout</th><th class="n">treated converted</th><th class="n">holdout converted</th></tr></thead><tbody></tbody></table>
<h2>Kept out of journeys</h2>
<table id="keptout"><thead><tr><th>why</th><th class="n">hits or events since start</th></tr></thead><tbody></tbody></table>
<script>
const fmt = n => Number(n).toLocaleString('en-US', { maximumFractionDigits: 2 });
function cell(text, numeric) { const td = document.createElement('td'); td.textContent = text; if (numeric) td.className = 'n'; return td; }
async function refresh() {
  try {
    const r = await fetch('/api/overview');
    if (!r.ok) throw new Error((await r.json()).error || r.statusText);
    const o = await r.json();
    document.getElementById('error').textContent = '';
    const cards = [['customers', o.customers], ['orders', o.orders], ['revenue', o.revenue], ['bounce rate', (o.bounceRate * 100).toFixed(1) + ' %'],
                   ['cart abandonment', (o.cartAbandonmentRate * 100).toFixed(1) + ' %'], ['dead letters today', o.deadLettersToday]];
    const c = document.getElementById('cards'); c.replaceChildren();
    for (const [label, value] of cards) { const d = document.createElement('div'); d.className = 'card'; const b = document.createElement('b'); b.textContent = typeof value === 'number' ? fmt(value) : value; d.append(b, label); c.append(d); }
    const max = Math.max(1, ...Object.values(o.stages));
    const sb = document.querySelector('#stages tbody'); sb.replaceChildren();
    for (const [stage, n] of Object.entries(o.stages)) { const tr = document.createElement('tr'); const bar = document.createElement('td'); const div = document.createElement('div'); div.className = 'bar'; div.style.width = (100 * n / max) + '%'; bar.append(div); tr.append(cell(stage), cell(fmt(n), true), bar); sb.append(tr); }
    const cb = document.querySelector('#channels tbody'); cb.replaceChildren();
    for (const [channel, row] of Object.entries(o.channels)) { const tr = document.createElement('tr'); tr.append(cell(channel), cell(fmt(row.customers), true), cell(fmt(row.buyers), true), cell(fmt(row.revenue), true)); cb.append(tr); }
  } catch (e) { document.getElementById('error').textContent = 'Could not load the overview: ' + e.message; }
}
async function refreshMetrics() {
  const r = await fetch('/api/metrics/latest');
  if (r.status === 404) { document.getElementById('nometrics').textContent = 'The daily job has not run yet (it runs in the background after start, or: POST /api/jobs/daily).'; return; }
  if (!r.ok) return;
  const docs = Object.fromEntries((await r.json()).map(d => [d.kind, d]));
  document.getElementById('nometrics').textContent = '';
  document.getElementById('asof').textContent = docs.rates ? 'as of ' + docs.rates.date : '';
  const rates = docs.rates ? docs.rates.data : {}, clv = docs.clv ? docs.clv.data : {};
  const cards = [['conversion rate', (rates.conversionRate ?? 0) + ' %'], ['repeat purchase rate', (rates.repeatPurchaseRate ?? 0) + ' %'], ['average order value', fmt(rates.averageOrderValue ?? 0)],
                 ['mean P(alive)', clv.meanProbabilityAlive != null ? fmt(clv.meanProbabilityAlive) : clv.status], ['predicted 12-month CLV', clv.predicted ? fmt(clv.predicted.total) : clv.status],
                 ['historical CLV', clv.historical ? fmt(clv.historical.total) : '-']];
  const c = document.getElementById('daily'); c.replaceChildren();
  for (const [label, value] of cards) { const d = document.createElement('div'); d.className = 'card'; const b = document.createElement('b'); b.textContent = value; d.append(b, label); c.append(d); }
  const rb = document.querySelector('#rfm tbody'); rb.replaceChildren();
  for (const row of (docs.rfm ? docs.rfm.data.segments : []).filter(x => x.customers > 0)) { const tr = document.createElement('tr'); tr.append(cell(row.segment), cell(fmt(row.customers), true), cell(fmt(row.share), true), cell(fmt(row.averageOrders ?? 0), true), cell(fmt(row.revenue), true)); rb.append(tr); }
  const table = (docs.retention ? docs.retention.data.tables : []).find(t => t.basis === 'customers' && t.period === 'monthly' && t.mode === 'on' && t.split === 'all');
  const head = document.querySelector('#retention thead'), body = document.querySelector('#retention tbody'); head.replaceChildren(); body.replaceChildren();
  if (!table) return;
  const width = Math.max(0, ...table.cohorts.map(x => x.percentages.length));
  const hr = document.createElement('tr'); hr.append(cell('cohort'), cell('size', true)); for (let k = 0; k < width; k++) hr.append(cell('+' + k, true)); head.append(hr);
  for (const row of table.cohorts.slice(-12)) { const tr = document.createElement('tr'); tr.append(cell(row.cohort), cell(fmt(row.size), true)); for (const p of row.percentages) tr.append(cell(fmt(p), true)); body.append(tr); }
}
async function refreshActions() {
  const [list, latest] = await Promise.all([fetch('/api/actions?limit=1000'), fetch('/api/metrics/latest')]);
  if (!list.ok) return;
  const statuses = ['pending', 'sent', 'failed', 'skipped', 'cancelled', 'holdout'];
  const byRule = {};
  for (const a of await list.json()) { byRule[a.actionType] ??= {}; byRule[a.actionType][a.status] = (byRule[a.actionType][a.status] ?? 0) + 1; }
  const metrics = latest.ok ? (await latest.json()).find(d => d.kind === 'actions') : null;
  const judged = Object.fromEntries((metrics ? metrics.data.rules : []).map(r => [r.type, r]));
  const rate = g => g && g.customers > 0 ? fmt(100 * g.converted / g.customers) + ' % of ' + fmt(g.customers) : '-';
  const body = document.querySelector('#actions tbody'); body.replaceChildren();
  for (const [rule, counts] of Object.entries(byRule).sort()) {
    const tr = document.createElement('tr'); tr.append(cell(rule));
    for (const s of statuses) tr.append(cell(fmt(counts[s] ?? 0), true));
    tr.append(cell(rate(judged[rule]?.treated), true), cell(rate(judged[rule]?.control), true)); body.append(tr);
  }
}
async function refreshKeptOut() {
  const r = await fetch('/health');
  if (!r.ok) return;
  const h = await r.json();
  const body = document.querySelector('#keptout tbody'); body.replaceChildren();
  for (const [reason, n] of Object.entries(h.bots?.byReason ?? {})) { const tr = document.createElement('tr'); tr.append(cell('bot: ' + reason), cell(fmt(n), true)); body.append(tr); }
  if (h.suppression) { const tr = document.createElement('tr'); tr.append(cell('erased people (suppression list: ' + fmt(h.suppression.entries) + ' ids)'), cell(fmt(h.suppression.eventsDropped), true)); body.append(tr); }
}
refresh(); setInterval(refresh, 5000);
refreshActions(); setInterval(refreshActions, 15000);
refreshKeptOut(); setInterval(refreshKeptOut, 15000);
refreshMetrics(); setInterval(refreshMetrics, 60000);
</script>
</body>
</html>
""";
}
