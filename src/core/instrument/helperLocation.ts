/**
 * Where the wrapper style's helper module lives and how a route file imports it: one per service, next to the
 * app-level setup (telemetry.py / tracing.*) when there is one, found again (never rewritten) once written.
 *  - Python: the nearest folder from the route file up to its top package holding telemetry_routes.py, else
 *    telemetry.py, else the top package, or the folder on sys.path the file's absolute imports start from (the file's
 *    own folder when it is in neither); when the file's imports name neither, the top package an absolute import of
 *    the file or its package names (`from apps.logistics import views` in apps/app.py: apps/), else the nearest folder a module of the
 *    service runs from (app/main.py's `from core.config import …`: app/, on sys.path), else the package its relative imports
 *    climb to (`from ...extensions import db`: two folders up, namespace folders without __init__.py included) and
 *    the packages above it, or the package of a module above that imports it relatively (`from .endpoints.users import
 *    router` in app/api/v1/__init__.py); a top package without __init__.py in a folder the service runs from (a module
 *    there imports the project absolutely: `uvicorn main:app` with `from config.web import router`) gives way to that
 *    folder, where every package of the service finds the one helper; imported relatively when the file uses relative
 *    imports inside a package, else by its dotted path. Imports are read over several lines (`from app.api import (`).
 *  - JS/TS: the nearest folder from the route file up to its package.json holding telemetryRoutes.*, else tracing.*,
 *    else `src/` when the file is in it, else the nearest folder holding app.*, server.* or main.*, else the
 *    package.json folder, else the file's folder; only folders where the file's tsconfig.json compiles a new module
 *    without changing the build count (inside `rootDir`, matched by `include`, not excluded: tsconfigScope.ts), the
 *    outermost of them when none of the above is one. The specifier follows the file's own relative imports (`.js`
 *    extensions for node16/nodenext ESM), else the project's: package.json `type`, the tsconfig's module resolution.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { JS_HELPER_MODULE } from './helperJs';
import { PY_HELPER_MODULE } from './helperPy';
import { type CompileScope, compileScope } from './tsconfigScope';

export type Exists = (file: string) => Promise<boolean>;

export const fileExists: Exists = (file) =>
  fs.stat(file).then(
    (s) => s.isFile(),
    () => false,
  );

export interface HelperLocation {
  /** absolute path of the helper module */
  path: string;
  /** how the route file imports it: a Python module (`telemetry_routes`, `..telemetry_routes`, `app.telemetry_routes`) or a JS specifier */
  module: string;
  exists: boolean;
}

async function firstWith(dirs: string[], names: string[], exists: Exists): Promise<{ dir: string; name: string } | undefined> {
  for (const dir of dirs) for (const name of names) if (await exists(path.join(dir, name))) return { dir, name };
  return undefined;
}

/** An absolute import of a module below a package: `svc.core.config` as `svc` and `core/config`. */
interface Dotted {
  root: string;
  rest: string[];
}

function splitDotted(names: string[]): Dotted[] {
  return names.flatMap((n) => {
    const [root, ...rest] = n.split('.');
    return root && rest.length > 0 && rest.every(Boolean) ? [{ root, rest }] : [];
  });
}

/** How many folders above its own package a module's relative imports climb (`from ...extensions import db`: 2). */
function relativeReach(text: string): number {
  let reach = 0;
  for (const m of text.matchAll(/^[ \t]*from[ \t]+(\.+)/gm)) reach = Math.max(reach, m[1]!.length - 1);
  return reach;
}

export async function pythonHelperLocation(file: string, text: string, exists: Exists = fileExists): Promise<HelperLocation> {
  const own = path.dirname(path.resolve(file));
  // the top package: an ancestor the file's absolute imports name (`from svc.core import …` inside svc/routes/, which
  // may be a namespace package without __init__.py), else the last of the enclosing folders with __init__.py
  const names = async (d: string, imports: Dotted[]) => {
    for (const i of imports) {
      if (i.root !== path.basename(d)) continue;
      const p = path.join(d, ...i.rest);
      if ((await exists(`${p}.py`)) || (await exists(path.join(p, '__init__.py')))) return true;
    }
    return false;
  };
  // a folder on sys.path: the file's absolute imports name modules below it (`from helpers.router import …` with
  // src/helpers/router.py, run from src/ with no __init__.py anywhere): the service's root, one helper for all its files
  const onPath = (d: string, imports: Dotted[]) => resolveBelow(d, imports, exists);
  const chain = [own];
  for (let d = own; chain.length <= 12; chain.push(d)) {
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  // the top package the imports name, or the folder on sys.path they start from (`pathRoot`)
  const locate = async (imports: Dotted[]) => {
    for (const [i, d] of chain.entries()) {
      if (await names(d, imports)) return { named: i, pathRoot: false };
      if (i > 0 && (await onPath(d, imports))) return { named: i, pathRoot: true };
    }
    return { named: undefined, pathRoot: false };
  };
  const ownImports = splitDotted([...text.matchAll(/^\s*(?:from|import)\s+([A-Za-z_][\w.]+)/gm)].map((m) => m[1]!));
  let { named, pathRoot } = await locate(ownImports);
  // the file's own imports say nothing: the way the project imports the file (`from apps.logistics import views` in
  // apps/app.py) names its top package, so every file of the service shares one helper imported the same way
  if (named === undefined) named = await importedAs(file, chain);
  // a top package without __init__.py in a folder the service runs from (support-mate: config/socketio.py, imported as
  // `config.socketio` by server.py at the root, beside routes/): the root is on sys.path for every package of the
  // service, so they all share one helper there, imported top level
  if (named !== undefined && !pathRoot && (await runsAbove(chain, named, ownImports, exists))) [named, pathRoot] = [named + 1, true];
  // a relative import climbing above the file's package (`from ...extensions import db` in app/blueprints/tasks/)
  // shows the folders it climbs are one package, a namespace folder without __init__.py among them (app/blueprints/)
  let reach = Math.min(chain.length - 1, relativeReach(text));
  // nor that: the other modules of its folder speak for it (UniJob: namespace packages run as `uvicorn
  // backend.routes.api:app`, where `import telemetry_routes` fails). Their absolute imports resolve as the file's would
  // (`from backend.database.models import …`: backend/ holds the helper); one importing it relatively (`from .edu import
  // router` in backend/routes/api.py) shows it is a module of their package, whose relative imports climb the same folders
  let importedRelatively = false;
  if (named === undefined && reach === 0) {
    const siblings = await siblingImports(file);
    ({ named, pathRoot } = await locate(splitDotted(siblings.flatMap((s) => s.dotted))));
    importedRelatively = siblings.some((s) => s.relative.some((r) => r.split('.')[0] === path.basename(file, '.py')));
    if (importedRelatively) reach = Math.min(chain.length - 1, Math.max(...siblings.map((s) => s.reach)));
    // nor a sibling: a package above imports it relatively (app/api/v1/__init__.py's `from .endpoints.users import
    // router`, endpoints/ without __init__.py), so its package is that one's, and the helper is where that one's is
    const above = importedRelatively || named !== undefined ? undefined : await relativeImporterAbove(file, chain);
    if (above) [importedRelatively, reach] = [true, Math.min(chain.length - 1, above)];
  }
  let top = named ?? reach;
  if (named === undefined) while (top + 1 < chain.length && (await exists(path.join(chain[top]!, '__init__.py')))) top++;
  if (named === undefined && top > reach && !(await exists(path.join(chain[top]!, '__init__.py')))) top--;
  // nor does the way it is imported, and it imports nothing relatively: a folder of that package a module of the service
  // runs from (app/app/main.py's `from core.config import settings`, app/app/__init__.py notwithstanding) is on sys.path
  if (named === undefined && !/^[ \t]*from[ \t]+\./m.test(text)) {
    const root = await runRoot(chain.slice(0, top + 1), exists);
    if (root !== undefined) [top, pathRoot] = [root, true];
  }
  const packages = chain.slice(0, top + 1);
  const inPackage = named !== undefined || reach > 0 || importedRelatively || (await exists(path.join(own, '__init__.py')));
  const helper = `${PY_HELPER_MODULE}.py`;
  const found = (await firstWith(packages, [helper], exists)) ?? (await firstWith(packages, ['telemetry.py'], exists));
  const dir = found?.dir ?? packages[packages.length - 1]!;
  const depth = packages.indexOf(dir);
  let module = PY_HELPER_MODULE;
  if (inPackage && !pathRoot && (importedRelatively || /^\s*from\s+\.+\w*\s+import\b/m.test(text)))
    module = '.'.repeat(depth + 1) + PY_HELPER_MODULE;
  else if (inPackage)
    module = [
      ...packages
        .slice(depth, pathRoot ? -1 : undefined)
        .reverse()
        .map((d) => path.basename(d)),
      PY_HELPER_MODULE,
    ].join('.');
  const p = path.join(dir, helper);
  return { path: p, module, exists: await exists(p) };
}

/** Whether an import names a module below `d` (`core.config` with d/core/config.py or d/core/config/__init__.py). */
async function resolveBelow(d: string, imports: Dotted[], exists: Exists): Promise<boolean> {
  for (const i of imports) {
    const p = path.join(d, i.root, ...i.rest);
    if ((await exists(`${p}.py`)) || (await exists(path.join(p, '__init__.py')))) return true;
  }
  return false;
}

/**
 * Whether the service runs from the folder above `chain[top]`, a top package without __init__.py: the file's imports
 * name another package there (`from routes import api_router` beside `from config.language import _`), or a module of
 * that folder imports one below it (server.py's `from config.socketio import socket_app`).
 */
async function runsAbove(chain: string[], top: number, imports: Dotted[], exists: Exists): Promise<boolean> {
  const pkg = chain[top]!;
  const parent = chain[top + 1];
  if (parent === undefined || (await exists(path.join(pkg, '__init__.py')))) return false;
  const others = imports.filter((i) => i.root !== path.basename(pkg));
  return (await resolveBelow(parent, others, exists)) || (await runRoot([parent], exists)) !== undefined;
}

const IMPORTER_LEVELS = 4;
const IMPORTER_FILES = 200;
const IMPORTER_BYTES = 64 * 1024;

/**
 * The index in `chain` (the file's folder and its ancestors) of the top package named by an absolute import of the
 * file or of its package in a .py module of those folders (`import a.b.views`, `from a.b.views import x`,
 * `from a.b import views`, `from a.b import bp` for a/b/views.py); undefined when none names it through a package.
 */
async function importedAs(file: string, chain: string[]): Promise<number | undefined> {
  const stem = path.basename(file, '.py');
  // `module`: the dotted name ends with the file's module (`a.b.views`); else it names the file's package (`a.b`)
  const names = (dotted: string, module: boolean) => {
    const segs = dotted.split('.');
    const pkgs = module ? segs.slice(0, -1) : segs;
    if (segs.length < 2 || pkgs.length > chain.length - 1) return undefined;
    if (module && segs[segs.length - 1] !== stem) return undefined;
    for (let i = 0; i < pkgs.length; i++) if (path.basename(chain[i]!) !== pkgs[pkgs.length - 1 - i]) return undefined;
    return pkgs.length - 1;
  };
  const named = (dotted: string) => (stem === '__init__' ? undefined : names(dotted, true)) ?? names(dotted, false);
  for (const dir of chain.slice(0, IMPORTER_LEVELS)) {
    for (const p of await pyModulesIn(dir, file)) {
      for (const d of (await importsOf(p)).dotted) {
        const top = named(d);
        if (top !== undefined) return top;
      }
    }
  }
  return undefined;
}

/**
 * The index in `chain` of the nearest folder on sys.path by its own modules: a .py file in it whose absolute imports
 * name a module of a package below it (`from core.config import x` with core/config.py there, `from routes import r`
 * with routes/__init__.py), which resolves only when that folder is where Python starts looking; undefined when none of
 * the first few is. A lone module of the folder named like a library (`from celery import Celery` next to celery.py)
 * is the library: no evidence.
 */
async function runRoot(chain: string[], exists: Exists): Promise<number | undefined> {
  for (const [i, dir] of chain.slice(0, IMPORTER_LEVELS).entries()) {
    for (const m of await pyModulesIn(dir)) {
      for (const d of (await importsOf(m)).dotted) {
        const segs = d.split('.');
        if (d.startsWith('.')) continue;
        const p = path.join(dir, ...segs);
        if ((segs.length > 1 && (await exists(`${p}.py`))) || (await exists(path.join(p, '__init__.py')))) return i;
      }
    }
  }
  return undefined;
}

/** What a module's imports say of where it is, per file as long as its size and modification time stay the same:
 *  instrumenting each file of a service (every code action's probe, every handler) reads its neighbours once. */
interface ModuleImports {
  /** the dotted names its imports name (`from a.b import c`: `a.b` and `a.b.c`) */
  dotted: string[];
  /** how many folders above its package its relative imports climb */
  reach: number;
  /** the modules of its own package it imports relatively, dotted below it (`from .edu import router`: `edu` and
   *  `edu.router`; `from . import edu`: `edu`; `from .v1.users import router`: `v1.users`, `v1.users.router`) */
  relative: string[];
}
const importsMemo = new Map<string, { mtimeMs: number; size: number; imports: ModuleImports }>();
const IMPORTS_MEMO_FILES = 4096;
const NO_IMPORTS: ModuleImports = { dotted: [], reach: 0, relative: [] };

async function importsOf(file: string): Promise<ModuleImports> {
  const st = await fs.stat(file).catch(() => undefined);
  if (!st) return NO_IMPORTS;
  const known = importsMemo.get(file);
  if (known && known.mtimeMs === st.mtimeMs && known.size === st.size) return known.imports;
  const imports = parseImports(await readHead(file));
  importsMemo.delete(file);
  importsMemo.set(file, { mtimeMs: st.mtimeMs, size: st.size, imports });
  // the first parsed first out
  if (importsMemo.size > IMPORTS_MEMO_FILES) importsMemo.delete(importsMemo.keys().next().value!);
  return imports;
}

/** What a module's text imports: `from a.b import c`, a parenthesized list over several lines (`from app.api import (`
 *  then one name a line), `import a.b, c`. */
function parseImports(text: string): ModuleImports {
  const froms = [...text.matchAll(/^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([^)]*\)|[\w ,\t]+)/gm)].map(([, from, what]) => ({
    from: from!,
    names: what!
      .replace(/#.*$/gm, '')
      .replace(/[()]/g, '')
      .split(',')
      .map((n) => n.trim().split(/\s+/)[0]!)
      .filter(Boolean),
  }));
  return {
    dotted: [
      ...froms.flatMap(({ from, names }) => [from, ...names.map((n) => `${from}.${n}`)]),
      ...[...text.matchAll(/^[ \t]*import[ \t]+([\w., \t]+)/gm)].flatMap(([, list]) =>
        list!.split(',').map((n) => n.trim().split(/\s+/)[0]!),
      ),
    ],
    reach: relativeReach(text),
    relative: froms.flatMap(({ from, names }) =>
      from === '.' ? names : /^\.\w/.test(from) ? [from.slice(1), ...names.map((n) => `${from.slice(1)}.${n}`)] : [],
    ),
  };
}

/**
 * The index in `chain` of the package a module of a folder above imports `file` relatively from (`from .endpoints.users
 * import router` in chain[1]/__init__.py for chain[1]/endpoints/users.py), plus how far that module's own relative
 * imports climb; undefined when none of the first few folders above has one.
 */
async function relativeImporterAbove(file: string, chain: string[]): Promise<number | undefined> {
  for (const [k, dir] of chain.slice(1, IMPORTER_LEVELS).entries()) {
    const dotted = path.relative(dir, path.resolve(file)).replace(/\.py$/, '').split(path.sep).join('.');
    for (const m of await pyModulesIn(dir)) {
      const imports = await importsOf(m);
      if (imports.relative.includes(dotted)) return k + 1 + imports.reach;
    }
  }
  return undefined;
}

/** The imports of the other modules of `file`'s folder (the first few hundred). */
async function siblingImports(file: string): Promise<ModuleImports[]> {
  const modules = await pyModulesIn(path.dirname(path.resolve(file)), file);
  return Promise.all(modules.map((m) => importsOf(m)));
}

/** The paths of the first few hundred .py files of `dir`, `except` aside. */
async function pyModulesIn(dir: string, except?: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  const own = except === undefined ? undefined : path.resolve(except);
  const files = entries.filter((e) => e.isFile() && e.name.endsWith('.py')).map((e) => path.join(dir, e.name));
  return files.filter((f) => f !== own).slice(0, IMPORTER_FILES);
}

async function readHead(file: string): Promise<string> {
  const h = await fs.open(file, 'r').catch(() => undefined);
  if (!h) return '';
  try {
    const buf = Buffer.alloc(IMPORTER_BYTES);
    const { bytesRead } = await h.read(buf, 0, IMPORTER_BYTES, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await h.close();
  }
}

const JS_EXTS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];
const ENTRY_FILES = ['app', 'server', 'main'].flatMap((n) => JS_EXTS.map((e) => n + e));

/** The folders from `file`'s own up to its package's (the nearest holding a package.json, undefined when none does). */
async function packageChain(file: string, exists: Exists): Promise<{ chain: string[]; root: string | undefined }> {
  const chain = [path.dirname(path.resolve(file))];
  for (let d = chain[0]!; ; chain.push(d)) {
    if (await exists(path.join(d, 'package.json'))) return { chain, root: d };
    const up = path.dirname(d);
    if (up === d) return { chain, root: undefined };
    d = up;
  }
}

/** How a relative import written into `file` names a module (see relativeImportStyle). */
export async function relativeImportStyleOf(file: string, text: string): Promise<ImportStyle> {
  const { root } = await packageChain(file, fileExists);
  return relativeImportStyle(file, text, root, await compileScope(file, root));
}

export async function jsHelperLocation(file: string, text: string, ts: boolean, exists: Exists = fileExists): Promise<HelperLocation> {
  const { chain, root } = await packageChain(file, exists);
  const own = chain[0]!;
  const fileExt = path.extname(file).toLowerCase();
  const newExt = fileExt === '.tsx' ? '.ts' : fileExt === '.jsx' ? '.js' : JS_EXTS.includes(fileExt) ? fileExt : ts ? '.ts' : '.js';
  // only folders the file's tsconfig compiles a new module in without changing the build (inside rootDir, included)
  const scope = await compileScope(file, root);
  const fits = (dir: string) => !scope || scope.accepts(path.join(dir, JS_HELPER_MODULE + newExt));
  const dirs = (root ? chain : [own]).filter(fits);
  const existing = await firstWith(
    dirs,
    JS_EXTS.map((e) => JS_HELPER_MODULE + e),
    exists,
  );
  const tracing = existing
    ? undefined
    : await firstWith(
        dirs,
        JS_EXTS.map((e) => `tracing${e}`),
        exists,
      );
  const srcDir = root && path.join(root, 'src');
  const src = srcDir && (own === srcDir || own.startsWith(srcDir + path.sep)) && fits(srcDir) ? srcDir : undefined;
  // the service's folder: the nearest one holding the app's entry file, else package.json's, else the outermost
  // folder the tsconfig allows (the common source root of the project's files)
  const entry = existing || tracing || src ? undefined : await firstWith(dirs, ENTRY_FILES, exists);
  const dir = existing?.dir ?? tracing?.dir ?? src ?? entry?.dir ?? (root && fits(root) ? root : dirs[dirs.length - 1]) ?? own;
  const ext = existing ? path.extname(existing.name) : newExt;
  const p = path.join(dir, JS_HELPER_MODULE + ext);
  let spec = path.relative(own, path.join(dir, JS_HELPER_MODULE)).split(path.sep).join('/');
  if (!spec.startsWith('.')) spec = `./${spec}`;
  // the extension a relative import needs: .mjs/.cjs always; .js when the file or its project says so; the source's
  // own (`.ts`) when the file's imports name .ts files (Node running TypeScript itself, allowImportingTsExtensions)
  const runtimeExt = ext === '.mts' ? '.mjs' : ext === '.cts' ? '.cjs' : ext === '.ts' ? '.js' : ext;
  const style = runtimeExt === '.mjs' || runtimeExt === '.cjs' ? 'runtime' : await relativeImportStyle(file, text, root, scope);
  if (style !== 'none') spec += style === 'source' ? ext : runtimeExt;
  return { path: p, module: spec, exists: await exists(p) };
}

/** The relative specifiers of a module's imports, re-exports, `require()` and `import()` calls. */
const RELATIVE_IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\(\s*|^[ \t]*import\s+)['"](\.\.?\/[^'"\n]*)['"]/gm;
/** Specifiers naming a file that is no JS module (or a .ts one, under allowImportingTsExtensions): no evidence either way. */
const OTHER_FILE = /\.(?:[cm]?tsx?|json|css|scss|sass|less|svg|png|jpe?g|gif|html?|node|wasm|txt|md|ya?ml|graphql|gql)$/i;

/** How a relative import names a module: with its run-time extension (`../db.js`), with its source's (`../db.ts`), or
 *  with none (`../db`). */
export type ImportStyle = 'runtime' | 'source' | 'none';

/** What a module's relative imports say: `runtime` when one carries a run-time extension, else `none` when one names a
 *  module without any (`./users.service`), else `source` when one names a .ts file; undefined when it has none. */
export function extensionStyle(text: string): ImportStyle | undefined {
  let style: ImportStyle | undefined;
  for (const m of text.matchAll(RELATIVE_IMPORT)) {
    if (/\.[cm]?jsx?$/i.test(m[1]!)) return 'runtime';
    if (/\.[cm]?ts$/i.test(m[1]!)) style ??= 'source';
    else if (!OTHER_FILE.test(m[1]!)) style = 'none';
  }
  return style;
}

const NEIGHBOUR_FILES = 12;

/**
 * How a relative import written into a JS/TS file names a module: whether it needs the imported module's run-time
 * extension, or its source's. The file's own relative imports decide when it has any. Else the project: only an ES
 * module needs one (`.mts`/`.mjs`, or `.ts`/`.js` under a package.json with `"type": "module"`; never
 * `.cts`/`.cjs`/CommonJS), and then under node16/nodenext resolution (TS2835 otherwise, ERR_MODULE_NOT_FOUND at run
 * time), or a `.js`/`.mjs` file Node loads itself, never under bundler resolution; a TS file no tsconfig compiles
 * follows its neighbours' relative imports (its folder and the one above).
 */
async function relativeImportStyle(
  file: string,
  text: string,
  packageDir: string | undefined,
  scope: CompileScope | undefined,
): Promise<ImportStyle> {
  const own = extensionStyle(text);
  if (own !== undefined) return own;
  const ext = path.extname(file).toLowerCase();
  const resolution = scope?.moduleResolution;
  if (resolution === 'bundler' || ext === '.cts' || ext === '.cjs') return 'none';
  if (ext !== '.mts' && ext !== '.mjs' && (await packageType(packageDir)) !== 'module') return 'none';
  if (resolution === 'node16' || resolution === 'nodenext' || ext === '.js' || ext === '.mjs') return 'runtime';
  if (scope) return 'none';
  const dir = path.dirname(path.resolve(file));
  for (const d of [dir, path.dirname(dir)]) {
    const entries = await fs.readdir(d, { withFileTypes: true }).catch(() => []);
    const modules = entries.filter((e) => e.isFile() && /\.[cm]?[jt]sx?$/i.test(e.name) && path.join(d, e.name) !== path.resolve(file));
    for (const m of modules.slice(0, NEIGHBOUR_FILES)) {
      const style = extensionStyle(await readHead(path.join(d, m.name)));
      if (style !== undefined) return style;
    }
    if (d === packageDir) break;
  }
  return 'none';
}

/** The `type` of the package.json in `dir` (`module`, `commonjs`), undefined when it has none or is unreadable. */
async function packageType(dir: string | undefined): Promise<unknown> {
  if (!dir) return undefined;
  try {
    return (JSON.parse(await readHead(path.join(dir, 'package.json'))) as { type?: unknown } | null)?.type;
  } catch {
    return undefined;
  }
}
