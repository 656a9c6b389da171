/**
 * Which modules a JS/TS file loads, read from its text: static `import`/`export … from`, `require('x')`,
 * `import('x')`, the lines where it loads modules by a computed name (`require(path.join(dir, f))`, a folder
 * loader), and whether it serves requests itself. Read from the text rather than the syntax tree so that a load
 * anywhere (deep in a function, in a comment) counts: a stray match only makes a module look used or served, which
 * keeps its routes.
 */
import * as path from 'node:path';
import type { FileAnalysis, ModId } from './model';

const LITERAL = /\b(?:from|import|require)\s*(?:\(\s*)?(['"`])([^'"`\n$]+)\1/g;
/**
 * The file serves requests itself (a standalone service or an entry point): `app.listen(…)`, `serve(…)`, `Deno.serve(…)`,
 * `http.createServer(…)` (https, http2), `{ fetch }`, a Workers module's `async fetch(request, env, ctx) {` method (not a
 * function named so). Each match is bounded (at most a few hundred characters).
 */
const SERVES =
  /\.listen[ \t]*\(|(?<![\w$.])(?:serve|Deno\.serve|(?:https?|http2)\.createServer)[ \t]*\(|(?<![\w$.])fetch[ \t]*:|(?<![\w$.]|function[ \t]+)fetch[ \t]*\([^()]{0,300}\)[ \t]*(?::[^{};]{0,200})?\{/;
/** `createServer(…)` called (not declared) in a file that imports it from Node's HTTP modules; a project's own function
 *  named so is no server (its calls are followed like any other). */
const NODE_CREATE_SERVER =
  /\{[^{}]{0,300}\bcreateServer\b[^{}]{0,300}\}[ \t]*(?:from[ \t]*|=[ \t]*require[ \t]*\([ \t]*)(['"])(?:node:)?(?:https?|http2)\1/;
const CREATE_SERVER_CALL = /(?<![\w$.]|function[ \t]+)createServer[ \t]*\(/;
/** `require(f)`, `import(`./${f}`)`, `require('./' + f)`; not a TypeScript method named so (`async import(data: Collection)`). */
const COMPUTED = /(?<![\w$.])(?:require|import)[ \t]*\([ \t]*(?![\w$]+\??[ \t]*:)(?:[^'"`\s)]|`[^`\n]*\$\{|(['"])[^'"\n]*\1[ \t]*\+)/g;

/** Packages that require every module of a folder. */
const FOLDER_LOADERS = new Set(['require-directory', 'require-all', 'require-dir']);

/** app-module-path: `addPath(__dirname)`, `addPath(path.join(__dirname, 'src'))` makes bare names resolve there. */
const ADD_PATH = /\baddPath\(\s*(?:__dirname|path\.(?:join|resolve)\(\s*__dirname\s*,\s*(['"])([^'"\n]*)\1\s*\))\s*\)/g;

export function jsModuleLoads(text: string, file: string): Pick<FileAnalysis, 'loads' | 'loadsComputed' | 'serves' | 'moduleRoots'> {
  const dir = path.dirname(file);
  const loads = new Set<ModId>();
  const computed = [...text.matchAll(COMPUTED)].map((m) => lineAt(text, m.index));
  for (const m of text.matchAll(LITERAL)) {
    const spec = m[2]!;
    loads.add(spec.startsWith('.') || spec.startsWith('/') ? `file:${path.resolve(dir, spec)}` : `pkg:${spec}`);
    // a folder-loader package (`requireDirectory(module, dir, { visit })`) loads modules by names read at run time
    if (FOLDER_LOADERS.has(spec)) computed.push(lineAt(text, m.index));
  }
  const roots = loads.has('pkg:app-module-path') ? [...text.matchAll(ADD_PATH)].map((m) => path.resolve(dir, m[2] ?? '')) : [];
  return {
    loads: [...loads],
    ...(computed.length ? { loadsComputed: computed } : {}),
    ...(serves(text) ? { serves: true } : {}),
    ...(roots.length ? { moduleRoots: roots } : {}),
  };
}

function serves(text: string): boolean {
  return SERVES.test(text) || (CREATE_SERVER_CALL.test(text) && NODE_CREATE_SERVER.test(text));
}

/** 1-based line of a text offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * The JS/TS files some analysed file loads; a module that loads others by a computed name (a folder loader) loads every
 * file of the folder it reads, and @fastify/autoload every file under its `dir` (whatever its filters keep), or every
 * JS/TS file when one of its computed loads is not understood (the folder is computed too, or the load sits where the
 * analysis does not read; an autoload `dir` not statically known): with `projectOf`, every file of that module's project
 * only (a front-end package's `require([...], resolve)` says nothing of the server's routers). A file outside this set, under the folder of an app
 * others are mounted on or in the project of one served for sure (another package of a monorepo may be loaded by its
 * package name), is imported by nothing: its never-mounted routers are dead code (./deadCode).
 */
export function loadedModules(
  files: FileAnalysis[],
  modFile: (m: ModId, from: string) => string | null,
  projectOf?: (file: string) => string,
): Set<string> {
  const js = files.filter((f) => f.language === 'javascript');
  const loaded = new Set<string>();
  const dirs: string[] = [];
  // a load not understood: every file of its project (`projectOf`: its package; else every file) may be loaded
  const anyOf = new Set<string>();
  for (const f of js) {
    if (f.loadsComputed && !covers(f.computedKnown ?? [], f.loadsComputed)) {
      if (!projectOf) return new Set(js.map((x) => x.file));
      anyOf.add(projectOf(f.file));
    }
    if (f.autoloadUnknown || (!f.autoload.length && f.loads?.some((m) => AUTOLOAD.has(m)))) return new Set(js.map((x) => x.file));
    for (const c of f.computedLoads ?? []) dirs.push(c.dir + path.sep);
    for (const a of f.autoload) dirs.push(a.dir + path.sep);
    for (const m of f.loads ?? []) {
      const t = modFile(m, f.file);
      if (t && t !== f.file) loaded.add(t);
    }
  }
  for (const f of js) if (dirs.some((d) => f.file.startsWith(d)) || (anyOf.size && anyOf.has(projectOf!(f.file)))) loaded.add(f.file);
  return loaded;
}

/** @fastify/autoload: a file that loads it and registers no folder the analysis read may load any file. */
const AUTOLOAD = new Set<ModId>(['pkg:@fastify/autoload', 'pkg:fastify-autoload']);

/** Is every computed load of the text (by line; two on one line need two) one the analysis understood? */
export function covers(known: readonly number[], lines: readonly number[]): boolean {
  const left = new Map<number, number>();
  for (const l of known) left.set(l, (left.get(l) ?? 0) + 1);
  return lines.every((l) => {
    const n = left.get(l) ?? 0;
    left.set(l, n - 1);
    return n > 0;
  });
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
