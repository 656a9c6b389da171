/**
 * The NestJS module graph: an application serves the controllers of the modules reachable from the root module given to
 * `NestFactory.create(AppModule)` through `imports` (a class, `X.forRoot(…)` / `forFeature` / `register`, `forwardRef(() =>
 * X)`, spreads of constant arrays, the `imports` and `controllers` of a module's own dynamic modules). A controller whose
 * modules are all outside that graph is not served, as a never-mounted Express router is not: its routes get no full path
 * (with the reason), and none at all when nothing loads the module's file (dead code); so is a controller no `@Module`
 * lists, once every module of the project is read whole (none at all when nothing loads its file). Conservative: a
 * bootstrap whose root or graph cannot be followed (an element computed at run time, a project class with no readable
 * `@Module`, an import that names no project class, no NestJS package and no registry package a package.json above it
 * depends on (`MailerModule` of '@nestjs-modules/mailer': a package's module reaches no project module but those its
 * call is given), a static method other than those, too many names) leaves every controller as it was; so does a
 * controller no `@Module` lists that a dynamic module call is given (`X.forRoot({ controllers: [C] })`). A controller
 * is served when any application reaches one of its modules. A testing module (`Test.createTestingModule({ controllers:
 * [C] })` in a spec) is no `@Module` and serves nothing; a spec the app never loads is not even read (./scanRules). Pure.
 */
import { lineOf, named, walk, type SyntaxNode as Node } from '../parsing/nodes';
import { unwrapExpr } from '../parsing/javascript';
import { clip } from './common';
import type { JsAnalyzer } from './javascript';
import { literalArray } from './jsValues';
import type { FileAnalysis, NestImports, Ref } from './model';
import type { Ent } from './values';
import * as path from 'node:path';

/** Static methods that make a dynamic module (`static forRoot(): DynamicModule { return { module: X, … } }`). */
const DYNAMIC = /^(?:forRoot|forFeature|register|forRootAsync|forFeatureAsync|registerAsync)$/;
const MAX_ALSO = 256;
const MAX_MODULES = 5000;
/** Bootstraps a reason names. */
const MAX_NAMED = 3;

// ---- analysis ------------------------------------------------------------------------------------

/** `NestFactory.create(AppModule, …)` (also `createMicroservice`, `createApplicationContext`), `NestFactory` the one of
 *  `@nestjs/core` (also `core.NestFactory`): the root module. */
export function nestBootstrap(A: JsAnalyzer, n: Node, argv: readonly Node[]): boolean {
  // `await NestFactory.create<T>(…)` parses as a call of `await NestFactory.create` (a type argument after an await)
  const f = unwrapExpr(n.childForFieldName('function'));
  const method = f?.type === 'member_expression' ? (f.childForFieldName('property')?.text ?? '') : '';
  if (!/^create\w*$/.test(method) || !argv[0]) return false;
  const pkg = A.pkgOf(A.refOf(f!.childForFieldName('object')));
  if (pkg?.pkg !== '@nestjs/core' || pkg.name !== 'NestFactory') return false;
  (A.fa.nestBoots ??= []).push({ module: A.refOf(argv[0]), line: lineOf(f!), ...(method === 'create' ? {} : { noHttp: true as const }) });
  return true;
}

/** What `@Module({ imports })` of class `cls` (body `body`) imports, and what its dynamic modules add. */
export function nestImports(A: JsAnalyzer, o: Node, body: Node | null): NestImports {
  const g: NestImports = { imports: [], also: [], controllers: [] };
  readList(A, A.prop(o, 'imports'), g, false, 0);
  for (const m of body ? named(body) : []) {
    const name = (m.childForFieldName('name') ?? m.childForFieldName('property'))?.text;
    if (!name || !DYNAMIC.test(name) || !m.children.some((c) => c?.type === 'static')) continue;
    if (m.type !== 'method_definition') {
      g.unknown ??= `${name} is no static method`;
      continue;
    }
    const ret = unwrapExpr(A.returnedExpr(m) ?? null);
    if (ret?.type !== 'object') {
      g.unknown ??= `${name}() returns ${ret ? clip(ret.text, 40) : 'no object literal'}`;
      continue;
    }
    readList(A, A.prop(ret, 'imports'), g, false, 0);
    readList(A, A.prop(ret, 'controllers'), g, true, 0);
  }
  return g;
}

function readList(A: JsAnalyzer, n: Node | null, g: NestImports, controllers: boolean, depth: number): void {
  const u = unwrapExpr(n);
  if (!u) return;
  if (u.type === 'ternary_expression') {
    readList(A, u.childForFieldName('consequence'), g, controllers, depth + 1);
    readList(A, u.childForFieldName('alternative'), g, controllers, depth + 1);
    return;
  }
  const arr = depth < 4 ? literalArray(A, u, true) : null;
  if (!arr) {
    // a constant array of another module (CallGraph.arrayOf), or one class
    if (u.type === 'identifier' || u.type === 'member_expression') (controllers ? g.controllers : g.imports).push(A.refOf(u));
    else if (!controllers) g.unknown ??= clip(u.text, 60);
    return;
  }
  for (const e of named(arr)) {
    if (e.type === 'comment') continue;
    if (e.type === 'spread_element') readList(A, named(e)[0] ?? null, g, controllers, depth + 1);
    else if (controllers) g.controllers.push(A.refOf(e));
    else importElement(A, e, g, 0);
  }
}

function importElement(A: JsAnalyzer, e: Node | null, g: NestImports, depth: number): void {
  const u = unwrapExpr(e);
  const f = u?.type === 'call_expression' ? unwrapExpr(u.childForFieldName('function')) : null;
  const args = u?.type === 'call_expression' ? named(u.childForFieldName('arguments') ?? u) : [];
  if (u && depth < 4 && (u.type === 'identifier' || u.type === 'member_expression')) g.imports.push(A.refOf(u));
  else if (u?.type === 'ternary_expression') {
    importElement(A, u.childForFieldName('consequence'), g, depth + 1);
    importElement(A, u.childForFieldName('alternative'), g, depth + 1);
  } else if (f?.type === 'identifier' && f.text === 'forwardRef' && args[0]) {
    importElement(A, A.returnedExpr(args[0]) ?? null, g, depth + 1);
  } else if (f?.type === 'member_expression' && depth < 4) {
    const obj = unwrapExpr(f.childForFieldName('object'));
    if (!DYNAMIC.test(f.childForFieldName('property')?.text ?? '')) {
      if (obj?.type === 'identifier' || obj?.type === 'member_expression') (g.calls ??= []).push(A.refOf(obj));
      else g.unknown ??= clip(u!.text, 60);
    }
    importElement(A, obj, g, depth + 1);
    for (const a of args)
      walk(a, (x) => {
        if (x.type === 'identifier' && /^[A-Z]/.test(x.text)) g.also.push(A.refOf(x));
        if (g.also.length < MAX_ALSO) return true;
        g.unknown ??= `more than ${MAX_ALSO} names in ${clip(u!.text, 40)}`;
        return false;
      });
  } else g.unknown ??= clip(u?.text ?? '', 60);
}

// ---- resolution ----------------------------------------------------------------------------------

interface Boot {
  file: string;
  line: number;
  /** The modules the application reaches (`file|cls`), or why its graph is not whole. */
  reached: Set<string> | { why: string };
  root: string;
  /** `createMicroservice` / `createApplicationContext`: no HTTP server. */
  noHttp?: true;
}

export class NestGraph {
  private boots: Boot[] | null = null;
  private declared: Map<string, string[]> | null = null;
  private loaded: Set<string> | null = null;
  private whole: boolean | null = null;
  private given: Set<string> | null = null;

  constructor(
    private readonly files: ReadonlyMap<string, FileAnalysis>,
    private readonly resolve: (file: string, ref: Ref) => Ent | null,
    private readonly arrayOf: (file: string, ref: Ref) => { file: string; ref: Ref }[],
    private readonly rel: (file: string) => string,
    private readonly loadedFiles: () => Set<string>,
    /** Whether a bare import of a file names a registry package its package.json depends on. */
    private readonly installed: (file: string, spec: string) => boolean = () => false,
  ) {}

  /**
   * Why the controller `cls` of `file` is not served (null when it is, or when that is not certain), and whether its
   * modules are dead code (`drop`).
   */
  unserved(file: string, cls: number): { why: string; drop: boolean } | null {
    const mods = this.declaredBy().get(`${file}|${cls}`);
    if (!mods?.length) return this.undeclared(file, cls);
    const boots = this.bootsOf(file);
    if (!boots.length) return null;
    // served when any HTTP application reaches one of its modules (a shared controller of another app's folder)
    const reaches = (b: Boot): boolean => b.reached instanceof Set && mods.some((m) => (b.reached as Set<string>).has(m));
    // (one whose graph is not whole may reach anything, but a file in a microservice's folder only from its own folder)
    const inNoHttp = boots.some((b) => b.noHttp);
    for (const b of this.boots!)
      if (!b.noHttp && (reaches(b) || (!(b.reached instanceof Set) && (!inNoHttp || boots.includes(b))))) return null;
    // only a microservice or an application context reaches it: no HTTP server, its HTTP decorators answer nothing
    // (one whose graph is not whole reaches what its folder holds)
    const noHttp = this.boots!.filter((b) => b.noHttp && (reaches(b) || (!(b.reached instanceof Set) && boots.includes(b))));
    if (noHttp.length) return { why: `only ${this.apps(noHttp)}, which serve no HTTP (createMicroservice), reach it`, drop: true };
    const m = mods[0]!;
    const c = this.classOf(m);
    const why = `\`${c?.name}\` (${this.rel(m.split('|')[0]!)}:${c?.line}) is never imported into the module graph of ${this.apps(this.boots!)}`;
    this.loaded ??= this.loadedFiles();
    return { why, drop: mods.every((k) => !this.loaded!.has(k.split('|')[0]!)) };
  }

  /** A controller no `@Module` lists: not served when the module graph of each application that may serve it is whole
   *  and every module of the project says which controllers it declares (dead code when nothing loads its file). */
  private undeclared(file: string, cls: number): { why: string; drop: boolean } | null {
    const boots = this.bootsOf(file);
    if (!boots.length || this.boots!.some((b) => !(b.reached instanceof Set)) || !this.allDeclared()) return null;
    if (this.givenToModules().has(`${file}|${cls}`)) return null; // a dynamic module may declare it
    const why = `\`${this.classOf(`${file}|${cls}`)?.name}\` is in the \`controllers\` of no module of ${this.apps(this.boots!)}`;
    this.loaded ??= this.loadedFiles();
    return { why, drop: !this.loaded.has(file) };
  }

  /** Whether every `@Module` of the project is read whole: its dynamic modules, and its controllers, each a project class. */
  private allDeclared(): boolean {
    if (this.whole === null) {
      this.whole = true;
      for (const fa of this.files.values())
        for (const m of fa.nestModules ?? []) {
          const missed: { file: string; ref: Ref }[] = [];
          for (const c of [...m.controllers, ...(m.graph?.controllers ?? [])]) this.classes(fa.file, c, missed);
          if (!m.graph || m.graph.unknown || missed.length) this.whole = false;
        }
    }
    return this.whole;
  }

  /** The project classes the dynamic module calls of `@Module` imports are given (`X.forRoot({ controllers: [C] })`). */
  private givenToModules(): Set<string> {
    if (!this.given) {
      this.given = new Set();
      for (const fa of this.files.values())
        for (const m of fa.nestModules ?? [])
          for (const r of m.graph?.also ?? []) for (const c of this.classes(fa.file, r)) this.given.add(`${c.file}|${c.id}`);
    }
    return this.given;
  }

  /** The applications a reason names: every bootstrap (each was checked), the first few. */
  private apps(boots: readonly Boot[]): string {
    const named = boots.slice(0, MAX_NAMED).map((b) => `\`${b.root}\` (${this.rel(b.file)}:${b.line})`);
    return named.join(' or ') + (boots.length > MAX_NAMED ? ` (or ${boots.length - MAX_NAMED} more)` : '');
  }

  private classOf(k: string): { name: string; line: number } | undefined {
    const [file, id] = k.split('|');
    return this.files.get(file!)?.classes[Number(id)];
  }

  /** The bootstraps whose folder holds a file (then every bootstrap of the project may serve it). */
  private bootsOf(file: string): Boot[] {
    this.boots ??= this.bootstraps();
    return this.boots.filter((b) => file.startsWith(path.dirname(b.file) + path.sep));
  }

  /** Controller (`file|cls`) → the modules declaring it. */
  private declaredBy(): Map<string, string[]> {
    if (this.declared) return this.declared;
    const out = new Map<string, string[]>();
    for (const fa of this.files.values())
      for (const m of fa.nestModules ?? [])
        for (const c of [...m.controllers, ...(m.graph?.controllers ?? [])])
          for (const e of this.classes(fa.file, c)) {
            const k = `${fa.file}|${m.cls}`;
            const list = out.get(`${e.file}|${e.id}`) ?? [];
            if (!list.includes(k)) list.push(k);
            out.set(`${e.file}|${e.id}`, list);
          }
    return (this.declared = out);
  }

  /** The project classes an element names (each element of the array it may be), with the refs that name none. */
  private classes(file: string, ref: Ref, missed?: { file: string; ref: Ref }[]): { file: string; id: number }[] {
    const els = this.arrayOf(file, ref);
    const out: { file: string; id: number }[] = [];
    for (const el of els.length ? els : [{ file, ref }]) {
      const e = this.resolve(el.file, el.ref);
      if (e?.t === 'cls') out.push({ file: e.file, id: e.id });
      else missed?.push(el);
    }
    return out;
  }

  /** Whether an element names a binding of a NestJS package, or of a registry package the project depends on. */
  private isPackage({ file, ref }: { file: string; ref: Ref }): boolean {
    const imp = ref.k === 'mem' ? ref.base : ref;
    if (imp.k !== 'imp' || !imp.mod.startsWith('pkg:')) return false;
    return imp.mod.startsWith('pkg:@nestjs/') || this.installed(file, imp.mod.slice(4));
  }

  private bootstraps(): Boot[] {
    const modules = new Map<string, { file: string; graph?: NestImports }>();
    for (const fa of this.files.values())
      for (const m of fa.nestModules ?? []) modules.set(`${fa.file}|${m.cls}`, { file: fa.file, graph: m.graph });
    const out: Boot[] = [];
    for (const fa of this.files.values())
      for (const boot of fa.nestBoots ?? []) {
        const roots = this.classes(fa.file, boot.module);
        const root = roots[0] ? `${roots[0].file}|${roots[0].id}` : '';
        const b: Boot = {
          file: fa.file,
          line: boot.line,
          reached: new Set(),
          root: this.classOf(root)?.name ?? '',
          ...(boot.noHttp ? { noHttp: true as const } : {}),
        };
        out.push(b);
        const reached = b.reached as Set<string>;
        const todo = roots.length === 1 ? [root] : [];
        if (!todo.length) b.reached = { why: 'the root module is not a project class' };
        while (todo.length && reached.size < MAX_MODULES) {
          const k = todo.pop()!;
          if (reached.has(k)) continue;
          reached.add(k);
          const m = modules.get(k);
          if (!m?.graph || m.graph.unknown) {
            b.reached = { why: m?.graph?.unknown ?? `${this.classOf(k)?.name} has no @Module this analysis reads` };
            break;
          }
          const missed: { file: string; ref: Ref }[] = [];
          for (const r of m.graph.imports) for (const c of this.classes(m.file, r, missed)) todo.push(`${c.file}|${c.id}`);
          for (const r of m.graph.also)
            for (const c of this.classes(m.file, r)) if (modules.has(`${c.file}|${c.id}`)) todo.push(`${c.file}|${c.id}`);
          // an import the analysis does not resolve (an alias it misses) may reach any module; a NestJS package's cannot,
          // nor one of a registry package the project depends on
          if (missed.some((x) => !this.isPackage(x)) || m.graph.calls?.some((r) => this.classes(m.file, r).length)) {
            b.reached = { why: `an import of ${this.classOf(k)?.name} is not followed` };
            break;
          }
        }
        if (todo.length && b.reached instanceof Set) b.reached = { why: 'the module graph is too large to follow' };
      }
    return out;
  }
}
