/**
 * Loops over a literal list of strings (JS `['users', 'todos'].forEach((f) => …)`, `for (const f of FILES)`, Python
 * `for name in ["users", "items"]:`): a registration or call in the loop body that depends on the loop variable is read
 * once per element, the variable bound to it (Analyzer.withElement), so `require(`./${f}`)` or
 * `importlib.import_module(f"app.routes.{name}")` names a module and `/${f}` a prefix. Each language finds its loops.
 */
import type { SyntaxNode as Node } from '../parsing/nodes';
import type { Analyzer } from './analyzer';

export interface LiteralLoop {
  /** Offsets of the loop body (the callback, or the `for` statement's body). */
  start: number;
  end: number;
  name: string;
  values: string[];
  /** Names bound in the body whose value uses the variable (`const mod = await import(`./${f}.js`)`). */
  deps?: RegExp | null;
}

/** A longer list (repository input) is not unrolled: the registrations in its loop are read once, as unknowns. */
const MAX_ELEMENTS = 64;

const word = (names: string[]): RegExp => new RegExp(`(?<![\\w$.])(?:${names.map((n) => n.replace(/\$/g, '\\$')).join('|')})(?![\\w$])`);

export class Loops {
  private list: LiteralLoop[] | null = null;

  constructor(
    private readonly A: Analyzer,
    private readonly find: () => LiteralLoop[],
  ) {}

  private loops(): LiteralLoop[] {
    return (this.list ??= this.find().filter((l) => l.values.length && l.values.length <= MAX_ELEMENTS));
  }

  /** Whether a literal loop's body contains n. */
  inside(n: Node): boolean {
    const s = n.startIndex;
    return this.loops().some((l) => l.start <= s && s < l.end);
  }

  /** The innermost literal loop around n whose variable n uses (directly or through a name bound in the body). */
  around(n: Node): LiteralLoop | null {
    const s = n.startIndex;
    const loops = this.loops().filter((l) => l.start <= s && s < l.end);
    if (!loops.length) return null;
    const text = n.text;
    for (const l of loops.sort((a, b) => b.start - a.start)) {
      const uses = word([l.name]);
      if (uses.test(text)) return l;
      if (l.deps === undefined) {
        const names = this.A.declaredIn(l.start, l.end).filter((d) => uses.test(d.text));
        l.deps = names.length ? word(names.map((d) => d.name)) : null;
      }
      if (l.deps?.test(text)) return l;
    }
    return null;
  }

  /** Runs f once per element of the literal loop n depends on, the variable bound to the element; else once. */
  unrolled(n: Node, f: () => void): void {
    const loop = this.around(n);
    if (!loop) return f();
    for (const v of loop.values) this.A.withElement(loop, v, f);
  }
}
