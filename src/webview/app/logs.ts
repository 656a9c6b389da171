/**
 * Logs panel (browser side). LogQL is checked here with Grafana's grammar before it is sent (problems
 * underlined); label and value completion comes from the host (Loki's labels API). The line list is
 * virtualized (a small pool of rows reused on scroll), so 100,000 lines scroll and filter smoothly. Every line,
 * label and value is set with textContent / h(): inert. The persisted state is the query and range only.
 */
import type { HostToLogs, LogsSource, LogsState, LogsToHost, TailStatus } from '../protocol/logs';
import { DEFAULT_LOGS_STATE, RELATIVE_RANGES } from '../protocol/logs';
import type { LogLine } from '../../core/logs/model';
import { completionContext, validateLogql, type CompletionItem } from '../../core/logs/logql';
import { lineFields, volumeByLevel, type VolumeBucket } from '../../core/logs/view';
import { h, vscodeApi } from './lib/vscodeApi';
import { LogList, formatTs } from './lib/logList';

const ROW_H = 20;
const OVERSCAN = 10;
const BUCKETS = 60;
/** Characters of a line drawn in its row (the details show it whole). */
const ROW_CHARS = 1000;
const HIST_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'unknown'] as const;

const api = vscodeApi<LogsState, LogsToHost>();
const app = document.getElementById('app')!;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let state: LogsState = api.getState() ?? DEFAULT_LOGS_STATE;
let source: LogsSource = { kind: 'local', running: false, services: [] };
const list = new LogList();
let range = { startNs: '0', endNs: '1' };
let selected = -1;
let tail: TailStatus = 'off';
let completions: { id: number; from: number; items: CompletionItem[]; active: number } | undefined;
let completeId = 0;
let frame = 0;
const pool: HTMLDivElement[] = [];

const send = (m: LogsToHost) => api.postMessage(m);
const save = () => api.setState(state);

// ---- layout ---------------------------------------------------------------------------------------------

function queryControls(): HTMLElement {
  if (source.kind === 'loki') {
    const input = h('input', {
      id: 'query',
      class: 'logql',
      spellcheck: 'false',
      autocomplete: 'off',
      'aria-label': 'LogQL query',
      placeholder: '{service_name="checkout"} |= "error"',
    });
    input.value = state.query;
    input.addEventListener('input', () => (onQueryInput(), requestCompletions()));
    input.addEventListener('keydown', onQueryKey);
    input.addEventListener('scroll', () => ($('query-mirror').scrollLeft = input.scrollLeft));
    input.addEventListener('blur', () => closeCompletions());
    return h(
      'div',
      { class: 'query-wrap' },
      h('div', { id: 'query-mirror', class: 'logql', 'aria-hidden': 'true' }),
      input,
      h('ul', { id: 'completions', role: 'listbox', hidden: '' }),
    );
  }
  const f = state.local;
  const service = h('select', { id: 'local-service', 'aria-label': 'Service' }, h('option', { value: '' }, 'All services'));
  for (const s of new Set([...source.services, ...(f.service ? [f.service] : [])])) service.append(h('option', { value: s }, s));
  service.value = f.service;
  const level = h('select', { id: 'local-level', 'aria-label': 'Lowest level' });
  for (const l of ['', 'trace', 'debug', 'info', 'warn', 'error', 'fatal']) level.append(h('option', { value: l }, l || 'Any level'));
  level.value = f.level;
  const text = h('input', { id: 'local-text', type: 'search', placeholder: 'Text in the line', 'aria-label': 'Text' });
  text.value = f.text;
  const trace = h('input', { id: 'local-trace', placeholder: 'Trace id', 'aria-label': 'Trace id', spellcheck: 'false' });
  trace.value = f.traceId;
  const update = () =>
    (state = {
      ...state,
      local: { service: service.value, level: level.value as LogsState['local']['level'], text: text.value, traceId: trace.value.trim() },
    });
  for (const el of [service, level, text, trace]) {
    el.addEventListener('change', () => (update(), save()));
    el.addEventListener('keydown', (e) => (e as KeyboardEvent).key === 'Enter' && (update(), run()));
  }
  return h('div', { class: 'local-filter' }, service, level, text, trace);
}

function rangeControls(): HTMLElement {
  const select = h('select', { id: 'range', 'aria-label': 'Time range' });
  for (const r of RELATIVE_RANGES) select.append(h('option', { value: r }, `Last ${r}`));
  select.append(h('option', { value: 'absolute' }, 'Absolute…'));
  const now = new Date();
  const from = h('input', { id: 'from', class: 'abs', 'aria-label': 'From (RFC 3339)', spellcheck: 'false' });
  const to = h('input', { id: 'to', class: 'abs', 'aria-label': 'To (RFC 3339)', spellcheck: 'false' });
  const r = state.range;
  select.value = 'since' in r ? r.since : 'absolute';
  from.value = 'from' in r ? r.from : new Date(now.getTime() - 3_600_000).toISOString();
  to.value = 'to' in r ? r.to : now.toISOString();
  const update = () => {
    const abs = select.value === 'absolute';
    from.hidden = to.hidden = !abs;
    state = {
      ...state,
      range: abs ? { from: from.value.trim(), to: to.value.trim() } : { since: select.value as (typeof RELATIVE_RANGES)[number] },
    };
    save();
  };
  select.addEventListener('change', () => (update(), run()));
  for (const el of [from, to]) el.addEventListener('change', update);
  from.hidden = to.hidden = select.value !== 'absolute';
  return h('span', { class: 'log-range' }, select, from, to);
}

function layout(): void {
  const filter = h('input', { id: 'filter', type: 'search', placeholder: 'Filter and highlight (/)', 'aria-label': 'Filter lines' });
  filter.addEventListener('input', () => {
    list.setFilter(filter.value);
    selected = -1;
    refreshList();
  });
  const live = h('button', { id: 'live', class: 'secondary', 'aria-pressed': 'false', title: 'Live tail' }, '● Live');
  live.addEventListener('click', () => send({ type: 'tail', on: tail === 'off' || tail === 'closed', state }));
  const scroller = h('div', { id: 'lines', class: 'log-scroller', tabindex: '0', role: 'listbox', 'aria-label': 'Log lines' });
  scroller.append(h('div', { class: 'log-spacer', id: 'spacer' }));
  scroller.addEventListener('scroll', scheduleDraw, { passive: true });
  scroller.addEventListener('keydown', onListKey);
  pool.length = 0;
  app.replaceChildren(
    h(
      'header',
      { class: 'logs-head' },
      h('h1', {}, 'Logs'),
      h('span', { class: 'subtitle', id: 'source' }, source.kind === 'loki' ? `Loki ${source.label}` : 'Built-in OTLP receiver'),
    ),
    h(
      'div',
      { class: 'logs-query' },
      queryControls(),
      rangeControls(),
      h('button', { id: 'run', onclick: () => run() }, 'Run'),
      live,
      h('span', { id: 'tail-status', class: 'muted', role: 'status' }),
    ),
    h('div', { id: 'problems', role: 'alert' }),
    h('div', { id: 'histogram', class: 'histogram', 'aria-label': 'Log volume by level' }),
    h('div', { class: 'logs-toolbar' }, filter, h('span', { id: 'count', class: 'muted' })),
    h(
      'div',
      { class: 'logs-body' },
      scroller,
      h(
        'aside',
        { id: 'log-details', class: 'log-details' },
        h('p', { class: 'muted' }, 'Select a line (Enter) to see its labels, metadata and fields.'),
      ),
    ),
  );
  new ResizeObserver(scheduleDraw).observe(scroller);
  if (source.kind === 'loki') onQueryInput();
  else if (!source.running)
    $('problems').replaceChildren(
      h('div', { class: 'warning' }, 'The built-in OTLP receiver is not running: start it, or set telemetryLens.loki.url to read Loki.'),
    );
  setTail(tail);
}

// ---- query box: validation and completion --------------------------------------------------------------

/** Mirrors the query under the input with its syntax problems underlined; returns whether it is valid. */
function onQueryInput(): boolean {
  const input = $<HTMLInputElement>('query');
  state = { ...state, query: input.value };
  save();
  const q = input.value;
  const problems = q.trim() ? validateLogql(q) : [];
  const mirror = $('query-mirror');
  const parts: (string | HTMLElement)[] = [];
  let at = 0;
  for (const p of [...problems].sort((a, b) => a.from - b.from)) {
    if (p.from < at) continue;
    parts.push(q.slice(at, p.from), h('span', { class: 'logql-error', title: p.message }, q.slice(p.from, p.to) || ' '));
    at = p.to;
  }
  parts.push(q.slice(at));
  mirror.replaceChildren(...parts.map((p) => (typeof p === 'string' ? document.createTextNode(p) : p)));
  mirror.scrollLeft = input.scrollLeft;
  input.setAttribute('aria-invalid', String(problems.length > 0));
  $('problems').replaceChildren(
    ...problems.slice(0, 3).map((p) => h('div', { class: 'error logql-problem' }, `LogQL: ${p.message} (at ${p.from + 1})`)),
  );
  return problems.length === 0;
}

function requestCompletions(): void {
  const input = $<HTMLInputElement>('query');
  const offset = input.selectionStart ?? input.value.length;
  const id = ++completeId; // an older answer arriving later is ignored
  if (completionContext(input.value, offset).kind === 'none') return closeCompletions();
  send({ type: 'complete', id, query: input.value, offset });
}

function showCompletions(id: number, from: number, items: CompletionItem[]): void {
  if (id !== completeId || source.kind !== 'loki') return;
  completions = items.length ? { id, from, items, active: 0 } : undefined;
  drawCompletions();
}

function drawCompletions(): void {
  const ul = $('completions');
  ul.hidden = !completions;
  if (!completions) return ul.replaceChildren();
  const c = completions;
  ul.replaceChildren(
    ...c.items.map((it, i) =>
      h(
        'li',
        {
          role: 'option',
          class: i === c.active ? 'active' : '',
          'aria-selected': String(i === c.active),
          onmousedown: (e: Event) => (e.preventDefault(), accept(i)),
        },
        it.label,
      ),
    ),
  );
}

function closeCompletions(): void {
  completions = undefined;
  drawCompletions();
}

function accept(i: number): void {
  const input = $<HTMLInputElement>('query');
  const item = completions?.items[i];
  if (!completions || !item) return;
  const end = input.selectionStart ?? input.value.length;
  input.value = input.value.slice(0, completions.from) + item.insert + input.value.slice(end);
  const caret = completions.from + item.insert.length;
  input.setSelectionRange(caret, caret);
  closeCompletions();
  onQueryInput();
}

function onQueryKey(e: KeyboardEvent): void {
  if (completions) {
    const n = completions.items.length;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      completions.active = (completions.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
      drawCompletions();
    } else if (e.key === 'Enter' || e.key === 'Tab') accept(completions.active);
    else if (e.key === 'Escape') closeCompletions();
    else return;
    e.preventDefault();
  } else if (e.key === 'Enter') {
    e.preventDefault();
    run();
  } else if (e.key === ' ' && e.ctrlKey) {
    e.preventDefault();
    requestCompletions();
  }
}

function run(): void {
  if (source.kind === 'loki' && !onQueryInput()) return; // invalid LogQL is never sent
  if (source.kind === 'loki' && !state.query.trim())
    return void $('problems').replaceChildren(h('div', { class: 'error' }, 'Enter a LogQL query, e.g. {service_name="checkout"}'));
  send({ type: 'run', state });
  if (tail !== 'off' && tail !== 'closed') send({ type: 'tail', on: true, state });
}

// ---- the list ------------------------------------------------------------------------------------------

function rowElement(): HTMLDivElement {
  const trace = h('a', { class: 'log-trace', href: '#', title: 'Open this trace in the waterfall' });
  const el = h(
    'div',
    { class: 'log-row', role: 'option' },
    h('span', { class: 'log-ts' }),
    h('span', { class: 'log-lvl' }),
    trace,
    h('span', { class: 'log-line' }),
  );
  el.addEventListener('click', (e) => {
    const i = Number(el.dataset.index);
    if (e.target === trace) {
      e.preventDefault();
      const id = list.shown[i]?.traceId;
      if (id) send({ type: 'openTrace', traceId: id });
    } else select(i);
  });
  return el;
}

function scheduleDraw(): void {
  frame ||= requestAnimationFrame(() => {
    frame = 0;
    draw();
  });
}

function lineText(el: HTMLElement, l: LogLine): void {
  const text = l.line.length > ROW_CHARS ? l.line.slice(0, ROW_CHARS) : l.line;
  const marks = list.highlights(l, ROW_CHARS);
  if (!marks.length) return void (el.textContent = text);
  const parts: Node[] = [];
  let at = 0;
  for (const [from, to] of marks) {
    parts.push(document.createTextNode(text.slice(at, from)), h('mark', {}, text.slice(from, to)));
    at = to;
  }
  parts.push(document.createTextNode(text.slice(at)));
  el.replaceChildren(...parts);
}

/** Renders the rows in view, reusing the pool: the DOM holds a constant number of rows. */
function draw(): void {
  const scroller = document.getElementById('lines');
  if (!scroller) return;
  const spacer = $('spacer');
  const top = scroller.scrollTop;
  const first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
  const last = Math.min(list.shown.length, Math.ceil((top + scroller.clientHeight) / ROW_H) + OVERSCAN);
  while (pool.length < last - first) spacer.append(pool[pool.push(rowElement()) - 1]!);
  for (let i = 0; i < pool.length; i++) {
    const el = pool[i]!;
    const index = first + i;
    const l = list.shown[index];
    if (!l || index >= last) {
      if (!el.hidden) el.lastElementChild!.textContent = ''; // a spare row keeps no stale line
      el.hidden = true;
      continue;
    }
    el.hidden = false;
    el.dataset.index = String(index);
    el.style.transform = `translateY(${index * ROW_H}px)`;
    el.className = `log-row lvl-${l.level ?? 'unknown'}${index === selected ? ' selected' : ''}`;
    el.setAttribute('aria-selected', String(index === selected));
    const [ts, lvl, trace, line] = el.children as unknown as HTMLElement[];
    ts!.textContent = formatTs(l.tsNs);
    lvl!.textContent = l.level ?? '';
    trace!.hidden = !l.traceId;
    trace!.textContent = l.traceId ? `⇢ ${l.traceId.slice(0, 8)}` : '';
    lineText(line!, l);
  }
}

function refreshList(): void {
  $('spacer').style.height = `${list.shown.length * ROW_H}px`;
  const n = list.lines.length;
  $('count').textContent = list.shown.length === n ? `${n} lines` : `${list.shown.length} of ${n} lines`;
  draw();
}

/** Volume of the lines so far: an answer's chunks add to it as they arrive; a tail recounts it (its range moves). */
let volume: VolumeBucket[] = [];

function countVolume(lines: LogLine[], add: boolean): void {
  const v = volumeByLevel(lines, range.startNs, range.endNs, BUCKETS);
  if (add && volume.length === v.length) v.forEach((b, i) => HIST_LEVELS.forEach((l) => (b[l] += volume[i]![l])));
  volume = v;
}

function histogram(): void {
  const el = document.getElementById('histogram');
  if (!el) return;
  const buckets = volume;
  const max = Math.max(1, ...buckets.map((b) => HIST_LEVELS.reduce((n, l) => n + b[l], 0)));
  el.replaceChildren(
    ...buckets.map((b) => {
      const total = HIST_LEVELS.reduce((n, l) => n + b[l], 0);
      const bar = h('div', { class: 'hist-bar', title: `${formatTs(b.startNs)}: ${total} lines` });
      for (const l of HIST_LEVELS) {
        if (!b[l]) continue;
        const seg = h('div', { class: `hist-seg lvl-${l}` });
        seg.style.height = `${(b[l] / max) * 100}%`; // CSSOM: the CSP allows no style attributes
        bar.append(seg);
      }
      return bar;
    }),
  );
}

function select(index: number): void {
  const scroller = $('lines');
  if (!list.shown.length) return;
  selected = Math.max(0, Math.min(list.shown.length - 1, index));
  const y = selected * ROW_H;
  if (y < scroller.scrollTop) scroller.scrollTop = y;
  else if (y + ROW_H > scroller.scrollTop + scroller.clientHeight) scroller.scrollTop = y + ROW_H - scroller.clientHeight;
  draw();
  details(list.shown[selected]!);
}

function table(title: string, pairs: [string, string][]): HTMLElement[] {
  if (!pairs.length) return [];
  return [h('h3', {}, title), h('table', { class: 'kv' }, ...pairs.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v))))];
}

/** The expanded line: labels, structured metadata, parsed and line fields, the whole text. */
function details(l: LogLine): void {
  const entries = (r: Record<string, string>) => Object.entries(r);
  $('log-details').replaceChildren(
    h(
      'div',
      {},
      h('p', { class: 'subtitle' }, `${formatTs(l.tsNs)} UTC · ${l.level ?? 'no level'}`),
      h(
        'div',
        { class: 'wf-actions' },
        h('button', { id: 'copy-line', onclick: () => send({ type: 'copy', text: l.line }) }, 'Copy line'),
        l.traceId
          ? h(
              'button',
              { id: 'open-trace', onclick: () => send({ type: 'openTrace', traceId: l.traceId! }) },
              `Open trace ${l.traceId.slice(0, 8)}`,
            )
          : false,
      ),
      l.parseError
        ? h('div', { class: 'warning' }, `${l.parseError.error}${l.parseError.details ? `: ${l.parseError.details}` : ''}`)
        : false,
      h('pre', { class: 'log-full', id: 'log-full' }, l.line),
      ...table('Labels', entries(l.labels)),
      ...table('Structured metadata', entries(l.structuredMetadata)),
      ...table('Parsed', entries(l.parsed)),
      ...table('Fields', entries(lineFields(l.line))),
      l.traceId ? h('p', { class: 'muted' }, `Trace ${l.traceId}${l.spanId ? ` · span ${l.spanId}` : ''}`) : false,
    ),
  );
}

function onListKey(e: KeyboardEvent): void {
  const page = Math.max(1, Math.floor($('lines').clientHeight / ROW_H) - 1);
  const s = list.shown[selected];
  switch (e.key) {
    case 'ArrowDown':
      select(selected + 1);
      break;
    case 'ArrowUp':
      select(selected - 1);
      break;
    case 'PageDown':
      select(selected + page);
      break;
    case 'PageUp':
      select(selected - page);
      break;
    case 'Home':
      select(0);
      break;
    case 'End':
      select(list.shown.length - 1);
      break;
    case 'Enter':
      if (s) details(s);
      break;
    case 'c':
      if (!s || (!e.ctrlKey && !e.metaKey)) return;
      send({ type: 'copy', text: s.line });
      break;
    case 't':
      if (!s?.traceId) return;
      send({ type: 'openTrace', traceId: s.traceId });
      break;
    default:
      return;
  }
  e.preventDefault();
}

function setTail(status: TailStatus, message?: string): void {
  tail = status;
  const live = document.getElementById('live');
  if (!live) return;
  const on = status !== 'off' && status !== 'closed';
  live.setAttribute('aria-pressed', String(on));
  live.classList.toggle('on', on);
  $('tail-status').textContent = status === 'off' ? '' : `tail: ${status}${message ? ` — ${message}` : ''}`;
}

// ---- messages ------------------------------------------------------------------------------------------

document.addEventListener('keydown', (e) => {
  const filter = document.getElementById('filter');
  if (e.key === '/' && filter && !(document.activeElement instanceof HTMLInputElement)) {
    e.preventDefault();
    filter.focus();
  }
});

window.addEventListener('message', (e: MessageEvent<HostToLogs>) => {
  const m = e.data;
  if (m.type === 'init') {
    state = m.state;
    source = m.source;
    save();
    layout();
    if (m.run) run();
  } else if (m.type === 'loading') $('count').textContent = 'Loading…';
  else if (m.type === 'lines') {
    range = { startNs: m.startNs, endNs: m.endNs };
    list.set(m.lines);
    countVolume(m.lines, false);
    selected = -1;
    $('problems').replaceChildren(...m.warnings.slice(0, 3).map((w) => h('div', { class: 'warning' }, w)));
    if (m.limited) $('problems').append(h('div', { class: 'warning' }, 'Showing the newest lines only (telemetryLens.logs.maxLines).'));
    answered(m.complete);
  } else if (m.type === 'more') {
    list.push(m.lines);
    countVolume(m.lines, true);
    answered(m.complete);
  } else if (m.type === 'append') {
    if ('since' in state.range) range = { ...range, endNs: String(BigInt(Date.now()) * 1_000_000n) };
    const added = list.append(m.lines);
    if (selected >= 0) selected += added;
    const scroller = $('lines');
    if (scroller.scrollTop > 0) scroller.scrollTop += added * ROW_H; // keep the lines being read in place
    refreshList();
    scheduleHistogram();
    warm();
    document.body.dataset.appended = String(list.lines.length);
  } else if (m.type === 'tail') setTail(m.status, m.message);
  else if (m.type === 'completions') showCompletions(m.id, m.from, m.items);
  else if (m.type === 'error') {
    $('count').textContent = '';
    $('problems').replaceChildren(h('div', { class: 'error', id: 'error' }, m.message));
  }
});

/** A chunk of an answer arrived: the list grows at once, the histogram once the answer is complete. */
function answered(complete: boolean): void {
  refreshList();
  if (!complete) return;
  histogram();
  document.body.dataset.rendered = String(performance.now());
  warm();
}

let warmTimer: ReturnType<typeof setTimeout> | undefined;
/** Search text for the filter, 10,000 lines per task while the panel is idle. */
function warm(): void {
  clearTimeout(warmTimer);
  document.body.dataset.warm = 'false';
  warmTimer = setTimeout(() => (list.warm(10_000) ? (document.body.dataset.warm = 'true') : warm()), 0);
}

let histTimer: ReturnType<typeof setTimeout> | undefined;
/** While tailing, the histogram is redrawn at most once a second. */
function scheduleHistogram(): void {
  histTimer ??= setTimeout(() => {
    histTimer = undefined;
    countVolume(list.lines, false);
    histogram();
  }, 1000);
}

layout();
send({ type: 'ready' });
