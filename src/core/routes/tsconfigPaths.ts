/**
 * TypeScript/JavaScript path aliases: `compilerOptions.paths` and `baseUrl` of every tsconfig.json / jsconfig.json in
 * the workspace (JSON with comments, `extends` followed: relative files, or packages in the node_modules above the
 * config), each relative to the config that declares it. A file resolves bare names with the config nearest above
 * it, as editors do (a monorepo's `apps/api/tsconfig.json` for `apps/api/src/**`); tsconfig.json wins over a
 * jsconfig.json in the same folder. Every config file is read once, however many configs extend it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The aliases of one folder's config: `paths` patterns with absolute targets (`*` wildcards), and its absolute baseUrl. */
export interface PathConfig {
  dir: string;
  aliases: { pattern: string; targets: string[] }[];
  baseUrl?: string;
}

export const CONFIG_NAMES = ['tsconfig.json', 'jsconfig.json'];

interface PathOptions {
  /** Absolute. */
  baseUrl?: string;
  /** `paths` and the directory of the file that set them (their base when there is no baseUrl). */
  paths?: { map: Record<string, string[]>; dir: string };
}

/** The path configs of `files` (absolute tsconfig.json/jsconfig.json paths found by the walk); `root` bounds node_modules lookups. */
export async function readPathConfigs(root: string, files: readonly string[], notes: string[]): Promise<PathConfig[]> {
  const cache = new Map<string, Promise<PathOptions | null>>();
  /** `chain`: the configs extending this one (an `extends` cycle reads as nothing). */
  const read = (file: string, chain: readonly string[]): Promise<PathOptions | null> => {
    if (chain.includes(file) || chain.length > 5) return Promise.resolve(null);
    let p = cache.get(file);
    if (!p) cache.set(file, (p = readCompilerOptions(root, file, notes, [...chain, file], read)));
    return p;
  };
  const byDir = new Map<string, string[]>();
  for (const f of files) byDir.set(path.dirname(f), [...(byDir.get(path.dirname(f)) ?? []), f]);
  const out: PathConfig[] = [];
  for (const [dir, list] of [...byDir].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    let co: PathOptions | null = null;
    list.sort((a, b) => CONFIG_NAMES.indexOf(path.basename(a)) - CONFIG_NAMES.indexOf(path.basename(b)));
    for (const file of list) if ((co = await read(file, []))) break;
    if (!co) continue;
    const base = co.baseUrl ?? co.paths?.dir ?? dir;
    const aliases = Object.entries(co.paths?.map ?? {}).map(([pattern, targets]) => ({
      pattern,
      targets: (Array.isArray(targets) ? targets : []).filter((t) => typeof t === 'string').map((t) => path.resolve(base, t)),
    }));
    out.push({ dir, aliases, ...(co.baseUrl ? { baseUrl: co.baseUrl } : {}) });
  }
  return out;
}

/** One config file and the ones it `extends`, child options winning. */
async function readCompilerOptions(
  root: string,
  file: string,
  notes: string[],
  chain: readonly string[],
  read: (file: string, chain: readonly string[]) => Promise<PathOptions | null>,
): Promise<PathOptions | null> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch {
    return null;
  }
  const name = path.relative(root, file).split(path.sep).join('/');
  try {
    const json = JSON.parse(stripJsonComments(text)) as {
      extends?: string | string[];
      compilerOptions?: { baseUrl?: string; paths?: Record<string, string[]> };
    };
    let out: PathOptions = {};
    for (const ext of [json.extends ?? []].flat()) {
      if (typeof ext !== 'string') continue;
      let parent: PathOptions | null = null;
      for (const target of extendsCandidates(root, path.dirname(file), ext)) if ((parent = await read(target, chain))) break;
      if (parent) out = { ...out, ...parent };
    }
    const co = json.compilerOptions ?? {};
    if (typeof co.baseUrl === 'string') out.baseUrl = path.resolve(path.dirname(file), co.baseUrl);
    if (co.paths && typeof co.paths === 'object') out.paths = { map: co.paths, dir: path.dirname(file) };
    return out;
  } catch {
    notes.push(`${name}: could not read compilerOptions.paths`);
    return null;
  }
}

/** The files an `extends` value may name: a relative file, or a package in a node_modules folder above the config (up to root). */
function extendsCandidates(root: string, dir: string, ext: string): string[] {
  const withJson = (t: string): string[] => (t.endsWith('.json') ? [t] : [t, `${t}.json`, path.join(t, 'tsconfig.json')]);
  if (ext.startsWith('.') || path.isAbsolute(ext)) return withJson(path.resolve(dir, ext));
  const out: string[] = [];
  for (let d = dir; ; d = path.dirname(d)) {
    out.push(...withJson(path.join(d, 'node_modules', ext)));
    if (d === root || !d.startsWith(root + path.sep)) break;
  }
  return out;
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
