/**
 * Where a service's manifests are, for the planner's questions about the service a file belongs to (does it declare
 * prom-client, does it depend on a metrics library, is it a Worker, where does it deploy): the folders from the file's
 * up, and the manifests in one folder. Bounded (MAX_LEVELS folders, manifests of at most MAX_MANIFEST bytes, at most
 * MAX_PER_FOLDER of them a folder); never throws.
 */
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { readSmallFile } from '../smallFile';

const MAX_LEVELS = 16;
const MAX_MANIFEST = 1024 * 1024;
const MAX_PER_FOLDER = 20;

/** Python dependency manifests: requirements files, pyproject.toml, Pipfile, setup.py / setup.cfg, conda environments. */
export const PY_MANIFEST = /^(?:requirements[\w.-]*\.(?:txt|in)|pyproject\.toml|Pipfile|setup\.py|setup\.cfg|environment\.ya?ml)$/i;
/** Any manifest that makes a folder a service's own (JS, Deno, Python). */
const ANY_MANIFEST = /^(?:package\.json|deno\.jsonc?)$/;

export async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** The folders from `file`'s up, nearest first: up to `root` when the file is in it, else to a `.git` folder's. */
export async function foldersUp(file: string, root: string | undefined): Promise<string[]> {
  const abs = path.resolve(file);
  const top = root && abs.startsWith(path.resolve(root) + path.sep) ? path.resolve(root) : undefined;
  const out: string[] = [];
  for (let d = path.dirname(abs); out.length < MAX_LEVELS;) {
    out.push(d);
    const up = path.dirname(d);
    if (d === top || up === d || (!top && (await exists(path.join(d, '.git'))))) break;
    d = up;
  }
  return out;
}

/** The names of the manifests in `dir`: package.json for JS (`python` false), the Python ones, or any (`python` undefined). */
export async function manifestNames(dir: string, python?: boolean): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const own = (n: string) =>
    python === undefined ? PY_MANIFEST.test(n) || ANY_MANIFEST.test(n) : python ? PY_MANIFEST.test(n) : n === 'package.json';
  return names.filter(own).sort().slice(0, MAX_PER_FOLDER);
}

/** The text of the manifest `name` in `dir`; undefined when it is missing, too large or unreadable. */
export function readManifest(dir: string, name: string): Promise<string | undefined> {
  return readSmallFile(path.join(dir, name), MAX_MANIFEST);
}

/** The service folder among `folders` (nearest first): the first holding a manifest of the kind asked for. */
export async function serviceFolder(folders: string[], python?: boolean): Promise<string | undefined> {
  for (const d of folders) if ((await manifestNames(d, python)).length) return d;
  return undefined;
}
