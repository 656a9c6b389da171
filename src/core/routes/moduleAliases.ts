/**
 * module-alias (npm): after `require('module-alias/register')` the `_moduleAliases` of the project's package.json resolve
 * (`"@routes": "./routes"` makes `require('@routes')` and `require('@routes/users.routes.js')` load from `./routes`), as
 * module-alias 2.x decides (index.js `_resolveFilename`): a name matches an alias equal to it or followed by `/`, the
 * aliases are tried from the last in sort order, the first match wins, and the rest of the name is joined to the
 * target, which is relative to the package.json's folder unless absolute. A file uses the aliases of the nearest
 * package.json above it that declares some. Pure.
 */
import * as path from 'node:path';
import { nearestAbove } from './packageImports';

/** A package.json's folder and its aliases, in the order module-alias tries them, with absolute targets. */
export interface AliasScope {
  dir: string;
  aliases: { name: string; target: string }[];
}

/** The aliases a parsed package.json in `dir` declares, or null when it declares none. */
export function aliasScope(dir: string, json: Record<string, unknown>): AliasScope | null {
  const map = json._moduleAliases;
  if (!map || typeof map !== 'object' || Array.isArray(map)) return null;
  const aliases = Object.entries(map)
    .filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== '')
    .sort((a, b) => (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0))
    .map(([name, t]) => ({ name, target: t.startsWith('/') ? t : path.join(dir, t) }));
  return aliases.length ? { dir, aliases } : null;
}

/** The absolute path a bare name `spec` imported from `from` stands for, or null when no alias matches. */
export function aliasTarget(scopes: readonly AliasScope[], spec: string, from: string): string | null {
  for (const a of nearestAbove(scopes, from)?.aliases ?? [])
    if (spec === a.name || spec.startsWith(`${a.name}/`)) return path.join(a.target, spec.slice(a.name.length));
  return null;
}
