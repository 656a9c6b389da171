/**
 * TypeScript/JavaScript path aliases: `compilerOptions.paths` and `baseUrl` of every tsconfig.json / jsconfig.json in
 * the workspace (JSON with comments, `extends` followed: relative files, or packages in the node_modules above the
 * config), each relative to the config that declares it. A file resolves bare names with the config nearest above
 * it, as editors do (a monorepo's `apps/api/tsconfig.json` for `apps/api/src/**`); tsconfig.json wins over a
 * jsconfig.json in the same folder. Every config file is read once, however many configs extend it.
 */
import * as path from 'node:path';
import { configChainReader, type ConfigJson } from '../tsconfigChain';

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
  const read = configChainReader<PathOptions>({
    root,
    build: pathOptions,
    unreadable: (file) => notes.push(`${path.relative(root, file).split(path.sep).join('/')}: could not read compilerOptions.paths`),
  });
  const byDir = new Map<string, string[]>();
  for (const f of files) byDir.set(path.dirname(f), [...(byDir.get(path.dirname(f)) ?? []), f]);
  const out: PathConfig[] = [];
  for (const [dir, list] of [...byDir].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    let co: PathOptions | null = null;
    list.sort((a, b) => CONFIG_NAMES.indexOf(path.basename(a)) - CONFIG_NAMES.indexOf(path.basename(b)));
    for (const file of list) if ((co = await read(file))) break;
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

/** One config's path options over those of the configs it `extends`, its own winning. */
function pathOptions(json: ConfigJson, file: string, parents: PathOptions[]): PathOptions {
  const out: PathOptions = Object.assign({}, ...parents) as PathOptions;
  const co = (json.compilerOptions ?? {}) as { baseUrl?: unknown; paths?: unknown };
  if (typeof co.baseUrl === 'string') out.baseUrl = path.resolve(path.dirname(file), co.baseUrl);
  if (co.paths && typeof co.paths === 'object') out.paths = { map: co.paths as Record<string, string[]>, dir: path.dirname(file) };
  return out;
}
