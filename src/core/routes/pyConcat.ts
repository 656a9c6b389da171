/**
 * Python loops over a concatenation of sequences: `for r in CORE + tuple(PLUGINS):`, `[*a, *b]`, `(*a, *b)`,
 * `list(a) + list(b)`, `itertools.chain(a, b)`. Each part is read as a loop over it alone would be: when every part is
 * a literal of this file the loop is unrolled (./pyLoops), else the parts are the spreads of one sequence the resolver
 * expands (CallGraph.arrayOf), so a part it reads no element of (a list filled at run time) does not hide the others.
 * Pure.
 */
import { named, type SyntaxNode as Node } from '../parsing/nodes';
import { MAX_ELEMENTS } from './loops';
import type { Ref, TableMount } from './model';
import type { PyAnalyzer } from './python';

/** A piece of a concatenation: one element written in it, or a sequence joined whole. */
type Piece = { el: Node } | { seq: Node };

/** Builtins that copy a sequence: a part of a concatenation reads through them. */
const COPIES = new Set(['list', 'tuple']);

/** Whether `fn` is `itertools.chain` (imported whole or by name). */
function isChain(A: PyAnalyzer, fn: Node): boolean {
  const r = A.refOf(fn);
  if (r.k === 'imp') return r.mod === 'py:itertools' && r.name === 'chain';
  return r.k === 'mem' && r.name === 'chain' && r.base.k === 'imp' && r.base.mod === 'py:itertools' && r.base.name === '*';
}

/** The pieces `n` joins, when it is a concatenation (or a copy of one); else null. */
function pieces(A: PyAnalyzer, n: Node, depth = 0): Piece[] | null {
  if (depth > 8) return null;
  const parts = (x: Node): Piece[] => pieces(A, x, depth + 1) ?? [{ seq: x }];
  if (n.type === 'parenthesized_expression') return named(n)[0] ? pieces(A, named(n)[0]!, depth + 1) : null;
  if (n.type === 'binary_operator' && n.childForFieldName('operator')?.type === '+') {
    const [l, r] = [n.childForFieldName('left'), n.childForFieldName('right')];
    const text = (x: Node): boolean => x.type === 'string' || x.type === 'concatenated_string'; // `BASE + "/v1"` joins strings
    return l && r && !text(l) && !text(r) ? [...parts(l), ...parts(r)] : null;
  }
  if ((n.type === 'list' || n.type === 'tuple') && named(n).some((e) => e.type === 'list_splat')) {
    return named(n)
      .filter((e) => e.type !== 'comment')
      .flatMap((e) => (e.type !== 'list_splat' ? [{ el: e }] : named(e)[0] ? parts(named(e)[0]!) : []));
  }
  const fn = n.type === 'call' ? n.childForFieldName('function') : null;
  const args = fn ? named(n.childForFieldName('arguments')!) : [];
  if (!fn || args.some((a) => a.type !== 'identifier' && a.type !== 'attribute' && !/^(list|tuple|call|binary_operator)$/.test(a.type)))
    return null;
  // a `list` or `tuple` the module binds is its own function, not the builtin copy
  if (fn.type === 'identifier' && COPIES.has(fn.text) && args.length === 1 && A.refOf(fn).k === 'none') return parts(args[0]!);
  return args.length && isChain(A, fn) ? args.flatMap(parts) : null;
}

/** The elements of a literal sequence (written in place, a name assigned one once, or a concatenation of such), or null. */
export function pyLiteralElements(A: PyAnalyzer, n: Node | null, depth = 0): Node[] | null {
  const seq = n?.type === 'identifier' ? A.assignedOnce(n) : n;
  const joined = seq && depth < 8 ? pieces(A, seq) : null;
  if (!joined) return seq?.type === 'list' || seq?.type === 'tuple' ? [...named(seq)] : null;
  const out: Node[] = [];
  for (const p of joined) {
    const els = 'el' in p ? [p.el] : pyLiteralElements(A, p.seq, depth + 1);
    if (!els) return null;
    out.push(...els);
  }
  return out;
}

/** A concatenation a loop iterates, as one sequence: the elements written in it and the parts it joins (`spreads`,
 *  with their text, for a reason naming a part the resolver reads nothing of); null when `n` is no concatenation. */
export function pyConcatRef(A: PyAnalyzer, n: Node, element: (e: Node) => Ref): { ref: Ref & { k: 'arr' }; texts: string[] } | null {
  const joined = pieces(A, (n.type === 'identifier' && A.assignedOnce(n)) || n); // `ALL = CORE + EXTRA` of this module
  if (!joined) return null;
  const els = joined.flatMap((p) => ('el' in p ? [element(p.el)] : []));
  const parts = joined.flatMap((p) => ('seq' in p ? [p.seq] : []));
  if (els.length > MAX_ELEMENTS) return null;
  return { ref: { k: 'arr', els, spreads: parts.map((p) => A.refOf(p)) }, texts: parts.map((p) => p.text) };
}

/** A part of a concatenation a table mount loops over (`PLUGINS` of `CORE + tuple(PLUGINS)`) that the resolver reads
 *  no element of: a list filled at run time, or one it cannot follow. */
export interface UnreadPart {
  file: string;
  line: number;
  part: string;
}

/** The parts of table mount `t` (of `file`) the resolver reads no element of (`count`: how many it reads of a spread). */
export function unreadParts(file: string, t: TableMount, count: (spread: Ref) => number): UnreadPart[] {
  const spreads = t.parts && t.of.k === 'arr' ? (t.of.spreads ?? []) : [];
  return spreads.flatMap((s, i) => (count(s) ? [] : [{ file, line: t.line, part: t.parts![i]! }]));
}

/** Why a router no call mounts may still be served: through such a part. */
export function unreadWhy(u: UnreadPart | undefined, rel: (file: string) => string): string | null {
  return u ? `may be mounted through \`${u.part}\` (${rel(u.file)}:${u.line}), a list the analysis cannot read` : null;
}
