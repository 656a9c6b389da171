/**
 * HonoX file-based routing, as honox does it (dist/server/with-defaults.js, server.js, utils/file.js, 0.1.x): the app
 * `createApp()` of `honox/server` serves every `.ts`/`.tsx` file under `/app/routes` (the project's `app/routes`) but
 * those whose name starts with `_` (`_renderer`, `_middleware`, `_404`, `_error`), `-` or `$`, tests and specs, and files
 * in a `-…` folder; a file's path is its folder's path (`[id]` → `:id`, `[...slug]` → `:slug{.+}`, groups `(auth)`
 * dropped) joined with its own (`index` → `/`). In a route file `export default createRoute(h)` is GET and
 * `export const POST = createRoute(h)` the method it names (GET, POST, PUT, DELETE, OPTIONS, PATCH); a default-exported
 * Hono app is mounted at the file's path. The analysis records the routes of a file on one router of that file, and the
 * app `createApp()` makes with the folder it reads; the resolver mounts each file's router and default app (honoxMounts).
 * Pure.
 */
import * as path from 'node:path';
import { lineOf, named, rangeOf, rootOf, type SyntaxNode as Node } from '../parsing/nodes';
import { unwrapExpr } from '../parsing/javascript';
import type { JsAnalyzer } from './javascript';
import type { FolderMount } from './autoload';
import type { FileAnalysis, Ref } from './model';
import { handler } from './jsRegistrations';
import { joinPrefix } from './paths';
import type { Ent } from './values';
import type { HttpMethod } from './types';

const ROUTES = `${path.sep}app${path.sep}routes${path.sep}`;
const METHODS: readonly string[] = ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'];

/** honox's filePathToPath: a route file's or folder's path below the routes folder, as a Hono path. */
export function honoxPath(filePath: string): string {
  const p = filePath
    .replace(/\.tsx?$/g, '')
    .replace(/\.mdx?$/g, '')
    .replace(/^\/?index$/, '/')
    .replace(/\/index$/, '')
    .replace(/\[\.{3}(.+?)\]/, ':$1{.+}')
    .replace(/\((.+?)\)/g, '')
    .replace(/\[(.+?)\]/g, ':$1')
    .replace(/\/\/+/g, '/');
  return p.startsWith('/') ? p : `/${p}`;
}

/** `createApp(options)` of honox/server: a Hono app serving the files of `app/routes` of the project it is in. */
export function honoxApp(A: JsAnalyzer, n: Node): Ref {
  const app = A.newObj(n, 'hono', 'app', null);
  const at = A.file.lastIndexOf(`${path.sep}app${path.sep}`);
  const dir = at >= 0 ? path.join(A.file.slice(0, at), 'app', 'routes') : path.join(path.dirname(A.file), 'app', 'routes');
  ((A.fa.honox ??= {}).roots ??= []).push({ parent: app, dir, line: lineOf(n) });
  return app;
}

/** `export default createRoute(h)`, `export const POST = createRoute(h)` (honox/factory): a route of this file's router. */
export function honoxExport(A: JsAnalyzer, n: Node): void {
  const at = A.file.lastIndexOf(ROUTES);
  if (at < 0 || !isRouteFile(A.file.slice(at + ROUTES.length))) return;
  const decl = n.childForFieldName('declaration');
  const value = n.childForFieldName('value');
  const found: [string, Node | null][] = value
    ? [['GET', value]]
    : decl?.type === 'lexical_declaration'
      ? named(decl)
          .filter((d) => d.type === 'variable_declarator')
          .map((d) => [d.childForFieldName('name')?.text ?? '', d.childForFieldName('value')])
      : [];
  for (const [m, v] of found) {
    const call = unwrapExpr(v);
    const fn = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
    const args = call?.childForFieldName('arguments');
    const pkg = fn ? A.pkgOf(A.refOf(fn)) : null;
    const last = args ? named(args).at(-1) : undefined;
    if (!METHODS.includes(m) || pkg?.pkg !== 'honox/factory' || pkg.name !== 'createRoute' || !last) continue;
    const program = rootOf(n);
    const name = path.basename(A.file);
    const owner = (A.fa.honox ??= {}).routes ?? A.objectAt(program, { framework: 'hono', kind: 'router', name, prefix: () => null });
    A.fa.honox.routes = owner;
    A.fa.routes.push({
      owner,
      framework: null,
      flavour: 'hono-on',
      methods: [m as HttpMethod],
      path: { s: honoxPath(path.basename(A.file)) },
      line: lineOf(call!),
      range: rangeOf(call!),
      handler: handler(A, last),
    });
  }
}

/** Whether honox's default glob takes this file (below the routes folder) as a route file. */
function isRouteFile(rel: string): boolean {
  const parts = rel.split(path.sep);
  const base = parts.pop()!;
  if (!/\.tsx?$/.test(base) || /^[_\-$]/.test(base) || /\.(?:test|spec)\.tsx?$/.test(base)) return false;
  return parts.every((d) => !d.startsWith('-') && (!d.startsWith('.') || d === '.well-known'));
}

/** The mounts HonoX makes: each route file's router at its folder's path, a default-exported Hono app at the file's. */
export function honoxMounts(
  files: ReadonlyMap<string, FileAnalysis>,
  resolve: (file: string, ref: Ref) => Ent | null,
  isHonoApp: (e: Ent) => boolean,
): FolderMount[] {
  const out: FolderMount[] = [];
  for (const fa of files.values())
    for (const root of fa.honox?.roots ?? []) {
      const parent = resolve(fa.file, root.parent);
      if (!parent) continue;
      for (const f of files.values()) {
        const rel = path.relative(root.dir, f.file);
        if (rel.startsWith('..') || path.isAbsolute(rel) || !isRouteFile(rel)) continue;
        const dirPath = honoxPath(path.dirname(rel) === '.' ? '' : path.dirname(rel).split(path.sep).join('/'));
        const add = (child: Ent | null, prefix: string) =>
          child && out.push({ parent, child, prefix: prefix === '/' ? '' : prefix, file: fa.file, line: root.line });
        if (f.honox?.routes) add(resolve(f.file, f.honox.routes), dirPath);
        const def = f.exports.default ? resolve(f.file, f.exports.default) : null;
        if (def && isHonoApp(def)) add(def, joinPrefix('hono', dirPath, honoxPath(path.basename(rel))).replace(/(.)\/$/, '$1'));
      }
    }
  return out;
}
