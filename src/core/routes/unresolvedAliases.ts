/**
 * Project files that a module imports through a path alias the analysis cannot read (a bundler's `resolve.alias`, a
 * runtime's import map it did not find): `import user from "@backend/route/User.ts"` is left unresolved, yet its tail
 * `route/User` names backend/route/User.ts. Such a file is imported, so its default export is a sub-app whose mount was
 * not found, not a server (./roots), and the reason a route has no full path says where it is imported. Only a bare
 * specifier none of the resolvers resolves counts, and only by a tail of at least two path segments after its first
 * (`@/routes/users`, `~/api/v1/posts`): a package's subpath (`hono/factory`) never reaches a project file so. Pure.
 */
import * as path from 'node:path';
import type { ModuleIndex } from './modules';

/** Where a file is imported through an unresolved alias: the specifier and the importing file. */
export interface AliasImport {
  spec: string;
  from: string;
}

const EXT = /\.(?:[cm]?[jt]sx?)$/;

/** The files of `mods` imported through unresolved aliases, each with its first such import (files in order). */
export function aliasImports(mods: ModuleIndex): Map<string, AliasImport> {
  const tails = new Map<string, AliasImport>();
  for (const fa of mods.files.values()) {
    if (fa.language !== 'javascript') continue;
    for (const m of fa.loads ?? []) {
      if (!m.startsWith('pkg:') || mods.modFile(m, fa.file)) continue;
      const segs = m.slice(4).replace(EXT, '').split('/').slice(1);
      if (segs.length < 2 || segs.some((s) => !s || s === '.' || s === '..')) continue;
      const tail = segs.join('/');
      if (!tails.has(tail)) tails.set(tail, { spec: m.slice(4), from: fa.file });
    }
  }
  const out = new Map<string, AliasImport>();
  if (!tails.size) return out;
  for (const [file, fa] of mods.files) {
    if (fa.language !== 'javascript') continue;
    const stem = file.replace(EXT, '').split(path.sep).join('/');
    const named = (s: string): AliasImport | undefined => {
      // every tail the stem ends with, from its last two segments up
      const parts = s.split('/');
      for (let i = parts.length - 2; i >= 1; i--) {
        const hit = tails.get(parts.slice(i).join('/'));
        if (hit && hit.from !== file) return hit;
      }
      return undefined;
    };
    const hit = named(stem) ?? (stem.endsWith('/index') ? named(stem.slice(0, -'/index'.length)) : undefined);
    if (hit) out.set(file, hit);
  }
  return out;
}
