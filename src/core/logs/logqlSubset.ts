/**
 * The part of LogQL a store without Loki can answer (the built-in receiver): a stream selector, line filters
 * (`|=`, `!=`, `|~`, `!~`) and label filters on one label (`| trace_id="…"`), parsed with Grafana's grammar and
 * compiled to a predicate over LogLines. Label filters see stream labels, structured metadata and parsed fields
 * (as Loki's do after ingesting OTLP). Anything else (parsers, formatting, metric queries) is refused with a
 * reason. Regular expressions are RE2's, as in Loki (re2js: linear time). Pure: no I/O.
 */
import { parser } from '@grafana/lezer-logql';
import { RE2JS } from 're2js';
import { unquote, validateLogql } from './logql';
import type { LogLine } from './model';
import { errorMessage } from '../errors';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];
type Test = (v: string) => boolean;

export type CompiledQuery = { ok: true; match: (l: LogLine) => boolean } | { ok: false; error: string };

/** Regular expressions in RE2 syntax, as Loki's, and matched in linear time: a query's pattern cannot stall the
 *  receiver (its query port answers any local client). `anchored`: a label matcher matches the whole value. */
function re2(v: string, anchored: boolean): Test {
  const p = RE2JS.compile(v);
  return anchored ? (x) => p.matches(x) : (x) => p.test(x);
}

const LABEL_OPS: Record<string, (v: string) => Test> = {
  Eq: (v) => (x) => x === v,
  Neq: (v) => (x) => x !== v,
  Re: (v) => re2(v, true),
  Nre: (v) => {
    const t = re2(v, true);
    return (x) => !t(x);
  },
};
const LINE_OPS: Record<string, (v: string) => Test> = {
  PipeExact: (v) => (x) => x.includes(v),
  Neq: (v) => (x) => !x.includes(v),
  PipeMatch: (v) => re2(v, false),
  Nre: (v) => {
    const t = re2(v, false);
    return (x) => !t(x);
  },
};

function matcher(m: SyntaxNode, q: string): { label: string; test: Test } | string {
  const id = m.getChild('Identifier');
  const str = m.getChild('String');
  const op = ['Eq', 'Neq', 'Re', 'Nre'].find((o) => m.getChild(o));
  const value = str ? unquote(q.slice(str.from, str.to)) : undefined;
  if (!id || !op || value === undefined) return `unsupported matcher ${q.slice(m.from, m.to)}`;
  return { label: q.slice(id.from, id.to), test: LABEL_OPS[op]!(value) };
}

function descendants(n: SyntaxNode, name: string): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const walk = (x: SyntaxNode) => {
    for (let c = x.firstChild; c; c = c.nextSibling) {
      if (c.name === name) out.push(c);
      else walk(c);
    }
  };
  walk(n);
  return out;
}

function labelValue(l: LogLine, label: string): string {
  return l.structuredMetadata[label] ?? l.parsed[label] ?? l.labels[label] ?? '';
}

export function compileLogQuery(q: string): CompiledQuery {
  const problems = validateLogql(q);
  if (problems.length) return { ok: false, error: `parse error at ${problems[0]!.from + 1}: ${problems[0]!.message}` };
  const expr = parser.parse(q).topNode.getChild('Expr')?.firstChild;
  const selector = expr?.name === 'LogExpr' ? expr.getChild('Selector') : undefined;
  if (!expr || !selector) return { ok: false, error: 'only log queries are supported here (no metric queries)' };
  const tests: ((l: LogLine) => boolean)[] = [];
  try {
    for (const m of descendants(selector, 'Matcher')) {
      const r = matcher(m, q);
      if (typeof r === 'string') return { ok: false, error: r };
      tests.push((l) => r.test(l.labels[r.label] ?? ''));
    }
    for (const stage of descendants(expr, 'PipelineStage')) {
      for (const f of descendants(stage, 'LineFilter')) {
        const op = f.getChild('Filter')?.firstChild?.name;
        const str = f.getChild('String');
        const value = str ? unquote(q.slice(str.from, str.to)) : undefined;
        if (!op || !LINE_OPS[op] || value === undefined) return { ok: false, error: `unsupported line filter ${q.slice(f.from, f.to)}` };
        const test = LINE_OPS[op](value);
        tests.push((l) => test(l.line));
      }
      const label = stage.getChild('LabelFilter');
      const m = label?.getChild('Matcher');
      if (label && m && !label.getChild('LabelFilter')) {
        const r = matcher(m, q);
        if (typeof r === 'string') return { ok: false, error: r };
        tests.push((l) => r.test(labelValue(l, r.label)));
      } else if (!stage.getChild('LineFilters'))
        return { ok: false, error: `unsupported stage ${q.slice(stage.from, stage.to)}: only line filters and label filters on one label` };
    }
  } catch (e) {
    return { ok: false, error: `bad regular expression (${errorMessage(e)})` };
  }
  return { ok: true, match: (l) => tests.every((t) => t(l)) };
}
