/**
 * Entry points the project's configuration names: package.json `main`/`module`/`bin`/`scripts`, wrangler `main`,
 * deno.json `tasks`, a Dockerfile's `CMD`/`ENTRYPOINT`/`RUN`, a Procfile's commands. Every path-like word counts (a
 * file with a JS/TS extension, or one with a `/`: `node dist/server.js`, `tsx watch src/server`, `bun --hot .`), each as
 * an absolute stem with no extension and no trailing `/index`, relative to the file that names it. A build folder's file
 * (`dist/server.js`) also names the same stem at the top and under `src/`. Read liberally: a stray word only makes a
 * file look like an entry, which keeps its routes. At most MAX_CONFIGS files of at most MAX_BYTES each, MAX_WORDS
 * words each. The match (isEntryFile) is pure.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJsoncObject } from '../tsconfigChain';
import { BUILD_DIRS } from './workspacePackages';

/** File names that may name an entry (package.json and deno.json(c) are collected by the walk anyway). */
export const ENTRY_CONFIG_NAMES = ['wrangler.toml', 'wrangler.json', 'wrangler.jsonc', 'Dockerfile', 'Procfile'];

const MAX_CONFIGS = 500;
const MAX_BYTES = 256 * 1024;
const MAX_WORDS = 500;
const EXT = /\.(?:[cm]?[jt]sx?)$/i;

/** The entry stems the configuration `files` (absolute paths the walk found) name, and the folders holding one (a
 *  project's own folder: a workspace member, a deno workspace folder), each sorted, without duplicates. */
export async function readEntryStems(
  root: string,
  files: readonly string[],
  notes: string[],
): Promise<{ stems: string[]; dirs: string[] }> {
  const out = new Set<string>();
  const dirs = new Set<string>();
  for (const file of [...files].sort().slice(0, MAX_CONFIGS)) {
    const dir = path.dirname(file);
    dirs.add(dir);
    const name = path.basename(file);
    const words: string[] = [];
    try {
      if (name === 'Dockerfile' || name === 'Procfile' || name === 'wrangler.toml') {
        const st = await fs.promises.stat(file);
        if (st.size > MAX_BYTES) continue;
        const text = await fs.promises.readFile(file, 'utf8');
        if (name === 'wrangler.toml') {
          const m = /^[ \t]*main[ \t]*=[ \t]*(['"])([^'"\n]+)\1/m.exec(text);
          if (m) words.push(m[2]!);
        } else if (name === 'Procfile') words.push(...text.split('\n').map((l) => l.replace(/^[\w-]+:/, '')));
        else for (const m of text.matchAll(/^[ \t]*(?:CMD|ENTRYPOINT|RUN)\b([^\n]*)/gim)) words.push(m[1]!);
      } else {
        const json = await readJsoncObject(file, MAX_BYTES);
        if (typeof json !== 'object') continue;
        for (const k of ['main', 'module', 'bin', 'scripts', 'tasks']) words.push(...strings(json[k]));
      }
    } catch {
      notes.push(`${path.relative(root, file).split(path.sep).join('/')}: could not read the entry points it names`);
      continue;
    }
    for (const w of words.flatMap((s) => s.split(/[\s"'`,;&|()[\]=]+/)).slice(0, MAX_WORDS)) {
      if (!w || w.startsWith('-') || /^[a-z][\w+.-]*:/i.test(w) || /[*?{}$<>]/.test(w)) continue;
      if (!EXT.test(w) && !w.includes('/') && w !== '.') continue;
      for (const s of stemsOf(dir, w)) out.add(s);
    }
  }
  return { stems: [...out].sort(), dirs: [...dirs].sort() };
}

/** Whether `file` is an entry the configuration names (`stems` from readEntryStems). */
export function isEntryFile(file: string, stems: ReadonlySet<string>): boolean {
  return stems.size > 0 && stems.has(stem(file));
}

function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (v && typeof v === 'object' && !Array.isArray(v)) return Object.values(v).filter((x): x is string => typeof x === 'string');
  return [];
}

/** An absolute path without its JS/TS extension and a trailing `/index`. */
function stem(p: string): string {
  const s = p.replace(EXT, '');
  return path.basename(s) === 'index' ? path.dirname(s) : s;
}

function stemsOf(dir: string, word: string): string[] {
  const abs = path.resolve(dir, word);
  const out = [stem(abs)];
  const rel = path.relative(dir, abs).split(path.sep);
  if (rel.length > 1 && BUILD_DIRS.test(rel[0]!)) {
    out.push(stem(path.join(dir, ...rel.slice(1))), stem(path.join(dir, 'src', ...rel.slice(1))));
  }
  return out;
}
