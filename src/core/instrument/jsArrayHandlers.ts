/**
 * A JS handler that is an array of middleware (`router.post('/x', createListing)` with `export const createListing =
 * [...rules(), async (req, res) => …]`): Express runs each element in turn, so the wrapper style's
 * `observeRoute('POST', '/x', createListing)` would call the array as a function and break every request. Found from the
 * name's declaration in the route file, or in the relative module it is imported from (its own name or `as` alias).
 * Text-level and bounded: one import followed, read through the caller's `read` (bounded, cached per plan). Never throws.
 */
import * as path from 'node:path';
import { jsInitializerOf } from './common';

const EXTS = ['', '.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '/index.ts', '/index.js'];

function declaresArray(text: string, name: string): boolean {
  return jsInitializerOf(text, name, true)?.startsWith('[') === true;
}

/** Whether `name`, used as a route's handler in `file` (text `text`), is an array of middleware; `read` gives a module's
 *  text, undefined when there is no such file. */
export async function isMiddlewareArray(
  file: string,
  text: string,
  name: string,
  read: (file: string) => Promise<string | undefined>,
): Promise<boolean> {
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) return false;
  if (declaresArray(text, name)) return true;
  for (const m of text.matchAll(/\bimport\s*(?:type\s+)?\{([^}]*)\}\s*from\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const spec = m[1]!
      .split(',')
      .map((s) => s.trim().split(/\s+as\s+/))
      .find((p) => (p[1] ?? p[0]) === name);
    if (!spec) continue;
    const base = path.resolve(path.dirname(file), m[2]!.replace(/\.[cm]?js$/, ''));
    for (const ext of EXTS) {
      const other = await read(base + ext);
      if (other !== undefined) return declaresArray(other, spec[0]!);
    }
    return false;
  }
  return false;
}
