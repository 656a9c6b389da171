/**
 * LogQL before it is sent: syntax problems from Grafana's own grammar (`@grafana/lezer-logql`) as ranges to
 * underline, and the label / value completion model of the query box. Pure: no `vscode`, no I/O.
 */
import { parser } from '@grafana/lezer-logql';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

export interface LogqlProblem {
  /** Offsets in the query (UTF-16), `to` > `from` unless the query is empty. */
  from: number;
  to: number;
  message: string;
}

const MAX_QUERY = 64 * 1024;

function expected(node: SyntaxNode, at: number, q: string): string {
  const parent = node.parent?.name;
  if (parent === 'LogQL') return 'a query starts with a stream selector like {app="shop"}';
  if (parent === 'Matcher' || parent === 'LineFilter' || parent === 'LabelFilter') return 'expected a quoted string';
  if (parent === 'Selector') return at === node.parent!.from ? 'expected "{" (a stream selector like {app="shop"})' : 'expected "}" or ","';
  if (at >= q.trimEnd().length) return 'unexpected end of query';
  return `unexpected ${JSON.stringify(q.slice(at, at + 1))}`;
}

/** Syntax problems of a LogQL query; an empty list when Grafana's grammar accepts it. */
export function validateLogql(q: string): LogqlProblem[] {
  if (!q.trim()) return [{ from: 0, to: q.length, message: 'empty query — start with a stream selector like {app="shop"}' }];
  if (q.length > MAX_QUERY) return [{ from: MAX_QUERY, to: q.length, message: `query longer than ${MAX_QUERY / 1024} KiB` }];
  const problems: LogqlProblem[] = [];
  const tree = parser.parse(q);
  tree.iterate({
    enter: (ref) => {
      if (ref.type.isError) {
        const node = ref.node;
        if (ref.to > ref.from) {
          const text = q.slice(ref.from, ref.to);
          problems.push({
            from: ref.from,
            to: ref.to,
            message: `unexpected ${JSON.stringify(text.length > 40 ? `${text.slice(0, 39)}…` : text)}`,
          });
        } else {
          const from = ref.from >= q.length ? Math.max(0, q.length - 1) : ref.from;
          problems.push({ from, to: from + 1, message: expected(node, ref.from, q) });
        }
        return false;
      }
      if (ref.name === 'Selector') {
        const p = emptyCompatibleSelector(ref.node, q);
        if (p) problems.push(p);
      }
      return undefined;
    },
  });
  return problems;
}

/** Loki refuses a selector whose every matcher also matches an empty value (`{app=""}`, `{app=~".*"}`, `{app!="x"}`). */
function emptyCompatibleSelector(sel: SyntaxNode, q: string): LogqlProblem | undefined {
  const matchers = sel.getChild('Matchers');
  if (!matchers) return undefined;
  // Matchers nest (Matchers(Matchers(…), Matcher)): collect them all.
  const all: SyntaxNode[] = [];
  const stack = [matchers];
  while (stack.length) {
    const n = stack.pop()!;
    for (let c = n.firstChild; c; c = c.nextSibling) {
      if (c.name === 'Matcher') all.push(c);
      else if (c.name === 'Matchers') stack.push(c);
    }
  }
  if (!all.length) return undefined;
  const empty = all.every((m) => {
    const op = m.getChild('Eq') ?? m.getChild('Re') ?? m.getChild('Neq') ?? m.getChild('Nre');
    const str = m.getChild('String');
    if (!op || !str) return false;
    if (op.name === 'Neq' || op.name === 'Nre') return true;
    const value = unquote(q.slice(str.from, str.to));
    if (value === undefined) return false;
    if (op.name === 'Eq') return value === '';
    try {
      return new RegExp(`^(?:${value})$`).test('');
    } catch {
      return false;
    }
  });
  return empty
    ? { from: sel.from, to: sel.to, message: 'Loki needs at least one = or =~ matcher that does not match an empty value' }
    : undefined;
}

/** A LogQL string literal's value: "…" with Go escapes, or `…` raw. */
export function unquote(lit: string): string | undefined {
  if (lit.startsWith('`')) return lit.endsWith('`') && lit.length >= 2 ? lit.slice(1, -1) : undefined;
  try {
    const v: unknown = JSON.parse(lit);
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

export type CompletionContext =
  | { kind: 'label-name'; prefix: string; from: number }
  | { kind: 'label-value'; label: string; regex: boolean; prefix: string; from: number; quoted: boolean }
  | { kind: 'none' };

/**
 * What to complete at `offset` inside a stream selector: a label name, or the value of `label=` / `label=~`
 * (`from` = where the replaced text starts). Scans the text, so it works while the query is still invalid.
 */
export function completionContext(q: string, offset: number): CompletionContext {
  const before = q.slice(0, offset);
  let open = -1;
  let segment = -1;
  let quote: string | undefined;
  for (let i = 0; i < before.length; i++) {
    const ch = before[i]!;
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === '`') quote = ch;
    else if (ch === '{') open = segment = i;
    else if (ch === '}') open = -1;
    else if (ch === ',' && open >= 0) segment = i;
  }
  if (open < 0) return { kind: 'none' };
  const seg = before.slice(segment + 1);
  const m = /^(\s*)([A-Za-z_][A-Za-z0-9_]*)?(\s*)(=~|!~|!=|=)?(\s*)(["`]?)(.*)$/s.exec(seg)!;
  const [, lead, name = '', gap, op, gap2, q2, rest] = m;
  const base = segment + 1;
  if (!op) {
    if (gap || rest) return { kind: 'none' };
    return { kind: 'label-name', prefix: name, from: base + lead!.length };
  }
  if (!name) return { kind: 'none' };
  const valueFrom = base + lead!.length + name.length + gap!.length + op.length + gap2!.length;
  if (!q2 && rest) return { kind: 'none' };
  const prefix = q2 === '"' ? rest!.replace(/\\(.)/g, '$1') : rest!;
  return { kind: 'label-value', label: name, regex: op === '=~' || op === '!~', prefix, from: valueFrom, quoted: !!q2 };
}

export interface CompletionItem {
  label: string;
  /** Text replacing the query from the context's `from` to the cursor. */
  insert: string;
}

/** Items for a context from the label names / values Loki returned: prefix-filtered, values quoted and escaped. */
export function completionItems(ctx: CompletionContext, names: string[], values: string[]): CompletionItem[] {
  if (ctx.kind === 'none') return [];
  if (ctx.kind === 'label-name') {
    return names.filter((n) => n.startsWith(ctx.prefix) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(n)).map((n) => ({ label: n, insert: n }));
  }
  return values
    .filter((v) => v.startsWith(ctx.prefix))
    .map((v) => ({ label: v, insert: JSON.stringify(ctx.regex ? v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : v) }));
}
