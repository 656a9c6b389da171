/**
 * Scopes and name bindings over a tree-sitter tree, for the Python and the JavaScript analyzers of the route
 * detector: which functions enclose a node, and what a name means there (a local binding of an enclosing
 * function, one of its parameters, or a module-level binding). Pure.
 */
import { derived, type SyntaxNode as Node } from './nodes';

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
    const items = fns.map((n) => ({ n, s: n.startIndex, e: n.endIndex }));
    // a stable sort: of the nodes with the same span (captured twice), the first one given is kept
    items.sort((a, b) => a.s - b.s || b.e - a.e);
    const stack: number[] = [];
    for (const it of items) {
      const last = this.starts.length - 1;
      if (last >= 0 && this.starts[last] === it.s && this.ends[last] === it.e) continue;
      while (stack.length && this.ends[stack[stack.length - 1]!]! <= it.s) stack.pop();
      this.parents.push(stack.length ? stack[stack.length - 1]! : -1);
      this.starts.push(it.s);
      this.ends.push(it.e);
      this.nodes.push(it.n);
      stack.push(last + 1);
    }
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
    while (i >= 0 && !(this.starts[i]! <= start && this.ends[i]! >= end && !(this.starts[i] === start && this.ends[i] === end)))
      i = this.parents[i]!;
    return i;
  }

  /** The innermost function enclosing a node (an index for `node` and `parent`), or -1 for module scope. */
  enclosing(n: Node): number {
    return this.innermost(n.startIndex, n.endIndex);
  }

  /** The function at an index of `enclosing` / `parent`. */
  node(i: number): Node {
    return this.nodes[i]!;
  }

  /** The function enclosing the one at index i, or -1. */
  parent(i: number): number {
    return this.parents[i]!;
  }

  /** startIndex of the innermost enclosing function, -1 for module scope. */
  scopeOf(n: Node): number {
    const i = this.innermost(n.startIndex, n.endIndex);
    return i >= 0 ? this.starts[i]! : -1;
  }
}

const within = (n: Node, outer: Node): boolean => outer.startIndex <= n.startIndex && n.endIndex <= outer.endIndex;

/** A name bound at `node` in `scope` (startIndex of the enclosing function, -1 for the module). */
export interface Binding<V> {
  node: Node;
  scope: number;
  /** Computed on demand (bindings may refer to names bound later in the file). */
  value: () => V;
}

export interface BindingLanguage<V> {
  /** Parameter names of a scope node in order ('' or null where a parameter binds no single name). */
  paramNames(fn: Node): readonly (string | null)[];
  /** The value of the i-th parameter of a function. */
  param(fn: Node, i: number): V;
  /** The value of a name whose binding is being computed already (a cycle such as `a = b; b = a`). */
  cyclic(name: string): V;
  /** Module-level names follow statement order (Python): a use at module level sees the last binding before it, a use
   *  in a function the module's final binding. Else (JS/TS, no rebinding of a declaration) the first binding. */
  statementOrder?: boolean;
}

/** The first binding of a name in each scope that binds it: the binding itself while there is one such scope (most
 *  names), else by scope. */
type Firsts<V> = Binding<V> | Map<number, Binding<V>>;

function firstIn<V>(firsts: Firsts<V> | undefined, scope: number): Binding<V> | undefined {
  if (firsts instanceof Map) return firsts.get(scope);
  return firsts?.scope === scope ? firsts : undefined;
}

/** Inserts a binding into a list kept in source order (bindings mostly come in that order: a scan from the end). */
function insertInOrder<V>(list: Binding<V>[], b: Binding<V>): void {
  const at = b.node.startIndex;
  let i = list.length;
  while (i > 0 && list[i - 1]!.node.startIndex > at) i--;
  list.splice(i, 0, b);
}

/** The name table of one file: bindings per name, looked up through the enclosing scopes. */
export class Bindings<V> {
  private readonly table = new Map<string, Binding<V>[]>();
  /** name → scope → the first binding of the name in that scope (lookups must not scan long lists: a
   *  local name such as `item` may be bound in every handler of a 20,000-line file). */
  private readonly firsts = new Map<string, Firsts<V>>();
  /** The bindings whose value is being computed, innermost last: their names and startIndex. */
  private readonly resolving: string[] = [];
  private readonly resolvingAt: number[] = [];
  private readonly paramMemo = new Map<number, readonly (string | null)[]>();
  /** name → its module-level bindings in source order (statement order's lookups, module-level reads of getAt). */
  private readonly moduleLevel = new Map<string, Binding<V>[]>();

  constructor(
    readonly scopes: ScopeIndex,
    private readonly lang: BindingLanguage<V>,
  ) {}

  bind(name: string, node: Node, value: () => V, scope = this.scopes.scopeOf(node)): void {
    let list = this.table.get(name);
    if (!list) this.table.set(name, (list = []));
    const b = { node, scope, value };
    list.push(b);
    if (scope === -1) {
      const mods = this.moduleLevel.get(name);
      if (mods) insertInOrder(mods, b);
      else this.moduleLevel.set(name, [b]);
    }
    const firsts = this.firsts.get(name);
    if (!firsts) this.firsts.set(name, b);
    else if (!(firsts instanceof Map)) {
      if (firsts.scope !== scope)
        this.firsts.set(
          name,
          new Map([
            [firsts.scope, firsts],
            [scope, b],
          ]),
        );
    } else if (!firsts.has(scope)) firsts.set(scope, b);
  }

  /** The module-level bindings of a name in source order (an analyzer binds imports, then assignments, then
   *  definitions), so that the last of them is the module's final value. */
  moduleBindings(name: string): readonly Binding<V>[] {
    return this.moduleLevel.get(name) ?? [];
  }

  /** Every binding of a name, in the order they were made. */
  get(name: string): readonly Binding<V>[] | undefined {
    return this.table.get(name);
  }

  /** Every binding of a name; read at module level (`at`), only the module's (not a function's own `const token`). */
  getAt(name: string, at?: Node): readonly Binding<V>[] | undefined {
    const list = this.table.get(name);
    return at && list && list.length > 1 && this.scopes.enclosing(at) === -1 ? (this.moduleLevel.get(name) ?? []) : list;
  }

  entries(): IterableIterator<[string, Binding<V>[]]> {
    return this.table.entries();
  }

  /** What `name` means at `at`: the innermost enclosing function's own binding or parameter, else the module's. */
  lookup(name: string, at: Node): V | null {
    const firsts = this.firsts.get(name);
    const innermost = this.scopes.enclosing(at);
    for (let i = innermost; i >= 0; i = this.scopes.parent(i)) {
      const fn = this.scopes.node(i);
      const local = firstIn(firsts, fn.startIndex);
      // `router = wrap({ router })`: a name in the value of its own (first) binding is the outer one (not so in a
      // function written there: `const f = () => f()`)
      if (local && !(i === innermost && within(at, local.node))) return this.valueOf(name, local);
      const p = this.paramNames(fn).indexOf(name);
      if (p >= 0) return this.lang.param(fn, p);
    }
    const mod = this.inEffect(name, at, innermost) ?? firstIn(firsts, -1);
    return mod ? this.valueOf(name, mod) : null;
  }

  /** With statement order, the module-level binding in effect at `at` (a use in its own binding's value sees the
   *  one before); undefined when none precedes it or the name is bound once. */
  private inEffect(name: string, at: Node, innermost: number): Binding<V> | undefined {
    const mods = this.lang.statementOrder ? this.moduleLevel.get(name) : undefined;
    if (!mods || mods.length < 2) return undefined;
    if (innermost !== -1) return mods.at(-1);
    let lo = 0;
    let hi = mods.length; // the first binding starting after `at`
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (mods[mid]!.node.startIndex <= at.startIndex) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= 0; i--) if (!within(at, mods[i]!.node)) return mods[i];
    return undefined;
  }

  /** A binding's value; a binding met again while its own value is computed gives `cyclic(name)`. */
  valueOf(name: string, b: Binding<V>): V {
    const at = b.node.startIndex;
    for (let i = 0; i < this.resolving.length; i++)
      if (this.resolving[i] === name && this.resolvingAt[i] === at) return this.lang.cyclic(name);
    this.resolving.push(name);
    this.resolvingAt.push(at);
    try {
      return b.value();
    } finally {
      this.resolving.pop();
      this.resolvingAt.pop();
    }
  }

  /** Parameter names of a scope node (memoised). */
  paramNames(fn: Node): readonly (string | null)[] {
    let names = this.paramMemo.get(fn.startIndex);
    if (!names) this.paramMemo.set(fn.startIndex, (names = derived(fn, 'params', () => this.lang.paramNames(fn))));
    return names;
  }
}
