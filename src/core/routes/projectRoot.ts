/**
 * The folder whose scan gives a file's routes their full paths, for instrumenting one file: the nearest folder that
 * looks like a project root, or the root of the monorepo that folder is a member of. In a monorepo an app of one
 * package mounts the router of another (`app.route('/admin', adminApi)` with `adminApi` imported as `@repo/admin-api`):
 * only a scan of the monorepo's root sees the mount, as `telemetry-lens routes` on the repository (and the editor, on
 * its workspace folder) does. Members are what the monorepo declares: package.json `workspaces` (npm, yarn, bun; an
 * array or yarn's `{ packages }`), pnpm-workspace.yaml `packages`, lerna.json `packages` (default `packages/*`),
 * pyproject.toml `[tool.uv.workspace]` `members`/`exclude`. The globs are matched with gitignore semantics by the
 * `ignore` package (no backtracking on repository patterns). Bounded: at most MAX_LEVELS folders up, never above a
 * folder holding `.git`, manifests read up to MAX_MANIFEST bytes, MAX_PATTERNS globs each. Never throws.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore from 'ignore';

const ROOT_MARKERS = ['package.json', 'pyproject.toml', 'setup.py', 'setup.cfg', 'requirements.txt', '.git'];
/** What makes a folder a package a monorepo's globs can name. */
const MEMBER_MANIFESTS = ['package.json', 'pyproject.toml'];
const MAX_LEVELS = 16;
const MAX_MANIFEST = 1024 * 1024;
const MAX_PATTERNS = 500;

/** Nearest ancestor folder of `file` that looks like a project root (package.json, pyproject.toml, …, .git), or undefined. */
export function nearestProjectRoot(file: string): string | undefined {
  let dir = path.dirname(path.resolve(file));
  for (;;) {
    if (ROOT_MARKERS.some((m) => fs.existsSync(path.join(dir, m)))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The folder to scan for `file`'s routes: the monorepo root its project is a member of, else its nearest project root. */
export function projectRoot(file: string): string | undefined {
  const nearest = nearestProjectRoot(file);
  return nearest && (monorepoRoot(path.resolve(file)) ?? nearest);
}

/**
 * The nearest ancestor of `file` that declares a monorepo (workspaces) whose member globs match a package (a folder
 * with package.json or pyproject.toml) on the way from it down to `file`; undefined when there is none. A folder declaring workspaces that `file` is directly in (its
 * own root package) is that root too.
 */
export function monorepoRoot(file: string): string | undefined {
  const start = path.dirname(path.resolve(file));
  let dir = start;
  for (let level = 0; level < MAX_LEVELS; level++) {
    const members = workspaceMembers(dir);
    if (members) {
      const rel = path.relative(dir, start).split(path.sep).join('/');
      if (!rel) return dir; // the file is in the root package itself
      const parts = rel.split('/');
      // a member package on the way down (`packages/api` for `packages/api/src/routes`): a folder with its manifest
      for (let i = 1; i <= parts.length; i++) {
        const member = parts.slice(0, i).join('/');
        if (MEMBER_MANIFESTS.some((m) => fs.existsSync(path.join(dir, member, m))) && members(member)) return dir;
      }
    }
    if (fs.existsSync(path.join(dir, '.git'))) return undefined; // the repository's top: a monorepo is not above it
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}

/** What `dir` declares as its monorepo's members, as a test of a folder's posix path relative to `dir`; undefined when
 *  it declares none. */
export function workspaceMembers(dir: string): ((rel: string) => boolean) | undefined {
  const globs = [
    ...packageJsonWorkspaces(readSmall(path.join(dir, 'package.json'))),
    ...pnpmWorkspaces(readSmall(path.join(dir, 'pnpm-workspace.yaml'))),
    ...lernaPackages(readSmall(path.join(dir, 'lerna.json'))),
    ...uvMembers(readSmall(path.join(dir, 'pyproject.toml'))),
  ].slice(0, MAX_PATTERNS);
  if (!globs.some((g) => !g.startsWith('!'))) return undefined;
  const matcher = ignore();
  for (const g of globs) {
    const neg = g.startsWith('!');
    const body = (neg ? g.slice(1) : g).replace(/^\.\//, '').replace(/\/+$/, '');
    if (!body || body.startsWith('../') || path.isAbsolute(body)) continue;
    try {
      matcher.add(`${neg ? '!' : ''}/${body}`);
    } catch {
      /* a pattern `ignore` cannot use is no member */
    }
  }
  return (rel) => {
    try {
      return matcher.ignores(`${rel}/`);
    } catch {
      return false;
    }
  };
}

function readSmall(file: string): string | undefined {
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > MAX_MANIFEST) return undefined;
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** package.json `workspaces`: `["packages/*"]`, or yarn's `{ "packages": ["packages/*"], "nohoist": … }`. */
function packageJsonWorkspaces(text: string | undefined): string[] {
  const ws = parseJson(text)?.['workspaces'];
  if (Array.isArray(ws)) return strings(ws);
  return ws && typeof ws === 'object' ? strings((ws as Record<string, unknown>)['packages']) : [];
}

/** lerna.json `packages` (lerna's default `packages/*` when it names none and does not use the package manager's). */
function lernaPackages(text: string | undefined): string[] {
  const json = parseJson(text);
  if (!json) return [];
  const pkgs = strings(json['packages']);
  return pkgs.length || json['useWorkspaces'] === true ? pkgs : ['packages/*'];
}

/** pnpm-workspace.yaml: the items of the top-level `packages:` list (block or flow style). */
function pnpmWorkspaces(text: string | undefined): string[] {
  if (text === undefined) return [];
  const out: string[] = [];
  let inList = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '');
    if (/^packages\s*:/.test(line)) {
      const flow = /^packages\s*:\s*\[(.*)\]\s*$/.exec(line);
      if (flow) return flow[1]!.split(',').map(unquote).filter(Boolean);
      inList = true;
      continue;
    }
    if (!inList || !line.trim() || line.trimStart().startsWith('#')) continue;
    const item = /^\s+-\s*(.+?)\s*$/.exec(line);
    if (item) out.push(unquote(item[1]!));
    else if (/^\S/.test(line)) inList = false; // the next top-level key
  }
  return out.filter(Boolean);
}

/** pyproject.toml `[tool.uv.workspace]`: `members` and (as `!` patterns) `exclude`. */
function uvMembers(text: string | undefined): string[] {
  if (text === undefined) return [];
  const section = /^\[tool\.uv\.workspace\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(text)?.[1];
  if (!section) return [];
  const list = (key: string) =>
    (new RegExp(`^${key}\\s*=\\s*\\[([^\\]]*)\\]`, 'm').exec(section)?.[1] ?? '')
      .split(',')
      .map((s) => unquote(s.replace(/#.*$/gm, '')))
      .filter(Boolean);
  return [...list('members'), ...list('exclude').map((x) => `!${x}`)];
}

function unquote(s: string): string {
  const t = s.trim();
  return /^(['"]).*\1$/.test(t) ? t.slice(1, -1) : t;
}
