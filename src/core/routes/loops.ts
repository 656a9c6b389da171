/**
 * Loops over a literal sequence, one model for both languages: a loop binds one or more names (the whole element, an
 * index of an array or tuple element, a key of an object element) to each element of a literal list, array or tuple
 * written in place or held by a name bound once (at most 64 elements). JS `['users', 'todos'].forEach((f) => …)`,
 * `ROUTES.forEach(([prefix, router]) => …)`, `for (const { path, router } of ROUTES)`; Python `for name in ["users"]:`,
 * `for bp, prefix in ((a.bp, "/a"), …):`. Each language says which nodes are loops (./jsLoops, ./pyLoops); the analyzer
 * reads a node inside a loop once per element with the names bound to the element's parts (Analyzer.withElement):
 *  - a registration or call that depends on the variable of a loop over strings is read again per element
 *    (`require(`./${f}`)`, `importlib.import_module(f"app.routes.{name}")`: a module; `/${f}`: a prefix);
 *  - a mount or call whose arguments read a loop's names takes the routers, prefixes and callees of each element.
 */
import type { SyntaxNode as Node } from '../parsing/nodes';
import type { Analyzer } from './analyzer';

/** How a loop binds a name: the whole element, one index of an array or tuple element, or one key of an object. */
export type Part = { whole: true } | { index: number } | { key: string };

export interface Loop {
  /** Offsets of the body (the callback, or the `for` statement's body). */
  start: number;
  end: number;
  /** The names the loop binds, and the part of each element each one takes. */
  readonly names: Map<string, Part>;
  /** The elements written in the sequence (an object's entries with computed keys are left out: then `partial`). */
  elements: Node[];
  partial: boolean;
  /** The part of an element a name takes (null when the element has no such part). */
  part(el: Node, part: Part): Node | null;
}

/** What a language says of a node that may be a loop. */
export interface LoopSyntax {
  /** The body and the sequence of a loop node (`for` statement, `forEach` callback); else null. */
  loop(n: Node): { body: Node; seq: Node | null } | null;
  /** The names a loop node binds (JS: also a function's first parameter, which hides a loop's name). */
  names(n: Node): Map<string, Part>;
  /** The elements of a literal sequence (written in place or a name bound once), or null. */
  elements(seq: Node): { elements: Node[]; partial: boolean } | null;
  part(el: Node, part: Part): Node | null;
  /** The strings of a literal sequence of strings, or null (read until an element is none). */
  strings(seq: Node): string[] | null;
  /** Where loops over strings may be: the sequence, and the loop node (read once the sequence is strings). */
  candidates(): { seq: Node | null; loop: () => Node | null }[];
}

/** A loop over strings binding one name, with the names bound in its body whose value uses it. */
export interface ListLoop {
  loop: Loop;
  name: string;
  values: string[];
  /** Names bound in the body whose value uses the variable (`const mod = await import(`./${f}.js`)`). */
  deps?: RegExp | null;
}

/** A longer sequence (repository input) is data, not unrolled: the registrations in its loop are read once. */
export const MAX_ELEMENTS = 64;
/** An array expanded through the arrays it spreads, over files (CallGraph.arrayOf), stops at this many elements. */
export const MAX_EXPANDED = 16 * MAX_ELEMENTS;

/** Names (identifiers, or an indexed loop's element `xs[i]`) as whole words. */
export const word = (names: string[]): RegExp =>
  new RegExp(`(?<![\\w$.])(?:${names.map((n) => n.replace(/[$[\]]/g, '\\$&')).join('|')})(?![\\w$])`);

export class Loops {
  private readonly memo = new Map<number, Loop | null>();
  private list: ListLoop[] | null = null;

  constructor(
    private readonly A: Analyzer,
    readonly syntax: LoopSyntax,
  ) {}

  /** The loop node n is, over a literal sequence of at most 64 elements; else null. */
  of(n: Node): Loop | null {
    let loop = this.memo.get(n.id);
    if (loop !== undefined) return loop;
    const S = this.syntax;
    const l = S.loop(n);
    const seq = l?.seq ? S.elements(l.seq) : null;
    loop = null;
    if (l && seq && seq.elements.length <= MAX_ELEMENTS) {
      let names: Map<string, Part> | undefined; // read when needed: most loops are over something else
      const { startIndex: start, endIndex: end } = l.body;
      loop = {
        start,
        end,
        ...seq,
        part: S.part,
        get names() {
          return (names ??= S.names(n));
        },
      };
    }
    this.memo.set(n.id, loop);
    return loop;
  }

  /** Runs f once per element of `loop`, its names bound to the element's parts; once, unbound, without a loop. */
  each<T>(loop: Loop | null, f: () => T): T[] {
    return loop ? loop.elements.map((el) => this.A.withElement(loop, el, f)) : [f()];
  }

  /** The loops over a non-empty list of strings that bind one name to the whole element. */
  private lists(): ListLoop[] {
    if (this.list) return this.list;
    this.list = [];
    // the sequence first: most loops are over something else, and reading nodes is what costs
    for (const c of this.syntax.candidates()) {
      const values = c.seq ? this.syntax.strings(c.seq) : null;
      const n = values?.length ? c.loop() : null;
      const loop = n ? this.of(n) : null;
      const [name, part] = loop?.names.size === 1 ? [...loop.names][0]! : [];
      if (name && 'whole' in part!) this.list.push({ loop: loop!, name, values: values! });
    }
    return this.list;
  }

  /** Whether a loop over strings has n in its body. */
  inside(n: Node): boolean {
    const s = n.startIndex;
    return this.lists().some(({ loop: l }) => l.start <= s && s < l.end);
  }

  /** The innermost loop over strings around n whose variable n uses (directly or through a name bound in the body). */
  around(n: Node): ListLoop | null {
    const s = n.startIndex;
    const loops = this.lists().filter(({ loop: l }) => l.start <= s && s < l.end);
    if (!loops.length) return null;
    const text = n.text;
    for (const l of loops.sort((a, b) => b.loop.start - a.loop.start)) {
      const uses = word([l.name]);
      if (uses.test(text)) return l;
      if (l.deps === undefined) {
        const names = this.A.declaredIn(l.loop.start, l.loop.end).filter((d) => uses.test(d.text));
        l.deps = names.length ? word(names.map((d) => d.name)) : null;
      }
      if (l.deps?.test(text)) return l;
    }
    return null;
  }

  /** Runs f once per element of the loop over strings n depends on, the variable bound to the element; else once. */
  unrolled(n: Node, f: () => void): void {
    const l = this.around(n);
    if (!l) return f();
    for (const el of l.loop.elements) this.A.withElement(l.loop, el, f);
  }
}
