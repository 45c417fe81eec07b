// carbontrace dashboard (browser side). Libraries: window.echarts, window.cytoscape (vendored).
// Everything shown comes from the dashboard server's JSON API, which reads the ledger as the regulator.
// window.dashboard exposes what is drawn (the map, the charts, the state) for the browser tests.
'use strict';

const state = { index: null, feeder: null, at: 0, slots: {}, provenance: null };
const $ = (id) => document.getElementById(id);
const fmt = (v, d = 4) => (v === null || v === undefined ? '-' : Number(v).toFixed(d));

async function api(path, init) {
  const res = await fetch(path, init);
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || `HTTP ${res.status}`);
  return body;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function buildMap() {
  const elements = [];
  for (const region of state.feeder.regions) {
    for (const b of region.buses) {
      elements.push({
        data: {
          id: `b${b.busId}`,
          label: String(b.busId),
          region: region.hv,
          lv: b.lv,
          colour: '#ccc',
          bucket: -1,
        },
      });
    }
    for (const br of region.branches) {
      elements.push({
        data: {
          id: `e${br.fromBusId}-${br.toBusId}`,
          source: `b${br.fromBusId}`,
          target: `b${br.toBusId}`,
          flow: 0,
          width: 1,
        },
      });
    }
  }
  const cy = cytoscape({
    container: $('map'),
    elements,
    style: [
      {
        selector: 'node',
        style: {
          'background-color': 'data(colour)',
          label: 'data(label)',
          'font-size': 9,
          'text-valign': 'center',
          width: 18,
          height: 18,
          'border-width': 1,
          'border-color': '#555',
        },
      },
      {
        selector: 'edge',
        style: {
          width: 'data(width)',
          'line-color': '#7a8ca6',
          'target-arrow-shape': 'triangle',
          'target-arrow-color': '#7a8ca6',
          'curve-style': 'bezier',
          'arrow-scale': 0.6,
        },
      },
    ],
    layout: {
      name: 'breadthfirst',
      directed: true,
      roots: state.feeder.regions.map((r) => `#b${r.slackBus}`).join(', '),
      spacingFactor: 0.9,
      padding: 10,
    },
    userZoomingEnabled: false,
  });
  const legend = $('legend');
  for (const b of state.feeder.buckets)
    legend.append(
      el(
        'li',
        { 'data-bucket': b.index },
        el('span', { style: `background:${b.colour}` }),
        `${b.label} tCO2/MWh`,
      ),
    );
  return cy;
}

async function slotOf(channel, start) {
  const key = `${channel}|${start}`;
  if (!state.slots[key])
    state.slots[key] = api(
      `/api/slot?channel=${encodeURIComponent(channel)}&start=${encodeURIComponent(start)}`,
    );
  return state.slots[key];
}

async function drawInterval() {
  const start = state.index.starts[state.at];
  const entry = state.index.entries.find((e) => e.start === start);
  $('interval-label').textContent = entry ? `${entry.start} – ${entry.end}` : start;
  const views = await Promise.all(
    state.feeder.regions.map((r) => slotOf(r.channel, start).catch(() => null)),
  );
  const cy = window.dashboard.cy;
  cy.batch(() => {
    for (const view of views) {
      if (!view) continue;
      for (const b of view.buses) {
        const node = cy.getElementById(`b${b.busId}`);
        node.data({ colour: b.colour, bucket: b.bucket, intensity: b.intensityTco2PerMwh });
      }
      const max = Math.max(1e-9, ...view.branches.map((b) => b.sendingTco2PerH));
      for (const b of view.branches) {
        const edge = cy.getElementById(`e${b.fromBusId}-${b.toBusId}`);
        edge.data({ flow: b.sendingTco2PerH, width: 1 + 7 * (b.sendingTco2PerH / max) });
      }
    }
  });
  document.body.dataset.interval = start;
  await drawConsumers();
  window.dashboard.ready = start;
}

async function drawConsumers() {
  const channel = $('region').value;
  const start = state.index.starts[state.at];
  const tbody = $('consumers').querySelector('tbody');
  tbody.replaceChildren();
  $('consumers-region').textContent = `${channel}, ${start}`;
  let rows;
  try {
    rows = await api(
      `/api/consumers?channel=${encodeURIComponent(channel)}&start=${encodeURIComponent(start)}`,
    );
  } catch (e) {
    tbody.append(el('tr', {}, el('td', { colspan: 5 }, e.message)));
    return;
  }
  for (const r of rows) {
    const button = el('button', { 'data-bus': r.busId }, 'statement');
    button.addEventListener('click', () => showStatement(channel, r.busId));
    tbody.append(
      el(
        'tr',
        { 'data-bus': r.busId },
        el('td', {}, r.busId),
        el('td', {}, fmt(r.energyMwh, 6)),
        el('td', {}, fmt(r.carbonT, 6)),
        el('td', {}, fmt(r.intensityTco2PerMwh)),
        el('td', {}, button),
      ),
    );
  }
}

async function showStatement(channel, bus) {
  const entries = state.index.entries.filter((e) => e.channel === channel);
  const from = entries[0].start;
  const to = entries[entries.length - 1].end;
  $('statement').textContent = 'reading the ledger…';
  const s = await api(
    `/api/statement?channel=${channel}&bus=${bus}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
  );
  const shares = s.totals.byUnit
    .filter((u) => u.carbonShare > 0)
    .map(
      (u) =>
        `  ${u.unitId} @ bus ${u.unitBusId}: ${fmt(u.carbonT, 6)} tCO2 (${(100 * u.carbonShare).toFixed(1)} %)`,
    );
  $('statement').textContent = [
    `Statement of ${channel} bus ${bus}, ${s.from} to ${s.to} (${s.totals.intervals} intervals of ${s.intervalMinutes} min)`,
    `energy ${fmt(s.totals.energyMwh, 6)} MWh · emissions ${fmt(s.totals.carbonT, 6)} tCO2 (location-based, Scope 2) · ${fmt(s.totals.averageKgPerKwh)} kgCO2/kWh`,
    'share per generator:',
    ...shares,
    `provenance: ${s.provenance.map((p) => `${p.taskId} (slave block ${p.anchoredSlaveBlock})`).join(', ')}`,
  ].join('\n');
  $('statement').dataset.bus = String(bus);
}

async function showProvenance() {
  const channel = $('region').value;
  const start = state.index.starts[state.at];
  const view = await slotOf(channel, start);
  const p = await api(`/api/provenance?task=${encodeURIComponent(view.taskId)}`);
  state.provenance = { channel, view, p };
  const list = $('provenance');
  list.replaceChildren();
  const pkg = p.anchoredPackage || {};
  const block = p.anchoredBlock || {};
  const steps = [
    [
      'result',
      `carbon flow of ${p.task.taskId}, recorded by ${p.carbonFlow ? p.carbonFlow.recorderMsp : '-'} (tx ${p.carbonFlow ? p.carbonFlow.txId.slice(0, 12) : '-'}…), accepted from ${p.accepted ? p.accepted.acceptedFrom : '-'}; arbitration ${p.arbitration ? p.arbitration.path.join('→') : '-'}`,
    ],
    [
      'task',
      `task ${p.task.taskId}: ${p.task.channel} slot ${p.task.slot}, requested by ${p.task.requesterMsp}, condition a by ${p.task.hvMsp}`,
    ],
    ['package', `package ${pkg.sha256 || '-'} (matches anchor: ${p.packageMatchesAnchor ? 'yes' : 'no'})`],
    [
      'anchor',
      `anchored on master as ${p.task.channel} block ${pkg.blockNumber ?? '-'}, header hash ${block.headerHash || '-'}`,
    ],
    [
      'block',
      `slave block ${pkg.blockNumber ?? '-'} of ${p.task.channel}, recorded by ${block.recorderMsp || '-'}`,
    ],
  ];
  for (const [step, text] of steps)
    list.append(el('li', { 'data-step': step }, el('b', {}, `${step}: `), text));
  $('verify').disabled = pkg.blockNumber === undefined;
  $('verify').dataset.channel = p.task.channel;
  $('verify').dataset.block = String(pkg.blockNumber);
  $('verify-result').textContent = '';
}

async function verify() {
  const b = $('verify');
  const out = $('verify-result');
  out.textContent = 'fetching the block from the peer and rehashing…';
  const v = await api(
    `/api/verify?channel=${encodeURIComponent(b.dataset.channel)}&block=${b.dataset.block}`,
    { method: 'POST' },
  );
  out.className = v.valid ? 'valid' : 'invalid';
  out.dataset.valid = String(v.valid);
  out.textContent = `${v.valid ? 'VALID' : 'INVALID'}: ${v.reason} (computed ${v.computedHeaderHash.slice(0, 16)}…, anchored ${(v.anchoredHeaderHash || '-').slice(0, 16)}…)`;
}

async function drawProviders() {
  const { providers, blacklist } = await api('/api/providers');
  const tbody = $('providers').querySelector('tbody');
  tbody.replaceChildren();
  for (const p of providers)
    tbody.append(
      el(
        'tr',
        { 'data-provider': p.id },
        el('td', {}, p.id),
        el('td', {}, p.feePerTask),
        el('td', {}, p.strikes),
        el('td', {}, p.wrongResults),
        el('td', {}, p.correctResults),
        el('td', {}, p.blacklisted ? 'yes' : 'no'),
      ),
    );
  const list = $('blacklist');
  list.replaceChildren();
  const listed = providers.filter((p) => p.blacklisted);
  if (listed.length === 0) list.append(el('li', { class: 'none' }, 'none'));
  for (const p of listed)
    list.append(
      el('li', { 'data-provider': p.id }, `${p.id} (until cycle ${p.blacklistedUntilCycle ?? '-'})`),
    );
  window.dashboard.blacklistRaw = blacklist;
}

async function main() {
  window.dashboard = { ready: null };
  [state.index, state.feeder] = await Promise.all([api('/api/index'), api('/api/feeder')]);
  window.dashboard.state = state;
  const slider = $('slider');
  slider.max = String(Math.max(0, state.index.starts.length - 1));
  for (const r of state.feeder.regions)
    $('region').append(el('option', { value: r.channel }, `${r.hv} (${r.channel})`));
  window.dashboard.cy = buildMap();
  const charts = await api('/api/charts');
  const intensity = echarts.init($('chart-intensity'), null, { renderer: 'svg' });
  const emission = echarts.init($('chart-emission'), null, { renderer: 'svg' });
  intensity.setOption(charts.intensity);
  emission.setOption(charts.emission);
  window.dashboard.charts = { intensity, emission, points: charts.points };
  slider.addEventListener('input', () => {
    state.at = Number(slider.value);
    drawInterval().catch(report);
  });
  $('region').addEventListener('change', () => drawConsumers().catch(report));
  $('show-provenance').addEventListener('click', () => showProvenance().catch(report));
  $('verify').addEventListener('click', () => verify().catch(report));
  await drawProviders();
  await drawInterval();
}

function report(e) {
  console.error(e);
  $('interval-label').textContent = `error: ${e.message}`;
}

main().catch(report);
