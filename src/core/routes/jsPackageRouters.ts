/**
 * Routers a package's function makes (`const router = createRouter(__filename)` of express-route-tracker: RefResolver.made
 * `pkg`). One counts as an Express router only where an Express app or router mounts it at a path (`app.use('/api',
 * router)`, also in a project helper or a loop over a table); any other call of a package's function (`cors()`, an HTTP
 * client's `createClient()`, one only used without a path) makes no router: its `.get/.post(path, h)` calls register no
 * route, and nothing is mounted through it. Pure.
 */
import type { FileAnalysis, Val } from './model';
import type { Made } from './refs';
import { key, passedOn } from './refs';
import type { Framework } from './types';

interface EdgeLike {
  parent: string;
  kind: string;
  prefix: Val | null;
}

/** The graph keys of the package routers no Express app or router mounts at a path; the mounts under them are dropped
 *  from `edges` (a child's list of its mounts). */
export function unservedRouters(
  files: ReadonlyMap<string, FileAnalysis>,
  edges: Map<string, EdgeLike[]>,
  made: (file: string, id: number) => Made | null,
  frameworkOf: (k: string) => Framework | null,
): Set<string> {
  const out = new Set<string>();
  for (const fa of files.values()) {
    if (fa.language !== 'javascript') continue;
    for (const o of fa.objects) {
      if (!o.ctor || !made(fa.file, o.id)?.pkg) continue;
      const k = key({ t: 'obj', file: fa.file, id: o.id });
      const served = passedOn(edges, k).some((e) => e.kind === 'use' && e.prefix !== null && frameworkOf(e.parent) === 'express');
      if (!served) out.add(k);
    }
  }
  if (out.size)
    for (const [k, list] of edges)
      edges.set(
        k,
        list.filter((e) => !out.has(e.parent)),
      );
  return out;
}
