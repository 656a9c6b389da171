/**
 * Which entities that nothing mounts are roots, served at `/`: an app, and the application plugin fastify-cli loads.
 * A Hono app is an app wherever it is made (every `new Hono()` can serve), so one that is not served while another one
 * is, is an unmounted sub-app (`const app = new Hono(); …; export const topologyRoutes = app`, never imported), not a
 * root. Served: made in a file that serves (`serve(…)`, `{ fetch: … }`, a Workers `async fetch(req, env, ctx) {…}`,
 * `.listen(…)`), its module's default export (`export default app`, `export default { fetch: app.fetch }`), or passed to
 * a package's function (`serve({ fetch: app.fetch })`, `handle(app)`; not `openAPIRouteHandler(app)`, which only reads
 * it for the docs); what `app.basePath('/api')` returns stands for `app`. Every served app is a root (a dev server
 * beside the deployed app serves its own routes). Only unmounted apps count (a sub-app module's `export default users`
 * is no server, nor is a module's that another imports through an alias the analysis cannot read, ./unresolvedAliases);
 * a project with no such served app keeps every unmounted one a root. An app served only as the default export of a
 * module that no analysed file loads, that no configuration names as an entry (./entryFiles) and that sits two folders
 * or more below its project's folder (`src/features/payment/route/index.ts`: no conventional entry), is no root either
 * when its project has an app served for sure (in a file that serves, by a package's function, or as the default export of an
 * entry): a router module written like the others, but never imported. A Fastify plugin that nothing
 * registers is the fastify-cli application plugin only in a package that makes no Fastify app itself: where one does,
 * `fastify()` serves what it registers, and the plugin is dead. Pure.
 */
import * as path from 'node:path';
import type { FileAnalysis, Ref } from './model';
import type { ModuleIndex } from './modules';
import type { Framework } from './types';
import { entOfKey, key } from './refs';
import type { Ent } from './values';
import { aliasImports, type AliasImport } from './unresolvedAliases';
import { loadedModules } from './jsLoads';
import { isEntryFile } from './entryFiles';

/** Functions that only read an app to write its OpenAPI document (hono-openapi): an app passed to them is not served. */
const DOCS_ONLY = new Set(['pkg:hono-openapi#openAPIRouteHandler', 'pkg:hono-openapi#openAPISpecs', 'pkg:hono-openapi#generateSpecs']);

/** Files that are not the service itself: seeds, migrations, scripts, tests. */
const NOT_SERVICE =
  /(?:^|\/)(?:prisma|seeds?|seeders?|migrations?|scripts?|tests?|__tests__|e2e)\/|(?:^|\/)seed\.[cm]?[jt]s$|\.(?:test|spec)\.[cm]?[jt]sx?$/i;

export class Roots {
  private honoServed: Set<string> | null = null;
  private honoReturns: Map<string, Ent[]> | null = null;
  private aliased: Map<string, AliasImport> | null = null;
  private fastifyPackages: Set<string> | null = null;
  private readonly files: ReadonlyMap<string, FileAnalysis>;
  private readonly entries: ReadonlySet<string>;
  private readonly projects: string[];
  private readonly root: string;

  constructor(
    private readonly mods: ModuleIndex,
    private readonly resolve: (file: string, ref: Ref) => Ent | null,
    private readonly objDecl: (file: string, id: number) => { framework: Framework; kind: 'app' | 'router' } | null,
    /** The mounts of the entity of graph key `k`: its parents' keys and how each mounts it. */
    private readonly edges: (k: string) => readonly { parent: string; kind: string }[],
    /** Entry stems the configuration names and project folders (./entryFiles), the workspace root. */
    config: { stems?: readonly string[]; dirs?: readonly string[]; root: string },
  ) {
    this.files = mods.files;
    this.entries = new Set(config.stems ?? []);
    this.projects = [...(config.dirs ?? [])].sort((a, b) => b.length - a.length);
    this.root = config.root;
  }

  /** Whether the configuration names `file` as an entry point (./entryFiles). */
  isEntry(file: string): boolean {
    return isEntryFile(file, this.entries);
  }

  /** The folder of the project `file` belongs to: the nearest holding a package.json, deno.json…, else the root. */
  projectOf(file: string): string {
    return this.projectDir(file) ?? this.root;
  }

  /** The nearest folder above `file` holding a package.json, deno.json, wrangler or Docker configuration; null if none. */
  projectDir(file: string): string | null {
    return this.projects.find((d) => file.startsWith(d + path.sep)) ?? null;
  }

  /** Whether the entity of graph key `k`, which nothing mounts, is served at the root. */
  isRoot(k: string): boolean {
    const e = entOfKey(k);
    const d = e?.t === 'obj' && !this.files.get(e.file)?.objects[e.id]?.self ? this.objDecl(e.file, e.id) : null;
    if (d?.kind === 'app') return d.framework !== 'hono' || this.isServedHono(k);
    return this.isRootPlugin(k);
  }

  /** The application plugin fastify-cli loads: an app plugin (isAppPlugin) that nothing registers, in a package that
   *  makes no Fastify app. */
  isRootPlugin(k: string): boolean {
    const e = entOfKey(k);
    if (e?.t !== 'param' || this.edges(k).length || !this.isAppPlugin(k)) return false;
    this.fastifyPackages ??= this.packagesWithFastifyApps();
    return !this.fastifyPackages.has(this.mods.packageOf(e.file));
  }

  /** A default-exported plugin of a file importing Fastify that registers plugins on its parameter (`k`). */
  isAppPlugin(k: string): boolean {
    const e = entOfKey(k);
    if (e?.t !== 'param' || e.i !== 0) return false;
    const fa = this.files.get(e.file);
    if (!fa?.frameworks.includes('fastify') || !fa.exports.default) return false;
    const def = this.resolve(fa.file, fa.exports.default);
    if (def?.t !== 'fn' || def.id !== e.fn) return false;
    const own = (r: Ref): boolean => {
      const p = this.resolve(fa.file, r);
      return !!p && key(p) === k;
    };
    return fa.autoload.some((a) => own(a.parent)) || fa.mounts.some((m) => m.kind === 'register' && own(m.parent));
  }

  /** Packages whose service makes a Fastify app: not one a seed, migration, script or test makes for itself (a
   *  fastify-cli project's `prisma/seed.ts` builds `fastify()` to reuse a plugin). */
  private packagesWithFastifyApps(): Set<string> {
    const out = new Set<string>();
    for (const fa of this.files.values()) {
      const pkg = this.mods.packageOf(fa.file);
      if (NOT_SERVICE.test(path.relative(pkg, fa.file).split(path.sep).join('/'))) continue;
      for (let id = 0; id < fa.objects.length; id++) {
        const d = this.objDecl(fa.file, id);
        if (d?.framework === 'fastify' && d.kind === 'app') out.add(pkg);
      }
    }
    return out;
  }

  /** Where `file` is imported through an alias the analysis cannot read, if it is. */
  aliasImport(file: string): AliasImport | undefined {
    return (this.aliased ??= aliasImports(this.mods)).get(file);
  }

  private isServedHono(k: string): boolean {
    const served = (this.honoServed ??= this.servedHonoApps());
    return !served.size || served.has(k);
  }

  /** What `app.basePath('/api')` returns stands for `app` (`export default new Hono().basePath('/api')…`). */
  private baseApp(k: string, depth = 0): string {
    const list = this.edges(k);
    return depth < 8 && list.length && list.every((m) => m.kind === 'base') ? this.baseApp(list[0]!.parent, depth + 1) : k;
  }

  /**
   * `serve({ fetch: container.get(Server).create().fetch })`: what a method call gives when its receiver cannot be
   * followed: the Hono app the project's one function or method of that name returns (`create() { return new Hono()… }`);
   * null when none or more than one of that name returns one.
   */
  private returnedBy(file: string, r: Ref): Ent | null {
    const via = r.k === 'obj' ? this.files.get(file)?.objects[r.id]?.via : undefined;
    const callee = via?.k === 'ret' ? via.callee : null;
    const name = callee?.k === 'mem' ? callee.name : '';
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) return null;
    this.honoReturns ??= this.honoReturningFunctions();
    const list = this.honoReturns.get(name);
    return list?.length === 1 ? list[0]! : null;
  }

  /** The Hono apps the project's named functions and methods return, per name (at most two kept: one is all that counts). */
  private honoReturningFunctions(): Map<string, Ent[]> {
    const out = new Map<string, Ent[]>();
    for (const fa of this.files.values()) {
      if (fa.language !== 'javascript') continue;
      for (const f of fa.functions) {
        const e = f.name && f.returns ? this.resolve(fa.file, f.returns) : null;
        if (e?.t !== 'obj' || this.objDecl(e.file, e.id)?.framework !== 'hono') continue;
        const list = out.get(f.name!) ?? [];
        if (list.length < 2 && !list.some((x) => key(x) === key(e))) list.push(e);
        out.set(f.name!, list);
      }
    }
    return out;
  }

  private servedHonoApps(): Set<string> {
    const out = new Set<string>();
    /** served for sure; and the apps served only as their module's default export, with that module */
    const sure = new Set<string>();
    const byDefault = new Map<string, string>();
    // `app`, `app.fetch`, `{ fetch: app.fetch }`; `byName`: also the app the one method of the call's name returns (not
    // for what the serving file mounts, `app.route('/books', new Books().routes())`: it is a child, not the server)
    const add = (file: string, r: Ref | null | undefined, asDefault = false, byName = true): void => {
      const lit = r?.k === 'lit' ? r.props.fetch : r;
      const v = lit?.k === 'mem' && lit.name === 'fetch' ? lit.base : lit;
      const e = v ? (this.resolve(file, v) ?? (byName ? this.returnedBy(file, v) : null)) : null;
      if (e?.t !== 'obj' || this.objDecl(e.file, e.id)?.framework !== 'hono') return;
      const k = this.baseApp(key(e));
      if (this.edges(k).length) return;
      out.add(k);
      if (asDefault && !this.isEntry(file)) byDefault.set(k, file);
      else sure.add(k);
    };
    for (const fa of this.files.values()) {
      if (fa.language !== 'javascript') continue;
      const child = (id: number) => fa.mounts.some((m) => m.child.k === 'obj' && m.child.id === id);
      if (fa.serves) fa.objects.forEach((_, id) => add(fa.file, { k: 'obj', id }, false, !child(id)));
      if (!this.aliasImport(fa.file)) add(fa.file, fa.exports.default, true);
      for (const c of fa.calls)
        if (c.callee.k === 'imp' && c.callee.mod.startsWith('pkg:') && !DOCS_ONLY.has(`${c.callee.mod}#${c.callee.name}`))
          for (const a of c.args) add(fa.file, a);
    }
    const unsure = [...byDefault].filter(([k]) => !sure.has(k));
    if (!unsure.length || !sure.size) return out;
    const loaded = loadedModules([...this.files.values()], (m, from) => this.mods.modFile(m, from));
    const surePkgs = new Set([...sure].map((k) => this.projectOf(entOfKey(k)?.file ?? '')));
    for (const [k, file] of unsure) {
      const depth = path.relative(this.projectOf(file), file).split(path.sep).length - 1;
      if (depth >= 2 && !loaded.has(file) && surePkgs.has(this.projectOf(file))) out.delete(k);
    }
    return out;
  }
}
