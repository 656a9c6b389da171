/**
 * A JS handler that is an array of middleware (`router.post('/x', createListing)` with `export const createListing =
 * [...rules(), async (req, res) => …]`): Express runs each element in turn, so the wrapper style's
 * `observeRoute('POST', '/x', createListing)` would call the array as a function and break every request. Found from the
 * name's declaration in the route file, or in the relative module it is imported from (its own name or `as` alias).
 * Text-level and bounded: one import followed, files up to MAX_BYTES. Never throws.
 */
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';

const MAX_BYTES = 1024 * 1024;
const EXTS = ['', '.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '/index.ts', '/index.js'];

const escape = (s: string): string => s.replace(/[$]/g, '\\$');

function declaresArray(text: string, name: string): boolean {
  return new RegExp(`(?:^|[^\\w$.])(?:const|let|var)\\s+${escape(name)}\\s*(?::[^=]*)?=\\s*\\[`, 'm').test(text);
}

async function readSmall(file: string): Promise<string | undefined> {
  try {
    const st = await stat(file);
    return st.isFile() && st.size <= MAX_BYTES ? await readFile(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `name`, used as a route's handler in `file` (text `text`), is an array of middleware. */
export async function isMiddlewareArray(file: string, text: string, name: string): Promise<boolean> {
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
      const other = await readSmall(base + ext);
      if (other !== undefined) return declaresArray(other, spec[0]!);
    }
    return false;
  }
  return false;
}
