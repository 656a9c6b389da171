/** Small helpers shared by the Python and JavaScript analyzers. */
import type { TS } from '../parsing/treeSitter';
import type { HttpMethod, SourceRange } from './types';
import type { Ref, Val, ValPart } from './model';

export type Node = TS.Node;

export function rangeOf(n: Node): SourceRange {
  return {
    start: { line: n.startPosition.row + 1, column: n.startPosition.column },
    end: { line: n.endPosition.row + 1, column: n.endPosition.column },
  };
}

export function lineOf(n: Node): number {
  return n.startPosition.row + 1;
}

export const HTTP_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ALL'];

export function toMethod(s: string): HttpMethod | null {
  const u = s.toUpperCase();
  if (u === 'DEL') return 'DELETE';
  return (HTTP_METHODS as readonly string[]).includes(u) ? (u as HttpMethod) : null;
}

export function clip(text: string, max = 80): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

export function none(n: Node | null | undefined): Ref {
  return { k: 'none', text: n ? clip(n.text, 60) : '' };
}

export function lit(s: string): Val {
  return { s };
}

export function isLit(v: Val | null | undefined): v is { s: string } {
  return !!v && 's' in v;
}

/** Children with a given field name, skipping nulls. */
export function fieldChildren(n: Node, field: string): Node[] {
  return n.childrenForFieldName(field).filter((c): c is Node => !!c);
}

export function named(n: Node): Node[] {
  return n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
}

/** Safely runs a step of the analysis; failures become notes instead of exceptions. */
export function guard(notes: string[], what: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (notes.length < 50) notes.push(`${what}: internal error ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * The analysis of one file as small guarded steps over the query captures, grouped by capture name, so it
 * can run at once or time-sliced. `withFinish` adds a last step that appends the steps `finish` returns:
 * those depend on every binding the earlier steps made (exports, constants).
 */
export function captureSteps(notes: string[], caps: { name: string; node: Node }[]) {
  const byName: Record<string, Node[]> = {};
  for (const c of caps) (byName[c.name] ??= []).push(c.node);
  const nodes = (name: string): Node[] => byName[name] ?? [];
  return {
    nodes,
    each: (name: string, what: string, fn: (n: Node) => void): (() => void)[] =>
      nodes(name).map((n) => () => guard(notes, `${what} line ${lineOf(n)}`, () => fn(n))),
    withFinish: (steps: (() => void)[], finish: () => (() => void)[]): (() => void)[] => {
      steps.push(() => steps.push(...finish().map((f) => () => guard(notes, 'exports', f))));
      return steps;
    },
  };
}

/** Concatenates evaluated pieces: a literal when all are literal; otherwise an expression that keeps the
 *  pieces when every non-literal piece may still be an imported constant (resolved across files later). */
export function concatVals(vals: Val[], text: string, why: string): Val {
  if (vals.every((v) => 's' in v)) return { s: vals.map((v) => (v as { s: string }).s).join('') };
  const parts: ValPart[] = [];
  let resolvable = true;
  for (const v of vals) {
    if ('s' in v) parts.push(v.s);
    else if (v.parts) parts.push(...v.parts);
    else if (v.ref) parts.push({ e: v.e, ref: v.ref });
    else resolvable = false;
  }
  const bad = vals.find((v) => 'e' in v && !v.ref && !v.parts) as { why: string } | undefined;
  return resolvable ? { e: text, why, parts } : { e: text, why: bad && bad.why !== 'variable' ? why : why };
}

/**
 * Function scopes by byte ranges: which functions enclose a position, answered in JS without walking
 * `.parent` (each parent step is a wasm call that re-descends from the root).
 */
export class ScopeIndex {
  private starts: number[] = [];
  private ends: number[] = [];
  private parents: number[] = [];
  readonly nodes: Node[] = [];

  constructor(fns: Node[]) {
    // endIndex is a wasm call per access: read it once
    const seen = new Set<string>();
    const items: { n: Node; s: number; e: number }[] = [];
    for (const n of fns) {
      const s = n.startIndex;
      const e = n.endIndex;
      const k = `${s}:${e}`;
      if (seen.has(k)) continue;
      seen.add(k);
      items.push({ n, s, e });
    }
    items.sort((a, b) => a.s - b.s || b.e - a.e);
    const stack: number[] = [];
    items.forEach((it, i) => {
      while (stack.length && this.ends[stack[stack.length - 1]!]! <= it.s) stack.pop();
      this.parents.push(stack.length ? stack[stack.length - 1]! : -1);
      this.starts.push(it.s);
      this.ends.push(it.e);
      this.nodes.push(it.n);
      stack.push(i);
    });
  }

  /** Index of the innermost function strictly containing [start, end) (not the node itself), or -1. */
  private innermost(start: number, end: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= start) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    let i = found;
    while (i >= 0 && !(this.starts[i]! <= start && this.ends[i]! >= end && !(this.starts[i] === start && this.ends[i] === end))) i = this.parents[i]!;
    return i;
  }

  /** Enclosing functions of a node, innermost first. */
  chain(n: Node): Node[] {
    const out: Node[] = [];
    for (let i = this.innermost(n.startIndex, n.endIndex); i >= 0; i = this.parents[i]!) out.push(this.nodes[i]!);
    return out;
  }

  /** startIndex of the innermost enclosing function, -1 for module scope. */
  scopeOf(n: Node): number {
    const i = this.innermost(n.startIndex, n.endIndex);
    return i >= 0 ? this.starts[i]! : -1;
  }
}

/** Could calling this reach a function of the project (whose parameters may then be bound)? */
export function mayBeLocalFunction(r: Ref): boolean {
  switch (r.k) {
    case 'fn':
    case 'param':
      return true;
    case 'imp':
      return !r.mod.startsWith('pkg:');
    case 'mem':
    case 'wrap':
      return mayBeLocalFunction(r.k === 'mem' ? r.base : r.inner);
    case 'inst':
    case 'self':
    case 'cls':
    case 'ret':
      return true;
    default:
      return false;
  }
}
