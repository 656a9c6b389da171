/**
 * Which modules a JS/TS file loads, read from its text: static `import`/`export … from`, `require('x')`,
 * `import('x')`, whether it loads modules whose name is computed (`require(path.join(dir, f))`, a folder
 * loader), and whether it serves requests itself. Read from the text rather than the syntax tree so that a load
 * anywhere (deep in a function, in a comment) counts: a stray match only makes a module look used or served, which
 * keeps its routes.
 */
import * as path from 'node:path';
import type { FileAnalysis, ModId } from './model';

const LITERAL = /\b(?:from|import|require)\s*(?:\(\s*)?(['"`])([^'"`\n$]+)\1/g;
/** The file serves requests itself (a standalone service or an entry point): `app.listen(…)`, `serve(…)`, `{ fetch }`. */
const SERVES = /\.listen[ \t]*\(|(?<![\w$.])(?:createServer|serve)[ \t]*\(|(?<![\w$.])fetch[ \t]*:/;
const COMPUTED = /(?<![\w$.])(?:require|import)[ \t]*\([ \t]*(?:[^'"`\s)]|`[^`\n]*\$\{)/;

/** app-module-path: `addPath(__dirname)`, `addPath(path.join(__dirname, 'src'))` makes bare names resolve there. */
const ADD_PATH = /\baddPath\(\s*(?:__dirname|path\.(?:join|resolve)\(\s*__dirname\s*,\s*(['"])([^'"\n]*)\1\s*\))\s*\)/g;

export function jsModuleLoads(text: string, file: string): Pick<FileAnalysis, 'loads' | 'loadsComputed' | 'serves' | 'moduleRoots'> {
  const dir = path.dirname(file);
  const loads = new Set<ModId>();
  for (const m of text.matchAll(LITERAL)) {
    const spec = m[2]!;
    loads.add(spec.startsWith('.') || spec.startsWith('/') ? `file:${path.resolve(dir, spec)}` : `pkg:${spec}`);
  }
  const roots = loads.has('pkg:app-module-path') ? [...text.matchAll(ADD_PATH)].map((m) => path.resolve(dir, m[2] ?? '')) : [];
  return {
    loads: [...loads],
    ...(COMPUTED.test(text) ? { loadsComputed: true } : {}),
    ...(SERVES.test(text) ? { serves: true } : {}),
    ...(roots.length ? { moduleRoots: roots } : {}),
  };
}

/**
 * The JS/TS files some analysed file loads; every JS/TS file when a module loads others by a computed name (a folder
 * loader). A file outside this set, under the folder of an app others are mounted on (outside it, another package of a
 * monorepo may be loaded by its package name), is imported by nothing: its never-mounted routers are dead code.
 */
export function loadedModules(files: FileAnalysis[], modFile: (m: ModId, from: string) => string | null): Set<string> {
  const js = files.filter((f) => f.language === 'javascript');
  if (js.some((f) => f.loadsComputed)) return new Set(js.map((f) => f.file));
  const loaded = new Set<string>();
  for (const f of js) {
    for (const m of f.loads ?? []) {
      const t = modFile(m, f.file);
      if (t && t !== f.file) loaded.add(t);
    }
  }
  return loaded;
}

/** "is mounted through a computed require(…) (file:line)" when some analysed file loads the folder of `file` by a
 *  computed name (not over a literal list). */
export function mountedThrough(files: Iterable<FileAnalysis>, file: string, rel: (file: string) => string): string | null {
  for (const f of files) {
    const l = f.computedLoads?.find((c) => file.startsWith(c.dir + path.sep));
    if (l) return `is mounted through a computed ${l.text} (${rel(f.file)}:${l.line})`;
  }
  return null;
}
