/**
 * Which JS/TS modules are dead code: loaded by no analysed file (./jsLoads loadedModules), under the folder
 * of an app others are mounted on (the app the project serves; outside it, another package of a monorepo may be loaded
 * by its package name). A file that serves, that the configuration names as an entry (./entryFiles), that a folder
 * convention loads (@fastify/autoload, HonoX routes), or that creates an app is never dead: a Hono one only when it is
 * a root, since every `new Hono()` is an app. Pure.
 */
import * as path from 'node:path';
import type { FileAnalysis, ModId } from './model';
import type { Framework } from './types';
import { entOfKey, key } from './refs';
import type { Ent } from './values';
import { loadedModules } from './jsLoads';

export interface DeadCodeContext {
  files: ReadonlyMap<string, FileAnalysis>;
  modFile: (m: ModId, from: string) => string | null;
  objDecl: (file: string, id: number) => { framework: Framework; kind: 'app' | 'router' } | null;
  /** Graph key → its mounts (parents' keys). */
  edges: ReadonlyMap<string, readonly { parent: string }[]>;
  /** Whether the entity of key `k`, which nothing mounts, is served at the root (./roots). */
  isRoot: (k: string) => boolean;
  isEntry: (file: string) => boolean;
  /** Files a folder convention mounts something of. */
  folderLoaded: ReadonlySet<string>;
}

export function deadCode(ctx: DeadCodeContext): Set<string> {
  const isApp = (e: Ent | null): e is Ent & { t: 'obj' } => {
    if (e?.t !== 'obj' || ctx.files.get(e.file)?.language !== 'javascript') return false;
    const d = ctx.objDecl(e.file, e.id);
    if (d?.kind !== 'app') return false;
    return d.framework !== 'hono' || (!ctx.edges.get(key(e))?.length && ctx.isRoot(key(e)));
  };
  const appDirs = [...ctx.edges.values()]
    .flatMap((l) => l.map((e) => entOfKey(e.parent)))
    .filter(isApp)
    .map((p) => path.dirname(p.file) + path.sep);
  if (!appDirs.length) return new Set();
  const loaded = loadedModules([...ctx.files.values()], ctx.modFile);
  const dead = new Set<string>();
  for (const fa of ctx.files.values()) {
    const f = fa.file;
    if (fa.language !== 'javascript' || fa.serves || loaded.has(f) || ctx.folderLoaded.has(f) || ctx.isEntry(f)) continue;
    if (appDirs.some((d) => f.startsWith(d)) && !fa.objects.some((_, id) => isApp({ t: 'obj', file: f, id }))) dead.add(f);
  }
  return dead;
}
