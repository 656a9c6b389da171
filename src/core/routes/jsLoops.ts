/**
 * JS/TS loops over a literal list (`['users', 'todos'].forEach((f) => …)`, `.map(…)`, `for (const f of FILES) …`; see
 * ./loops): `require(`./${f}`)`, `import(`./routes/${f}.js`)` and `path.join(__dirname, 'routes', f)` name a module, an
 * object filled in such a loop (`controllers[f] = …`) has a property per element. A computed load over anything else (a
 * folder read at run time) is recorded with the folder it reads, so a router of that folder says how it is mounted.
 */
import * as path from 'node:path';
import { jsStringLiteral as unquote, lineOf, named, type SyntaxNode as Node } from '../parsing/nodes';
import { isInlineFunction, jsParamNames, unwrapExpr } from '../parsing/javascript';
import { clip } from './common';
import type { JsAnalyzer } from './javascript';
import { evalDir } from './jsRegistrations';
import { literalArray } from './jsValues';
import type { Ref } from './model';
import { type LiteralLoop, Loops } from './loops';

/** Property assignments read for one object (a filled object has a few; minified code assigns thousands to `e`). */
const MAX_ASSIGNS = 64;

/** JS/TS loops over a literal list, object properties assigned in them, and computed module names. */
export class LiteralLoops extends Loops {
  private assigns: Map<string, Node[]> | null = null;

  constructor(
    private readonly js: JsAnalyzer,
    private readonly forNodes: readonly Node[],
    /** Member calls of the query (`.forEach(…)` and `.map(…)` among them). */
    private readonly memberCalls: readonly Node[],
    private readonly assignNodes: readonly Node[],
  ) {
    super(js, () => this.findLoops());
  }

  private findLoops(): LiteralLoop[] {
    const list: LiteralLoop[] = [];
    // the list first: most loops are over something else, and reading nodes is what costs
    for (const f of this.forNodes) {
      const values = this.strings(f.childForFieldName('right'));
      const left = values && f.childForFieldName('operator')?.text === 'of' ? f.childForFieldName('left') : null;
      const body = left?.type === 'identifier' ? f.childForFieldName('body') : null;
      if (body) list.push({ start: body.startIndex, end: body.endIndex, name: left!.text, values: values! });
    }
    for (const c of this.memberCalls) {
      const f = c.childForFieldName('function')!;
      const m = f.childForFieldName('property')?.text;
      const values = m === 'forEach' || m === 'map' ? this.strings(f.childForFieldName('object')) : null;
      const cb = values ? unwrapExpr(named(c.childForFieldName('arguments')!)[0] ?? null) : null;
      const name = cb && isInlineFunction(cb) ? jsParamNames(cb)[0] : null;
      if (name) list.push({ start: cb!.startIndex, end: cb!.endIndex, name, values: values! });
    }
    return list;
  }

  /** The strings of a literal array, written in place or a `const`/`let` of this file bound once. */
  private strings(n: Node | null): string[] | null {
    const u = literalArray(this.js, n);
    if (!u) return null;
    const out: string[] = [];
    for (const e of named(u)) {
      if (e.type === 'comment') continue;
      const v = e.type === 'string' ? unquote(e) : null;
      if (v === null) return null;
      out.push(v);
    }
    return out;
  }

  /**
   * `const controllers = {}` then `controllers.user = x` or, in a loop over a literal list, `controllers[file] = …`: the
   * properties assigned to the object in the scope of its declaration.
   */
  assignedProps(obj: Node): Record<string, Ref> {
    const decl = obj.parent;
    const name = decl?.type === 'variable_declarator' ? decl.childForFieldName('name') : null;
    if (name?.type !== 'identifier') return {};
    if (!this.assigns) {
      this.assigns = new Map();
      for (const a of this.assignNodes) {
        const left = a.childForFieldName('left');
        const o = left?.type === 'member_expression' || left?.type === 'subscript_expression' ? left.childForFieldName('object') : null;
        if (o?.type !== 'identifier') continue;
        const list = this.assigns.get(o.text);
        if (list) list.push(a);
        else this.assigns.set(o.text, [a]);
      }
    }
    const props: Record<string, Ref> = {};
    const set = (k: string, v: Node): void => {
      const r = this.js.refOf(v);
      if (r.k !== 'none') props[k] = r;
    };
    // the assignments in the scope of the declaration (in document order), a bounded number of them
    const { start, end } = this.js.scopeRange(decl!);
    const list = this.assigns.get(name.text) ?? [];
    let lo = 0;
    for (let hi = list.length; lo < hi;) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.startIndex < start) lo = mid + 1;
      else hi = mid;
    }
    for (const a of list.slice(lo, lo + MAX_ASSIGNS)) {
      if (a.startIndex >= end) break;
      const left = a.childForFieldName('left')!;
      const right = a.childForFieldName('right');
      if (!right) continue;
      if (left.type === 'member_expression') set(left.childForFieldName('property')?.text ?? '', right);
      const index = left.type === 'subscript_expression' ? unwrapExpr(left.childForFieldName('index')) : null;
      const key = index?.type === 'string' ? unquote(index) : null;
      if (key !== null) set(key, right);
      const loop = index?.type === 'identifier' ? this.around(a) : null;
      if (loop?.name === index?.text) for (const v of loop?.values ?? []) this.js.withElement(loop!, v, () => set(v, right));
    }
    return props;
  }

  /**
   * The module a computed `require(…)`/`import(…)` loads with the loop variable bound (also recorded as a load of the
   * file), or null; outside a literal loop, the load is recorded with the folder it reads.
   */
  computedSpec(arg: Node, call: Node): string | null {
    const A = this.js;
    if (A.loopEl) {
      const v = A.evalStr(arg);
      const spec = 's' in v ? v.s : evalDir(A, arg);
      if (spec !== null) {
        const mod = A.modId(spec);
        if (A.fa.loads && !A.fa.loads.includes(mod)) A.fa.loads.push(mod);
        this.understood(call);
      }
      return spec;
    }
    const dir = this.inside(call) ? null : computedDir(A, arg);
    const line = lineOf(call);
    const loads = (A.fa.computedLoads ??= []);
    if (dir && !loads.some((l) => l.line === line)) loads.push({ text: clip(call.text), line, dir });
    if (dir) this.understood(call);
    return null;
  }

  /** Computed loads understood, by call: its line (jsLoads.ts narrows the dead-module filter to what they read). */
  private readonly known = new Map<number, number>();
  private understood(call: Node): void {
    this.known.set(call.startIndex, lineOf(call));
    this.js.fa.computedKnown = [...this.known.values()];
  }
}

/** The folder a computed module name reads: `./legacy/${f}` → legacy/, `path.join(__dirname, 'routes', f)` → routes/. */
function computedDir(A: JsAnalyzer, arg: Node): string | null {
  const u = unwrapExpr(arg);
  if (u?.type === 'template_string') {
    const head = u.text.slice(1, u.text.indexOf('${'));
    const dir = head.slice(0, head.lastIndexOf('/') + 1);
    return dir.startsWith('.') ? path.resolve(A.dir, dir) : null;
  }
  const f = u?.type === 'call_expression' ? u.childForFieldName('function') : null;
  if (!f || !/(?:^|\.)(?:join|resolve)$/.test(f.text)) return null;
  const [first, ...rest] = named(u!.childForFieldName('arguments')!);
  let dir = first ? evalDir(A, first) : null;
  for (const a of rest) {
    const v = dir ? A.evalStr(a) : null;
    if (!v || !('s' in v)) break;
    dir = path.join(dir!, v.s);
  }
  return dir;
}
