/**
 * Committed JSON files a JS/TS module loads (`require('./config/config.json')`, `import config from './config.json'`,
 * `import * as config from …`, `with { type: 'json' }`): each becomes an analysis whose constants are its string values
 * keyed by their key path (`rootAPI`, `api.prefix`), the shape an exported constant object has, so `config.rootAPI`
 * resolves through the same lookup (values.ts objectConst); an array of objects is a table whose rows' strings a loop over
 * it reads (`for (const { category } of conf.resources)`, callGraph.ts). Only files inside the workspace and at most
 * JSON_MAX_BYTES are read; bad JSON gives no constants, never a throw.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clip } from './common';
import { emptyAnalysis, type FileAnalysis } from './model';
import { MAX_ELEMENTS } from './loops';

/** A configuration file is small: a bigger JSON file (a data set, an OpenAPI document) is not read. */
export const JSON_MAX_BYTES = 256 * 1024;
/** Key-path depth and number of constants kept per file. */
const MAX_DEPTH = 8;
const MAX_CONSTS = 2000;
/** A path part is short: longer strings (certificates, templates) are not kept. */
const MAX_STRING = 1000;

/** The analysis of a JSON module's text: its string values by key path. */
export function jsonAnalysis(file: string, text: string): FileAnalysis {
  const fa = emptyAnalysis(file, 'javascript');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    fa.notes.push('not valid JSON');
    return fa;
  }
  const name = path.basename(file);
  let count = 0; // key paths are unique: the number of constants
  const walk = (v: unknown, key: string, depth: number): void => {
    if (typeof v === 'string') {
      if (key && v.length <= MAX_STRING && count < MAX_CONSTS) {
        count++;
        fa.consts[key] = v;
        (fa.constSrc ??= {})[key] = `\`${clip(key, 60)}\` of ${clip(name, 60)}`;
      }
    } else if (Array.isArray(v)) {
      // a table of rows (`"resources": [{ "category": "item" }, …]`): each object row's strings, for a loop over it
      const rows = v.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x));
      if (key && rows.length && v.length <= MAX_ELEMENTS)
        (fa.arrays ??= {})[key] = rows.map((r) => ({ k: 'lit', props: {}, strs: rowStrings(r) }));
    } else if (v && typeof v === 'object' && depth < MAX_DEPTH) {
      for (const [k, x] of Object.entries(v)) if (k && !k.includes('.')) walk(x, key ? `${key}.${k}` : k, depth + 1);
    }
  };
  walk(data, '', 0);
  return fa;
}

/** The short string values of a JSON object (a table row). */
function rowStrings(row: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(row).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].length <= MAX_STRING),
  );
}

/**
 * The JSON files `analyses` load by a relative or absolute name (`file:` module ids ending in `.json`) that are not
 * analysed yet, read when `inside` accepts their real path (the workspace) and they are at most JSON_MAX_BYTES.
 */
export async function loadJsonModules(
  analyses: Iterable<FileAnalysis>,
  ws: { known(file: string): boolean; inside(real: string): boolean; rel(file: string): string; notes: string[] },
): Promise<FileAnalysis[]> {
  const wanted = new Set<string>();
  for (const fa of analyses)
    for (const m of fa.loads ?? []) if (m.startsWith('file:') && m.endsWith('.json') && !ws.known(m.slice(5))) wanted.add(m.slice(5));
  const out: FileAnalysis[] = [];
  for (const file of [...wanted].sort()) {
    try {
      const st = await fs.promises.stat(file);
      if (!st.isFile() || !ws.inside(await fs.promises.realpath(file))) continue;
      if (st.size > JSON_MAX_BYTES) {
        ws.notes.push(`${ws.rel(file)}: JSON module not read, ${st.size} bytes is over the ${JSON_MAX_BYTES}-byte limit`);
        continue;
      }
      out.push(jsonAnalysis(file, await fs.promises.readFile(file, 'utf8')));
    } catch {
      // missing or unreadable: nothing is known of it
    }
  }
  return out;
}
