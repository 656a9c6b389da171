/**
 * Where a name a module uses comes from: the project module it is imported from (a relative JS/TS import or
 * `require()`, a Python `from … import`), and its name there. Text-level and bounded: one import followed, each module
 * read through the caller's `read` (bounded, cached per plan). Never throws.
 */
import * as path from 'node:path';

/** Whether two paths name the same file. */
export function sameFile(a: string, b: string): boolean {
  return path.resolve(a) === path.resolve(b);
}

/** Reads a module's text, undefined when there is no such (small enough) file. */
export type ReadModule = (file: string) => Promise<string | undefined>;

/** A name's declaration module: its path, its text and the name it has there. */
export interface ImportedName {
  file: string;
  text: string;
  name: string;
}

const JS_EXTS = ['', '.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '/index.ts', '/index.js'];
const JS_IMPORT = /\bimport\s*(?:type\s+)?\{([^}]*)\}\s*from\s*['"](\.{1,2}\/[^'"]+)['"]/g;
const JS_REQUIRE = /\b(?:const|let|var)\s*\{([^}]*)\}\s*=\s*require\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** The first of `base` + each extension that `read` finds, as an ImportedName of `name`. */
async function firstModule(bases: string[], exts: string[], name: string, read: ReadModule): Promise<ImportedName | undefined> {
  for (const base of bases)
    for (const ext of exts) {
      const text = await read(base + ext);
      if (text !== undefined) return { file: base + ext, text, name };
    }
  return undefined;
}

/** The relative JS/TS module `name` is imported from in `file` (`import { a as name } from './x'`, `const { a: name } =
 *  require('./x')`), undefined when it is not imported from one or the module is not found. */
export async function jsImportedName(file: string, text: string, name: string, read: ReadModule): Promise<ImportedName | undefined> {
  for (const [re, sep] of [
    [JS_IMPORT, /\s+as\s+/],
    [JS_REQUIRE, /\s*:\s*/],
  ] as const) {
    for (const m of text.matchAll(re)) {
      const theirs = boundName(m[1]!, sep, name);
      if (theirs !== undefined) return firstModule([jsModuleBase(file, m[2]!)], JS_EXTS, theirs, read);
    }
  }
  return undefined;
}

/** The name in the other module of what a brace list (`a, b as c, type d`; `sep`: ` as ` or `:` of a destructuring)
 *  binds to `name` here; undefined when it binds nothing to it. */
function boundName(list: string, sep: RegExp, name: string): string | undefined {
  const spec = list
    .split(',')
    .map((s) =>
      s
        .trim()
        .replace(/^type\s+/, '')
        .split(sep),
    )
    .find((p) => (p[1] ?? p[0]) === name);
  return spec?.[0];
}

/** A relative JS/TS module specifier of `file` as a path without its runtime extension (`./x.js` → `<dir>/x`). */
function jsModuleBase(file: string, spec: string): string {
  return path.resolve(path.dirname(file), spec.replace(/\.[cm]?js$/, ''));
}

const JS_REEXPORT = /\bexport\s*(?:type\s+)?\{([^}]*)\}\s*from\s*['"](\.{1,2}\/[^'"]+)['"]/g;
const JS_EXPORT_ALL = /\bexport\s*\*\s*from\s*['"](\.{1,2}\/[^'"]+)['"]/g;
const JS_IDENT = /^[A-Za-z_$][\w$]*$/;
/** How many modules a name is followed through (imports, re-exports, barrels). */
const MAX_HOPS = 4;

/** Whether JS/TS `text` declares `name` (`const name =`, `function name(`, `class name`). */
function jsDeclares(text: string, name: string): boolean {
  const n = name.replace(/[$]/g, '\\$');
  const decl = `(?:(?:const|let|var)\\s+${n}\\s*(?::[^=]*)?=|(?:async\\s+)?function\\s*\\*?\\s*${n}\\s*[(<]|class\\s+${n}\\b)`;
  return new RegExp(`(?:^|[^\\w$.])${decl}`, 'm').test(text);
}

/** The module declaring `name` as the JS/TS `file` sees it: this one, else where an import, a `require` or a re-export
 *  (`export { a as name } from './x'`, `export * from './x'`: a barrel) brings it from, at most MAX_HOPS modules away. */
export async function jsDeclaringModule(
  file: string,
  text: string,
  name: string,
  read: ReadModule,
  hops = 0,
): Promise<ImportedName | undefined> {
  if (!JS_IDENT.test(name) || hops > MAX_HOPS) return undefined;
  if (jsDeclares(text, name)) return { file, text, name };
  let next = await jsImportedName(file, text, name, read);
  for (const m of next ? [] : text.matchAll(JS_REEXPORT)) {
    const theirs = boundName(m[1]!, /\s+as\s+/, name);
    if (theirs === undefined) continue;
    next = await firstModule([jsModuleBase(file, m[2]!)], JS_EXTS, theirs, read);
    break;
  }
  if (next) return jsDeclaringModule(next.file, next.text, next.name, read, hops + 1);
  for (const m of text.matchAll(JS_EXPORT_ALL)) {
    const barrel = await firstModule([jsModuleBase(file, m[1]!)], JS_EXTS, name, read);
    const found = barrel && (await jsDeclaringModule(barrel.file, barrel.text, name, read, hops + 1));
    if (found) return found;
  }
  return undefined;
}

const PY_FROM = /^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(?:\(([^)]*)\)|([^\n#]*))/gm;
/** How many folders up an absolute Python import's top package is looked for (the service's source root). */
const PY_ROOT_LEVELS = 6;

/** The project module `name` is imported from in the Python `file` (`from .metrics import metrics_response`,
 *  `from app.metrics import render as name`): relative to the file, or absolute from a folder up to PY_ROOT_LEVELS above
 *  it. Undefined when it is not imported so or the module is not found. */
export async function pyImportedName(file: string, text: string, name: string, read: ReadModule): Promise<ImportedName | undefined> {
  for (const m of text.matchAll(PY_FROM)) {
    const theirs = boundName(m[3] ?? m[4]!, /\s+as\s+/, name);
    if (theirs === undefined || !m[2]) continue;
    const rel = m[2].split('.').join(path.sep);
    let dir = path.dirname(path.resolve(file));
    const bases: string[] = [];
    if (m[1]!.length) {
      for (let i = 1; i < m[1]!.length; i++) dir = path.dirname(dir);
      bases.push(path.join(dir, rel));
    } else {
      for (let i = 0; i < PY_ROOT_LEVELS; i++, dir = path.dirname(dir)) {
        bases.push(path.join(dir, rel));
        if (path.dirname(dir) === dir) break;
      }
    }
    return firstModule(bases, ['.py', `${path.sep}__init__.py`], theirs, read);
  }
  return undefined;
}
