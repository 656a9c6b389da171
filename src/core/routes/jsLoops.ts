/**
 * JS/TS loops over a literal array (see ./loops): a `for … of` statement, or a `forEach`/`map` callback, binding its
 * variable or destructuring pattern (`[prefix, router]`, `{ path, router }`). Over strings, `require(`./${f}`)`,
 * `import(`./routes/${f}.js`)` and `path.join(__dirname, 'routes', f)` name a module, and an object filled in such a loop
 * (`controllers[f] = …`) has a property per element; a computed load over anything else (a folder read at run time) is
 * recorded with the folder it reads, so a router of that folder says how it is mounted. Over a table, the routers and
 * prefixes a mount reads from the loop's names are each element's (`ROUTES.forEach(([prefix, router]) => app.use(prefix,
 * router))`), and so is the path of a route (`for (const t of TRANSITIONS) app.post(`/x/${t.action}`, h)`: a route per
 * element). Over an object table (`Object.keys(routes)`, `Object.entries`, `Object.values`, `for (const k in routes)`),
 * each written or assigned property is an element: its key the prefix, `routes[k]` its value.
 */
import * as path from 'node:path';
import { jsStringLiteral as unquote, lineOf, named, type SyntaxNode as Node } from '../parsing/nodes';
import { isInlineFunction, unwrapExpr } from '../parsing/javascript';
import { clip } from './common';
import type { JsAnalyzer } from './javascript';
import { evalDir } from './jsRegistrations';
import { boundProp, literalArray } from './jsValues';
import type { ModId, Ref } from './model';
import { type Loop, type LoopSyntax, Loops, type Part } from './loops';
import { FolderListings } from './jsFolderLoops';
import { indexedLoop, indexInLoop } from './jsIndexedLoops';

/** Property assignments read for one object (a filled object has a few; minified code assigns thousands to `e`). */
const MAX_ASSIGNS = 64;

/** The array a `forEach`/`map` callback is called on. */
function callbackArray(fn: Node): Node | null {
  const call = fn.parent?.type === 'arguments' ? fn.parent.parent : null;
  const f = call?.childForFieldName('function');
  const m = f?.type === 'member_expression' ? f.childForFieldName('property')?.text : null;
  return m === 'forEach' || m === 'map' ? f!.childForFieldName('object') : null;
}

const isForOf = (n: Node): boolean => n.type === 'for_in_statement' && n.childForFieldName('operator')?.text === 'of';

/**
 * A loop over an object literal's properties (written in place or a name declared once) and what it yields of each:
 * `Object.keys(o)` or the right of `for (const k in o)`: the key; `Object.values(o)`: the value; `Object.entries(o)`: the
 * pair (`[key, value]`). Keys added at run time (`o[k] = …`) are not among them.
 */
function objectSeq(A: JsAnalyzer, seq: Node): { obj: Node; view: 'keys' | 'values' | 'entries' } | null {
  const loop = seq.parent;
  let view: 'keys' | 'values' | 'entries' | null = null;
  let target: Node | null = null;
  if (loop?.type === 'for_in_statement' && loop.childForFieldName('operator')?.text === 'in') [view, target] = ['keys', seq];
  const u = unwrapExpr(seq);
  const f = u?.type === 'call_expression' ? u.childForFieldName('function') : null;
  const m =
    f?.type === 'member_expression' && f.childForFieldName('object')?.text === 'Object' ? f.childForFieldName('property')?.text : null;
  if (!view && (m === 'keys' || m === 'values' || m === 'entries'))
    [view, target] = [m, named(u!.childForFieldName('arguments')!)[0] ?? null];
  let obj = unwrapExpr(target);
  if (obj?.type === 'identifier') obj = unwrapExpr(A.soleDeclarator(obj.text)?.childForFieldName('value') ?? null);
  return view && obj?.type === 'object' ? { obj, view } : null;
}

/** The key node of an object's property: written in the literal, or assigned (`routes[path] = r`, `routes.x = r`). */
function keyOf(el: Node): Node | null {
  if (el.type === 'pair') return el.childForFieldName('key');
  const left = el.type === 'assignment_expression' ? el.childForFieldName('left') : null;
  return left?.childForFieldName(left.type === 'subscript_expression' ? 'index' : 'property') ?? null;
}

/** The value of the property whose key node this is (see keyOf; also inside `as string`, parentheses), or null. */
export function valueOfKey(key0: Node): Node | null {
  let key = key0;
  while (key.parent && /^(as_expression|satisfies_expression|non_null_expression|parenthesized_expression)$/.test(key.parent.type))
    key = key.parent;
  const p = key.parent;
  if (p?.type === 'pair') return p.childForFieldName('key')?.id === key.id ? p.childForFieldName('value') : null;
  const a = p?.parent?.type === 'assignment_expression' ? p.parent : null;
  return a && a.childForFieldName('left')?.id === p!.id ? a.childForFieldName('right') : null;
}

/**
 * The elements of a loop over an object's properties (see objectSeq), seen as the view says: the pairs with a written
 * key, then the properties assigned to its name (`routes[process.env.X] = legacy`: a key known only at run time, whose
 * router is mounted with the prefix unknown and the reason).
 */
function objectElements(o: { obj: Node; view: 'keys' | 'values' | 'entries' }, assigned: Node[]): { elements: Node[]; partial: boolean } {
  const elements: Node[] = [];
  let partial = false;
  for (const p of [...named(o.obj), ...assigned]) {
    if (p.type === 'shorthand_property_identifier' && o.view === 'values') {
      elements.push(p); // `{ users, items }`: the value is the name's
      continue;
    }
    const key = p.type === 'pair' || p.type === 'assignment_expression' ? keyOf(p) : null;
    const value = key ? valueOfKey(key) : null;
    if (!key || !value || key.type === 'computed_property_name') partial ||= p.type !== 'comment';
    else elements.push(o.view === 'keys' ? key : o.view === 'values' ? value : p);
  }
  return { elements, partial };
}

/** `routes[route]`, `route` a loop's name bound to a key of the object `routes` names: that key's value. */
function keyedValue(A: JsAnalyzer, n: Node): Node | null | undefined {
  const index = n.type === 'subscript_expression' ? unwrapExpr(n.childForFieldName('index')) : null;
  const key = index?.type === 'identifier' ? A.boundTo(index.text) : undefined;
  const value = key ? valueOfKey(key) : null;
  if (!value) return undefined;
  // the same object: the literal the name is declared with, or the name a property is assigned to
  const table = n.childForFieldName('object');
  const pair = key!.parent?.type === 'pair' ? key!.parent : null; // else an assignment's subscript or member
  let obj = unwrapExpr(table);
  if (pair && obj?.type === 'identifier') obj = unwrapExpr(A.soleDeclarator(obj.text)?.childForFieldName('value') ?? null);
  const same = pair
    ? obj?.id === pair.parent?.id
    : value.parent?.childForFieldName('left')?.childForFieldName('object')?.text === table?.text;
  return same ? value : undefined;
}

/** A function's first parameter: a name or a destructuring pattern. */
function firstParam(fn: Node): Node | null {
  const params = fn.childForFieldName('parameters');
  const p = fn.childForFieldName('parameter') ?? (params ? (named(params)[0] ?? null) : null);
  return p?.type === 'required_parameter' ? p.childForFieldName('pattern') : p;
}

function jsSyntax(A: JsAnalyzer, forNodes: readonly Node[], memberCalls: readonly Node[], assigned: (obj: Node) => Node[]): LoopSyntax {
  return {
    loop(n) {
      const ix = indexedLoop(A, n);
      if (ix) return { body: n.childForFieldName('body')!, seq: ix.seq };
      if (n.type === 'for_in_statement') {
        const body = n.childForFieldName('body');
        return body ? { body, seq: n.childForFieldName('right') } : null;
      }
      const seq = isInlineFunction(n) ? callbackArray(n) : null;
      return seq ? { body: n, seq } : null;
    },
    names(n) {
      const names = new Map<string, Part>();
      const ix = indexedLoop(A, n); // its element, written `xs[i]`
      if (ix) return names.set(ix.element, { whole: true });
      const pattern = n.type === 'for_in_statement' ? n.childForFieldName('left') : isInlineFunction(n) ? firstParam(n) : null;
      if (pattern?.type === 'identifier') names.set(pattern.text, { whole: true });
      if (pattern?.type === 'array_pattern')
        named(pattern).forEach((c, index) => c.type === 'identifier' && !names.has(c.text) && names.set(c.text, { index }));
      for (const c of pattern?.type === 'object_pattern' ? named(pattern) : []) {
        const v = c.type === 'pair_pattern' ? c.childForFieldName('value') : c.type === 'shorthand_property_identifier_pattern' ? c : null;
        if (v && !names.has(v.text))
          names.set(v.text, { key: c.type === 'pair_pattern' ? (c.childForFieldName('key')?.text ?? '') : v.text });
      }
      return names;
    },
    elements(seq) {
      const o = objectSeq(A, seq);
      if (o) return objectElements(o, assigned(o.obj));
      if (seq.parent?.type === 'for_in_statement' && !isForOf(seq.parent)) return null; // the indexes of an array
      const u = literalArray(A, seq);
      if (!u) return null;
      // `[...a, ...b]`: the elements of the constant arrays of this file it spreads; one spreading anything else (an
      // imported array) is no literal loop: its elements are read across files (./jsCalls perElement)
      const elements: Node[] = [];
      for (const e of named(u)) {
        const spread = e.type === 'spread_element' ? (named(e)[0] ?? null) : null;
        const els = spread ? A.arrayElements(spread) : [e];
        if (!els) return null;
        elements.push(...els);
      }
      return { elements, partial: false };
    },
    part(el0, part) {
      const el = unwrapExpr(el0) ?? el0;
      if ('whole' in part) return el;
      if ('index' in part) {
        if (el.type === 'array') return named(el)[part.index] ?? null;
        const k = el.type === 'pair' || el.type === 'assignment_expression' ? keyOf(el) : null;
        return part.index === 0 ? k : part.index === 1 && k ? valueOfKey(k) : null;
      }
      return el.type === 'object' ? A.prop(el, part.key) : null;
    },
    strings(seq) {
      const u = literalArray(A, seq);
      const out: string[] = [];
      for (const e of u ? named(u) : []) {
        const v = e.type === 'string' ? unquote(e) : null;
        if (v === null) return null;
        out.push(v);
      }
      return u ? out : null;
    },
    candidates: () => [
      ...forNodes.map((f) => ({
        seq: isForOf(f) ? f.childForFieldName('right') : ((indexedLoop(A, f) ?? indexInLoop(f))?.seq ?? null),
        loop: () => f,
      })),
      ...memberCalls.flatMap((c) => {
        const f = c.childForFieldName('function')!;
        const m = f.childForFieldName('property')?.text;
        const loop = (): Node | null => {
          const cb = unwrapExpr(named(c.childForFieldName('arguments')!)[0] ?? null);
          return cb && isInlineFunction(cb) ? cb : null;
        };
        // a `filter` callback runs for every element too (`readdirSync(dir).filter((f) => … && app.use(…))`)
        return m === 'forEach' || m === 'map' || m === 'filter' ? [{ seq: f.childForFieldName('object'), loop }] : [];
      }),
    ],
  };
}

/**
 * `const controllers = {}` then `controllers.user = x`, `controllers[file] = …`: the assignments to properties of the
 * object literal's name in the scope of its declaration, in document order (a bounded number of them).
 */
function assignments(js: JsAnalyzer, assignNodes: readonly Node[]): (obj: Node) => Node[] {
  let byName: Map<string, Node[]> | null = null;
  return (obj) => {
    const decl = obj.parent;
    const name = decl?.type === 'variable_declarator' ? decl.childForFieldName('name') : null;
    if (name?.type !== 'identifier') return [];
    if (!byName) {
      byName = new Map();
      for (const a of assignNodes) {
        const left = a.childForFieldName('left');
        const o = left?.type === 'member_expression' || left?.type === 'subscript_expression' ? left.childForFieldName('object') : null;
        if (o?.type !== 'identifier') continue;
        const list = byName.get(o.text);
        if (list) list.push(a);
        else byName.set(o.text, [a]);
      }
    }
    const { start, end } = js.scopeRange(decl!);
    const list = byName.get(name.text) ?? [];
    let lo = 0;
    for (let hi = list.length; lo < hi;) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.startIndex < start) lo = mid + 1;
      else hi = mid;
    }
    return list.slice(lo, lo + MAX_ASSIGNS).filter((a) => a.startIndex < end);
  };
}

/** `Object.values(o)` of an object literal (written in place or a name declared once): its written values; else null. */
export function objectValues(A: JsAnalyzer, n: Node): Node[] | null {
  const o = objectSeq(A, n);
  return o?.view === 'values' ? objectElements(o, []).elements : null;
}

/** A name read in a loop body: `prefix`, also as a shorthand property (`{ prefix }`). */
function isName(n: Node | null | undefined): n is Node {
  return n?.type === 'identifier' || n?.type === 'shorthand_property_identifier';
}

/** JS/TS loops over a literal array, object properties assigned in them, and computed module names. */
export class LiteralLoops extends Loops {
  /** The file's loops over folder listings (./jsFolderLoops). */
  readonly folders: FolderListings;

  constructor(
    private readonly js: JsAnalyzer,
    forNodes: readonly Node[],
    /** Member calls of the query (`.forEach(…)` and `.map(…)` among them). */
    memberCalls: readonly Node[],
    assignNodes: readonly Node[],
    /** The property assignments of an object literal's name (see assignments). */
    private readonly assigned = assignments(js, assignNodes),
  ) {
    super(js, jsSyntax(js, forNodes, memberCalls, assigned));
    this.folders = new FolderListings(js, () => this.syntax.candidates());
  }

  /** The loop over a literal array whose names the arguments of a call inside it read (`r.path`, `prefix`): the
   *  nearest loop binding the name. A bare `forEach` parameter is passed on as it is (call edges follow it). */
  loopOfArgs(argv: readonly Node[]): Loop | null {
    for (const a of argv) {
      // `route.initRoutes()`: a method called on each element is read as the element's member
      const c = unwrapExpr(a);
      const f = c?.type === 'call_expression' ? c.childForFieldName('function') : null;
      const u = f?.type === 'member_expression' ? f : c;
      const member = u?.type === 'member_expression' || u?.type === 'subscript_expression';
      const id =
        u?.type === 'member_expression'
          ? u.childForFieldName('object')
          : u?.type === 'subscript_expression'
            ? unwrapExpr(u.childForFieldName('index'))
            : u;
      if (!isName(id)) continue;
      for (let p = id.parent; p; p = p.parent) {
        const fn = isInlineFunction(p);
        const part = fn || p.type === 'for_in_statement' ? this.syntax.names(p).get(id.text) : undefined;
        if (!part) continue;
        // a bare callback parameter over an array is passed on as it is; over an object's properties it is each one
        const seq = fn ? this.syntax.loop(p)?.seq : null;
        const overObject = !!seq && !!objectSeq(this.js, seq);
        const loop = fn && 'whole' in part && !member && !overObject ? null : this.of(p);
        // `c.path` of an element that is a name or an instance (`[health, stats]`): its fields are read across files,
        // through the call made per element (./jsCalls)
        if (loop && 'whole' in part && c!.type === 'member_expression' && loop.elements.some((e) => unwrapExpr(e)?.type !== 'object'))
          return null;
        if (loop) return loop;
        break; // bound by another function's parameter, or over something else
      }
    }
    return null;
  }

  /** The loop over a literal array of objects whose elements a route's path reads (`/x/${t.action}`, `'/' + t.id`, `r.path`):
   *  the path is one per element. Null when the path reads no such loop, or while that loop is read at an element. */
  pathLoop(path: Node): Loop | null {
    const reads = (n: Node | null): Node[] => {
      const u = unwrapExpr(n);
      if (u?.type === 'template_string')
        return named(u).flatMap((t) => (t.type === 'template_substitution' ? reads(named(t)[0] ?? null) : []));
      if (u?.type === 'binary_expression') return [...reads(u.childForFieldName('left')), ...reads(u.childForFieldName('right'))];
      return u?.type === 'member_expression' ? [u] : [];
    };
    const members = reads(path);
    const loop = members.length ? this.loopOfArgs(members) : null;
    if (!loop || loop.partial || loop.elements.some((e) => unwrapExpr(e)?.type !== 'object')) return null;
    for (let b = this.js.loopEl; b; b = b.outer) if (b.loop === loop) return null;
    return loop;
  }

  /** `route.initRoutes()` at the element being read, an instance: what the method returns (./refs `ret`); else null. */
  elementCall(n: Node): Ref | null {
    const f = n.type === 'call_expression' ? n.childForFieldName('function') : null;
    const o = f?.type === 'member_expression' ? f.childForFieldName('object') : null;
    const el = isName(o) ? this.js.boundTo(o.text) : undefined;
    const base = el ? this.js.refOf(el) : null;
    const name = f?.childForFieldName('property')?.text;
    return base && this.js.isInstance(base) && name ? { k: 'ret', callee: { k: 'mem', base, name } } : null;
  }

  /** The node `n` (an argument of a call in a loop) stands for at the element being read. */
  pick(n0: Node): Node | null {
    const n = unwrapExpr(n0) ?? n0;
    const bound =
      n.type === 'member_expression'
        ? boundProp(this.js, n)
        : n.type === 'subscript_expression'
          ? keyedValue(this.js, n)
          : isName(n)
            ? this.js.boundTo(n.text)
            : undefined;
    return bound === undefined ? n : bound;
  }

  /**
   * `const controllers = {}` then `controllers.user = x` or, in a loop over a literal list, `controllers[file] = …`: the
   * properties assigned to the object in the scope of its declaration.
   */
  assignedProps(obj: Node): Record<string, Ref> {
    const props: Record<string, Ref> = {};
    const set = (k: string, v: Node): void => {
      const r = this.js.refOf(v);
      if (r.k !== 'none') props[k] = r;
    };
    for (const a of this.assigned(obj)) {
      const left = a.childForFieldName('left')!;
      const right = a.childForFieldName('right');
      if (!right) continue;
      if (left.type === 'member_expression') set(left.childForFieldName('property')?.text ?? '', right);
      const index = left.type === 'subscript_expression' ? unwrapExpr(left.childForFieldName('index')) : null;
      const key = index?.type === 'string' ? unquote(index) : null;
      if (key !== null) set(key, right);
      const l = index?.type === 'identifier' ? this.around(a) : null;
      if (l && l.name === index!.text) l.loop.elements.forEach((el, i) => this.js.withElement(l.loop, el, () => set(l.values[i]!, right)));
    }
    return props;
  }

  /**
   * The module a computed `require(…)`/`import(…)` loads with the loop variable bound, or when its name is known
   * statically anyway (`path.resolve(__dirname, './users/route.ts')`, `new URL('./a.ts', import.meta.url).href`), also
   * recorded as a load of the file; or each file of the folder a listing loop reads (`each:<i>`, ./jsFolderLoops), or
   * null; outside those, the load is recorded with the folder it reads.
   */
  computedModule(arg: Node, call: Node): ModId | null {
    const A = this.js;
    const known = A.loopEl ? null : staticSpec(A, arg);
    if (A.loopEl || known !== null) {
      const v = known === null ? A.evalStr(arg) : { s: known };
      const spec = 's' in v ? v.s : evalDir(A, arg);
      if (spec === null) return null;
      const mod = A.modId(spec);
      if (A.fa.loads && !A.fa.loads.includes(mod)) A.fa.loads.push(mod);
      this.understood(call);
      return mod;
    }
    const each = this.inside(call) ? null : this.folders.module(arg, call);
    const dir = each ? (each.loop.cwd ? null : each.loop.dir) : this.inside(call) ? null : computedDir(A, arg);
    const line = lineOf(call);
    const loads = (A.fa.computedLoads ??= []);
    if (dir && !loads.some((l) => l.line === line)) loads.push({ text: clip(call.text), line, dir });
    if (dir || each) this.understood(call);
    return each?.mod ?? null;
  }

  /** Computed loads understood, by call: its line (jsLoads.ts narrows the dead-module filter to what they read). */
  private readonly known = new Map<number, number>();
  private understood(call: Node): void {
    this.known.set(call.startIndex, lineOf(call));
    this.js.fa.computedKnown = [...this.known.values()];
  }
}

/**
 * A module name that evaluates statically: a string expression, a path in the module's folder (`path.resolve(__dirname,
 * './users/route.ts')`, `join(__dirname, 'orders', 'route.ts')`), a file URL relative to the module (`new URL('./a.ts',
 * import.meta.url)`, its `href`, `fileURLToPath(…)` of it), or a `const` holding one. Not a value configured at run time
 * (an environment variable's default): which module loads is then unknown.
 */
function staticSpec(A: JsAnalyzer, arg: Node, depth = 0): string | null {
  const u = unwrapExpr(arg);
  if (!u || depth > 4) return null;
  const str = (n: Node | undefined): string | null => {
    const v = n ? A.evalStr(n) : null;
    return v && 's' in v && !v.src ? v.s : null;
  };
  if (u.type === 'member_expression') {
    const m = u.childForFieldName('property')?.text;
    const o = unwrapExpr(u.childForFieldName('object'));
    return (m === 'href' || m === 'pathname') && o?.type === 'new_expression' ? staticSpec(A, o, depth + 1) : str(u);
  }
  if (u.type === 'identifier') {
    // `const contactRoutePath = resolve(__dirname, './contact/route.ts')`, then `loadRoute(contactRoutePath)`
    const held = A.soleDeclarator(u.text, u)?.childForFieldName('value');
    return (held && staticSpec(A, held, depth + 1)) ?? str(u);
  }
  const args = u.type === 'call_expression' || u.type === 'new_expression' ? named(u.childForFieldName('arguments') ?? u) : [];
  if (u.type === 'new_expression') {
    if (u.childForFieldName('constructor')?.text !== 'URL' || args[1]?.text !== 'import.meta.url') return null;
    const rel = str(args[0]);
    return rel === null ? null : path.resolve(A.dir, rel);
  }
  if (u.type !== 'call_expression') return str(u);
  const f = u.childForFieldName('function');
  const fname = f?.type === 'member_expression' ? f.childForFieldName('property')?.text : f?.text;
  if (fname === 'fileURLToPath' && args.length === 1) return staticSpec(A, args[0]!, depth + 1);
  if ((fname !== 'join' && fname !== 'resolve') || !args.length) return null;
  // `__dirname`, `import.meta.dirname`, a `__dirname` of the module's own; desm's `join(import.meta.url, 'routes')`
  const base = args[0]!.text === 'import.meta.url' ? A.dir : evalDir(A, args[0]!);
  if (base === A.file) return null;
  const rest = args.slice(1).map((a) => str(a));
  if (!base || !path.isAbsolute(base) || rest.some((x) => x === null)) return null;
  return fname === 'join' ? path.join(base, ...(rest as string[])) : path.resolve(base, ...(rest as string[]));
}

/** The folder a computed module name reads: `./legacy/${f}`, `'./legacy/' + f` → legacy/, `path.join(__dirname, 'routes',
 *  f)` → routes/; an ES module's file URL of such a path (`pathToFileURL(p).href`), or a `const` holding one. */
function computedDir(A: JsAnalyzer, arg: Node | null, depth = 0): string | null {
  let u = unwrapExpr(arg);
  if (depth > 4) return null;
  if (u?.type === 'member_expression' && u.childForFieldName('property')?.text === 'href') u = unwrapExpr(u.childForFieldName('object'));
  const url = u?.type === 'call_expression' && /(?:^|\.)pathToFileURL$/.test(u.childForFieldName('function')?.text ?? '');
  if (url) return computedDir(A, named(u!.childForFieldName('arguments')!)[0] ?? null, depth + 1);
  const held = u?.type === 'identifier' ? A.soleDeclarator(u.text, u)?.childForFieldName('value') : null;
  if (held) return computedDir(A, held, depth + 1);
  const left = u?.type === 'binary_expression' ? u.childForFieldName('left') : null;
  if (u?.type === 'template_string' || left?.type === 'string') {
    const head = left ? (unquote(left) ?? '') : u!.text.slice(1, u!.text.indexOf('${'));
    const dir = head.slice(0, head.lastIndexOf('/') + 1);
    return dir.startsWith('.') ? path.resolve(A.dir, dir) : null;
  }
  const f = u?.type === 'call_expression' ? u.childForFieldName('function') : null;
  if (!f || !/(?:^|\.)(?:join|resolve)$/.test(f.text)) return null;
  const [first, ...rest] = named(u!.childForFieldName('arguments')!);
  let dir = first ? evalDir(A, first) : null;
  for (const a of rest) {
    const v = dir ? A.evalStr(a) : null;
    if (!v || !('s' in v) || v.src) break; // a configured name (an environment variable's default) may be any
    dir = path.join(dir!, v.s);
  }
  return dir;
}
