/**
 * Workspace scan: walks a folder (skipping the usual vendored/build folders; files the root .gitignore or test
 * names skip are held and analysed only when the project loads them, ./heldFiles), analyses every Python/JS/TS
 * file and resolves routes across them. Yields to the event loop between
 * files so a host (VS Code extension host) stays responsive; honours an AbortSignal. Never throws on bad
 * files (huge, binary, undecodable, symlink loops); only an abort (or a missing root) rejects. Each file's
 * parse, query and analysis are time-sliced (analyzeFileSliced), so even a large file never blocks long.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadParsers, withTree } from '../parsing/treeSitter';
import { abortError as abortErrorOf, isAbortError, tick } from '../parsing/slicing';
import { errorMessage } from '../errors';
import { analyzeFileSliced, type FileAnalysis } from './detector';
import { DENO_CONFIG_NAMES, readDenoImportMaps } from './denoImports';
import { ENTRY_CONFIG_NAMES, readEntryStems } from './entryFiles';
import { isPyEntryConfig, readPyEntryModules } from './pyEntries';
import { loadJsonModules } from './jsonModules';
import { loadBuiltEntries } from './builtEntries';
import { builtOutput, pullReferenced, type HeldFile } from './heldFiles';
import { readPackageScopes } from './packageImports';
import { resolveRoutes, type ResolveOptions } from './resolve';
import { ScanRules } from './scanRules';
import { SVELTE_CONFIG_NAMES, withSvelteKitPaths } from './svelteKitAliases';
import { CONFIG_NAMES, readPathConfigs } from './tsconfigPaths';
import { readManifests } from './workspacePackages';
import type { Route, RouteJson } from './types';

export interface ScanOptions {
  /** Files larger than this are skipped with a note (default 1 MiB). */
  maxFileBytes?: number;
  /** Glob patterns (`**`, `*`, `?`, `{a,b}`) matched against the root-relative posix path, or a bare name. */
  exclude?: string[];
  /** A scan looks at no more than this many source files (default 20,000) … */
  maxFiles?: number;
  /** … and reads no more than this many bytes in all (default 256 MiB); the rest is skipped with a note. */
  maxTotalBytes?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Yield at least every N files (default 8); also whenever 15 ms have passed since the last yield. */
  yieldEvery?: number;
  /** Also analyse test files (`*.test.*`, `*.spec.*`, `test_*.py`, tests/ folders...). Default false. */
  includeTests?: boolean;
}

export interface ScanResult {
  routes: Route[];
  analyses: Map<string, FileAnalysis>;
  notes: string[];
  /** Pass these to resolveRoutes when re-resolving (tsconfig/jsconfig path aliases, package scopes). */
  resolveOptions: ResolveOptions;
  /** The scan's own rules for a root-relative posix path (its root `.gitignore` included): a file the editor hears
   *  about later is indexed by these, so a gitignored file nothing loads stays out as it did in the scan. */
  indexable: (rel: string) => boolean;
}

/** A JS/TS module (not a declaration file, which loads nothing). */
const JS_FILE = /(?<!\.d)\.[cm]?[jt]sx?$/;

const abortError = (): Error => abortErrorOf('route scan aborted');

export async function scanWorkspace(root: string, opts: ScanOptions = {}): Promise<ScanResult> {
  const maxBytes = opts.maxFileBytes ?? 1024 * 1024;
  const yieldEvery = Math.max(1, opts.yieldEvery ?? 8);
  const notes: string[] = [];
  const absRoot = path.resolve(root);
  const rootStat = await fs.promises.stat(absRoot);
  if (!rootStat.isDirectory()) throw new Error(`not a directory: ${absRoot}`);
  const realRoot = await fs.promises.realpath(absRoot);
  const maxFiles = opts.maxFiles ?? 20_000;
  const maxTotalBytes = opts.maxTotalBytes ?? 256 * 1024 * 1024;
  const maxHeldEntries = 5 * maxFiles;
  const gitignore = await fs.promises.readFile(path.join(absRoot, '.gitignore'), 'utf8').catch(() => '');
  const rules = new ScanRules({
    exclude: opts.exclude ?? [],
    gitignore,
    includeTests: opts.includeTests ?? false,
    onBadPattern: (p, why) => notes.push(`exclude pattern ${JSON.stringify(p)} ignored (${why})`),
  });
  const check = (): void => {
    if (opts.signal?.aborted) throw abortError();
  };
  let lastYield = Date.now();
  let sinceYield = 0;
  const maybeYield = async (): Promise<void> => {
    if (++sinceYield >= yieldEvery || Date.now() - lastYield > 15) {
      await tick();
      lastYield = Date.now();
      sinceYield = 0;
      check();
    }
  };

  // 1. walk
  const files: HeldFile[] = [];
  /** Files only the soft rules skip (test folders and names, the root .gitignore): analysed when the project loads them (step 3). */
  const held: HeldFile[] = [];
  /** Entries seen in held folders: a gitignored folder can be huge, past this it is not walked. */
  let heldEntries = 0;
  /** tsconfig.json / jsconfig.json files: their path aliases apply below them. */
  const configs: string[] = [];
  const svelteConfigs: string[] = [];
  /** package.json files: named ones are packages their siblings import by name. */
  const manifests: string[] = [];
  /** deno.json / deno.jsonc files: their import maps apply below them. */
  const denoConfigs: string[] = [];
  /** wrangler.toml, Dockerfile, Procfile: with package.json and deno.json, the entry points they name (./entryFiles). */
  const entryConfigs: string[] = [];
  /** Dockerfile, Procfile, pyproject.toml, Makefile…: the Python modules their commands run (./pyEntries). */
  const pyEntryConfigs: string[] = [];
  /** A Python file the scan did not read (budget, size, encoding): what it imports is unknown (./pyDeadCode). */
  let pyUnread = false;
  /** JS/TS files the scan did not read: they may load any module (./deadCodeGuards). */
  const jsUnread: string[] = [];
  const unread = (abs: string): void => {
    pyUnread ||= abs.endsWith('.py');
    if (JS_FILE.test(abs)) jsUnread.push(abs);
  };
  let totalBytes = 0;
  let budgetNoted = false;
  const seenDirs = new Set<string>();
  /** `hold`: a folder only the soft rules skip (its files are held); `ignored`: one the .gitignore lists (its
   *  configuration files do not apply either). */
  const walk = async (dir: string, rel: string, hold = false, ignored = false): Promise<void> => {
    let real: string;
    try {
      real = await fs.promises.realpath(dir);
    } catch {
      return;
    }
    if (seenDirs.has(real)) {
      notes.push(`${rel || '.'}: already visited (symlink loop or duplicate), skipped`);
      return;
    }
    seenDirs.add(real);
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch (e) {
      notes.push(`${rel || '.'}: cannot read directory (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (hold && (heldEntries += entries.length) > maxHeldEntries) {
      notes.push(`${rel}: not walked, over ${maxHeldEntries} entries in folders only .gitignore or test names skip`);
      return;
    }
    for (const ent of entries) {
      check();
      const abs = path.join(dir, ent.name);
      const r = rel ? `${rel}/${ent.name}` : ent.name;
      let isDir = ent.isDirectory();
      let isFile = ent.isFile();
      let size = -1;
      if (ent.isSymbolicLink()) {
        try {
          // A link out of the workspace (`lib -> /`) would scan, and show routes from, another tree.
          if (!isInside(realRoot, await fs.promises.realpath(abs))) {
            notes.push(`${r}: symlink to outside the workspace, skipped`);
            continue;
          }
          const st = await fs.promises.stat(abs);
          isDir = st.isDirectory();
          isFile = st.isFile();
          size = st.size;
        } catch {
          notes.push(`${r}: broken symlink, skipped`);
          continue;
        }
      }
      if (isDir) {
        if (rules.hardSkipsDir(r)) continue;
        const holds = hold || rules.holdsDir(r);
        if (holds && held.length >= maxFiles) continue; // enough files held: the rest is not walked
        await walk(abs, r, holds, ignored || rules.gitignoresDir(r));
        if (++sinceYield >= 64) await maybeYield();
      } else if (isFile) {
        if (!ignored) {
          if (CONFIG_NAMES.includes(ent.name)) configs.push(abs);
          if (SVELTE_CONFIG_NAMES.includes(ent.name)) svelteConfigs.push(abs);
          if (ent.name === 'package.json') manifests.push(abs);
          if (DENO_CONFIG_NAMES.includes(ent.name)) denoConfigs.push(abs);
          if (ENTRY_CONFIG_NAMES.includes(ent.name)) entryConfigs.push(abs);
          if (isPyEntryConfig(ent.name) && pyEntryConfigs.length < maxFiles) pyEntryConfigs.push(abs);
        }
        if (rules.hardSkipsFile(r)) continue;
        if (hold || rules.holdsFile(r)) {
          // size read if it is analysed
          if (held.length < maxFiles) held.push({ abs, rel: r, size, ...(rules.testName(r) ? { testName: true } : {}) });
          continue;
        }
        if (size < 0) {
          try {
            size = (await fs.promises.stat(abs)).size;
          } catch {
            continue;
          }
        }
        const counted = size <= maxBytes ? size : 0; // over-size files are only noted, never read
        if (files.length >= maxFiles || totalBytes + counted > maxTotalBytes) {
          if (!budgetNoted) notes.push(`scan budget reached (${maxFiles} files or ${maxTotalBytes} bytes): ${r} and later files skipped`);
          budgetNoted = true;
          unread(abs);
          continue;
        }
        totalBytes += counted;
        files.push({ abs, rel: r, size });
      }
    }
  };
  await walk(absRoot, '');

  // 2. analyse
  const parsers = await loadParsers();
  const analyses = new Map<string, FileAnalysis>();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  opts.onProgress?.(0, files.length);
  let done = 0;
  /** `held`: a file only the project's loads bring in, skipped when it is build output. */
  const analyse = async (f: HeldFile, held = false): Promise<FileAnalysis | null> => {
    const fa = await analyseOne(f, held);
    if (!fa && !held) unread(f.abs);
    return fa;
  };
  const analyseOne = async (f: HeldFile, held: boolean): Promise<FileAnalysis | null> => {
    try {
      const size = f.size >= 0 ? f.size : (await fs.promises.stat(f.abs)).size;
      if (size > maxBytes) {
        notes.push(`${f.rel}: skipped, ${size} bytes is over the ${maxBytes}-byte limit`);
        return null;
      }
      const buf = await fs.promises.readFile(f.abs);
      if (buf.subarray(0, 8192).includes(0)) {
        notes.push(`${f.rel}: skipped, binary content`);
        return null;
      }
      let text: string;
      try {
        text = decoder.decode(buf);
      } catch {
        notes.push(`${f.rel}: skipped, not valid UTF-8`);
        return null;
      }
      if (held && builtOutput(f.abs, text)) {
        notes.push(`${f.rel}: skipped, build output`);
        return null;
      }
      const fa = await analyzeFileSliced(parsers, f.abs, text, { sliceMs: 10, signal: opts.signal });
      for (const n of fa.notes) notes.push(`${f.rel}: ${n}`);
      analyses.set(f.abs, fa);
      return fa;
    } catch (e) {
      if (isAbortError(e)) throw e;
      notes.push(`${f.rel}: skipped (${errorMessage(e)})`);
      return null;
    }
  };
  for (const f of files) {
    check();
    try {
      await analyse(f);
    } finally {
      done++;
      opts.onProgress?.(done, files.length);
    }
    await maybeYield();
  }
  check();
  const resolveOptions: ResolveOptions = { root: absRoot };
  const pathConfigs = await withSvelteKitPaths(await readPathConfigs(absRoot, configs, notes), svelteConfigs);
  if (pathConfigs.length) resolveOptions.pathConfigs = pathConfigs;
  const { packages, aliasScopes, installed } = await readManifests(absRoot, manifests, notes);
  if (packages.length) resolveOptions.workspacePackages = packages;
  if (aliasScopes.length) resolveOptions.aliasScopes = aliasScopes;
  if (installed.length) resolveOptions.installedPackages = installed;
  const denoImportMaps = await readDenoImportMaps(absRoot, denoConfigs, notes);
  if (denoImportMaps.length) resolveOptions.denoImportMaps = denoImportMaps;
  const entries = await readEntryStems(absRoot, [...manifests, ...denoConfigs, ...entryConfigs], notes);
  if (entries.stems.length) resolveOptions.entryStems = entries.stems;
  if (entries.dirs.length) resolveOptions.projectDirs = entries.dirs;
  const pyEntries = await readPyEntryModules(absRoot, pyEntryConfigs, notes);
  if (pyEntries.length) resolveOptions.pyEntryModules = pyEntries;
  if (pyUnread) resolveOptions.pyPartial = true;
  if (jsUnread.length) resolveOptions.jsUnread = jsUnread;
  const scopes = await readPackageScopes(absRoot, analyses.values(), notes);
  if (scopes.length) resolveOptions.packageScopes = scopes;

  // 3. held files the project loads (`import docs from './spec/routes'`, a gitignored but committed `routes/`), and what they load
  await pullReferenced(held, analyses, resolveOptions, absRoot, async (f) => {
    check();
    const kept = await analyse(f, true);
    await maybeYield();
    return kept;
  });
  // 4. committed JSON files the modules load (`require('./config/config.json')`): their values are constants
  for (const fa of await loadJsonModules(analyses.values(), {
    known: (f) => analyses.has(f),
    inside: (p) => isInside(realRoot, p),
    rel: (f) => path.relative(absRoot, f).split(path.sep).join('/'),
    notes,
  }))
    analyses.set(fa.file, fa);
  // 5. the committed build output of workspace packages imported by name that have no source (`dist/index.js`,
  //    `dist/index.d.ts`): read for their constants only, never for routes
  for (const fa of await loadBuiltEntries(analyses, resolveOptions, {
    read: async (file) => {
      const rel = path.relative(absRoot, file).split(path.sep).join('/');
      try {
        const st = await fs.promises.stat(file);
        if (!st.isFile() || !isInside(realRoot, await fs.promises.realpath(file))) return null;
        if (st.size > maxBytes) {
          notes.push(`${rel}: package build output not read, ${st.size} bytes is over the ${maxBytes}-byte limit`);
          return null;
        }
        return decoder.decode(await fs.promises.readFile(file));
      } catch {
        return null; // missing, unreadable or not UTF-8: nothing is known of it
      }
    },
    analyse: (file, text) => analyzeFileSliced(parsers, file, text, { sliceMs: 10, signal: opts.signal }),
    parse: (file, text, fn) => withTree(text, file, fn),
  }))
    analyses.set(fa.file, fa);
  check();
  const routes = resolveRoutes([...analyses.values()], resolveOptions);
  return { routes, analyses, notes, resolveOptions, indexable: (rel) => rules.indexable(rel) };
}

/** The JSON shape of a route: paths relative to root with posix separators. */
export function toRouteJson(route: Route, root: string): RouteJson {
  const rel = (p: string): string => path.relative(root, p).split(path.sep).join('/');
  return {
    framework: route.framework,
    methods: route.methods,
    path: route.path,
    fullPath: route.fullPath,
    ...(route.fullPath === null ? { fullPathReason: route.fullPathReason ?? 'unknown prefix' } : {}),
    ...(route.fullPathSource ? { fullPathSource: route.fullPathSource } : {}),
    file: rel(route.file),
    line: route.line,
    handlerFile: rel(route.handlerFile),
    handlerLine: route.handlerLine,
    handlerName: route.handlerName,
  };
}

/**
 * Whether a file the editor hears about (watcher, open document) belongs in the index, by the same rules
 * as `scanWorkspace` except `.gitignore`. `rel` is root-relative, posix.
 */
export function isIndexable(rel: string, opts: Pick<ScanOptions, 'exclude' | 'includeTests'> = {}): boolean {
  return new ScanRules({ exclude: opts.exclude ?? [], includeTests: opts.includeTests ?? false }).indexable(rel);
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
