/**
 * Where a name a JS/TS route file uses is declared, for one fact the planner needs about it (is `createListing` an
 * array of middleware, is `registerOpts` a factory of Fastify route options): this module when it declares the name,
 * else the relative module a named import brings it from, through re-exports (`export { x } from './x'`,
 * `export * from './x'`, an index barrel), at most MAX_HOPS modules. Text-level and bounded: modules are read through
 * the caller's `read` (bounded, cached per plan). Never throws.
 */
import * as path from 'node:path';

export type ReadModule = (file: string) => Promise<string | undefined>;

const EXTS = ['', '.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '/index.ts', '/index.js'];
const MAX_HOPS = 4;
const IDENT = /^[A-Za-z_$][\w$]*$/;

const escape = (s: string): string => s.replace(/[$]/g, '\\$');

/** Whether `text` declares `name` at the top of a module (`const name =`, `function name(`, `class name`). */
function declares(text: string, name: string): boolean {
  const n = escape(name);
  return new RegExp(
    `(?:^|[^\\w$.])(?:(?:const|let|var)\\s+${n}\\s*(?::[^=]*)?=|(?:async\\s+)?function\\s*\\*?\\s*${n}\\s*[(<]|class\\s+${n}\\b)`,
    'm',
  ).test(text);
}

/** The relative module `spec` names from `file`, and its text; undefined when none is readable. */
async function moduleAt(file: string, spec: string, read: ReadModule): Promise<{ file: string; text: string } | undefined> {
  const base = path.resolve(path.dirname(file), spec.replace(/\.[cm]?js$/, ''));
  for (const ext of EXTS) {
    const text = await read(base + ext);
    if (text !== undefined) return { file: base + ext, text };
  }
  return undefined;
}

/** The names a brace list binds (`a, b as c, type d`): local name → name in the other module. */
function bindings(list: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of list.split(',')) {
    const [from, as] = part
      .trim()
      .replace(/^type\s+/, '')
      .split(/\s+as\s+/);
    if (from && IDENT.test(from)) out.set(as && IDENT.test(as) ? as : from, from);
  }
  return out;
}

/** The module declaring `name` as `file` (text `text`) sees it, and its name there; undefined when not found. */
export async function declaringModule(
  file: string,
  text: string,
  name: string,
  read: ReadModule,
  hops = 0,
): Promise<{ file: string; text: string; name: string } | undefined> {
  if (!IDENT.test(name) || hops > MAX_HOPS) return undefined;
  if (declares(text, name)) return { file, text, name };
  // `import { a as name } from './x'`, `export { a as name } from './x'`
  for (const m of text.matchAll(/\b(?:import|export)\s*(?:type\s+)?\{([^}]*)\}\s*from\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const theirs = bindings(m[1]!).get(name);
    if (theirs === undefined) continue;
    const other = await moduleAt(file, m[2]!, read);
    return other && declaringModule(other.file, other.text, theirs, read, hops + 1);
  }
  // `export * from './x'` (a barrel): the first module declaring it
  for (const m of text.matchAll(/\bexport\s*\*\s*from\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const other = await moduleAt(file, m[1]!, read);
    const found = other && (await declaringModule(other.file, other.text, name, read, hops + 1));
    if (found) return found;
  }
  return undefined;
}
