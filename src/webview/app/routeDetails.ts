/** Route details panel (browser side): renders what the host sends; every string lands as text. */
import type { DetailsToHost, HostToDetails, RouteDetailsModel } from '../protocol/routeDetails';
import { h, svg, vscodeApi } from './lib/vscodeApi';

// No state is persisted: the panel is not restored across reloads (no WebviewPanelSerializer yet).
const api = vscodeApi<never, DetailsToHost>();
const app = document.getElementById('app')!;

function chart(series: [number, number][]): Element {
  const width = 560;
  const height = 120;
  const box = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    width: '100%',
    height,
    role: 'img',
    'aria-label': 'Request rate, last hour',
  });
  box.setAttribute('class', 'chart');
  if (series.length < 2) {
    const t = svg('text', { x: 8, y: height / 2 });
    t.textContent = 'No request rate samples in the last hour';
    box.append(t);
    return box;
  }
  const xs = series.map((p) => p[0]);
  const ys = series.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const y1 = Math.max(...ys) || 1;
  const pts = series.map(
    ([x, y]) => `${(((x - x0) / (x1 - x0 || 1)) * (width - 8) + 4).toFixed(1)},${(height - 4 - (y / y1) * (height - 8)).toFixed(1)}`,
  );
  box.append(svg('polyline', { points: pts.join(' '), class: 'line', fill: 'none' }));
  return box;
}

function render(model: RouteDetailsModel): void {
  const children: (Node | false)[] = [
    h('header', {}, h('h1', { id: 'route-title' }, model.title), h('p', { class: 'subtitle' }, model.subtitle)),
    model.alerts.length > 0 && h('div', { class: 'alert', role: 'alert' }, `Firing: ${model.alerts.join(', ')}`),
    ...model.warnings.map((w) => h('div', { class: 'warning' }, w)),
    h(
      'section',
      { class: 'stats', id: 'stats' },
      ...model.stats.map((s) => h('div', { class: 'stat' }, h('span', { class: 'label' }, s.label), h('span', { class: 'value' }, s.text))),
    ),
    h('section', {}, h('h2', {}, 'Request rate, last hour'), chart(model.series)),
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
  app.replaceChildren(...children.filter((c): c is Node => c !== false));
}

window.addEventListener('message', (e: MessageEvent<HostToDetails>) => {
  const m = e.data;
  if (m.type === 'model') render(m.model);
  else if (m.type === 'error')
    app.replaceChildren(
      h('div', { class: 'error', role: 'alert', id: 'error' }, m.message),
      h('button', { onclick: () => api.postMessage({ type: 'refresh' }) }, 'Retry'),
    );
  else if (m.type === 'loading') app.replaceChildren(h('p', { class: 'loading' }, 'Loading metrics…'));
});
api.postMessage({ type: 'ready' });
