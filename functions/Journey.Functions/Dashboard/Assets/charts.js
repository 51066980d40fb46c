'use strict';
// Journey's own charts, drawn as SVG: no chart library, no network, nothing but this file.
const Charts = (() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const STAGE_COLORS = { Awareness: '#7aa2f7', Consideration: '#3d6fd8', Conversion: '#2f9e6e', Retention: '#d08c2c', Advocacy: '#9b59b6' };

  /** An SVG element with attributes and children (strings become text). */
  function s(tag, attrs, ...children) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs ?? {})) if (v != null) e.setAttribute(k, String(v));
    for (const c of children) if (c != null) e.append(typeof c === 'string' ? document.createTextNode(c) : c);
    return e;
  }

  function title(text) { return s('title', {}, text); }

  /** A colour from white to the accent for a share 0..1 (heatmap cells). */
  function heat(share) {
    const t = Math.max(0, Math.min(1, share));
    const mix = (a, b) => Math.round(a + (b - a) * t);
    return `rgb(${mix(255, 61)}, ${mix(255, 111)}, ${mix(255, 216)})`;
  }

  /** Text colour readable on heat(share). */
  function heatInk(share) { return share > 0.55 ? '#fff' : '#111'; }

  /**
   * A Sankey of stage transitions. stages: [{stage, reached, advanced, stopped}] in journey order;
   * links: [{from, to, customers, medianDays}]. Bands leave a stage in the order of their target and
   * arrive in the order of their source; the grey foot of a node is the customers who stopped there.
   */
  function sankey(stages, links, format) {
    const W = 960, H = 340, nodeW = 16, top = 26, bottom = 40;
    const shown = stages.filter(x => x.reached > 0);
    if (shown.length === 0) return null;
    const index = Object.fromEntries(shown.map((x, i) => [x.stage, i]));
    const max = Math.max(...shown.map(x => x.reached));
    const scale = (H - top - bottom) / max;
    const gap = (W - nodeW) / Math.max(1, shown.length - 1);
    const nodes = shown.map((x, i) => ({ ...x, x: i * gap, y: top, h: Math.max(2, x.reached * scale), out: 0, in: 0 }));
    const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Flow of customers between journey stages' });
    const bands = links.filter(l => l.from in index && l.to in index && l.customers > 0)
      .sort((a, b) => index[a.from] - index[b.from] || index[a.to] - index[b.to]);
    // Incoming bands stack in the order of their source, so compute each target's offsets first.
    const incoming = {};
    for (const l of [...bands].sort((a, b) => index[a.to] - index[b.to] || index[a.from] - index[b.from])) {
      const t = nodes[index[l.to]];
      incoming[l.from + '>' + l.to] = t.in;
      t.in += l.customers * scale;
    }
    for (const l of bands) {
      const a = nodes[index[l.from]], b = nodes[index[l.to]];
      const w = Math.max(1, l.customers * scale);
      const y0 = a.y + a.out + w / 2, y1 = b.y + incoming[l.from + '>' + l.to] + w / 2;
      a.out += l.customers * scale;
      const x0 = a.x + nodeW, x1 = b.x, mid = (x0 + x1) / 2;
      svg.append(s('path', { d: `M${x0},${y0} C${mid},${y0} ${mid},${y1} ${x1},${y1}`, fill: 'none', stroke: STAGE_COLORS[l.to] ?? '#3d6fd8', 'stroke-opacity': 0.35, 'stroke-width': w },
        title(`${l.from} → ${l.to}: ${format(l.customers)} customers` + (l.medianDays != null ? `, median ${format(l.medianDays)} days` : ''))));
    }
    for (const n of nodes) {
      const stoppedH = Math.min(n.h, n.stopped * scale);
      svg.append(s('rect', { x: n.x, y: n.y, width: nodeW, height: n.h - stoppedH, fill: STAGE_COLORS[n.stage] ?? '#3d6fd8' }, title(`${n.stage}: ${format(n.reached)} reached, ${format(n.advanced)} went on`)));
      if (stoppedH > 0) svg.append(s('rect', { x: n.x, y: n.y + n.h - stoppedH, width: nodeW, height: stoppedH, fill: '#d5d9e0' }, title(`${n.stage}: ${format(n.stopped)} stopped here`)));
      const anchor = n.x === 0 ? 'start' : n.x + nodeW >= W - 1 ? 'end' : 'middle';
      const lx = anchor === 'start' ? n.x : anchor === 'end' ? n.x + nodeW : n.x + nodeW / 2;
      svg.append(s('text', { x: lx, y: 14, 'text-anchor': anchor, 'font-weight': 600 }, n.stage));
      svg.append(s('text', { x: lx, y: Math.min(H - 20, n.y + n.h + 14), 'text-anchor': anchor }, format(n.reached)));
      if (n.stopped > 0) svg.append(s('text', { x: lx, y: Math.min(H - 6, n.y + n.h + 28), 'text-anchor': anchor, fill: '#667085' }, `${format(n.stopped)} stopped`));
    }
    return svg;
  }

  /**
   * A line over periods. points: [{label, value}] (value may be null: a gap). Draws the axis range,
   * the first and last labels, and a tooltip per point.
   */
  function line(points, format) {
    const W = 320, H = 120, left = 50, right = 8, top = 8, bottom = 20; // left: room for a label such as "100 %" or "12,345"
    const values = points.map(p => p.value).filter(v => v != null && Number.isFinite(v));
    const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img' });
    if (values.length === 0) { svg.append(s('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', fill: '#667085' }, 'no data in these periods')); return svg; }
    const lo = Math.min(0, ...values), hi = Math.max(...values) || 1;
    const x = i => left + (points.length === 1 ? (W - left - right) / 2 : i * (W - left - right) / (points.length - 1));
    const y = v => top + (H - top - bottom) * (1 - (v - lo) / (hi - lo || 1));
    svg.append(s('line', { x1: left, x2: W - right, y1: y(lo), y2: y(lo), stroke: '#c8ceda' }));
    svg.append(s('text', { x: left - 4, y: y(hi) + 4, 'text-anchor': 'end' }, format(hi)));
    svg.append(s('text', { x: left - 4, y: y(lo), 'text-anchor': 'end' }, format(lo)));
    let d = '', pen = false;
    points.forEach((p, i) => {
      if (p.value == null || !Number.isFinite(p.value)) { pen = false; return; }
      d += (pen ? 'L' : 'M') + x(i).toFixed(1) + ',' + y(p.value).toFixed(1);
      pen = true;
    });
    svg.append(s('path', { d, fill: 'none', stroke: '#3d6fd8', 'stroke-width': 1.8 }));
    points.forEach((p, i) => {
      if (p.value == null || !Number.isFinite(p.value)) return;
      svg.append(s('circle', { cx: x(i), cy: y(p.value), r: 2.2, fill: '#3d6fd8' }, title(`${p.label}: ${format(p.value)}`)));
    });
    svg.append(s('text', { x: left, y: H - 4 }, points[0].label));
    if (points.length > 1) svg.append(s('text', { x: W - right, y: H - 4, 'text-anchor': 'end' }, points[points.length - 1].label));
    return svg;
  }

  /** Vertical columns (a histogram). bins: [{label, value, tip}]. */
  function columns(bins, format) {
    const W = 480, H = 200, left = 8, bottom = 34, top = 16;
    const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img' });
    const max = Math.max(1, ...bins.map(b => b.value));
    const w = (W - left * 2) / Math.max(1, bins.length);
    bins.forEach((b, i) => {
      const h = (H - top - bottom) * b.value / max;
      const x = left + i * w;
      svg.append(s('rect', { x: x + 1, y: H - bottom - h, width: Math.max(1, w - 2), height: h, fill: '#3d6fd8' }, title(b.tip ?? `${b.label}: ${format(b.value)}`)));
      if (b.value > 0 && w > 22) svg.append(s('text', { x: x + w / 2, y: H - bottom - h - 3, 'text-anchor': 'middle' }, format(b.value)));
      if (i % Math.ceil(bins.length / 8) === 0) svg.append(s('text', { x: x + 1, y: H - bottom + 14 }, b.label));
    });
    svg.append(s('line', { x1: left, x2: W - left, y1: H - bottom, y2: H - bottom, stroke: '#c8ceda' }));
    return svg;
  }

  return { sankey, line, columns, heat, heatInk, stageColor: stage => STAGE_COLORS[stage] ?? '#3d6fd8' };
})();
