/**
 * Trace waterfall (browser side). Virtualized: only the rows in view exist in the DOM, a small pool reused on
 * scroll in list order (what a screen reader walks), an element rewritten only when what it shows changed,
 * so 100,000 spans scroll smoothly. Every backend string is set with textContent / h(): inert.
 * The persisted state is the trace's identity only (backend + trace id); the host refetches on restore.
 */
import {
  ROW_CRITICAL,
  ROW_ERROR,
  type HostToWaterfall,
  type SpanDetails,
  type WaterfallState,
  type WaterfallToHost,
  type WaterfallTrace,
} from '../protocol/waterfall';
import { h, vscodeApi } from './lib/vscodeApi';
import { ancestors, formatUs, parents, searchRows, visibleRows, type RowFilter } from './lib/rows';

const ROW_H = 22;
/** Rows rendered above and below the viewport. */
const OVERSCAN = 10;
const SERVICE_COLOURS = 8;

const api = vscodeApi<WaterfallState, WaterfallToHost>();
const app = document.getElementById('app')!;

interface View {
  trace: WaterfallTrace;
  collapsed: Set<number>;
  /** 1 for rows with children. */
  hasChildren: Uint8Array;
  filter: RowFilter;
  visible: Int32Array;
  /** Position of each row in `visible`, -1 when hidden. */
  position: Int32Array;
  matches: number[];
  matchSet: Set<number>;
  matchCursor: number;
  selected: number;
  pool: HTMLDivElement[];
  /** What each pool element shows (`version:position:row`): unchanged elements are not rewritten. */
  shown: string[];
  /** Bumped when anything drawn besides the row itself changes (selection, matches, collapse). */
  version: number;
  scroller: HTMLDivElement;
  spacer: HTMLDivElement;
  details: HTMLElement;
  matchInfo: HTMLElement;
  frame: number;
}

let view: View | undefined;

function recompute(v: View): void {
  v.visible = visibleRows(v.trace.rows, v.collapsed, v.filter);
  v.position.fill(-1);
  for (let i = 0; i < v.visible.length; i++) v.position[v.visible[i]] = i;
  v.spacer.style.height = `${v.visible.length * ROW_H}px`;
  redraw(v);
}

/** Draws every row in view again (their state changed, not only the scroll position). */
function redraw(v: View): void {
  v.version++;
  draw(v);
}

function scheduleDraw(v: View): void {
  if (v.frame) return;
  v.frame = requestAnimationFrame(() => {
    v.frame = 0;
    draw(v);
  });
}

function rowElement(): HTMLDivElement {
  const toggle = h('span', { class: 'wf-toggle', 'aria-hidden': 'true' });
  const label = h('div', { class: 'wf-label' }, toggle, h('span', { class: 'wf-svc' }), h('span', { class: 'wf-name' }));
  const track = h('div', { class: 'wf-track' }, h('div', { class: 'wf-bar' }));
  const el = h('div', { class: 'wf-row', role: 'treeitem' }, label, track, h('span', { class: 'wf-dur' }));
  el.addEventListener('click', (e) => {
    if (!view) return;
    const row = Number(el.dataset.row);
    if ((e.target as Element).classList.contains('wf-toggle')) toggle_(view, row);
    else select(view, row);
  });
  return el;
}

/** Renders the rows in view, reusing the pool: the DOM holds a constant number of rows. Reads layout first, then only writes. */
function draw(v: View): void {
  const top = v.scroller.scrollTop;
  const height = v.scroller.clientHeight;
  const first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
  const last = Math.min(v.visible.length, Math.ceil((top + height) / ROW_H) + OVERSCAN);
  if (v.pool.length < last - first) {
    while (v.pool.length < last - first) v.pool.push(rowElement());
    v.spacer.replaceChildren(...v.pool);
    v.shown = [];
  }
  for (let i = 0; i < v.pool.length; i++) {
    const el = v.pool[i];
    const pos = first + i;
    if (pos >= last) {
      el.hidden = true;
      v.shown[i] = '';
      continue;
    }
    const row = v.visible[pos];
    const key = `${v.version}:${pos}:${row}`;
    if (v.shown[i] === key) continue;
    v.shown[i] = key;
    fillRow(v, el, pos, row);
  }
}

function fillRow(v: View, el: HTMLDivElement, pos: number, row: number): void {
  const r = v.trace.rows;
  const flags = r.flags[row];
  const service = v.trace.services[r.service[row]] ?? '';
  const depth = r.depth[row];
  const total = v.trace.durationUs || 1;
  el.hidden = false;
  el.dataset.row = String(row);
  el.style.transform = `translateY(${pos * ROW_H}px)`;
  el.className = `wf-row svc-${r.service[row] % SERVICE_COLOURS}${flags & ROW_ERROR ? ' wf-error' : ''}${flags & ROW_CRITICAL ? ' critical' : ''}${v.matchSet.has(row) ? ' match' : ''}${row === v.selected ? ' selected' : ''}`;
  el.setAttribute('aria-level', String(depth + 1));
  el.setAttribute('aria-selected', String(row === v.selected));
  const label = el.firstElementChild as HTMLElement;
  label.style.paddingLeft = `${Math.min(depth, 40) * 12}px`;
  const [toggle, svc, name] = label.children as unknown as HTMLElement[];
  const open = !v.collapsed.has(row);
  toggle.textContent = v.hasChildren[row] ? (open ? '▾' : '▸') : '';
  if (v.hasChildren[row]) el.setAttribute('aria-expanded', String(open));
  else el.removeAttribute('aria-expanded');
  svc.textContent = service;
  name.textContent = r.name[row];
  el.title = `${service}: ${r.name[row]}`;
  const [, track, dur] = el.children as unknown as HTMLElement[];
  const bar = track.firstElementChild as HTMLElement;
  bar.style.left = `${(r.startUs[row] / total) * 100}%`;
  bar.style.width = `max(1px, ${(r.durationUs[row] / total) * 100}%)`;
  dur.textContent = formatUs(r.durationUs[row]);
}

function toggle_(v: View, row: number, open?: boolean): void {
  if (!v.hasChildren[row]) return;
  const isOpen = !v.collapsed.has(row);
  if (open === isOpen) return;
  if (isOpen) v.collapsed.add(row);
  else v.collapsed.delete(row);
  recompute(v);
}

/** Makes a row visible (expands its ancestors), scrolls to it and asks the host for its details. */
function select(v: View, row: number): void {
  if (v.position[row] < 0) {
    let changed = false;
    for (const a of ancestors(v.trace.rows.parent, row)) changed = v.collapsed.delete(a) || changed;
    if (changed) recompute(v);
    if (v.position[row] < 0) {
      // Hidden by a filter: clear it so the chosen span shows.
      v.filter = { errorsOnly: false, minDurationUs: 0 };
      for (const input of app.querySelectorAll<HTMLInputElement>('.wf-filter')) {
        input.checked = false;
        input.value = '';
      }
      recompute(v);
    }
  }
  v.selected = row;
  const y = v.position[row] * ROW_H;
  if (y < v.scroller.scrollTop) v.scroller.scrollTop = y;
  else if (y + ROW_H > v.scroller.scrollTop + v.scroller.clientHeight) v.scroller.scrollTop = y + ROW_H - v.scroller.clientHeight;
  redraw(v);
  v.details.replaceChildren(h('p', { class: 'loading' }, 'Loading span…'));
  api.postMessage({ type: 'details', row });
}

function onKey(v: View, e: KeyboardEvent): void {
  const pos = v.selected >= 0 ? v.position[v.selected] : -1;
  const page = Math.max(1, Math.floor(v.scroller.clientHeight / ROW_H) - 1);
  const go = (p: number) => {
    const clamped = Math.max(0, Math.min(v.visible.length - 1, p));
    if (v.visible.length) select(v, v.visible[clamped]);
  };
  const selected = v.selected >= 0;
  switch (e.key) {
    case 'ArrowDown':
      go(pos + 1);
      break;
    case 'ArrowUp':
      go(pos < 0 ? 0 : pos - 1);
      break;
    case 'PageDown':
      go(pos + page);
      break;
    case 'PageUp':
      go(pos - page);
      break;
    case 'Home':
      go(0);
      break;
    case 'End':
      go(v.visible.length - 1);
      break;
    case 'ArrowRight':
      if (!selected) return go(0);
      if (v.collapsed.has(v.selected)) toggle_(v, v.selected, true);
      else if (v.hasChildren[v.selected]) go(pos + 1);
      break;
    case 'ArrowLeft':
      if (!selected) return;
      if (v.hasChildren[v.selected] && !v.collapsed.has(v.selected)) toggle_(v, v.selected, false);
      else if (v.trace.rows.parent[v.selected] >= 0) select(v, v.trace.rows.parent[v.selected]);
      break;
    case 'Enter':
    case ' ':
      if (selected) toggle_(v, v.selected);
      break;
    default:
      return;
  }
  e.preventDefault();
}

function search(v: View, query: string): void {
  v.matches = searchRows(v.trace.rows, v.trace.services, query);
  v.matchSet = new Set(v.matches);
  v.matchCursor = -1;
  v.matchInfo.textContent = query.trim() ? `${v.matches.length} match${v.matches.length === 1 ? '' : 'es'}` : '';
  redraw(v);
}

function nextMatch(v: View, step: 1 | -1): void {
  if (!v.matches.length) return;
  v.matchCursor = (v.matchCursor + step + v.matches.length) % v.matches.length;
  v.matchInfo.textContent = `${v.matchCursor + 1} of ${v.matches.length}`;
  select(v, v.matches[v.matchCursor]);
}

function rowLink(v: View, row: number, text: string): HTMLElement {
  return h('a', { href: '#', class: 'wf-link', onclick: (e: Event) => (e.preventDefault(), select(v, row)) }, text);
}

function insights(v: View): HTMLElement {
  const t = v.trace;
  const ins = t.insights;
  const items: HTMLElement[] = [];
  if (ins.largestSelf) {
    const row = ins.largestSelf.row;
    items.push(
      h(
        'li',
        { id: 'insight-self' },
        'Largest self time: ',
        rowLink(v, row, t.rows.name[row]),
        ` — ${formatUs(ins.largestSelf.us)} in ${t.services[t.rows.service[row]]}`,
      ),
    );
  }
  if (ins.criticalShare.length) {
    const shares = ins.criticalShare.map((c) => `${c.service} ${(c.share * 100).toFixed(0)}% (${formatUs(c.us)})`).join(', ');
    items.push(h('li', { id: 'insight-critical' }, `Critical path by service: ${shares}`));
  }
  for (const r of ins.repeated) {
    items.push(
      h(
        'li',
        { class: 'insight-repeated warning-text' },
        `Repeated ${r.by === 'db.statement' ? 'query' : 'span'} ×${r.count} (${formatUs(r.totalUs)} total) under `,
        rowLink(v, r.parent, t.rows.name[r.parent] ?? ''),
        ': ',
        rowLink(v, r.rows[0], r.label),
      ),
    );
  }
  return h(
    'section',
    { class: 'wf-insights', id: 'insights' },
    h('h2', {}, 'Insights'),
    items.length ? h('ul', {}, ...items) : h('p', {}, 'Nothing stands out.'),
  );
}

function table(pairs: [string, string][], empty: string): HTMLElement {
  if (!pairs.length) return h('p', { class: 'muted' }, empty);
  return h('table', { class: 'kv' }, ...pairs.map(([k, val]) => h('tr', {}, h('th', {}, k), h('td', {}, val))));
}

function renderDetails(v: View, d: SpanDetails): void {
  if (d.row !== v.selected) return; // an older answer
  const r = v.trace.rows;
  v.details.replaceChildren(
    h('h2', { id: 'details-name' }, d.name),
    h(
      'p',
      { class: 'subtitle' },
      `${d.service} · ${d.kind} · ${formatUs(r.durationUs[d.row])} (self ${formatUs(r.selfUs[d.row])}) at +${formatUs(r.startUs[d.row])}${r.flags[d.row] & ROW_CRITICAL ? ' · on the critical path' : ''}`,
    ),
    h(
      'p',
      { class: d.status === 'error' ? 'error' : '', id: 'details-status' },
      `Status: ${d.status}${d.statusMessage ? ` — ${d.statusMessage}` : ''}`,
    ),
    h(
      'div',
      { class: 'wf-actions' },
      d.code ? h('button', { id: 'go-to-code', onclick: () => api.postMessage({ type: 'goToCode', row: d.row }) }, 'Go to code') : false,
      d.code ? h('span', { class: 'muted' }, d.code) : false,
      h(
        'button',
        { id: 'span-logs', onclick: () => api.postMessage({ type: 'traceLogs', row: d.row }) },
        `Logs of ${d.service} for this trace`,
      ),
    ),
    h(
      'p',
      { class: 'muted' },
      `Span ${d.spanId}${d.parentSpanId ? ` · parent ${d.parentSpanId}` : ''}${d.scope ? ` · scope ${d.scope}` : ''}`,
    ),
    h('h3', {}, 'Attributes'),
    table(d.attributes, 'No attributes.'),
    h('h3', {}, `Events (${d.events.length})`),
    ...d.events.map((ev) =>
      h('div', { class: 'wf-event' }, h('strong', {}, `+${formatUs(ev.offsetUs)} ${ev.name}`), table(ev.attributes, '')),
    ),
    h('h3', {}, `Links (${d.links.length})`),
    ...d.links.map((l) => h('div', { class: 'wf-event' }, h('code', {}, `${l.traceId} / ${l.spanId}`), table(l.attributes, ''))),
    h('h3', {}, 'Resource'),
    table(d.resource, 'No resource attributes.'),
  );
}

function render(trace: WaterfallTrace, canOpenUi: boolean): void {
  const scroller = h('div', { class: 'wf-scroller', id: 'rows', tabindex: '0', role: 'tree', 'aria-label': 'Spans' });
  const spacer = h('div', { class: 'wf-spacer' });
  scroller.append(spacer);
  const details = h(
    'aside',
    { class: 'wf-details', id: 'details' },
    h('p', { class: 'muted' }, 'Select a span to see its attributes, events and links.'),
  );
  const matchInfo = h('span', { class: 'muted', id: 'match-info' });
  const v: View = {
    trace,
    collapsed: new Set(),
    hasChildren: parents(trace.rows.parent),
    filter: { errorsOnly: false, minDurationUs: 0 },
    visible: new Int32Array(0),
    position: new Int32Array(trace.rows.name.length),
    matches: [],
    matchSet: new Set(),
    matchCursor: -1,
    selected: -1,
    pool: [],
    shown: [],
    version: 0,
    scroller,
    spacer,
    details,
    matchInfo,
    frame: 0,
  };
  view = v;
  const spans = trace.rows.name.length;
  let errors = 0;
  for (let i = 0; i < spans; i++) if (trace.rows.flags[i] & ROW_ERROR) errors++;
  const searchBox = h('input', {
    type: 'search',
    id: 'search',
    placeholder: 'Search name, service or attribute',
    'aria-label': 'Search spans',
  });
  searchBox.addEventListener('input', () => search(v, searchBox.value));
  searchBox.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') nextMatch(v, e.shiftKey ? -1 : 1);
  });
  const errorsOnly = h('input', { type: 'checkbox', id: 'errors-only', class: 'wf-filter' });
  errorsOnly.addEventListener('change', () => ((v.filter = { ...v.filter, errorsOnly: errorsOnly.checked }), recompute(v)));
  const minDur = h('input', {
    type: 'number',
    id: 'min-duration',
    class: 'wf-filter',
    min: '0',
    step: 'any',
    placeholder: '0',
    'aria-label': 'Minimum duration in milliseconds',
  });
  minDur.addEventListener(
    'input',
    () => ((v.filter = { ...v.filter, minDurationUs: Math.max(0, Number(minDur.value) || 0) * 1000 }), recompute(v)),
  );
  app.replaceChildren(
    h(
      'header',
      { class: 'wf-head' },
      h('h1', { id: 'trace-title' }, spans ? `${trace.services[trace.rows.service[0]]}: ${trace.rows.name[0]}` : 'Empty trace'),
      h(
        'p',
        { class: 'subtitle', id: 'trace-meta' },
        `${trace.traceId} · ${formatUs(trace.durationUs)} · ${spans} spans · ${trace.services.length} services · ${errors} errors · ${new Date(trace.startUs / 1000).toISOString()}`,
      ),
      h(
        'div',
        { class: 'wf-actions' },
        h('button', { id: 'copy-trace-id', onclick: () => api.postMessage({ type: 'copyTraceId' }) }, 'Copy trace id'),
        h('button', { id: 'trace-logs', onclick: () => api.postMessage({ type: 'traceLogs' }) }, 'Logs for this trace'),
        canOpenUi
          ? h('button', { id: 'open-in-ui', onclick: () => api.postMessage({ type: 'openInUi' }) }, 'Open in Jaeger/Tempo UI')
          : false,
        h('button', { id: 'reload', onclick: () => api.postMessage({ type: 'reload' }) }, 'Reload'),
      ),
    ),
    ...trace.warnings.slice(0, 5).map((w) => h('div', { class: 'warning' }, w)),
    insights(v),
    h(
      'div',
      { class: 'wf-toolbar' },
      searchBox,
      matchInfo,
      h('label', {}, errorsOnly, ' Errors only'),
      h('label', {}, 'Min duration ', minDur, ' ms'),
      h(
        'span',
        { class: 'wf-legend' },
        ...trace.services.map((s, i) => h('span', { class: `wf-chip svc-${i % SERVICE_COLOURS}` }, s)),
        h('span', { class: 'wf-chip critical-chip' }, 'critical path'),
      ),
    ),
    h('div', { class: 'wf-body' }, scroller, details),
  );
  scroller.addEventListener('scroll', () => scheduleDraw(v), { passive: true });
  scroller.addEventListener('keydown', (e) => onKey(v, e));
  new ResizeObserver(() => scheduleDraw(v)).observe(scroller);
  recompute(v);
}

function status(state: WaterfallState, node: HTMLElement): void {
  api.setState(state);
  view = undefined;
  app.replaceChildren(node);
}

// `/` jumps to the search box (registered once: a reload re-renders the page, not this listener).
document.addEventListener('keydown', (e) => {
  const search = document.getElementById('search');
  if (e.key === '/' && search && document.activeElement !== search && !(document.activeElement instanceof HTMLInputElement)) {
    e.preventDefault();
    search.focus();
  }
});

window.addEventListener('message', (e: MessageEvent<HostToWaterfall>) => {
  const m = e.data;
  if (m.type === 'trace') {
    api.setState(m.state);
    render(m.trace, m.canOpenUi);
    document.body.dataset.rendered = String(performance.now());
  } else if (m.type === 'details' && view) renderDetails(view, m.details);
  else if (m.type === 'loading') status(m.state, h('p', { class: 'loading' }, `Loading trace ${m.state.traceId}…`));
  else if (m.type === 'error')
    status(
      m.state,
      h(
        'div',
        {},
        h('div', { class: 'error', role: 'alert', id: 'error' }, m.message),
        h('button', { onclick: () => api.postMessage({ type: 'reload' }) }, 'Retry'),
      ),
    );
});
api.postMessage({ type: 'ready' });
