/**
 * Loops over a literal list (`['users', 'todos'].forEach((f) => …)`, `.map(…)`, `for (const f of FILES) …`): a
 * registration, call or property assignment in the loop body that depends on the loop variable is read once per element,
 * the variable bound to it, so `require(`./${f}`)`, `import(`./routes/${f}.js`)` and `path.join(__dirname, 'routes', f)`
 * name a module and `/${f}` a prefix. A computed load over anything else (a folder read at run time) is recorded with
 * the folder it reads, so a router of that folder says how it is mounted.
 */
import * as path from 'node:path';
import { jsStringLiteral as unquote, lineOf, named, type SyntaxNode as Node } from '../parsing/nodes';
import { isInlineFunction, jsParamNames, unwrapExpr } from '../parsing/javascript';
import { clip } from './common';
import type { JsAnalyzer } from './javascript';
import { evalDir } from './jsRegistrations';
import type { Ref } from './model';

interface LiteralLoop {
  /** Byte range of the loop body (the callback, or the `for` statement's body). */
  start: number;
  end: number;
  name: string;
  values: string[];
  /** Names bound in the body whose value uses the variable (`const mod = await import(`./${f}.js`)`). */
  deps?: RegExp | null;
}

const word = (names: string[]): RegExp => new RegExp(`(?<![\\w$.])(?:${names.map((n) => n.replace(/\$/g, '\\$')).join('|')})(?![\\w$])`);

export class LiteralLoops {
  private list: LiteralLoop[] | null = null;
  private assigns: Map<string, Node[]> | null = null;

  constructor(
    private readonly A: JsAnalyzer,
    private readonly forNodes: readonly Node[],
    private readonly eachNodes: readonly Node[],
    private readonly assignNodes: readonly Node[],
  ) {}

  private loops(): LiteralLoop[] {
    if (this.list) return this.list;
    const list: LiteralLoop[] = [];
    const add = (body: Node | null, name: string | null | undefined, over: Node | null): void => {
      const values = body && name && over ? this.strings(over) : null;
      if (values?.length) list.push({ start: body!.startIndex, end: body!.endIndex, name: name!, values });
    };
    for (const f of this.forNodes) {
      const left = f.childForFieldName('left');
      if (f.childForFieldName('operator')?.text === 'of' && left?.type === 'identifier')
        add(f.childForFieldName('body'), left.text, f.childForFieldName('right'));
    }
    for (const c of this.eachNodes) {
      const cb = unwrapExpr(named(c.childForFieldName('arguments')!)[0] ?? null);
      if (cb && isInlineFunction(cb)) add(cb, jsParamNames(cb)[0], c.childForFieldName('function')!.childForFieldName('object'));
    }
    return (this.list = list);
  }

  /** The strings of a literal array, written in place or a `const`/`let` of this file bound once. */
  private strings(n: Node): string[] | null {
    let u = unwrapExpr(n);
    if (u?.type === 'identifier') u = unwrapExpr(this.A.soleDeclarator(u.text)?.childForFieldName('value') ?? null);
    if (u?.type !== 'array') return null;
    const out: string[] = [];
    for (const e of named(u)) {
      if (e.type === 'comment') continue;
      const v = e.type === 'string' ? unquote(e) : null;
      if (v === null) return null;
      out.push(v);
    }
    return out;
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
      if (word([l.name]).test(text)) return l;
      if (l.deps === undefined) {
        const uses = word([l.name]);
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
    for (const v of loop.values) this.A.withElement(loop.name, v, f);
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
        if (o?.type === 'identifier') this.assigns.set(o.text, [...(this.assigns.get(o.text) ?? []), a]);
      }
    }
    const props: Record<string, Ref> = {};
    const set = (k: string, v: Node): void => {
      const r = this.A.refOf(v);
      if (r.k !== 'none') props[k] = r;
    };
    for (const a of this.assigns.get(name.text) ?? []) {
      if (!this.A.sameScope(decl!, a)) continue;
      const left = a.childForFieldName('left')!;
      const right = a.childForFieldName('right');
      if (!right) continue;
      if (left.type === 'member_expression') set(left.childForFieldName('property')?.text ?? '', right);
      const index = left.type === 'subscript_expression' ? unwrapExpr(left.childForFieldName('index')) : null;
      const key = index?.type === 'string' ? unquote(index) : null;
      if (key !== null) set(key, right);
      const loop = index?.type === 'identifier' ? this.around(a) : null;
      if (loop?.name === index?.text) for (const v of loop?.values ?? []) this.A.withElement(loop!.name, v, () => set(v, right));
    }
    return props;
  }

  /**
   * The module a computed `require(…)`/`import(…)` loads with the loop variable bound (also recorded as a load of the
   * file), or null; outside a literal loop, the load is recorded with the folder it reads.
   */
  computedSpec(arg: Node, call: Node): string | null {
    const A = this.A;
    if (A.loopEl) {
      const v = A.evalStr(arg);
      const spec = 's' in v ? v.s : evalDir(A, arg);
      if (spec !== null) {
        const mod = A.modId(spec);
        if (A.fa.loads && !A.fa.loads.includes(mod)) A.fa.loads.push(mod);
      }
      return spec;
    }
    const dir = this.inside(call) ? null : computedDir(A, arg);
    const line = lineOf(call);
    const loads = (A.fa.computedLoads ??= []);
    if (dir && !loads.some((l) => l.line === line)) loads.push({ text: clip(call.text), line, dir });
    return null;
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
