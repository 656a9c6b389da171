/**
 * Workspace packages whose only committed form is their build output (`packages/contracts` with `"main":
 * "dist/index.js"`, `"types": "dist/index.d.ts"` and no `src/`): a bare import of one (`import { ROUTES } from
 * 'acme-contracts'`) that no analysed file answers is read from the package's committed entry, for its constants only.
 * The compiled JS (tsc CommonJS `exports.ROUTES = {…}`, ESM `export const ROUTES = {…}`) goes through the file analysis
 * and keeps only its constants, exports and re-exports; where the JS is absent, the declaration file's string literal
 * types are the values (`export declare const ROUTES: { readonly users: { readonly list: "/users" } }`, what `as
 * const` compiles to). Such a file never yields routes, objects or functions, and is never pulled into route analysis:
 * build output stays out of the scan (./scanRules). A package's source, when present, is always preferred (its import
 * resolves before this is asked). What the entry re-exports (`export * from './routes'`, tsc's `__exportStar(require(
 * "./routes"), exports)`) is read too, inside the package folder, at most MAX_FILES files of at most `maxBytes` each.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TS } from '../parsing/treeSitter';
import { emptyAnalysis, type FileAnalysis, type ModId, type Ref } from './model';
import { ModuleIndex } from './modules';
import type { ResolveOptions } from './resolve';
import { packageTargets } from './workspacePackages';

/** Built files read in one scan (entries and what they re-export). */
const MAX_FILES = 64;
/** Key-path depth of a declared object type, and constants kept per file. */
const MAX_DEPTH = 8;
const MAX_CONSTS = 2000;
const MAX_STRING = 1000;
const JS_FILE = /\.[cm]?js$/;
const DTS_FILE = /\.d\.[cm]?ts$/;

export interface BuiltReader {
  /** The file's text when it is inside the workspace and at most the size cap (a note says why not), else null. */
  read(file: string): Promise<string | null>;
  /** The file analysis of a compiled JS file. */
  analyse(file: string, text: string): Promise<FileAnalysis>;
  /** The syntax tree of a declaration file, for `fn`. */
  parse<T>(file: string, text: string, fn: (root: TS.Node) => T): Promise<T | undefined>;
}

/**
 * The value-only analyses of the built entries of workspace packages the `analyses` import by name and nothing
 * analysed answers (and of what those entries re-export), keyed like the analyses.
 */
export async function loadBuiltEntries(
  analyses: ReadonlyMap<string, FileAnalysis>,
  options: ResolveOptions,
  reader: BuiltReader,
): Promise<FileAnalysis[]> {
  const pkgs = options.workspacePackages ?? [];
  if (!pkgs.length) return [];
  const sorted = [...analyses.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const mods = new ModuleIndex(sorted, options);
  const out = new Map<string, FileAnalysis | null>(); // file → its analysis; null when it could not be read
  const queue: { candidates: string[]; dir: string }[] = [];
  const specs = new Set<string>();
  for (const fa of sorted) {
    if (fa.language !== 'javascript') continue;
    for (const m of fa.loads ?? []) {
      if (!m.startsWith('pkg:') || specs.has(m) || mods.modFile(m, fa.file)) continue;
      specs.add(m);
      const targets = packageTargets(pkgs, m.slice(4));
      const pkg = pkgs.find((p) => m.slice(4) === p.name || m.slice(4).startsWith(`${p.name}/`));
      if (targets.length && pkg) queue.push({ candidates: ordered(targets), dir: pkg.dir });
    }
  }
  for (let i = 0; i < queue.length && out.size < MAX_FILES; i++) {
    const { candidates, dir } = queue[i]!;
    for (const c of candidates) {
      const file = await existing(c);
      if (!file || analyses.has(file) || !inside(dir, file)) continue;
      if (out.has(file)) break;
      const fa = await readBuilt(file, reader);
      out.set(file, fa);
      if (!fa) continue;
      // what it re-exports or imports, inside the package folder
      for (const m of new Set([...fa.starExports, ...(fa.loads ?? [])]))
        if (m.startsWith('file:')) queue.push({ candidates: ordered(stemCandidates(m.slice(5))), dir });
      break;
    }
  }
  return [...out.values()].filter((fa): fa is FileAnalysis => !!fa);
}

/** JS files first (their values are the values), declaration files after. */
function ordered(targets: readonly string[]): string[] {
  const all = targets.flatMap((t) => (JS_FILE.test(t) ? [t, t.replace(JS_FILE, (x) => `.d.${x.slice(1, -2)}ts`)] : [t]));
  return [...all.filter((t) => !DTS_FILE.test(t)), ...all.filter((t) => DTS_FILE.test(t))];
}

/** The files a module id `file:<stem>` may name among built files. */
function stemCandidates(p: string): string[] {
  const stem = p.replace(/\.[cm]?js$/, '');
  return [p, `${stem}.js`, `${stem}.cjs`, `${stem}.mjs`, path.join(stem, 'index.js'), `${stem}.d.ts`, path.join(stem, 'index.d.ts')];
}

/** `file` when it is a regular file, or the JS/declaration file its extensionless name names. */
async function existing(file: string): Promise<string | null> {
  const names = path.extname(file) ? [file] : [`${file}.js`, `${file}.mjs`, `${file}.cjs`, `${file}.d.ts`];
  for (const f of names) {
    const st = await fs.promises.stat(f).catch(() => null);
    if (st?.isFile() && (JS_FILE.test(f) || DTS_FILE.test(f))) return f;
  }
  return null;
}

function inside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return !!rel && !rel.startsWith('..') && !path.isAbsolute(rel) && !rel.split(path.sep).includes('node_modules');
}

async function readBuilt(file: string, reader: BuiltReader): Promise<FileAnalysis | null> {
  const text = await reader.read(file);
  if (text === null) return null;
  if (DTS_FILE.test(file)) return (await reader.parse(file, text, (root) => declarationAnalysis(file, root))) ?? null;
  return valuesOnly(await reader.analyse(file, text), text);
}

/** A compiled file's analysis reduced to its values: constants, exports that name imports, re-exports, loads. */
export function valuesOnly(full: FileAnalysis, text: string): FileAnalysis {
  const fa = emptyAnalysis(full.file, 'javascript');
  // a constant of a function's scope (`fn#3.key`) names a function this reduced analysis drops
  fa.consts = Object.fromEntries(Object.entries(full.consts).filter(([k]) => !k.startsWith('fn#')));
  if (full.constSrc) fa.constSrc = full.constSrc;
  for (const [k, r] of Object.entries(full.exports)) if (valueRef(r)) fa.exports[k] = r;
  fa.starExports = [...full.starExports];
  fa.loads = [...(full.loads ?? [])];
  tscReexports(full.file, text, fa);
  return fa;
}

function valueRef(r: Ref): boolean {
  return r.k === 'imp' || r.k === 'none' || (r.k === 'mem' && valueRef(r.base));
}

/**
 * tsc's CommonJS re-exports: `__exportStar(require("./routes"), exports)` and `Object.defineProperty(exports, "PATHS",
 * { enumerable: true, get: function () { return paths_1.PATHS; } })` over `var paths_1 = require("./paths")`.
 */
function tscReexports(file: string, text: string, fa: FileAnalysis): void {
  const mod = (spec: string): ModId | null => (spec.startsWith('.') ? `file:${path.resolve(path.dirname(file), spec)}` : null);
  for (const m of text.matchAll(/__exportStar\(require\(["']([^"'\n]{1,200})["']\),\s*exports\)/g)) {
    const id = mod(m[1]!);
    if (id && !fa.starExports.includes(id)) fa.starExports.push(id);
  }
  const required = new Map<string, ModId>();
  for (const m of text.matchAll(/\b(?:var|const|let)\s+([\w$]{1,100})\s*=\s*(?:__importStar\()?require\(["']([^"'\n]{1,200})["']\)/g)) {
    const id = mod(m[2]!);
    if (id) required.set(m[1]!, id);
  }
  const getter =
    /Object\.defineProperty\(exports,\s*["']([\w$]{1,100})["'],\s*\{\s*enumerable:\s*true,\s*get:\s*function\s*\(\)\s*\{\s*return\s+([\w$]{1,100})\.([\w$]{1,100});?\s*\}\s*\}\)/g;
  for (const m of text.matchAll(getter)) {
    const id = required.get(m[2]!);
    if (id && !(m[1]! in fa.exports && fa.exports[m[1]!]!.k === 'imp')) fa.exports[m[1]!] = { k: 'imp', mod: id, name: m[3]! };
  }
  for (const id of required.values()) if (!fa.loads!.includes(id)) fa.loads!.push(id);
}

/**
 * A declaration file's values: `declare const X: "…"` and nested readonly object literal types (`as const`) as constants
 * (`X`, `X.a.b`), string members of a declared enum (`E.A`), `export { X as Y }` of them, `export * from './x'` and `export { A as B } from './x'`.
 */
export function declarationAnalysis(file: string, root: TS.Node): FileAnalysis {
  const fa = emptyAnalysis(file, 'javascript');
  const name = path.basename(file);
  let count = 0;
  const put = (key: string, s: string): void => {
    if (s.length > MAX_STRING || count >= MAX_CONSTS) return;
    count++;
    fa.consts[key] = s;
    (fa.constSrc ??= {})[key] = `\`${key.length > 60 ? `${key.slice(0, 59)}…` : key}\` of ${name}`;
  };
  const walkType = (t: TS.Node | null, key: string, depth: number): void => {
    if (!t || depth > MAX_DEPTH) return;
    if (t.type === 'type_annotation') return walkType(t.namedChildren[0] ?? null, key, depth);
    if (t.type === 'literal_type') {
      const s = t.namedChildren[0];
      if (s?.type === 'string') put(key, stringValue(s));
      return;
    }
    if (t.type !== 'object_type') return;
    for (const p of t.namedChildren) {
      if (p?.type !== 'property_signature') continue;
      const n = p.childForFieldName('name');
      const k = n?.type === 'string' ? stringValue(n) : n?.type === 'property_identifier' ? n.text : null;
      if (k && !k.includes('.')) walkType(p.childForFieldName('type'), `${key}.${k}`, depth + 1);
    }
  };
  const declare = (node: TS.Node): void => {
    const en = node.type === 'ambient_declaration' ? node.namedChildren.find((c) => c?.type === 'enum_declaration') : null;
    const enumName = en?.childForFieldName('name')?.text;
    for (const m of enumName ? (en!.childForFieldName('body')?.namedChildren ?? []) : []) {
      // `export declare enum Paths { Users = "/users" }` (also `const enum`): string members, like a source enum
      const key = m?.type === 'enum_assignment' ? m.childForFieldName('name') : null;
      const value = m?.childForFieldName('value');
      const k = key?.type === 'string' ? stringValue(key) : key?.text;
      if (k && !k.includes('.') && value?.type === 'string') put(`${enumName}.${k}`, stringValue(value));
    }
    const lex = node.type === 'ambient_declaration' ? node.namedChildren.find((c) => c?.type === 'lexical_declaration') : null;
    if (!lex?.text.startsWith('const')) return;
    for (const d of lex.namedChildren) {
      const id = d?.type === 'variable_declarator' ? d.childForFieldName('name') : null;
      if (id?.type !== 'identifier') continue;
      const value = d!.childForFieldName('value'); // `export declare const API_PREFIX = "/api";` (a const without `as const`)
      if (value?.type === 'string') put(id.text, stringValue(value));
      else walkType(d!.childForFieldName('type'), id.text, 0);
    }
  };
  const aliases: [string, string][] = [];
  for (const st of root.namedChildren) {
    if (!st) continue;
    if (st.type === 'ambient_declaration') declare(st);
    if (st.type !== 'export_statement') continue;
    const decl = st.childForFieldName('declaration');
    if (decl) declare(decl);
    const source = st.childForFieldName('source');
    const mod =
      source?.type === 'string' && stringValue(source).startsWith('.')
        ? `file:${path.resolve(path.dirname(file), stringValue(source))}`
        : null;
    const clause = st.namedChildren.find((c) => c?.type === 'export_clause');
    if (mod) (fa.loads ??= []).push(mod);
    if (mod && !clause && /^export\s*\*\s*from\b/.test(st.text)) fa.starExports.push(mod);
    for (const spec of clause?.namedChildren ?? []) {
      if (spec?.type !== 'export_specifier') continue;
      const local = spec.childForFieldName('name')?.text;
      const as = spec.childForFieldName('alias')?.text ?? local;
      if (!local || !as) continue;
      if (mod) fa.exports[as] = { k: 'imp', mod, name: local };
      else if (as !== local) aliases.push([local, as]);
    }
  }
  for (const [local, as] of aliases)
    for (const [k, v] of Object.entries(fa.consts)) if (k === local || k.startsWith(`${local}.`)) put(as + k.slice(local.length), v);
  return fa;
}

/** The text of a string literal node (its fragments and escapes, read plainly). */
function stringValue(s: TS.Node): string {
  return s.text.slice(1, -1).replace(/\\(.)/g, '$1');
}
