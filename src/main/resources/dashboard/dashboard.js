// The dashboard page: one site's analytics for a period, filters kept in the URL, or the overview of
// every site. Every number shown is an answer of Sightline's query engine (Clickport query bodies sent
// to the data endpoints); this module only lays them out.
import { Api, ApiError } from './api.js';
import { lineChart, sparkline } from './chart.js';

const body = document.body;
const root = new URL(body.dataset.root, location.href);
const api = new Api(new URL(body.dataset.api, location.href), root, body.dataset.mode);
const $ = id => document.getElementById(id);

const STATS = [
  { id: 'visitors', label: 'Unique visitors' },
  { id: 'sessions', label: 'Total visits' },
  { id: 'pageviews', label: 'Total pageviews' },
  { id: 'views_per_visit', label: 'Views per visit' },
  { id: 'bounce_rate', label: 'Bounce rate', lowerIsBetter: true },
  { id: 'avg_duration', label: 'Visit duration' },
];
const PANELS = [
  { id: 'sources', tabs: [
    { label: 'Sources', dim: 'source' }, { label: 'Channels', dim: 'channel' }, { label: 'UTM source', dim: 'utm_source' },
    { label: 'UTM medium', dim: 'utm_medium' }, { label: 'UTM campaign', dim: 'utm_campaign' }] },
  { id: 'pages', tabs: [
    { label: 'Top pages', dim: 'page', metrics: ['visitors', 'pageviews'] },
    { label: 'Entry pages', dim: 'entry_page', metrics: ['sessions'] },
    { label: 'Exit pages', dim: 'exit_page', metrics: ['sessions'] }] },
  { id: 'locations', tabs: [{ label: 'Countries', dim: 'country' }, { label: 'Regions', dim: 'region' }, { label: 'Cities', dim: 'city' }] },
  { id: 'devices', tabs: [{ label: 'Devices', dim: 'device' }, { label: 'Browsers', dim: 'browser' }, { label: 'Operating systems', dim: 'os' }] },
  // conversions from the rollups; revenue on its own tab (the rollups keep no revenue per goal, so it reads raw events)
  { id: 'goals', tabs: [{ label: 'Goals', dim: 'goal', metrics: ['visitors', 'conversions'] },
    { label: 'Revenue', dim: 'goal', metrics: ['conversions', 'total_revenue'] }] },
];
const METRIC_LABELS = { visitors: 'Visitors', pageviews: 'Pageviews', sessions: 'Visits', conversions: 'Conversions', total_revenue: 'Revenue' };
const DIMENSION_LABELS = { source: 'Source', channel: 'Channel', utm_source: 'UTM source', utm_medium: 'UTM medium',
  utm_campaign: 'UTM campaign', page: 'Page', entry_page: 'Entry page', exit_page: 'Exit page', country: 'Country',
  region: 'Region', city: 'City', device: 'Device', browser: 'Browser', os: 'OS', goal: 'Goal' };

let me = null;
let site = null;
let chart = null;
let realtime = null;
let generation = 0;

// ---- the view's state lives in the URL (bookmarkable, shareable) ----
function state() {
  const p = new URLSearchParams(location.search);
  return {
    site: p.get('site'),
    period: p.get('period') || '30d',
    from: p.get('from'), to: p.get('to'),
    metric: p.get('metric') || 'visitors',
    interval: p.get('interval'),
    filters: p.getAll('f').map(f => { const i = f.indexOf(':'); return { dimension: f.slice(0, i), value: f.slice(i + 1) }; })
      .filter(f => f.dimension && DIMENSION_LABELS[f.dimension]),
    tabs: Object.fromEntries(PANELS.map(panel => [panel.id, Number(p.get('tab_' + panel.id) || 0)])),
  };
}

function navigate(change, replace = false) {
  const p = new URLSearchParams(location.search);
  change(p);
  const url = '?' + p.toString();
  if (replace) history.replaceState(null, '', url); else history.pushState(null, '', url);
  load();
}

function range(s) {
  if (s.period === 'custom' && s.from && s.to) {
    const end = new Date(s.to + 'T00:00:00Z');
    end.setUTCDate(end.getUTCDate() + 1);
    return { date_range: { start: s.from, end: end.toISOString().slice(0, 10) } };
  }
  return { period: s.period === 'custom' ? '30d' : s.period };
}

function query(s, extra) {
  const filters = s.filters.map(f => ({ dimension: f.dimension, operator: 'is', value: f.value }));
  return api.post(`sites/${site.id}/query`, Object.assign({}, range(s), filters.length ? { filters } : {}, extra));
}

function defaultInterval(s) {
  if (s.period === 'today' || s.period === 'yesterday') return 'hour';
  if (s.period === '12m') return 'month';
  return 'date';
}

// ---- formatting of the engine's numbers (never computing them) ----
const nf = new Intl.NumberFormat('en');
function format(metric, v) {
  if (v == null) return '–';
  if (metric === 'bounce_rate') return v + '%';
  if (metric === 'avg_duration') return duration(v);
  if (metric === 'total_revenue') return nf.format(v);
  return nf.format(v);
}
function duration(s) {
  if (s == null) return '–';
  const m = Math.floor(s / 60), sec = Math.round(s % 60);
  return m ? `${m}m ${sec}s` : `${sec}s`;
}
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v); else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c instanceof Node ? c : String(c));
  return e;
}

function notice(text) {
  const n = $('notice');
  n.hidden = false;
  n.textContent = text + ' ';
  n.append(el('button', { type: 'button', id: 'retry', onclick: () => { n.hidden = true; load(); } }, 'Retry'));
}
api.onUnavailable = notice;

// ---- rendering ----
async function load() {
  const s = state();
  const mine = ++generation;
  body.dataset.state = 'loading';
  $('period').value = s.period;
  $('custom').hidden = s.period !== 'custom';
  if (s.period === 'custom') { $('from').value = s.from || ''; $('to').value = s.to || ''; }
  if (body.dataset.mode === 'account' && (s.site === '*' || (!s.site && me.sites.length > 1))) {
    site = null;
    $('site').value = '*';
    return overview(s, mine);
  }
  site = me.sites.find(x => x.domain === s.site) || me.sites[0];
  if (!site) {
    $('main').hidden = true;
    $('overview').hidden = false;
    $('overview').textContent = 'This account may not see any site yet: ask an owner, or an operator '
      + '(java -jar sightline.jar users grant EMAIL --site DOMAIN --role viewer).';
    body.dataset.state = 'ready';
    return;
  }
  $('site').value = String(site.id);
  $('main').hidden = false;
  $('overview').hidden = true;
  $('tz').textContent = site.timezone;
  document.title = site.name + ' · Sightline';
  startRealtime();
  renderChips(s);
  try {
    await Promise.all([stats(s, mine), graph(s, mine), ...PANELS.map(p => panel(p, s, mine)), funnel(s, mine), shares(mine)]);
    if (mine === generation) {
      $('notice').hidden = true;
      body.dataset.state = 'ready';
      if (!performance.getEntriesByName('sightline-ready').length) performance.mark('sightline-ready'); // first render, for measurements
    }
  } catch (e) {
    if (!(e instanceof ApiError) || (e.status !== 401 && e.status !== 503 && e.status !== 0)) {
      const n = $('notice'); n.hidden = false; n.textContent = 'The dashboard could not load: ' + e.message;
    }
    body.dataset.state = 'error';
  }
}

function renderChips(s) {
  const chips = $('chips');
  chips.textContent = '';
  s.filters.forEach((f, i) => chips.append(el('button', { type: 'button', class: 'chip', dataset: { dimension: f.dimension, value: f.value },
    title: 'Remove this filter', onclick: () => navigate(p => {
      p.delete('f');
      s.filters.filter((_, j) => j !== i).forEach(g => p.append('f', g.dimension + ':' + g.value));
    }) }, `${DIMENSION_LABELS[f.dimension]} is ${f.value} `, el('span', { class: 'x' }, '×'))));
}

async function stats(s, mine) {
  const answer = await query(s, { metrics: STATS.map(x => x.id), include_comparison: true });
  if (mine !== generation) return;
  const box = $('stats');
  box.textContent = '';
  for (const stat of STATS) {
    const change = answer.change ? answer.change[stat.id] : null;
    const good = change == null || change === 0 ? '' : (change > 0) !== !!stat.lowerIsBetter ? 'up' : 'down';
    box.append(el('button', { type: 'button', id: 'stat-' + stat.id, class: 'stat' + (stat.id === s.metric ? ' selected' : ''),
      onclick: () => navigate(p => p.set('metric', stat.id)) },
      el('span', { class: 'label' }, stat.label),
      el('span', { class: 'value', dataset: { raw: answer.results[stat.id] ?? '' } }, format(stat.id, answer.results[stat.id])),
      el('span', { class: 'change ' + good, title: 'Against the previous period' },
        change == null ? '' : (change > 0 ? '↑ ' : change < 0 ? '↓ ' : '') + Math.abs(change) + '%')));
  }
  const empty = $('empty');
  empty.hidden = !(answer.results.visitors === 0 && answer.results.pageviews === 0);
  if (!empty.hidden) renderEmpty(empty, s);
}

function renderEmpty(box, s) {
  const script = new URL('js/sightline.js', root).href;
  box.textContent = '';
  box.append(el('h2', {}, s.filters.length ? 'Nothing matches these filters in this period.' : 'No visits in this period yet.'));
  if (s.filters.length) return;
  box.append(el('p', {}, 'Add this snippet to the <head> of every page of ' + site.domain + ':'),
    el('pre', { id: 'snippet' }, `<script defer data-domain="${site.domain}" src="${script}"></script>`));
  if (body.dataset.mode === 'account') {
    box.append(el('p', {}, 'Or check that Sightline counts: send a test pageview now, then reload this period (today).'),
      el('button', { type: 'button', id: 'test-beacon', onclick: async () => {
        await fetch(new URL('api/event', root), { method: 'POST', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ name: 'pageview', url: `https://${site.domain}/sightline-test-beacon`, domain: site.domain }) });
        box.querySelector('#beacon-sent').hidden = false;
      } }, 'Send a test pageview'),
      el('span', { id: 'beacon-sent', hidden: '' }, ' Sent: it shows in the realtime counter now, and in today within seconds.'));
  }
}

async function graph(s, mine) {
  const allowed = s.period === 'today' || s.period === 'yesterday' || s.period === '7d' ? ['hour', 'date'] : ['date', 'week', 'month'];
  let interval = s.interval && allowed.includes(s.interval) ? s.interval : defaultInterval(s);
  if (!allowed.includes(interval)) interval = allowed[0];
  for (const o of $('interval').options) o.disabled = !allowed.includes(o.value);
  $('interval').value = interval;
  const metric = STATS.find(x => x.id === s.metric) ? s.metric : 'visitors';
  const answer = await query(s, { metrics: [metric], dimensions: [interval] });
  if (mine !== generation) return;
  $('graph-title').textContent = STATS.find(x => x.id === metric).label;
  if (chart) chart.destroy();
  chart = lineChart($('graph'), answer.results.map(r => r[interval]), answer.results.map(r => r[metric]),
    STATS.find(x => x.id === metric).label, v => format(metric, v));
}

async function panel(def, s, mine) {
  let box = document.querySelector(`.panel[data-panel="${def.id}"]`);
  if (!box) {
    box = el('section', { class: 'card panel', dataset: { panel: def.id } });
    $('panels').append(box);
  }
  const tabIndex = Math.min(s.tabs[def.id] || 0, def.tabs.length - 1);
  const tab = def.tabs[tabIndex];
  const metrics = tab.metrics || ['visitors'];
  const answer = await query(s, { metrics, dimensions: [tab.dim], limit: 10 });
  if (mine !== generation) return;
  box.textContent = '';
  box.dataset.dimension = tab.dim;
  box.append(el('div', { class: 'tabs' }, ...def.tabs.map((t, i) => el('button', { type: 'button', class: 'tab' + (i === tabIndex ? ' on' : ''),
    dataset: { dimension: t.dim }, onclick: () => navigate(p => p.set('tab_' + def.id, String(i))) }, t.label))));
  const head = el('div', { class: 'row head' }, el('span', { class: 'name' }, DIMENSION_LABELS[tab.dim]),
    ...metrics.map(m => el('span', { class: 'num' }, METRIC_LABELS[m])));
  box.append(head);
  const rows = answer.results.filter(r => r[tab.dim] != null || tab.dim === 'source');
  if (!rows.length) box.append(el('p', { class: 'none' }, 'No data for this period.'));
  const max = Math.max(1, ...rows.map(r => r[metrics[0]] || 0));
  for (const r of rows) {
    const value = r[tab.dim];
    const filterable = value != null && !s.filters.some(f => f.dimension === tab.dim);
    const row = el(filterable ? 'button' : 'div', { type: 'button', class: 'row' + (filterable ? ' link' : ''), dataset: { value: value ?? '' },
      title: filterable ? 'Filter the dashboard by this' : '' },
      el('span', { class: "fill", style: `width:${Math.round(100 * (r[metrics[0]] || 0) / max)}%` }),
      el('span', { class: 'name' }, value ?? 'Direct / none'),
      ...metrics.map(m => el('span', { class: 'num metric-' + m }, format(m, r[m]))));
    if (filterable) row.addEventListener('click', () => navigate(p => p.append('f', tab.dim + ':' + value)));
    box.append(row);
  }
}

// the site's funnel (its steps defined with the Hum mapping), hidden when it has none; shared links show none
async function funnel(s, mine) {
  let box = document.querySelector('.panel[data-panel="funnel"]');
  if (body.dataset.mode !== 'account') { if (box) box.hidden = true; return; }
  const answer = await api.post(`sites/${site.id}/funnel`, range(s));
  if (mine !== generation) return;
  if (!box) {
    box = el('section', { class: 'card panel funnel', dataset: { panel: 'funnel' } });
    $('panels').append(box);
  }
  box.hidden = !answer.steps.length;
  box.textContent = '';
  box.append(el('div', { class: 'tabs' }, el('span', { class: 'tab on' }, 'Funnel')));
  if (s.filters.length) box.append(el('p', { class: 'none' }, 'All traffic: the filters do not apply to the funnel.'));
  box.append(el('div', { class: 'row head' }, el('span', { class: 'name' }, 'Step'), el('span', { class: 'num' }, 'Visitors'),
    el('span', { class: 'num' }, 'Conversion')));
  for (const step of answer.steps) {
    box.append(el('div', { class: 'row', dataset: { value: step.name } },
      el('span', { class: 'fill', style: `width:${Math.round(step.conversion_rate)}%` }),
      el('span', { class: 'name' }, step.name),
      el('span', { class: 'num metric-visitors' }, nf.format(step.visitors)),
      el('span', { class: 'num metric-conversion_rate' }, step.conversion_rate + '%')));
  }
  if (answer.defined_steps > answer.steps.length) {
    box.append(el('p', { class: 'none' }, `The first ${answer.steps.length} of ${answer.defined_steps} steps.`));
  }
}

function startRealtime() {
  if (realtime && realtime.siteId === site.id) return;
  if (realtime) realtime.source.close();
  const source = new EventSource(api.url(`sites/${site.id}/realtime`));
  source.onmessage = e => { $('current').textContent = nf.format(JSON.parse(e.data).count); };
  realtime = { siteId: site.id, source };
}

async function shares(mine) {
  const box = $('shares');
  if (body.dataset.mode !== 'account' || site.role !== 'owner') { box.hidden = true; return; }
  const answer = await api.get(`sites/${site.id}/shares`);
  if (mine !== generation) return;
  box.hidden = false;
  box.textContent = '';
  box.append(el('h2', {}, 'Shared links'), el('p', {}, 'A shared link shows this dashboard read-only to anyone who has it (and its password, if set).'));
  const list = el('ul', { id: 'share-list' });
  for (const link of answer.links) {
    list.append(el('li', { dataset: { id: link.id } }, link.name + (link.password_protected ? ' (password)' : '') + ' ',
      el('button', { type: 'button', class: 'revoke', onclick: async () => { await api.delete(`sites/${site.id}/shares/${link.id}`); load(); } }, 'Revoke')));
  }
  const name = el('input', { id: 'share-name', placeholder: 'Name (who it is for)' });
  const password = el('input', { id: 'share-password', type: 'password', placeholder: 'Password (optional, 10+ characters)' });
  const created = el('p', { id: 'share-created' });
  box.append(list, el('form', { class: 'share-form', onsubmit: async e => {
    e.preventDefault();
    try {
      const link = await api.post(`sites/${site.id}/shares`, { name: name.value, password: password.value || undefined });
      await load();
      const out = $('share-created');
      out.textContent = 'Copy this link now (it is shown once): ';
      out.append(el('a', { id: 'share-url', href: new URL('share/' + link.token, root).href }, new URL('share/' + link.token, root).href));
    } catch (err) {
      if (err instanceof ApiError) $('share-created').textContent = err.message;
    }
  } }, name, password, el('button', { type: 'submit', id: 'share-create' }, 'Create a shared link')), created);
}

async function overview(s, mine) {
  $('main').hidden = true;
  const box = $('overview');
  box.hidden = false;
  if (realtime) { realtime.source.close(); realtime = null; }
  $('current').textContent = '–';
  const period = s.period === 'custom' ? '30d' : s.period;
  try {
    const answer = await api.get('overview?period=' + encodeURIComponent(period));
    if (mine !== generation) return;
    box.textContent = '';
    box.append(el('h2', {}, 'All sites'));
    const table = el('table', { id: 'sites' }, el('tr', {}, el('th', {}, 'Site'), el('th', {}, 'Visitors'), el('th', {}, 'Change'),
      el('th', {}, 'Pageviews'), el('th', {}, 'Trend')));
    for (const row of answer.sites) {
      const change = row.change ? row.change.visitors : null;
      const trend = el('td', { class: 'trend' });
      table.append(el('tr', { dataset: { domain: row.domain } },
        el('td', {}, el('a', { href: '?' + new URLSearchParams({ site: row.domain, period }).toString() }, row.name)),
        el('td', { class: 'num visitors' }, format('visitors', row.visitors)),
        el('td', { class: 'num change' }, change == null ? '' : (change > 0 ? '↑ ' : change < 0 ? '↓ ' : '') + Math.abs(change) + '%'),
        el('td', { class: 'num pageviews' }, format('pageviews', row.pageviews)), trend));
      requestAnimationFrame(() => sparkline(trend, row.trend));
    }
    box.append(table);
    body.dataset.state = 'ready';
  } catch (e) {
    body.dataset.state = 'error';
  }
}

async function start() {
  me = await api.get('me');
  api.csrf = me.csrf || null;
  const select = $('site');
  if (body.dataset.mode === 'account' && me.sites.length > 1) select.append(el('option', { value: '*' }, 'All sites'));
  for (const x of me.sites) select.append(el('option', { value: String(x.id) }, x.name));
  select.disabled = body.dataset.mode !== 'account';
  select.addEventListener('change', () => navigate(p => {
    const chosen = me.sites.find(x => String(x.id) === select.value);
    p.set('site', chosen ? chosen.domain : '*');
    p.delete('f');
  }));
  $('period').addEventListener('change', () => {
    if ($('period').value === 'custom') { $('custom').hidden = false; return; }
    navigate(p => { p.set('period', $('period').value); p.delete('from'); p.delete('to'); p.delete('interval'); });
  });
  $('apply').addEventListener('click', () => navigate(p => {
    p.set('period', 'custom'); p.set('from', $('from').value); p.set('to', $('to').value); p.delete('interval');
  }));
  $('interval').addEventListener('change', () => navigate(p => p.set('interval', $('interval').value)));
  window.addEventListener('popstate', load);
  await load();
}

start().catch(e => { if (!(e instanceof ApiError)) { notice('The dashboard could not start: ' + e.message); } });
