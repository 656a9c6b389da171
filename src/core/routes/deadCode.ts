/**
 * Which JS/TS modules are dead code: loaded by no analysed file (./jsLoads loadedModules), nor through an alias the
 * analysis cannot read (./unresolvedAliases), under the folder of an app others are mounted on, or anywhere in the
 * project of one served for sure (its file serves, or the configuration runs it): the files whose nearest folder holding
 * a package.json, deno.json… is the app's (another package of a monorepo has a folder of its own, and may be loaded by
 * its package name; without such a folder only the app's own folder counts). A file that serves, that the configuration
 * names as an entry (./entryFiles), that a folder convention loads (@fastify/autoload, HonoX routes), or that creates an
 * app is never dead: a Hono one only when it is a root, since every `new Hono()` is an app; an Express app nothing loads
 * in a sub-folder of a project another file's app serves is (nothing runs it). A file never run as it stands
 * (inertFile: a copy template, a file of `public/` or `static/`) that nothing loads is dead wherever it sits, even when
 * it serves, and so is every route written in it. Nothing is dead in a project whose loads are not all known
 * (./deadCodeGuards: a file the analysis could not read, an unresolved path alias): such a module is kept, with why.
 * Pure.
 */
import * as path from 'node:path';
import type { FileAnalysis, ModId } from './model';
import type { Framework } from './types';
import { entOfKey, key } from './refs';
import type { Ent } from './values';
import { loadedModules } from './jsLoads';
import type { Roots } from './roots';
import { unsureProjects, type GuardContext } from './deadCodeGuards';

export interface DeadCodeContext {
  files: ReadonlyMap<string, FileAnalysis>;
  modFile: (m: ModId, from: string) => string | null;
  objDecl: (file: string, id: number) => { framework: Framework; kind: 'app' | 'router' } | null;
  /** Graph key → its mounts (parents' keys). */
  edges: ReadonlyMap<string, readonly { parent: string }[]>;
  /** Which unmounted entities are served at the root, which files the configuration runs, alias imports, projects. */
  roots: Pick<Roots, 'isRoot' | 'isEntry' | 'aliasImport' | 'projectDir' | 'projectOf'>;
  /** Files a folder convention mounts something of. */
  folderLoaded: ReadonlySet<string>;
  /** What says a project's loads are not all known (./deadCodeGuards): its alias patterns, unread files. */
  guards: Pick<GuardContext, 'pathAlias' | 'unread' | 'rel'>;
}

export interface DeadModules {
  /** Modules nothing loads: routes whose every mount chain ends at a router of one are dropped. */
  dead: Set<string>;
  /** Those of them never run as they stand (inertFile): every route written in one is dropped. */
  inert: Set<string>;
  /** Those of them making an app nothing runs (another file's app serves the project): its own routes are dropped. */
  spare: Set<string>;
  /** Modules nothing known loads but kept, in a project whose loads are not all known: why (./deadCodeGuards). */
  kept: Map<string, string>;
}

export function deadCode(ctx: DeadCodeContext): DeadModules {
  const { roots } = ctx;
  const isApp = (e: Ent | null): e is Ent & { t: 'obj' } => {
    if (e?.t !== 'obj' || ctx.files.get(e.file)?.language !== 'javascript') return false;
    const d = ctx.objDecl(e.file, e.id);
    if (d?.kind !== 'app') return false;
    return d.framework !== 'hono' || (!ctx.edges.get(key(e))?.length && roots.isRoot(key(e)));
  };
  const apps = [...ctx.edges.values()].flatMap((l) => l.map((e) => entOfKey(e.parent))).filter(isApp);
  const appDirs = apps.map((p) => path.dirname(p.file) + path.sep);
  const served = apps.filter((p) => ctx.files.get(p.file)?.serves || roots.isEntry(p.file));
  const projects = new Set(served.map((p) => roots.projectDir(p.file)).filter((d) => d !== null));
  const servedFiles = new Set(served.map((p) => p.file));
  let loaded: Set<string> | null = null;
  const unloaded = (f: string): boolean => {
    loaded ??= loadedModules([...ctx.files.values()], ctx.modFile, (x) => roots.projectOf(x));
    return !loaded.has(f) && !ctx.folderLoaded.has(f) && !roots.isEntry(f) && !roots.aliasImport(f);
  };
  const out: DeadModules = { dead: new Set(), inert: new Set(), spare: new Set(), kept: new Map() };
  let unsure: Map<string, string> | null = null;
  /** Nothing loads `f` as far as the analysis knows, and it may trust that (else `f` is kept, with why). */
  const deadFile = (f: string): boolean => {
    if (!unloaded(f)) return false;
    unsure ??= unsureProjects({ ...ctx.guards, files: ctx.files, modFile: ctx.modFile, projectOf: (x) => roots.projectOf(x) });
    const why = unsure.get(roots.projectOf(f));
    if (why) out.kept.set(f, why);
    return !why;
  };
  for (const fa of ctx.files.values()) {
    const f = fa.file;
    if (fa.language !== 'javascript') continue;
    if (inertFile(f, roots.projectOf(f))) {
      if (deadFile(f)) [out.dead, out.inert].forEach((s) => s.add(f));
      continue;
    }
    if (fa.serves || !(appDirs.some((d) => f.startsWith(d)) || projects.has(roots.projectDir(f) ?? ''))) continue;
    // an app is never dead, unless its project is served by another file's app and nothing loads or runs this one
    // (a second `express()` exported from a controllers folder no file requires)
    const made = fa.objects.flatMap((_, id) => (isApp({ t: 'obj', file: f, id }) ? [ctx.objDecl(f, id)!.framework] : []));
    // (Express only: an exported Koa or Hono app may be served by its runtime, `export default app`)
    const below = [...servedFiles].some((s) => f.startsWith(path.dirname(s) + path.sep) && path.dirname(f) !== path.dirname(s));
    const spare = made.length > 0 && made.every((fw) => fw === 'express') && below && projects.has(roots.projectDir(f) ?? '');
    if ((!made.length || spare) && deadFile(f)) {
      out.dead.add(f);
      if (spare) out.spare.add(f);
    }
  }
  return out;
}

/** Folders directly under a project whose files are served as they are: `public/` (Next.js, Vite, Create React App,
 *  Nuxt 3, `express.static('public')`), `static/` (Nuxt 2, SvelteKit). */
const STATIC_FOLDERS = new Set(['public', 'static']);

/** A copy template (`server.example.js`, `routes.sample.ts`: the infix says it is meant to be copied, then run) or a
 *  file of the `public/` or `static/` folder of its project (`project`): served as a file, never run. */
export function inertFile(file: string, project: string): boolean {
  if (/\.(?:example|sample)\.[cm]?[jt]sx?$/i.test(path.basename(file))) return true;
  return STATIC_FOLDERS.has(path.relative(project, file).split(path.sep)[0]!);
}
