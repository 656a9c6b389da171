/**
 * Where the wrapper style's helper module lives and how a route file imports it: one per service, next to the
 * app-level setup (telemetry.py / tracing.*) when there is one, found again (never rewritten) once written.
 *  - Python: the nearest folder from the route file up to its top package holding telemetry_routes.py, else
 *    telemetry.py, else the top package (the file's own folder when it is not in a package); imported relatively
 *    when the file uses relative imports, else by its dotted package path.
 *  - JS/TS: the nearest folder from the route file up to its package.json holding telemetryRoutes.*, else tracing.*,
 *    else `src/` when the file is under it, else the file's folder; the specifier follows the file's own relative
 *    imports (`.js` extensions for node16/nodenext ESM).
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { JS_HELPER_MODULE } from './helperJs';
import { PY_HELPER_MODULE } from './helperPy';

export type Exists = (file: string) => Promise<boolean>;

export const fileExists: Exists = (file) => fs.stat(file).then((s) => s.isFile(), () => false);

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

export async function pythonHelperLocation(file: string, text: string, exists: Exists = fileExists): Promise<HelperLocation> {
  const own = path.dirname(path.resolve(file));
  const chain = [own]; // the file's folder, then every enclosing package
  while (await exists(path.join(chain[chain.length - 1]!, '__init__.py'))) {
    const up = path.dirname(chain[chain.length - 1]!);
    if (up === chain[chain.length - 1]) break;
    if (!(await exists(path.join(up, '__init__.py')))) break;
    chain.push(up);
  }
  const helper = `${PY_HELPER_MODULE}.py`;
  const found = (await firstWith(chain, [helper], exists)) ?? (await firstWith(chain, ['telemetry.py'], exists));
  const dir = found?.dir ?? chain[chain.length - 1]!;
  const depth = chain.indexOf(dir);
  const inPackage = await exists(path.join(own, '__init__.py'));
  let module = PY_HELPER_MODULE;
  if (inPackage && /^\s*from\s+\.+\w*\s+import\b/m.test(text)) module = '.'.repeat(depth + 1) + PY_HELPER_MODULE;
  else if (inPackage) module = [...chain.slice(depth).reverse().map((d) => path.basename(d)), PY_HELPER_MODULE].join('.');
  const p = path.join(dir, helper);
  return { path: p, module, exists: await exists(p) };
}

const JS_EXTS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

export async function jsHelperLocation(file: string, text: string, ts: boolean, exists: Exists = fileExists): Promise<HelperLocation> {
  const own = path.dirname(path.resolve(file));
  const chain = [own];
  let root: string | undefined;
  for (let d = own; ; ) {
    if (await exists(path.join(d, 'package.json'))) {
      root = d;
      break;
    }
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
    chain.push(d);
  }
  const dirs = root ? chain : [own];
  const existing = await firstWith(dirs, JS_EXTS.map((e) => JS_HELPER_MODULE + e), exists);
  const tracing = existing ? undefined : await firstWith(dirs, JS_EXTS.map((e) => `tracing${e}`), exists);
  const src = root && own.startsWith(path.join(root, 'src') + path.sep) ? path.join(root, 'src') : undefined;
  const dir = existing?.dir ?? tracing?.dir ?? src ?? own;
  const fileExt = path.extname(file).toLowerCase();
  const ext = existing ? path.extname(existing.name) : fileExt === '.tsx' ? '.ts' : fileExt === '.jsx' ? '.js' : JS_EXTS.includes(fileExt) ? fileExt : ts ? '.ts' : '.js';
  const p = path.join(dir, JS_HELPER_MODULE + ext);
  let spec = path.relative(own, path.join(dir, JS_HELPER_MODULE)).split(path.sep).join('/');
  if (!spec.startsWith('.')) spec = `./${spec}`;
  // the extension a relative import needs: .mjs/.cjs always; .js when the file's own relative imports carry one
  const runtimeExt = ext === '.mts' ? '.mjs' : ext === '.cts' ? '.cjs' : ext === '.ts' ? '.js' : ext;
  if (runtimeExt === '.mjs' || runtimeExt === '.cjs' || /(from\s+|require\()\s*['"]\.\.?\/[^'"]*\.js['"]/.test(text)) spec += runtimeExt;
  return { path: p, module: spec, exists: await exists(p) };
}
