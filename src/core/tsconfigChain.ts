/**
 * tsconfig.json / jsconfig.json files and the chains of configs they `extends`, read one way for every reader (the route
 * index's path aliases, routes/tsconfigPaths; Instrument Route's compile scope, instrument/tsconfigScope): JSON with
 * comments and trailing commas, at most 1 MiB, `extends` as a string or an array (later entries win) naming a relative
 * file (`./base`, `./base.json`) or a package in a node_modules folder above the config; a chain deeper than five or a
 * cycle reads as nothing. Each reader builds its own options from a file's JSON and its parents'; every file is read
 * once per reader, however many configs extend it. Pure (reads files only).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const MAX_CONFIG = 1024 * 1024;
/** How many folders above a config a package it extends is looked for, with no root to stop at. */
const MAX_UP = 12;

/** A config file's JSON object (untrusted: every field may be of any type). */
export type ConfigJson = Record<string, unknown>;

export interface ConfigChainOptions<T> {
  /** Package lookups stop at this folder (the workspace); without it, twelve folders up. */
  root?: string;
  /** The options of `file` from its JSON and those of the configs it extends, in `extends` order (later ones win). */
  build(json: ConfigJson, file: string, parents: T[]): T;
  /** A config file that exists but is no JSON object. */
  unreadable?(file: string): void;
}

/** Reads configs with their `extends` chains; `read(file)` is null when the file is missing or unreadable. */
export function configChainReader<T>(opts: ConfigChainOptions<T>): (file: string) => Promise<T | null> {
  const cache = new Map<string, Promise<T | null>>();
  /** `chain`: the configs extending this one. */
  const read = (file: string, chain: readonly string[]): Promise<T | null> => {
    if (chain.includes(file) || chain.length > 5) return Promise.resolve(null);
    let p = cache.get(file);
    if (!p) cache.set(file, (p = readOne(file, [...chain, file])));
    return p;
  };
  const readOne = async (file: string, chain: readonly string[]): Promise<T | null> => {
    const json = await readJsoncObject(file, MAX_CONFIG);
    if (json === 'unreadable') opts.unreadable?.(file);
    if (typeof json !== 'object') return null;
    const parents: T[] = [];
    for (const ext of [(json as ConfigJson).extends ?? []].flat()) {
      if (typeof ext !== 'string') continue;
      for (const target of extendsCandidates(opts.root, path.dirname(file), ext)) {
        const parent = await read(target, chain);
        if (parent) {
          parents.push(parent);
          break;
        }
      }
    }
    return opts.build(json as ConfigJson, file, parents);
  };
  return (file) => read(file, []);
}

/** The files an `extends` value may name: a relative file, or a package in a node_modules folder above the config. */
function extendsCandidates(root: string | undefined, dir: string, ext: string): string[] {
  const withJson = (t: string): string[] => (t.endsWith('.json') ? [t] : [t, `${t}.json`, path.join(t, 'tsconfig.json')]);
  if (ext.startsWith('.') || path.isAbsolute(ext)) return withJson(path.resolve(dir, ext));
  const out: string[] = [];
  for (let d = dir, i = 0; i < MAX_UP || root !== undefined; i++) {
    out.push(...withJson(path.join(d, 'node_modules', ext)));
    const up = path.dirname(d);
    if (d === root || (root !== undefined && !d.startsWith(root + path.sep)) || up === d) break;
    d = up;
  }
  return out;
}

/**
 * A JSON-with-comments file holding an object (tsconfig.json, deno.jsonc): the object, `'missing'` when there is no such
 * file (or it is over `maxBytes`, or not a regular file), `'unreadable'` when it is there but not an object.
 */
export async function readJsoncObject(file: string, maxBytes: number): Promise<Record<string, unknown> | 'missing' | 'unreadable'> {
  let text: string;
  try {
    const st = await fs.promises.stat(file);
    if (!st.isFile() || st.size > maxBytes) return 'missing';
    text = await fs.promises.readFile(file, 'utf8');
  } catch {
    return 'missing';
  }
  try {
    const v: unknown = JSON.parse(stripJsonComments(text));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // not JSON
  }
  return 'unreadable';
}

/** JSON with comments and trailing commas (tsconfig.json) as plain JSON text. */
export function stripJsonComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2);
      if (i < 0) break;
      i++;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}
