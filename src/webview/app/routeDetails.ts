/**
 * Route details panel (browser side): renders what the host sends; every string lands as text.
 * The charts are uPlot: it draws on canvas and sets its few styles through the CSSOM (element.style), which a
 * strict CSP (style-src without 'unsafe-inline') allows; its stylesheet is bundled into routeDetails.css.
 * Colours come from VS Code's theme variables and are read again when the theme changes.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { AlertModel, ChartPanelModel, ChartsModel, DetailsToHost, HostToDetails, RouteDetailsModel } from '../protocol/routeDetails';
import { TIME_RANGE_IDS } from '../protocol/routeDetails';
import { h, vscodeApi } from './lib/vscodeApi';
import { formatDuration, formatRate, formatRatio } from '../../core/metrics/units';

// No state is persisted: the host keeps the chosen range, and the panel is not restored across reloads.
const api = vscodeApi<never, DetailsToHost>();
const app = document.getElementById('app')!;
const plots: uPlot[] = [];
let last: RouteDetailsModel | undefined;

const UNIT_FORMAT: Record<ChartPanelModel['unit'], (v: number) => string> = {
  reqps: formatRate,
  percentunit: formatRatio,
  s: formatDuration,
  short: (v) => String(Math.round(v * 100) / 100),
};

interface Theme {
  fg: string;
  muted: string;
  grid: string;
  alert: string;
  font: string;
  palette: string[];
  byLabel: Record<string, string>;
}

function theme(): Theme {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const c = {
    blue: v('--vscode-charts-blue', '#3794ff'),
    green: v('--vscode-charts-green', '#89d185'),
    yellow: v('--vscode-charts-yellow', '#cca700'),
    orange: v('--vscode-charts-orange', '#d18616'),
    red: v('--vscode-charts-red', '#f14c4c'),
    purple: v('--vscode-charts-purple', '#b180d7'),
  };
  return {
    fg: v('--vscode-foreground', '#cccccc'),
    muted: v('--vscode-descriptionForeground', '#999999'),
    grid: v('--vscode-editorWidget-border', v('--vscode-panel-border', '#80808040')),
    alert: v('--vscode-errorForeground', c.red),
    font: `11px ${v('--vscode-font-family', 'sans-serif')}`,
    palette: [c.blue, c.orange, c.purple, c.green, c.yellow, c.red],
    byLabel: { '2xx': c.green, '3xx': c.blue, '4xx': c.yellow, '5xx': c.red, p50: c.green, p90: c.yellow, p99: c.red, 'in flight': c.blue },
  };
}

/** Firing alerts as bands from the time they became active to the end of the range, each named by a label over the plot. */
function alertBands(alerts: AlertModel[], t: Theme) {
  let marks: HTMLElement[] = [];
  return (u: uPlot) => {
    if (!marks.length) {
      marks = alerts.map((a) => {
        const since = a.since !== undefined ? ` since ${new Date(a.since * 1000).toLocaleString()}` : '';
        const mark = h('span', { class: 'alert-mark', title: `${a.name} firing${since}` }, `⚠ ${a.name}`);
        u.over.append(mark);
        return mark;
      });
    }
    const { ctx } = u;
    const { left, top, width, height } = u.bbox;
    ctx.save();
    ctx.fillStyle = t.alert;
    alerts.forEach((a, i) => {
      const x0 = a.since !== undefined ? Math.max(left, u.valToPos(a.since, 'x', true)) : left;
      const mark = marks[i]!;
      mark.hidden = x0 >= left + width; // active only after the range (a past time range)
      if (mark.hidden) return;
      ctx.globalAlpha = 0.12;
      ctx.fillRect(x0, top, left + width - x0, height);
      ctx.globalAlpha = 1;
      ctx.fillRect(x0, top, Math.max(1, devicePixelRatio), height);
      // CSSOM, allowed by the CSP; in the right half the label goes left of the line, so it stays inside the plot
      const x = (x0 - left) / devicePixelRatio;
      const rightHalf = x0 - left > width / 2;
      mark.classList.toggle('end', rightHalf);
      mark.style.left = `${rightHalf ? x - 3 : x + 3}px`;
      mark.style.top = `${2 + i * 15}px`;
    });
    ctx.restore();
  };
}

/** Exemplars as buttons over the plot (focusable, a title with the trace id); a click opens the trace. */
function exemplarDots(charts: ChartsModel) {
  let dots: HTMLButtonElement[] = [];
  return (u: uPlot) => {
    if (!dots.length) {
      dots = charts.exemplars.map((e) => {
        const label = `Trace ${e.traceId}: ${formatDuration(e.value)} at ${new Date(e.time * 1000).toLocaleString()}`;
        const b = h('button', { class: 'exemplar', title: label, 'aria-label': label, 'data-trace-id': e.traceId });
        b.addEventListener('click', () => api.postMessage({ type: 'openTrace', traceId: e.traceId }));
        u.over.append(b);
        return b;
      });
    }
    charts.exemplars.forEach((e, i) => {
      const x = u.valToPos(e.time, 'x');
      const y = u.valToPos(e.value, 'y');
      const b = dots[i]!;
      b.hidden = !(x >= 0 && x <= u.bbox.width / devicePixelRatio && y >= 0 && y <= u.bbox.height / devicePixelRatio);
      b.style.left = `${x}px`; // CSSOM, allowed by the CSP (no style attribute is parsed)
      b.style.top = `${y}px`;
    });
  };
}

function plot(panel: ChartPanelModel, model: RouteDetailsModel, charts: ChartsModel, t: Theme, target: HTMLElement): uPlot {
  const latency = panel.kind === 'latency';
  const extra = latency ? charts.exemplars.map((e) => e.value) : [];
  const axis = { stroke: t.muted, font: t.font, grid: { stroke: t.grid, width: 1 }, ticks: { stroke: t.grid, width: 1 } };
  const opts: uPlot.Options = {
    width: Math.max(240, target.clientWidth || app.clientWidth - 24),
    height: 180,
    cursor: { sync: { key: 'route-details' }, points: { size: 6 } },
    legend: { live: true },
    scales: {
      x: { time: true, range: [charts.times[0]!, charts.times[charts.times.length - 1]!] },
      y: {
        range: (_u, _min, max) => {
          const top = Math.max(max ?? 0, ...extra);
          return [0, panel.unit === 'percentunit' ? Math.min(1, Math.max(top * 1.1, 0.01)) : top > 0 ? top * 1.1 : 1];
        },
      },
    },
    axes: [axis, { ...axis, size: 72, values: (_u, ticks) => axisTicks(panel.unit, ticks) }],
    // The legend shows the values under the cursor, and the latest ones while the cursor is elsewhere.
    series: [
      { value: (_u, ts, _s, idx) => new Date((idx == null ? charts.times[charts.times.length - 1]! : ts) * 1000).toLocaleString() },
      ...panel.series.map((s, i) => ({
        label: s.label,
        stroke: t.byLabel[s.label] ?? t.palette[i % t.palette.length]!,
        width: 1.5,
        value: (_u: uPlot, v: number | null, _s: number, idx: number | null) => show(panel.unit, idx == null ? latest(s.values) : v),
      })),
    ],
    hooks: {
      draw: [
        ...(model.alerts.length ? [alertBands(model.alerts, t)] : []),
        ...(latency && charts.exemplars.length ? [exemplarDots(charts)] : []),
      ],
    },
  };
  const data = [charts.times, ...panel.series.map((s) => s.values)] as uPlot.AlignedData;
  return new uPlot(opts, data, target);
}

/** Tick labels in one unit per axis (formatRate alone would mix req/min and req/s on one axis). */
function axisTicks(unit: ChartPanelModel['unit'], ticks: number[]): string[] {
  if (unit !== 'reqps') return ticks.map(UNIT_FORMAT[unit]);
  const perMinute = Math.max(...ticks) < 0.1;
  return ticks.map((v) => `${Number((perMinute ? v * 60 : v).toPrecision(3))} req/${perMinute ? 'min' : 's'}`);
}

function show(unit: ChartPanelModel['unit'], v: number | null): string {
  return v == null ? '—' : UNIT_FORMAT[unit](v);
}

function latest(values: (number | null)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] != null) return values[i]!;
  return null;
}

function panelSection(panel: ChartPanelModel, index: number): { section: HTMLElement; target: HTMLElement } {
  // A text alternative for the canvas: the latest value of each series (what the idle legend shows).
  const latestText = panel.series.map((x) => `${x.label} ${show(panel.unit, latest(x.values))}`);
  const target = h('div', { class: 'plot', role: 'img', 'aria-label': `${panel.title}, latest: ${latestText.join(', ')}` });
  const section = h(
    'section',
    { class: 'chart-panel', 'data-kind': panel.kind },
    h(
      'div',
      { class: 'chart-head' },
      h('h2', {}, panel.title),
      panel.serviceWide ? h('span', { class: 'badge' }, 'whole service') : false,
      h(
        'button',
        { class: 'copy-query', title: 'Copy the exact PromQL of this panel', onclick: () => api.postMessage({ type: 'copyQuery', index }) },
        'Copy PromQL',
      ),
    ),
    h('details', { class: 'promql' }, h('summary', {}, 'PromQL'), ...panel.queries.map((q) => h('code', {}, q.expr))),
    panel.series.length ? target : h('p', { class: 'no-data' }, 'No samples in this range.'),
  );
  return { section, target };
}

function rangePicker(charts: ChartsModel): HTMLElement {
  return h(
    'div',
    { class: 'ranges', role: 'group', 'aria-label': 'Time range' },
    ...TIME_RANGE_IDS.map((r) =>
      h(
        'button',
        {
          class: 'range',
          'aria-pressed': String(r === charts.range),
          onclick: () => {
            app.classList.add('busy');
            api.postMessage({ type: 'setRange', range: r });
          },
        },
        r,
      ),
    ),
    h('span', { class: 'meta' }, `step ${formatStep(charts.step)} · rate window ${charts.window}`),
  );
}

function formatStep(s: number): string {
  return s % 3600 === 0 ? `${s / 3600} h` : s % 60 === 0 ? `${s / 60} min` : `${s} s`;
}

function render(model: RouteDetailsModel): void {
  last = model;
  for (const p of plots.splice(0)) p.destroy();
  const charts = model.charts;
  const sections = charts ? charts.panels.map(panelSection) : [];
  const alertText = (a: AlertModel) => `${a.name}${a.severity ? ` (${a.severity})` : ''}${a.summary ? `: ${a.summary}` : ''}`;
  const children: (Node | false)[] = [
    h('header', {}, h('h1', { id: 'route-title' }, model.title), h('p', { class: 'subtitle' }, model.subtitle)),
    model.alerts.length > 0 &&
      h('div', { class: 'alert', role: 'alert', id: 'alerts' }, `Firing: ${model.alerts.map(alertText).join('; ')}`),
    ...model.warnings.map((w) => h('div', { class: 'warning' }, w)),
    h(
      'section',
      { class: 'stats', id: 'stats' },
      ...model.stats.map((s) => h('div', { class: 'stat' }, h('span', { class: 'label' }, s.label), h('span', { class: 'value' }, s.text))),
    ),
    charts ? rangePicker(charts) : h('p', {}, 'No charts: no metrics convention applies to this service.'),
    h('div', { class: 'charts', id: 'charts' }, ...sections.map((s) => s.section)),
    h(
      'section',
      {},
      h('h2', {}, 'Status codes'),
      model.statusCodes.length
        ? h('table', { id: 'status-codes' }, ...model.statusCodes.map((s) => h('tr', {}, h('td', {}, s.code), h('td', {}, s.rate))))
        : h('p', {}, 'No requests in the window.'),
    ),
    h(
      'section',
      {},
      h('h2', {}, 'Queries'),
      h(
        'ul',
        { class: 'queries' },
        ...model.queries.map((q, index) =>
          h(
            'li',
            {},
            h(
              'a',
              {
                href: '#',
                onclick: (e: Event) => {
                  e.preventDefault();
                  api.postMessage({ type: 'openQuery', index });
                },
              },
              q.label,
            ),
            h('code', {}, q.expr),
          ),
        ),
      ),
    ),
    h(
      'footer',
      {},
      h('button', { onclick: () => api.postMessage({ type: 'refresh' }) }, 'Refresh'),
      h('button', { onclick: () => api.postMessage({ type: 'revealHandler' }) }, 'Go to handler'),
      model.slowestTraceId
        ? h('button', { onclick: () => api.postMessage({ type: 'openTrace', traceId: model.slowestTraceId! }) }, 'Slowest trace')
        : false,
      h('span', { class: 'meta' }, `${model.service} · ${model.convention} · at ${model.evaluatedAt}`),
    ),
  ];
  app.classList.remove('busy');
  app.replaceChildren(...children.filter((c): c is Node => c !== false));
  if (!charts) return;
  const t = theme();
  charts.panels.forEach((p, i) => {
    if (p.series.length) plots.push(plot(p, model, charts, t, sections[i]!.target));
  });
}

// Charts follow the width of the panel and the colour theme.
new ResizeObserver(() => {
  for (const p of plots) p.setSize({ width: Math.max(240, p.root.parentElement?.clientWidth ?? 240), height: 180 });
}).observe(app);
// (VS Code puts the theme's variables in the root element's style, and its kind in the body's class.)
const rethemed = new MutationObserver(() => last && render(last));
rethemed.observe(document.body, { attributes: true, attributeFilter: ['class'] });
rethemed.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });

window.addEventListener('message', (e: MessageEvent<HostToDetails>) => {
  const m = e.data;
  if (m.type === 'model') render(m.model);
  else if (m.type === 'error') {
    for (const p of plots.splice(0)) p.destroy();
    app.replaceChildren(
      h('div', { class: 'error', role: 'alert', id: 'error' }, m.message),
      h('button', { onclick: () => api.postMessage({ type: 'refresh' }) }, 'Retry'),
    );
  } else if (m.type === 'loading' && !last) app.replaceChildren(h('p', { class: 'loading' }, 'Loading metrics…'));
});
api.postMessage({ type: 'ready' });
