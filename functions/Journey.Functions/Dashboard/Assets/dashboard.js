'use strict';
// The dashboard: reads the admin API (with the admin key when the page was opened with ?code=) and draws each panel.
const STAGES = ['Awareness', 'Consideration', 'Conversion', 'Retention', 'Advocacy'];
const num = (n, digits = 2) => n == null || !Number.isFinite(Number(n)) ? '–' : Number(n).toLocaleString('en-US', { maximumFractionDigits: digits });
const pct = n => n == null ? '–' : num(n, 1) + ' %';
const money = n => n == null ? '–' : Number(n).toLocaleString('en-US', { maximumFractionDigits: 0 });
const days = n => n == null ? '–' : num(n, 1) + ' d';
const byId = id => document.getElementById(id);

// The key: from ?code= (then taken out of the address bar) or from this tab's session.
const key = (() => {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  if (code) {
    sessionStorage.setItem('journey-admin-key', code);
    params.delete('code');
    history.replaceState(null, '', location.pathname + (params.size ? '?' + params : '') + location.hash);
  }
  return code ?? sessionStorage.getItem('journey-admin-key');
})();

class HttpError extends Error { constructor(status, message) { super(message); this.status = status; } }

/** GET a JSON resource; null on 404 (nothing computed yet), throws on other failures with the server's message. */
async function api(path) {
  const r = await fetch(path, { headers: key ? { 'x-functions-key': key } : {} });
  if (r.status === 404) return null;
  if (!r.ok) {
    let message = r.statusText;
    try { message = (await r.json()).error ?? message; } catch { /* not JSON */ }
    if (r.status === 401) message += ' Open this page as /dashboard?code=<admin key>.';
    throw new HttpError(r.status, message);
  }
  return r.json();
}

/** An HTML element with properties/attributes and children (strings become text). */
function h(tag, props, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v == null) continue;
    if (k === 'class') e.className = v;
    else if (k === 'onclick') e.addEventListener('click', v);
    else if (k in e) e[k] = v;
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c != null) e.append(c instanceof Node ? c : String(c));
  return e;
}
const td = (text, numeric) => h('td', { class: numeric ? 'n' : null }, text);
const th = (text, numeric) => h('th', { class: numeric ? 'n' : null }, text);
function bar(fraction, soft) { const d = h('div', { class: soft ? 'bar soft' : 'bar' }); d.style.width = Math.max(0, Math.min(100, 100 * fraction)) + '%'; return d; }
function card(value, label) { return h('div', { class: 'card' }, h('b', {}, value), h('span', {}, label)); }
function fill(tbodySelector, rows) { const b = document.querySelector(tbodySelector); b.replaceChildren(...rows); }
function heatCell(value, share, text) { const c = td(text ?? num(value, 1), true); if (share != null) { c.style.background = Charts.heat(share); c.style.color = Charts.heatInk(share); } return c; }
function empty(id, text) { byId(id).textContent = text ?? ''; }
function customerLink(id) { return h('a', { class: 'id', href: '#customer=' + encodeURIComponent(id) }, id); }

let errors = [];
function report(panel, e) {
  errors = errors.filter(x => x.panel !== panel);
  if (e) errors.push({ panel, message: e.message });
  const box = byId('error');
  box.textContent = errors.map(x => `${x.panel}: ${x.message}`).join(' · ');
  box.classList.toggle('hidden', errors.length === 0);
}

/** Runs a panel's loader now and every `seconds`, reporting its failures in the banner. */
function every(seconds, panel, load) {
  const run = async () => { try { await load(); report(panel, null); } catch (e) { report(panel, e); } };
  run();
  setInterval(run, seconds * 1000);
}

// ---- the latest daily documents, shared by several panels ----
let latest = {};
async function loadLatest() {
  const docs = await api('/api/metrics/latest');
  latest = Object.fromEntries((docs ?? []).map(d => [d.kind, d]));
  byId('asof').textContent = docs?.length ? `daily figures as of ${docs[0].date}` : 'the daily job has not run yet';
  for (const [panel, draw] of [['daily figures', drawDaily], ['journey map', drawJourney], ['funnel', drawFunnel], ['retention', drawRetention], ['CLV', drawClv], ['best customers', drawBest]]) {
    try { draw(); report(panel, null); } catch (e) { report(panel, e); }
  }
}

// ---- overview (live) ----
async function loadOverview() {
  const o = await api('/api/overview');
  if (!o) return;
  byId('subtitle').textContent = `Customer journeys of this shop. Live counts as of ${new Date(o.computedAt).toLocaleTimeString()} (a scan of ${num(o.customers, 0)} customers in ${num(o.seconds, 2)} s).`;
  byId('cards').replaceChildren(
    card(num(o.customers, 0), 'customers'), card(num(o.orders, 0), 'orders'), card(money(o.revenue), 'revenue'),
    card(pct(o.bounceRate * 100), 'bounce rate'), card(pct(o.cartAbandonmentRate * 100), 'cart abandonment'), card(num(o.deadLettersToday, 0), 'dead letters today'));
  const max = Math.max(1, ...Object.values(o.stages));
  fill('#stages tbody', Object.entries(o.stages).map(([stage, n]) => h('tr', {}, td(stage), td(num(n, 0), true), h('td', {}, bar(n / max)))));
  fill('#channels tbody', Object.entries(o.channels).sort((a, b) => b[1].customers - a[1].customers).map(([channel, r]) =>
    h('tr', {}, td(channel), td(num(r.customers, 0), true), td(num(r.buyers, 0), true), td(pct(r.customers ? 100 * r.buyers / r.customers : null), true), td(money(r.revenue), true))));
}

function drawDaily() {
  const rates = latest.rates?.data ?? {}, clv = latest.clv?.data ?? {};
  const status = { insufficientData: 'too few repeat buyers yet', notConverged: 'model did not converge' }[clv.status] ?? '–';
  byId('daily').replaceChildren(
    card(pct(rates.conversionRate), 'conversion rate'), card(pct(rates.repeatPurchaseRate), 'repeat purchase rate'), card(money(rates.averageOrderValue), 'average order value'),
    card(pct(rates.csat), 'CSAT'), card(clv.meanProbabilityAlive != null ? num(clv.meanProbabilityAlive, 3) : status, 'mean P(alive)'),
    card(clv.predicted ? money(clv.predicted.total) : status, 'predicted 12-month CLV'));
}

// ---- journey map ----
function drawJourney() {
  const j = latest.journey?.data;
  const sankey = byId('sankey');
  if (!j || !j.stages?.some(x => x.reached > 0)) {
    empty('journey-empty', 'No journeys yet: the daily job computes the map from the stage transitions.');
    sankey.replaceChildren(); byId('steps').replaceChildren(); fill('#paths tbody', []);
    return;
  }
  empty('journey-empty');
  sankey.replaceChildren(Charts.sankey(j.stages, j.links ?? [], n => num(n, 1)));
  byId('steps').replaceChildren(...(j.transitions ?? []).filter(t => t.customers > 0).map(t => {
    const list = (title, rows, extra) => rows?.length ? [h('div', { class: 'muted' }, title), h('table', {}, h('tbody', {}, rows.slice(0, 6).map(r =>
      h('tr', {}, td(r.name), td(pct(r.share), true), extra ? td(extra(r), true) : null))))] : [];
    return h('div', {}, h('h3', {}, `Into ${t.to} `, h('span', { class: 'muted' }, `(${num(t.customers, 0)} customers)`)),
      ...list('micro-conversions in the stage before, up to the step itself (share of them; mean times)', t.microConversions, r => '×' + num(r.mean, 1)),
      ...list('the event that moved them', t.triggers),
      ...list('in a visit from', t.channels));
  }));
  const paths = j.pathsToFirstOrder?.paths ?? [];
  fill('#paths tbody', paths.map(p => h('tr', {}, td(describePath(p.steps)), td(num(p.customers, 0), true), td(pct(p.share), true), td(days(p.medianDays), true), td(num(p.medianSessions, 1), true))));
}

/** "organic search (Awareness → Consideration) → email (Conversion)": consecutive steps in visits from one channel grouped. */
function describePath(steps) {
  const groups = [];
  for (const step of steps) {
    const last = groups[groups.length - 1];
    if (last && last.channel === step.channel) last.stages.push(step.stage);
    else groups.push({ channel: step.channel, stages: [step.stage] });
  }
  return groups.map(g => `${g.channel} (${g.stages.join(' → ')})`).join(' → ');
}

// ---- funnel ----
function funnelSegments(f) {
  return [{ value: 'all', label: 'all', seg: { segment: 'all', customers: f.customers, stages: f.stages } },
    ...(f.byChannel ?? []).map(seg => ({ value: 'channel:' + seg.segment, label: 'channel: ' + seg.segment, seg })),
    ...(f.byFirstDevice ?? []).map(seg => ({ value: 'device:' + seg.segment, label: 'first device: ' + seg.segment, seg }))];
}
function drawFunnel() {
  const f = latest.funnel?.data;
  if (!f) { empty('funnel-empty', 'No funnel yet: the daily job has not run.'); return; }
  empty('funnel-empty');
  const select = byId('funnel-segment');
  const segments = funnelSegments(f);
  const chosen = select.value || 'all';
  select.replaceChildren(...segments.map(x => h('option', { value: x.value, selected: x.value === chosen }, x.label)));
  const seg = (segments.find(x => x.value === chosen) ?? segments[0]).seg;
  const first = seg.stages[0]?.customers || 1;
  fill('#funnel-table tbody', seg.stages.map((st, i) => h('tr', {},
    td(st.stage), td(num(st.customers, 0), true), td(i === 0 ? '' : pct(st.conversionFromPrevious), true),
    td(i === 0 || st.conversionFromPrevious == null ? '' : pct(100 - st.conversionFromPrevious), true),
    td(days(st.medianDaysFromPrevious), true), td(days(st.medianDaysFromFirstSeen), true), h('td', {}, bar(st.customers / first)))));
  const rows = segments.slice(1);
  document.querySelector('#funnel-matrix thead').replaceChildren(h('tr', {}, th('segment'), th('customers', true), STAGES.slice(1).map(x => th(x, true))));
  fill('#funnel-matrix tbody', rows.map(x => h('tr', {}, td(x.label), td(num(x.seg.customers, 0), true),
    STAGES.slice(1).map(stage => {
      const st = x.seg.stages.find(y => y.stage === stage);
      const share = x.seg.customers ? (st?.customers ?? 0) / x.seg.customers : 0;
      return heatCell(100 * share, Math.min(1, share * 2), pct(100 * share) + (st?.medianDaysFromFirstSeen != null ? ` · ${days(st.medianDaysFromFirstSeen)}` : ''));
    }))));
}
byId('funnel-segment').addEventListener('change', () => { try { drawFunnel(); } catch (e) { report('funnel', e); } });

// ---- retention ----
function drawRetention() {
  const tables = latest.retention?.data?.tables ?? [];
  const [basis, period, mode] = ['ret-basis', 'ret-period', 'ret-mode'].map(id => byId(id).value);
  const segSelect = byId('ret-segment');
  const segments = [...new Set(tables.filter(t => t.basis === basis && t.period === period && t.mode === mode).map(t => t.split + ':' + t.segment))];
  const chosen = segments.includes(segSelect.value) ? segSelect.value : 'all:all';
  segSelect.replaceChildren(...segments.map(x => h('option', { value: x, selected: x === chosen }, x === 'all:all' ? 'all' : x.replace('firstDevice:', 'first device: ').replace('channel:', 'channel: '))));
  const [split, segment] = chosen.split(':');
  const table = tables.find(t => t.basis === basis && t.period === period && t.mode === mode && t.split === split && t.segment === segment);
  const head = document.querySelector('#retention-table thead'), body = document.querySelector('#retention-table tbody');
  if (!table || table.cohorts.length === 0) { empty('retention-empty', 'No cohorts for this choice yet.'); head.replaceChildren(); body.replaceChildren(); return; }
  empty('retention-empty');
  const cohorts = table.cohorts.slice(period === 'weekly' ? -16 : -13);
  const width = Math.max(0, ...cohorts.map(x => x.percentages.length));
  const unit = period === 'weekly' ? 'week' : 'month';
  head.replaceChildren(h('tr', {}, th('cohort'), th('size', true), Array.from({ length: width }, (_, k) => th(k === 0 ? unit + ' 0' : '+' + k, true))));
  body.replaceChildren(...cohorts.map(row => h('tr', {}, td(row.cohort), td(num(row.size, 0), true),
    row.percentages.map((p, k) => k === 0 ? td(pct(p), true) : heatCell(p, Math.min(1, p / 40), num(p, 1))))));
}
for (const id of ['ret-basis', 'ret-period', 'ret-mode', 'ret-segment']) byId(id).addEventListener('change', () => { try { drawRetention(); } catch (e) { report('retention', e); } });

// ---- CLV ----
function drawClv() {
  const c = latest.clv?.data;
  if (!c) { byId('clv-model').textContent = 'The daily job has not run yet.'; return; }
  const m = c.model;
  byId('clv-model').textContent = c.status === 'fitted'
    ? `BG/NBD r ${num(m.bgNbd.r, 3)}, α ${num(m.bgNbd.alpha, 2)}, a ${num(m.bgNbd.a, 3)}, b ${num(m.bgNbd.b, 3)} (${m.timeUnit}) on ${num(c.customers, 0)} buyers, ${num(c.repeatCustomers, 0)} repeat` +
      (m.gammaGamma ? `; Gamma-Gamma p ${num(m.gammaGamma.p, 2)}, q ${num(m.gammaGamma.q, 2)}, γ ${num(m.gammaGamma.gamma, 2)}` : '; no Gamma-Gamma model (mean repeat value used)')
    : c.status === 'insufficientData' ? `Not enough repeat buyers to fit the models yet (${num(c.repeatCustomers, 0)}): historical values only.` : 'The models did not converge on this data: historical values only.';
  byId('clv-cards').replaceChildren(
    card(money(c.historical?.total), 'spent so far (all buyers)'), card(money(c.historical?.mean), 'mean spent per buyer'),
    card(c.predicted ? money(c.predicted.total) : '–', 'predicted next 12 months'), card(c.predicted ? money(c.predicted.median) : '–', 'median predicted CLV'),
    card(num(c.expectedPurchases365, 0), 'expected orders next year'));
  const hist = c.histogram ?? [];
  byId('clv-histogram-title').textContent = `Distribution of ${c.histogramOf === 'historicalClv' ? 'spend so far' : 'predicted 12-month CLV'} (customers per range)`;
  byId('clv-histogram').replaceChildren(...(hist.length ? [Charts.columns(hist.map(b => ({ label: money(b.from), value: b.customers, tip: `${money(b.from)} to ${b.to == null ? 'more' : money(b.to)}: ${num(b.customers, 0)} customers` })), n => num(n, 0))] : []));
  const deciles = c.predicted?.deciles ?? [];
  const maxShare = Math.max(1, ...deciles.map(d => d.share));
  fill('#clv-deciles tbody', deciles.map(d => h('tr', {}, td(d.decile), td(num(d.customers, 0), true), td(`${money(d.min)}–${money(d.max)}`, true), td(money(d.mean), true), td(pct(d.share), true), h('td', {}, bar(d.share / maxShare)))));
  fill('#clv-top tbody', (c.top ?? []).map(t => h('tr', {}, h('td', {}, customerLink(t.id)), td(t.channel ?? ''), td(t.rfmSegment ?? ''), td(num(t.orders, 0), true), td(money(t.historicalClv), true),
    td(money(t.predictedClv), true), td(num(t.probabilityAlive, 2), true), td(num(t.expectedPurchases365, 1), true))));
}

// ---- rates over time ----
const RATE_CHARTS = [['bounceRate', 'bounce rate', pct], ['conversionRate', 'new-customer conversion', pct], ['cartAbandonmentRate', 'cart abandonment', pct],
  ['averageOrderValue', 'average order value', money], ['cancelRate', 'cancel rate', pct], ['returnRate', 'return rate', pct], ['csat', 'CSAT', pct], ['orders', 'orders', n => num(n, 0)]];
async function loadRates() {
  // The 400 days up to the latest daily documents (an imported history may end long before today).
  const until = latest.rates?.date ?? new Date().toISOString().slice(0, 10);
  const since = new Date(Date.parse(until) - 400 * 86400000).toISOString().slice(0, 10);
  const series = await api(`/api/rates/periods?since=${since}&until=${until}`);
  const points = (series?.points ?? []).filter(p => !p.restated);
  if (points.length === 0) {
    empty('rates-empty', `No periods between ${since} and ${until}: rates over time compare the daily documents of two or more dates. ` +
      'They come one a day; after an import, backfill them with the daily command: daily --since <first day> --every 7.');
    byId('rate-charts').replaceChildren();
    return;
  }
  empty('rates-empty');
  byId('rates-note').textContent = `(${points.length} periods, ${points[0].from} to ${points[points.length - 1].until})`;
  byId('rate-charts').replaceChildren(...RATE_CHARTS.map(([field, label, format]) => {
    const last = [...points].reverse().find(p => p[field] != null);
    return h('figure', {}, h('figcaption', {}, h('span', {}, label), h('b', {}, last ? format(last[field]) : '–')),
      Charts.line(points.map(p => ({ label: p.until, value: p[field] })), format));
  }));
}

// ---- pain points ----
async function loadPainPoints() {
  const docs = await api('/api/painpoints/latest');
  const list = byId('pain-list');
  if (!docs || docs.length === 0) { empty('pain-empty', 'No pain points yet: the summarizer has not run (POST /api/jobs/painpoints).'); list.replaceChildren(); return; }
  empty('pain-empty');
  byId('pain-period').textContent = `(${docs[0].since} to ${docs[0].until})`;
  list.replaceChildren(...docs.filter(p => !p.isOther).sort((a, b) => a.rank - b.rank).map(p => {
    const stages = Object.entries(p.stages ?? {});
    const total = stages.reduce((sum, [, n]) => sum + n, 0) || 1;
    const stack = h('div', { class: 'stack', title: stages.map(([s, n]) => `${s}: ${n}`).join(', ') }, stages.map(([s, n]) => { const d = h('div', {}); d.style.width = (100 * n / total) + '%'; d.style.background = Charts.stageColor(s); return d; }));
    return h('div', { class: 'pain' },
      h('h3', {}, `${p.rank}. ${p.label} `, h('span', { class: 'tag ' + (p.trend ?? '') }, p.trend ?? '')),
      h('div', {}, p.summary),
      h('div', { class: 'muted' }, `${num(p.texts, 0)} texts from ${num(p.customers, 0)} customers · ${pct(100 * p.share)} of negative feedback · average rating ${num(p.averageRating, 1)} · revenue at risk ${money(p.revenueAtRisk)}`),
      h('div', {}, (p.keyPhrases ?? []).map(k => h('span', { class: 'tag' }, k))),
      h('div', { class: 'muted' }, 'stage mix: ' + stages.map(([s, n]) => `${s} ${Math.round(100 * n / total)} %`).join(', ')), stack,
      (p.quotes ?? []).slice(0, 3).map(q => h('blockquote', {}, '“' + q + '”')));
  }));
}

// ---- actions ----
async function loadActions() {
  const list = await api('/api/actions?limit=1000');
  const statuses = ['pending', 'sent', 'failed', 'skipped', 'cancelled', 'holdout'];
  const byRule = {};
  for (const a of list ?? []) { byRule[a.actionType] ??= {}; byRule[a.actionType][a.status] = (byRule[a.actionType][a.status] ?? 0) + 1; }
  const judged = Object.fromEntries((latest.actions?.data?.rules ?? []).map(r => [r.type, r]));
  const rate = g => g && g.customers > 0 ? `${pct(100 * g.converted / g.customers)} of ${num(g.customers, 0)}` : '–';
  const rules = [...new Set([...Object.keys(byRule), ...Object.keys(judged)])].sort();
  empty('actions-empty', rules.length ? '' : 'No actions yet.');
  fill('#actions-table tbody', rules.map(rule => {
    const j = judged[rule];
    return h('tr', {}, td(rule), statuses.map(x => td(num(byRule[rule]?.[x] ?? 0, 0), true)), td(rate(j?.treated), true), td(rate(j?.control), true),
      td(j?.uplift != null ? num(j.uplift, 2) + ' pts' : '–', true), td(j?.pValue != null ? num(j.pValue, 3) : '–', true));
  }));
}

// ---- best customers ----
function drawBest() {
  const b = latest['best-customers']?.data;
  if (!b || !b.best?.customers) { empty('best-empty', 'No buyers yet.'); return; }
  empty('best-empty');
  byId('best-note').textContent = `(top ${num(100 * b.topShare, 0)} % by ${b.rankedBy === 'predictedClv' ? 'predicted CLV' : 'spend so far'}${b.threshold != null ? ', from ' + money(b.threshold) : ''})`;
  const rows = [['customers', 'customers', n => num(n, 0)], ['averagePredictedClv', 'mean predicted CLV', money], ['averageHistoricalClv', 'mean spent so far', money], ['averageOrders', 'orders per customer', n => num(n, 2)],
    ['medianDaysToFirstOrder', 'median days to first order', days], ['feedbackRate', 'gave feedback', pct], ['reviewRate', 'wrote a review', pct], ['emailOpenRate', 'opened an email', pct], ['emailClickRate', 'clicked an email', pct]];
  fill('#best-table tbody', rows.map(([field, label, format]) => h('tr', {}, td(label), td(format(b.best[field]), true), td(format(b.rest[field]), true))));
  const mix = (label, field) => {
    const names = [...new Set([...b.best[field], ...b.rest[field]].map(x => x.name))];
    const share = (group, name) => group[field].find(x => x.name === name)?.share ?? 0;
    names.sort((x, y) => share(b.best, y) - share(b.best, x));
    return h('div', {}, h('h3', {}, label), h('table', {}, h('thead', {}, h('tr', {}, th(''), th('best', true), th('rest', true), th(''))),
      h('tbody', {}, names.slice(0, 8).map(name => h('tr', {}, td(name), td(pct(share(b.best, name)), true), td(pct(share(b.rest, name)), true),
        h('td', { class: 'wide' }, bar(share(b.best, name) / 100), bar(share(b.rest, name) / 100, true)))))));
  };
  byId('best-mixes').replaceChildren(mix('Acquisition channel', 'channels'), mix('First device', 'firstDevices'), mix('First category bought', 'firstCategories'));
  fill('#rfm tbody', (latest.rfm?.data?.segments ?? []).filter(x => x.customers > 0).map(r => h('tr', {}, td(r.segment), td(num(r.customers, 0), true), td(pct(r.share), true), td(num(r.averageOrders, 2), true), td(money(r.revenue), true))));
}

// ---- customer lookup ----
function facts(pairs) { return h('dl', { class: 'facts' }, pairs.filter(([, v]) => v != null && v !== '').flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])); }
const when = t => t ? new Date(t).toISOString().replace('T', ' ').slice(0, 16) : '–';
async function lookUp(id) {
  byId('lookup-id').value = id;
  const out = byId('lookup-result');
  out.replaceChildren();
  if (!id.trim()) return;
  empty('lookup-empty', 'Looking up…');
  const v = await api('/api/customers/' + encodeURIComponent(id.trim()) + '/view').catch(e => { report('lookup', e); return undefined; });
  if (v === undefined) { empty('lookup-empty'); return; }
  if (v === null) { empty('lookup-empty', `No customer has the id '${id}'.`); return; }
  empty('lookup-empty');
  const c = v.customer, p = c.predictions ?? {}, a = c.acquisition ?? {};
  const traits = c.traits && typeof c.traits === 'object' ? Object.entries(c.traits).map(([k, x]) => `${k}: ${typeof x === 'object' ? JSON.stringify(x) : x}`).join(', ') : null;
  out.append(
    h('div', { class: 'grid2' },
      h('div', {}, h('h3', {}, 'Identity'), facts([['customer', c.id], ['userId', c.userId], ['anonymous ids', (c.anonymousIds ?? []).join(', ')], ['merged ids', (c.mergedIds ?? []).join(', ')], ['traits', traits],
        ['acquired', `${a.channel ?? 'unknown'}${a.source ? ' / ' + a.source : ''}${a.campaign ? ' (' + a.campaign + ')' : ''} on ${a.firstDevice ?? 'unknown device'}, ${when(a.firstSeen ?? c.firstSeen)}`], ['landing page', a.landingPage], ['last seen', when(c.lastSeen)]])),
      h('div', {}, h('h3', {}, 'Now'), facts([['stage', c.stage], ['lifecycle', c.lifecycle?.status ? `${c.lifecycle.status} since ${c.lifecycle.since}` : null],
        ['orders', `${num(c.orders?.count, 0)} for ${money(c.orders?.revenue)}`], ['sessions', `${num(c.sessions?.count, 0)} (${num(c.sessions?.bounces, 0)} bounced)`],
        ['carts', `${num(c.carts?.created, 0)} created, ${num(c.carts?.abandoned, 0)} abandoned`], ['cancels / returns', `${num(c.cancels?.count, 0)} / ${num(c.returns?.count, 0)}`],
        ['email', `${num(c.email?.opened, 0)} opens, ${num(c.email?.clicked, 0)} clicks`],
        ['predictions', p.asOf ? `as of ${p.asOf}: ${p.rfmSegment ?? ''}${p.probabilityAlive != null ? `, P(alive) ${num(p.probabilityAlive, 2)}, ${num(p.expectedPurchases365, 1)} orders expected in a year, CLV ${money(p.predictedClv)}` : ''}` : 'none yet']]))),
    h('h3', {}, 'Stage history'),
    h('table', {}, h('thead', {}, h('tr', {}, th('when'), th('from'), th('to'), th('moved by'), th('channel'), th('days in', true), th('sessions', true), th('micro-conversions before'))),
      h('tbody', {}, v.transitions.sort((x, y) => x.at.localeCompare(y.at)).map(t => h('tr', {}, td(when(t.at)), td(t.from === 'None' ? '(first touch)' : t.from), td(t.to + (t.skipped?.length ? ` (skipped ${t.skipped.join(', ')})` : '')), td(t.triggerEvent), td(t.channel ?? ''),
        td(num(t.daysSinceFirstTouch, 1), true), td(num(t.sessionsSinceFirstTouch, 0), true), td(Object.entries(t.microConversions ?? {}).map(([k, n]) => `${k} ×${n}`).join(', ')))))),
    h('h3', {}, `Sessions `, h('span', { class: 'muted' }, `(the latest ${v.sessions.length} of ${v.sessionsHeld}${v.timelineCompacted ? ', older events compacted into the totals' : ''})`)),
    ...v.sessions.map(s => h('div', { class: 'session' }, h('b', {}, when(s.start)), ` · ${s.channel}${s.device ? ' · ' + s.device : ''} · ${s.events.length} events`,
      h('ol', {}, s.events.slice(0, 25).map(e => h('li', {}, `${when(e.t).slice(11)} ${e.n}${e.pn ? ' – ' + e.pn : e.p ? ' – ' + e.p : ''}${e.o ? ' order ' + e.o : ''}${e.v != null ? ' (' + num(e.v, 2) + ')' : ''}`)),
        s.events.length > 25 ? h('li', { class: 'muted' }, `… ${s.events.length - 25} more`) : null))),
    h('h3', {}, 'Feedback'),
    v.feedback.length ? h('table', {}, h('tbody', {}, v.feedback.map(f => h('tr', {}, td(when(f.time)), td(f.kind), td(f.stage ?? ''), td(f.rating ?? f.score ?? '', true), td((f.title ? f.title + ': ' : '') + f.text))))) : h('div', { class: 'muted' }, 'none'),
    h('h3', {}, 'Actions'),
    v.actions.length ? h('table', {}, h('tbody', {}, v.actions.map(x => h('tr', {}, td(x.actionType), td(x.status), td(when(x.dueAt)), td(x.holdout ? 'holdout' : ''), td(x.lastError ?? ''))))) : h('div', { class: 'muted' }, 'none'));
}
byId('lookup-form').addEventListener('submit', e => { e.preventDefault(); location.hash = 'customer=' + encodeURIComponent(byId('lookup-id').value.trim()); });
// A customer's address is /dashboard#customer=<id>: links, the back button and bookmarks work.
function lookUpFromHash() {
  if (!location.hash.startsWith('#customer=')) return;
  lookUp(decodeURIComponent(location.hash.slice('#customer='.length)));
  byId('lookup').scrollIntoView();
}
window.addEventListener('hashchange', lookUpFromHash);
lookUpFromHash();

// ---- kept out ----
async function loadKeptOut() {
  const r = await fetch('/health');
  const health = await r.json();
  const rows = Object.entries(health.bots?.byReason ?? {}).map(([reason, n]) => h('tr', {}, td('bot: ' + reason), td(num(n, 0), true)));
  if (health.suppression) rows.push(h('tr', {}, td(`erased people (suppression list: ${num(health.suppression.entries, 0)} ids)`), td(num(health.suppression.eventsDropped, 0), true)));
  fill('#keptout-table tbody', rows);
}

every(10, 'overview', loadOverview);
every(60, 'daily metrics', async () => { await loadLatest(); await loadRates(); });
every(20, 'actions', loadActions);
every(120, 'pain points', loadPainPoints);
every(30, 'kept out', loadKeptOut);
