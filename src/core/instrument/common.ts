/** Text helpers shared by the Python and JS/TS planners. Pure. */
import { calleeName, type Node, walk } from '../parsing/nodes';
import type { Route } from '../routes/types';
import { routeTemplate } from '../routes/route';
import type { Aspect, InstrumentOptions, TextEdit } from './types';

/**
 * Why the wrapper style has nothing to do in a file no route is registered in though handlers written in it serve
 * `routes` (a controller module whose functions a route table or router module registers): the files registering them,
 * shown by `show` (relative to the workspace or the working directory). Undefined when no route's handler is there.
 */
export function registeredElsewhere(file: string, routes: readonly Route[], show: (p: string) => string): string | undefined {
  const own = routes.filter((r) => r.handlerFile === file && r.file !== file);
  if (!own.length) return undefined;
  const files = [...new Set(own.map((r) => show(r.file)))].sort();
  const shown = files.slice(0, 3).join(', ') + (files.length > 3 ? ` and ${files.length - 3} more` : '');
  const n = `${own.length} route${own.length === 1 ? '' : 's'}`;
  const those = files.length === 1 ? 'that file' : 'those files';
  return `no route is registered in ${show(file)}: its handlers (${n}) are registered in ${shown}; instrument ${those} (the wrapper style wraps a handler where it is registered)`;
}

/** Applies non-overlapping edits (offsets into `text`). Throws on overlap. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos) throw new Error(`overlapping edits at offset ${e.start}`);
    if (e.end < e.start || e.end > text.length) throw new Error(`edit out of range: ${e.start}-${e.end}`);
    out += text.slice(pos, e.start) + e.newText;
    pos = e.end;
  }
  return out + text.slice(pos);
}

/**
 * Plans on a text without its UTF-8 byte order mark, the edits shifted past it: an import inserted at offset 0 goes
 * after the mark, never before it (a BOM in the middle of a Python file does not compile).
 */
export async function besideBom<T extends { edits: TextEdit[] }>(text: string, run: (text: string) => Promise<T>): Promise<T> {
  if (!text.startsWith('\uFEFF')) return run(text);
  const r = await run(text.slice(1));
  return { ...r, edits: shiftEdits(r.edits, 1) };
}

/** Edits planned on a text moved `by` characters further in. */
export function shiftEdits(edits: TextEdit[], by: number): TextEdit[] {
  return edits.map((e) => ({ ...e, start: e.start + by, end: e.end + by }));
}

/** Sorts edits, merges edits inserting at the same offset (in the given order), checks for overlap. */
export function normalizeEdits(edits: TextEdit[]): TextEdit[] {
  const indexed = edits.map((e, i) => ({ e, i }));
  indexed.sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i);
  const out: TextEdit[] = [];
  for (const { e } of indexed) {
    const last = out[out.length - 1];
    if (last && last.start === e.start && last.end === last.start && e.end === e.start) {
      last.newText += e.newText;
      continue;
    }
    if (last && e.start < last.end) throw new Error(`overlapping edits at offset ${e.start}`);
    out.push({ ...e });
  }
  return out;
}

export function eolOf(text: string): string {
  return /\r\n/.test(text) ? '\r\n' : '\n';
}

/** Offsets of the start of every line. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

export function lineStartAt(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** End of the line containing offset (before `\r\n`/`\n`). */
export function lineEndAt(text: string, offset: number): number {
  let i = text.indexOf('\n', offset);
  if (i < 0) return text.length;
  if (i > 0 && text[i - 1] === '\r') i--;
  return i;
}

/**
 * The start of the line where the first of `edits` runs at import: the top-level statement holding the earliest edit
 * (a registration, a decorated function, a handler's module-level definition). Module-level lines those edits rely on
 * (the helper's import, metrics, tracer) must end before it: in a module whose imports are interleaved with
 * registrations (`from .a import A` / `api.add_resource(A, …)` / `from .b import B` …), after the last import is too
 * late, and a Python `import` or a CommonJS `require()` is not hoisted. Undefined without edits.
 */
export function firstUseAt(root: Node, text: string, edits: readonly TextEdit[]): number | undefined {
  if (!edits.length) return undefined;
  const at = Math.min(...edits.map((e) => e.start));
  const stmt = root.namedChildren.find((c) => !!c && c.type !== 'comment' && c.startIndex <= at && at < c.endIndex);
  return lineStartAt(text, Math.min(at, stmt?.startIndex ?? at));
}

export function indentOfLineAt(text: string, offset: number): string {
  const s = lineStartAt(text, offset);
  return /^[ \t]*/.exec(text.slice(s, s + 200))![0];
}

/**
 * The file's indentation unit: the most common positive indentation step between consecutive
 * non-blank lines (tabs when tab-indented lines dominate). Defaults to 4 spaces (Python) / 2 (JS).
 */
export function detectIndentUnit(text: string, fallback: string): string {
  let tabs = 0;
  let spaces = 0;
  const steps = new Map<number, number>();
  let prev = 0;
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const ws = /^[ \t]*/.exec(line)![0];
    if (ws.startsWith('\t')) tabs++;
    else if (ws.length) spaces++;
    if (!ws.includes('\t')) {
      const d = ws.length - prev;
      if (d > 0) steps.set(d, (steps.get(d) ?? 0) + 1);
      prev = ws.length;
    }
  }
  if (tabs > spaces) return '\t';
  let best = 0;
  let bestCount = 0;
  for (const [d, c] of steps) if (c > bestCount || (c === bestCount && d < best)) [best, bestCount] = [d, c];
  return best > 0 && best <= 8 ? ' '.repeat(best) : fallback;
}

/** Offset of a Route position (1-based line, 0-based UTF-16 column). */
export function offsetOf(starts: number[], line: number, column: number): number {
  return (starts[line - 1] ?? 0) + column;
}

export function spanName(opts: InstrumentOptions, route: Route): string {
  const method = route.methods.length === 1 ? route.methods[0]! : route.methods.join('|');
  // One pass with a function replacer: `$&` or `{method}` inside a route path stays literal.
  return opts.spanNameTemplate.replace(/\{(method|route)\}/g, (_, k: string) => (k === 'method' ? method : routeTemplate(route)));
}

export type LabelKind = 'method' | 'route' | 'status' | 'handler';
const LABEL_ALIASES: Record<string, LabelKind> = {
  method: 'method',
  http_method: 'method',
  route: 'route',
  path: 'route',
  endpoint: 'route',
  http_route: 'route',
  status: 'status',
  code: 'status',
  status_code: 'status',
  http_status: 'status',
  handler: 'handler',
};

/** Maps configured label names to what they carry; a string error for an unknown name. */
export function labelKinds(labels: string[]): { name: string; kind: LabelKind }[] | string {
  const out: { name: string; kind: LabelKind }[] = [];
  for (const name of labels) {
    const kind = LABEL_ALIASES[name];
    if (!kind) {
      return `unsupported metric label "${name}" (supported: ${Object.keys(LABEL_ALIASES).join(', ')})`;
    }
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) return `invalid label name "${name}"`;
    out.push({ name, kind });
  }
  return out;
}

/** The metric names Instrument Route writes; `inflight` is the optional gauge (the panel model's in-flight metric). */
export function metricNames(opts: InstrumentOptions): { counter: string; histogram: string; inflight: string } {
  return {
    counter: `${opts.metricPrefix}http_requests_total`,
    histogram: `${opts.metricPrefix}http_request_duration_seconds`,
    inflight: `${opts.metricPrefix}http_requests_in_progress`,
  };
}

export function describeAspects(aspects: Aspect[]): string {
  return aspects.join(', ');
}

/** Aspects already in a handler body: a span started by a call to one of `spanStarters`, the module's counter or histogram used. */
export function presentAspects(
  body: Node | null,
  mod: { counter?: { variable: string }; histogram?: { variable: string } },
  spanStarters: readonly string[],
): Aspect[] {
  if (!body) return [];
  const present = new Set<Aspect>();
  walk(body, (n) => {
    if ((n.type === 'call' || n.type === 'call_expression') && spanStarters.includes(calleeName(n))) present.add('span');
    if (n.type === 'identifier') {
      if (mod.counter && n.text === mod.counter.variable) present.add('counter');
      if (mod.histogram && n.text === mod.histogram.variable) present.add('histogram');
    }
  });
  return orderedAspects(present);
}

export function orderedAspects(aspects: Iterable<Aspect>): Aspect[] {
  const set = new Set(aspects);
  return (['counter', 'histogram', 'span'] as Aspect[]).filter((a) => set.has(a));
}

/** Route parameters whose value may be a credential (`/reset/:token`, `/keys/{api_key}`): never written to a span.
 *  Plain alternation, the same syntax in JavaScript and Python (the helper modules embed its source). */
export const SENSITIVE_PARAM = /token|secret|pass|pwd|key|auth|sig|otp|session|cookie|cred|nonce|hash|salt|code/i;

/** The path parameters a span records: all but the SENSITIVE_PARAM ones. */
export function spanParams(path: string): string[] {
  return pathParams(path).filter((p) => !SENSITIVE_PARAM.test(p));
}

/** Parameter names in a route path: `{id}`, `{p:path}` (FastAPI), `<int:id>` (Flask), `:id` (Express & co). */
export function pathParams(path: string): string[] {
  const out: string[] = [];
  for (const m of path.matchAll(
    /\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}|<(?:[^:>]+:)?([A-Za-z_][A-Za-z0-9_]*)>|:([A-Za-z_][A-Za-z0-9_]*)/g,
  )) {
    out.push((m[1] ?? m[2] ?? m[3])!);
  }
  return out;
}

/** Lines (0-based rows) that start inside a multi-line string/template literal: never re-indent them. */
export function rowsInsideStrings(root: Node, types: string[]): Set<number> {
  const rows = new Set<number>();
  walk(root, (n) => {
    if (types.includes(n.type)) {
      for (let r = n.startPosition.row + 1; r <= n.endPosition.row; r++) rows.add(r);
      return false;
    }
    return true;
  });
  return rows;
}

/** Insert `levels` at the start of every non-blank line whose row is in [fromRow, toRow], except string rows. */
export function reindentEdits(text: string, starts: number[], fromRow: number, toRow: number, add: string, skip: Set<number>): TextEdit[] {
  const edits: TextEdit[] = [];
  if (!add) return edits;
  for (let r = fromRow; r <= toRow; r++) {
    if (skip.has(r)) continue;
    const s = starts[r]!;
    const e = lineEndAt(text, s);
    if (!text.slice(s, e).trim()) continue;
    edits.push({ start: s, end: s, newText: add });
  }
  return edits;
}

export function pyString(s: string): string {
  return JSON.stringify(s);
}

export function jsString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/**
 * Appends `items` to a comma-separated list after its `last` element (import specifiers): one per line, with the
 * same indentation, when `last` starts its own line (a multi-line list), else `, a, b` on the same line.
 */
export function listAppendEdit(text: string, last: Node, items: string[]): TextEdit {
  const ls = lineStartAt(text, last.startIndex);
  const before = text.slice(ls, last.startIndex);
  const at = last.endIndex;
  if (ls > 0 && /^[ \t]+$/.test(before)) {
    const eol = eolOf(text);
    return { start: at, end: at, newText: items.map((i) => `,${eol}${before}${i}`).join('') };
  }
  return { start: at, end: at, newText: `, ${items.join(', ')}` };
}

/** What the generated code says when a metric of our name is registered already with other labels (another library's). */
/**
 * The JS text right after `name =` where `name` is given a value (`const name: T = …` when `declared`, else any
 * `name = …` or `x.name = …`), from the first such place; undefined when there is none. `name` is an identifier.
 */
export function jsInitializerOf(text: string, name: string, declared: boolean): string | undefined {
  const before = declared ? '(?:^|[^\\w$.])(?:const|let|var)\\s+' : '(?:^|[^\\w$])';
  const m = new RegExp(`${before}${name.replace(/\$/g, '\\$')}\\s*(?::[^=]*)?=(?![=>])\\s*`, 'm').exec(text);
  return m ? text.slice(m.index + m[0].length) : undefined;
}

export const METRIC_CLASH_FIX = 'set telemetryLens.instrument.metricPrefix (CLI --prefix), e.g. app_, so the names differ';

/**
 * The JS function the generated metrics are looked up with: a metric registered under the name already is shared when
 * its labels are ours (a module instrumented inline, or the helper), and refused at import, once, when they are not
 * (another library's: prom-client would throw at every request). Hoisted: its place in the module does not matter.
 */
export function jsRegisteredFn(
  fn: string,
  register: string,
  s: { ts: boolean; eol: string; unit: string; semi: string; quote?: string },
): string {
  const { ts, unit: u, semi } = s;
  const lines = [
    `/** A metric of that name registered already: shared when it has our labels, refused when not (every request would fail).${ts ? '' : ' @param {string} name @param {string[]} labels @returns {unknown}'} */`,
    `function ${fn}(name${ts ? ': string' : ''}, labels${ts ? ': string[]' : ''})${ts ? ': unknown' : ''} {`,
    ts
      ? `${u}const m = ${register}.getSingleMetric(name) as { labelNames?: string[] } | undefined${semi}`
      : `${u}const m = /** @type {{ labelNames?: string[] } | undefined} */ (${register}.getSingleMetric(name))${semi}`,
    `${u}const has = m?.labelNames ?? []${semi}`,
    `${u}if (!m || String([...has].sort()) === String([...labels].sort())) return m${semi}`,
    `${u}throw new Error(\`\${name} is registered already with the labels [\${has.join(', ')}], not [\${labels.join(', ')}]: ${METRIC_CLASH_FIX}\`)${semi}`,
    '}',
  ];
  return (s.quote === '"' ? lines.map((l) => l.replace(/'/g, '"')) : lines).join(s.eol);
}

/**
 * The Python lines under `except ValueError:` that share a metric registered already under the name: when its labels
 * are ours (another instrumented module's), else (another library's) fail at import, once, saying the fix.
 */
export function pyRegisteredLines(variable: string, registry: string, name: string, labels: string[], unit: string): string[] {
  const sorted = `[${[...labels].sort().map(pyString).join(', ')}]`;
  return [
    `${unit}${variable} = ${registry}._names_to_collectors[${pyString(name)}]`,
    `${unit}if sorted(${variable}._labelnames) != ${sorted}:  # another library's, with other labels`,
    `${unit}${unit}raise ValueError(`,
    `${unit}${unit}${unit}f${pyString(`${name} is registered already with the labels {list(${variable}._labelnames)}, not ${labels.join(', ') ? `[${labels.join(', ')}]` : 'none'}: `)}`,
    `${unit}${unit}${unit}${pyString(METRIC_CLASH_FIX)}`,
    `${unit}${unit}) from None`,
  ];
}
