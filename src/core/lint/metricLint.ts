/**
 * Metric linter for Python `prometheus_client` and Node `prom-client` declarations and uses. Pure, syntax-tree based.
 *
 * Library behaviour the rules follow (checked against the installed libraries):
 *  - prometheus_client: `Counter("x")` is exposed as `x_total` (and `x_created`); `Counter("x_total")` is exposed as
 *    `x_total` too (the suffix is stripped and re-added). So a Python counter needs no `_total`, and `x` and
 *    `x_total` are the SAME metric (registering both raises "Duplicated timeseries"). A counter whose name ends in
 *    another reserved sample suffix (`_count`, `_sum`, `_bucket`, `_created`, `_info`) produces confusing series.
 *  - prom-client: names are exposed exactly as given (no suffix added), so counters must end in `_total`; registering
 *    the same name twice on a registry throws "A metric with the name … has already been registered".
 */
import { calleeName, type Node, type SourceRange, spanOf as rangeOf, stringValue, walk } from '../parsing/nodes';
import { jsObjectProp as objProp } from '../parsing/javascript';
import { grammarForFile, loadParsers, type TS } from '../parsing/treeSitter';
import { parseSliced } from '../parsing/slicing';
import type { TextEdit } from '../instrument/types';

export type Severity = 'error' | 'warning' | 'info';
export type MetricLintCode =
  'counter-total-suffix' | 'reserved-suffix' | 'non-base-unit' | 'unbounded-label' | 'duplicate-metric' | 'bucket-unit-mismatch';

export interface Diagnostic {
  /** 1-based lines, 0-based UTF-16 columns (as Route ranges). */
  range: SourceRange;
  /** UTF-16 offsets of the same range. */
  start: number;
  end: number;
  code: MetricLintCode;
  message: string;
  severity: Severity;
  /** Metric name concerned, when known. */
  metric?: string;
  /** Edits that fix the problem (offsets into the linted text). */
  fix?: TextEdit[];
}

type Kind = 'Counter' | 'Gauge' | 'Histogram' | 'Summary' | 'Info' | 'Enum';
const KINDS = new Set<string>(['Counter', 'Gauge', 'Histogram', 'Summary', 'Info', 'Enum']);

interface Decl {
  kind: Kind;
  name: string;
  nameNode: Node;
  call: Node;
  variable?: string;
  buckets?: { values: number[]; node: Node };
}

const UNIT_RE = /_(ms|msec|millis|milliseconds|us|usec|micros|microseconds|ns|nanoseconds|minutes|hours|kb|kilobytes|mb|megabytes)(?=_|$)/;
const UNIT_HINT: Record<string, string> = {
  ms: 'seconds',
  msec: 'seconds',
  millis: 'seconds',
  milliseconds: 'seconds',
  us: 'seconds',
  usec: 'seconds',
  micros: 'seconds',
  microseconds: 'seconds',
  ns: 'seconds',
  nanoseconds: 'seconds',
  minutes: 'seconds',
  hours: 'seconds',
  kb: 'bytes',
  kilobytes: 'bytes',
  mb: 'bytes',
  megabytes: 'bytes',
};
/** Member names whose value is unbounded (a distinct value per request/user). */
const UNBOUNDED_MEMBERS =
  /^(url|originalUrl|path|href|full_path|query|query_string|query_params|params|path_params|headers|cookies|body|ip|remote_addr)$/;
const USER_ID = /^(user_?id|userId|uid|email|session_?id|sessionId|token|request_?id|requestId|trace_?id|traceId|uuid|ip_?address)$/i;

function numbers(n: Node | null | undefined): number[] | undefined {
  if (!n) return undefined;
  if (n.type === 'as_expression') return numbers(n.namedChildren[0]);
  if (!['list', 'tuple', 'array'].includes(n.type)) return undefined;
  const out: number[] = [];
  for (const c of n.namedChildren) {
    if (!c || c.type === 'comment') continue;
    if (!['integer', 'float', 'number'].includes(c.type)) {
      if (c.type === 'identifier' && /^(INF|Infinity)$/.test(c.text)) continue;
      if (c.type === 'attribute' || c.type === 'member_expression') continue; // float("inf"), Number.POSITIVE_INFINITY
      if (c.type === 'call') continue;
      return undefined;
    }
    out.push(Number(c.text.replace(/_/g, '')));
  }
  return out;
}

function assignedVariable(call: Node): string | undefined {
  let p = call.parent;
  // JS: `const x = reg.getSingleMetric(..) ?? new Counter(..)` / casts
  while (p && ['binary_expression', 'parenthesized_expression', 'as_expression', 'await_expression'].includes(p.type)) p = p.parent;
  if (p?.type === 'assignment') {
    const l = p.childForFieldName('left');
    return l?.type === 'identifier' ? l.text : undefined;
  }
  if (p?.type === 'variable_declarator') {
    const l = p.childForFieldName('name');
    return l?.type === 'identifier' ? l.text : undefined;
  }
  if (p?.type === 'assignment_expression' || p?.type === 'public_field_definition' || p?.type === 'field_definition') {
    const l = p.childForFieldName('left') ?? p.childForFieldName('name') ?? p.childForFieldName('property');
    return l?.text.replace(/^this\./, '');
  }
  return undefined;
}

function pythonDecls(root: Node): Decl[] {
  const decls: Decl[] = [];
  walk(root, (n) => {
    if (n.type !== 'call') return;
    const callee = calleeName(n);
    if (!KINDS.has(callee)) return;
    const args = (n.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && a.type !== 'comment');
    const kw = (k: string) =>
      args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === k)?.childForFieldName('value');
    const decl = declOf(callee as Kind, n, kw('name') ?? (args[0]?.type !== 'keyword_argument' ? args[0] : undefined), kw('buckets'));
    if (decl) decls.push(decl);
  });
  return decls;
}

function jsDecls(root: Node): Decl[] {
  const decls: Decl[] = [];
  walk(root, (n) => {
    if (n.type !== 'new_expression') return;
    const callee = calleeName(n);
    if (!KINDS.has(callee)) return;
    const cfg = n.childForFieldName('arguments')?.namedChildren[0];
    const decl = declOf(callee as Kind, n, objProp(cfg, 'name'), objProp(cfg, 'buckets'));
    if (decl) decls.push(decl);
  });
  return decls;
}

/** A metric declaration from its call and the nodes of its name and buckets (either language); none without a literal name. */
function declOf(kind: Kind, call: Node, nameNode: Node | null | undefined, bucketsNode: Node | null | undefined): Decl | undefined {
  const name = stringValue(nameNode);
  if (!name || !nameNode) return undefined;
  const values = numbers(bucketsNode);
  return {
    kind,
    name,
    nameNode,
    call,
    variable: assignedVariable(call),
    buckets: values && bucketsNode ? { values, node: bucketsNode } : undefined,
  };
}

function importsMetricsLibrary(root: Node, python: boolean): boolean {
  let found = false;
  walk(root, (n) => {
    if (found) return;
    if (python && (n.type === 'import_from_statement' || n.type === 'import_statement') && /\bprometheus_client\b/.test(n.text))
      found = true;
    if (!python && n.type === 'string' && stringValue(n) === 'prom-client') found = true;
  });
  return found;
}

/** Why a label value expression is unbounded, or undefined. */
function unboundedReason(value: Node, pathParams: Set<string>): string | undefined {
  let why: string | undefined;
  walk(value, (n) => {
    if (why) return;
    if (n.type === 'attribute' || n.type === 'member_expression') {
      const prop = (n.childForFieldName('attribute') ?? n.childForFieldName('property'))?.text ?? '';
      if (UNBOUNDED_MEMBERS.test(prop)) why = `${n.text} differs per request`;
      else if (USER_ID.test(prop)) why = `${n.text} is a per-user value`;
      else if (
        prop === 'id' &&
        /(user|account|customer|member|session|principal)$/i.test(
          (n.childForFieldName('object') ?? n.childForFieldName('value'))?.text ?? '',
        )
      ) {
        why = `${n.text} is a per-user value`;
      }
    } else if (n.type === 'subscript' || n.type === 'subscript_expression') {
      const obj = (n.childForFieldName('value') ?? n.childForFieldName('object'))?.text ?? '';
      if (/(^|\.)(params|path_params|query|query_params|args|headers|cookies)$/.test(obj)) why = `${n.text} differs per request`;
    } else if (n.type === 'call') {
      // Python request.args.get(...), request.headers.get(...)
      const f = n.childForFieldName('function');
      if (f?.type === 'attribute' && /(^|\.)(args|headers|cookies|form|query_params)\.get$/.test(f.text))
        why = `${f.text}(...) differs per request`;
    } else if (n.type === 'identifier' && n.parent?.type !== 'attribute' && n.parent?.type !== 'member_expression') {
      if (pathParams.has(n.text)) why = `${n.text} is a path parameter of the route`;
      else if (USER_ID.test(n.text)) why = `${n.text} is a per-user value`;
    }
  });
  return why;
}

/** Path parameters of the Python route decorating the function containing `n` (`{id}` in `@app.get("/u/{id}")`). */
function enclosingPathParams(n: Node): Set<string> {
  const out = new Set<string>();
  let p: Node | null = n.parent;
  while (p && p.type !== 'function_definition') p = p.parent;
  if (!p || p.parent?.type !== 'decorated_definition') return out;
  for (const d of p.parent.namedChildren) {
    if (d?.type !== 'decorator') continue;
    walk(d, (x) => {
      const s = stringValue(x);
      if (s) for (const m of s.matchAll(/\{([A-Za-z_]\w*)(?::[^}]*)?\}|<(?:[^:>]+:)?([A-Za-z_]\w*)>/g)) out.add((m[1] ?? m[2])!);
    });
  }
  return out;
}

function labelValueNodes(call: Node, python: boolean): Node[] {
  const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && a.type !== 'comment');
  const out: Node[] = [];
  for (const a of args) {
    if (python) {
      if (a.type === 'keyword_argument') out.push(a.childForFieldName('value')!);
      else if (a.type === 'dictionary') {
        for (const p of a.namedChildren) if (p?.type === 'pair') out.push(p.childForFieldName('value')!);
      } else out.push(a);
    } else if (a.type === 'object') {
      for (const p of a.namedChildren) {
        if (p?.type === 'pair') out.push(p.childForFieldName('value')!);
        else if (p?.type === 'shorthand_property_identifier') out.push(p);
      }
    } else out.push(a);
  }
  return out.filter(Boolean);
}

function lintTree(root: Node, python: boolean): Diagnostic[] {
  const diags: Diagnostic[] = [];
  if (!importsMetricsLibrary(root, python)) return diags;
  const decls = python ? pythonDecls(root) : jsDecls(root);
  const lib = python ? 'prometheus_client' : 'prom-client';
  const seen = new Map<string, Decl>();
  for (const d of decls) {
    const at = rangeOf(d.nameNode);
    // identity of the exposed metric family
    const family = python && d.kind === 'Counter' ? d.name.replace(/_total$/, '') : d.name;
    const prev = seen.get(`${family}`);
    if (prev) {
      diags.push({
        ...at,
        code: 'duplicate-metric',
        severity: 'error',
        metric: d.name,
        message: `metric "${d.name}" is already registered at line ${prev.nameNode.startPosition.row + 1}${python && prev.name !== d.name ? ` (prometheus_client treats "${prev.name}" and "${d.name}" as the same counter)` : ''}; ${lib} raises on the second registration — reuse the first one`,
      });
    } else seen.set(family, d);

    if (d.kind === 'Counter') {
      if (python) {
        const reserved = /_(count|sum|bucket|created|info)$/.exec(d.name);
        if (reserved) {
          diags.push({
            ...at,
            code: 'reserved-suffix',
            severity: 'warning',
            metric: d.name,
            message: `counter "${d.name}" ends in "_${reserved[1]}", a suffix Prometheus reserves for other sample types; prometheus_client will expose "${d.name}_total" — rename it`,
          });
        }
      } else if (!d.name.endsWith('_total')) {
        const q = d.nameNode.endIndex - 1;
        diags.push({
          ...at,
          code: 'counter-total-suffix',
          severity: 'warning',
          metric: d.name,
          message: `counter "${d.name}" should end in "_total" (prom-client exposes the name as written)`,
          fix: [{ start: q, end: q, newText: '_total' }],
        });
      }
    }
    const unit = UNIT_RE.exec(d.name);
    if (unit) {
      diags.push({
        ...at,
        code: 'non-base-unit',
        severity: 'warning',
        metric: d.name,
        message: `metric "${d.name}" uses "${unit[1]}"; Prometheus convention is base units: use _${UNIT_HINT[unit[1]!]} (and observe values in ${UNIT_HINT[unit[1]!]})`,
      });
    }
    if (d.kind === 'Histogram' && d.buckets && d.buckets.values.length) {
      const vals = d.buckets.values;
      const max = Math.max(...vals);
      const min = Math.min(...vals);
      const seconds = /_seconds(_|$)/.test(d.name);
      if (seconds && max > 100) {
        diags.push({
          ...rangeOf(d.buckets.node),
          code: 'bucket-unit-mismatch',
          severity: 'warning',
          metric: d.name,
          message: `"${d.name}" is in seconds but its buckets go up to ${max}: these look like milliseconds (use e.g. ${vals
            .slice(0, 4)
            .map((v) => v / 1000)
            .join(', ')}…)`,
        });
      } else if (unit && UNIT_HINT[unit[1]!] === 'seconds' && /^(ms|msec|millis|milliseconds)$/.test(unit[1]!) && max <= 10 && min < 1) {
        diags.push({
          ...rangeOf(d.buckets.node),
          code: 'bucket-unit-mismatch',
          severity: 'warning',
          metric: d.name,
          message: `"${d.name}" is in milliseconds but its buckets (max ${max}) look like seconds`,
        });
      }
    }
  }
  // label values from unbounded sources
  const metricVars = new Set(decls.map((d) => d.variable).filter((v): v is string => !!v));
  walk(root, (n) => {
    const isCall = n.type === 'call' || n.type === 'call_expression';
    if (!isCall) return;
    const f = n.childForFieldName('function');
    if (!f || (f.type !== 'attribute' && f.type !== 'member_expression')) return;
    const method = (f.childForFieldName('attribute') ?? f.childForFieldName('property'))?.text ?? '';
    const receiver = (f.childForFieldName('object') ?? null)?.text ?? '';
    const receiverIsMetric =
      metricVars.has(receiver.replace(/^this\./, '')) || /(Counter|Histogram|Gauge|Summary|Total|Seconds|_total|_seconds)$/i.test(receiver);
    const labelling =
      method === 'labels' ||
      (!python && ['inc', 'dec', 'set', 'observe', 'startTimer', 'zero', 'remove'].includes(method) && receiverIsMetric);
    if (!labelling) return;
    if (method === 'labels' && !receiverIsMetric && !/\.labels$/.test(f.text)) return;
    const params = python ? enclosingPathParams(n) : new Set<string>();
    for (const v of labelValueNodes(n, python)) {
      if (v.type === 'number' || v.type === 'integer' || v.type === 'float') continue;
      const why = unboundedReason(v, params);
      if (!why) continue;
      diags.push({
        ...rangeOf(v),
        code: 'unbounded-label',
        severity: 'warning',
        message: `label value ${v.text} is unbounded (${why}): every distinct value creates a new time series; use the route template or a bounded category instead`,
      });
    }
  });
  return diags.sort((a, b) => a.start - b.start);
}

/**
 * Lints the metric declarations and label uses of one Python or JS/TS file. The parse is time-sliced
 * (it runs on every edit, in the extension host) and a file over `maxBytes` (default 1 MiB, like the
 * route index) is not linted.
 */
export async function lintMetrics(text: string, file: string, opts: { maxBytes?: number; sliceMs?: number } = {}): Promise<Diagnostic[]> {
  const grammar = grammarForFile(file);
  if (!grammar || text.length > (opts.maxBytes ?? 1024 * 1024)) return [];
  const ps = await loadParsers();
  const parser = ps.newParser(grammar); // its own: a suspended parse must not be disturbed by anyone else
  let tree: TS.Tree | null = null;
  try {
    tree = await parseSliced(parser, text, opts.sliceMs ?? 10, () => undefined);
    return tree ? lintTree(tree.rootNode, grammar === 'python') : [];
  } finally {
    tree?.delete();
    parser.delete();
  }
}
