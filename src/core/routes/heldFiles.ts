/**
 * Files the workspace scan holds back (./scanRules soft rules: test folders and names, the root `.gitignore`) and
 * still analyses because the project's own code loads them: a module an analysed file imports or requires (JS/TS,
 * Python), or a file under a folder an analysed folder loader reads (@fastify/autoload `dir`, a computed
 * `require(`./routes/${f}`)`, a `readdirSync` loop, a HonoX routes folder, a Python `import_module` over a package). Files held for their test name are pulled
 * only by a direct load, never by a folder. Build output is never pulled: a JS file beside its TypeScript source, or one
 * a compiler wrote (`builtOutput`, for the caller to test on the text it reads). Repeats with what the pulled files load
 * until nothing new is referenced; held files nothing references are never read. Pure but for the `analyse` callback.
 */
import * as path from 'node:path';
import { autoloadDir, folderNames } from './autoload';
import { emptyAnalysis, type FileAnalysis, type ModId } from './model';
import { ModuleIndex } from './modules';
import type { ResolveOptions } from './resolve';

const TS = ['.ts', '.tsx', '.mts', '.cts'];

export interface HeldFile {
  abs: string;
  rel: string;
  /** -1: not read yet */
  size: number;
  /** Held for its name (`*.test.js`, `test_*.py`): only a direct import pulls it. */
  testName?: boolean;
}

/**
 * Analyses the held files the analysed ones reference, then what those reference, until the set is closed (each held
 * file is analysed at most once, so the loop ends). `analyse` adds a kept analysis to `analyses` and returns it.
 */
export async function pullReferenced(
  held: readonly HeldFile[],
  analyses: Map<string, FileAnalysis>,
  resolveOptions: ResolveOptions,
  root: string,
  analyse: (f: HeldFile) => Promise<FileAnalysis | null>,
): Promise<void> {
  const sources = new Set([...analyses.keys(), ...held.map((f) => f.abs)]);
  const waiting = new Map(held.filter((f) => !compiled(f.abs, sources)).map((f) => [f.abs, f]));
  for (let importers = [...analyses.values()]; importers.length && waiting.size;) {
    const stubs = [...waiting.values()].map((f) => emptyAnalysis(f.abs, f.abs.endsWith('.py') ? 'python' : 'javascript'));
    const mods = new ModuleIndex(
      [...analyses.values(), ...stubs].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)),
      resolveOptions,
    );
    // the names in each folder, analysed or waiting (an autoload folder's index file decides what else loads)
    const names = folderNames([...analyses.keys(), ...waiting.keys()]);
    const next: FileAnalysis[] = [];
    for (const fa of importers) {
      for (const f of referenced(
        fa,
        waiting,
        (m) => mods.modFile(m, fa.file),
        (p) => mods.modules(p),
        names,
        root,
      )) {
        if (!waiting.delete(f.abs)) continue;
        const kept = await analyse(f);
        if (kept) next.push(kept);
      }
    }
    importers = next;
  }
}

/** A JS file beside its TypeScript source (`users.js` next to `users.ts`, a `.gitignore`d `*.js`): build output. */
function compiled(file: string, sources: Set<string>): boolean {
  const m = /\.[cm]?jsx?$/.exec(file);
  return !!m && TS.some((x) => sources.has(file.slice(0, m.index) + x));
}

/**
 * A JS file written by a compiler (tsc, Babel: `Object.defineProperty(exports, "__esModule"` near the top, or a closing
 * `//# sourceMappingURL=`): a `.gitignore`d `lib/` the package entry requires holds the same routes as their sources.
 */
export function builtOutput(file: string, text: string): boolean {
  if (!/\.[cm]?jsx?$/.test(file)) return false;
  return (
    text.slice(0, 2000).includes('Object.defineProperty(exports, "__esModule"') || /\/\/# sourceMappingURL=\S+\s*$/.test(text.slice(-500))
  );
}

/** The waiting files `fa` loads by name or through a folder it reads. */
function referenced(
  fa: FileAnalysis,
  waiting: Map<string, HeldFile>,
  modFile: (m: string) => string | null,
  modules: (pattern: ModId) => ModId[],
  names: (folder: string) => readonly string[],
  root: string,
): HeldFile[] {
  const out: HeldFile[] = [];
  for (const m of fa.loads ?? []) {
    if (m.endsWith('*')) {
      // a Python loader over a package (`import_module(f"app.routes.{name}")`): every module of it but test-named ones
      for (const each of modules(m)) {
        const f = waiting.get(modFile(each) ?? '');
        if (f && !f.testName) out.push(f);
      }
      continue;
    }
    const f = waiting.get(modFile(m) ?? '');
    if (f) out.push(f);
  }
  const dirs = folders(fa, root);
  if (!dirs.length) return out;
  for (const f of waiting.values()) {
    if (f.testName) continue;
    for (const d of dirs) {
      if (!f.abs.startsWith(d.dir + path.sep)) continue;
      if (d.autoload && autoloadDir(d.dir, f.abs, d.autoload, names) === null) continue;
      out.push(f);
      break;
    }
  }
  return out;
}

/** The folders `fa`'s folder loaders read, absolute; an autoload's with its filters. */
function folders(fa: FileAnalysis, root: string): { dir: string; autoload?: NonNullable<FileAnalysis['autoload'][number]['filters']> }[] {
  const at = (d: string): string => path.resolve(root, d);
  return [
    // an autoload per sub-folder (./jsAutoloadLoops): its filters apply below each, every file of the folder may load
    ...fa.autoload.map((a) => ({ dir: at(a.dir), ...(a.each ? {} : { autoload: a.filters ?? {} }) })),
    ...(fa.computedLoads ?? []).map((c) => ({ dir: at(c.dir) })),
    ...(fa.folderLoops ?? []).map((l) => ({ dir: at(l.dir) })),
    ...(fa.honox?.roots ?? []).map((r) => ({ dir: at(r.dir) })),
  ];
}
