/**
 * Which modules a Python file loads, read from its text like ./jsLoads reads a JS/TS file's: `import a.b`, `from a.b
 * import c` (also `c` as the submodule `a.b.c`), relative `from . import views`, `from .views import *`, a literal
 * `importlib.import_module('app.views')` / `__import__('x')` / `import_string('a.b:c')`, and a module named in a string
 * (`uvicorn.run("app.main:app")`, `"app.views"`); the lines where it loads modules by a computed name (`import_module(name)`,
 * `exec(…)`, `runpy`, `pkgutil.walk_packages`, entry points, autodiscovery), and whether it runs as a script (`if __name__
 * == "__main__":`, `app.run(…)`, `uvicorn.run(…)`). Read from the text rather than the syntax tree so that a load anywhere
 * (deep in a function, under `if TYPE_CHECKING:`, in a docstring) counts: a stray match only makes a module look used,
 * which keeps its routes. The files some analysed file loads (loadedPyModules) decide which modules are dead code
 * (./pyDeadCode). Pure.
 */
import * as path from 'node:path';
import type { FileAnalysis, ModId } from './model';
import type { ModuleIndex } from './modules';
import { relativeModule } from './pyLoaders';
import { covers } from './jsLoads';

/** `import a.b as c, d` at the start of a statement (a line, or after `;` / `:` as in `try: import x`). */
const IMPORT = /(?:^|[;:])[ \t]*import[ \t]+((?:[\w.]+(?:[ \t]+as[ \t]+\w+)?[ \t]*,[ \t]*)*[\w.]+)/gm;
/** `from .a.b import c, d as e` / `from a import (c,\n d)` / `from a import *`, also continued by a backslash. */
const FROM = /(?:^|[;:])[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]*(\([^)]*\)|(?:[^\n#;\\]|\\\r?\n)*)/gm;
/** A loader of a module named by its first argument. */
const BY_NAME = /(?<!\w|def[ \t]+)(?:import_module|__import__|import_string|import_from_string)[ \t]*\(/g;
/** Its first argument when it is a literal name (`'app.views'`, `".views"`, `'a.b:attr'`), and a literal package after it. */
const LITERAL_ARG = /^[ \t]*(['"])(\.*[\w.]*)(?::[\w.]*)?\1[ \t]*(?:,[ \t]*(?:package[ \t]*=[ \t]*)?(?:(['"])([\w.]+)\3)?[^)]{0,200})?\)/;
/** Loaders of modules the text does not name: exec of a file's text, runpy, importlib machinery, package walks,
 *  plugin entry points, autodiscovery (Celery's `autodiscover_tasks` only imports `tasks` modules). */
const COMPUTED =
  /(?<![\w.])(?:exec|execfile)[ \t]*\(|(?<!\w)(?:run_path|run_module|load_source|load_module|exec_module|spec_from_file_location|SourceFileLoader|walk_packages|iter_entry_points|entry_points|load_entry_point|autodiscover(?!_tasks)\w*)[ \t]*\(/g;
/** A string naming a module: dotted (`"app.views"`, `'pkg.mod.attr'`) or `module:attr` (`"main:app"`), also as a
 *  console script (`"serve = app.cli:main"`). */
const MODULE_STRING = /(['"])(?:[\w.-]+[ \t]*=[ \t]*)?([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+|[A-Za-z_][\w.]*:[A-Za-z_][\w.]*(?:\(\))?)\1/g;
/** File extensions that make a dotted string a file name, not a module (`'index.html'`). */
const NOT_MODULE = /\.(?:html?|txt|json|css|js|png|jpe?g|gif|svg|ico|ya?ml|md|cfg|ini|toml|db|sqlite3?|csv|log|pdf|xml|j2|jinja2?)$/i;
/** The file runs as a script or serves requests itself. */
const RUNS =
  /__name__[ \t]*==[ \t]*(['"])__main__\1|(['"])__main__\2[ \t]*==[ \t]*__name__|(?<![\w.])(?:app|application|server|api|uvicorn|hypercorn|waitress|bjoern)\.(?:run|serve)[ \t]*\(|(?<![\w.])(?:run_simple|make_server)[ \t]*\(/;
/** Strings read per file (a file of thousands of them is data, not code that loads modules). */
const MAX_STRINGS = 2000;

export function pyModuleLoads(text: string, file: string): Pick<FileAnalysis, 'pyImports' | 'loadsComputed' | 'serves'> {
  const mods = new Set<ModId>();
  const computed: number[] = [];
  for (const m of text.matchAll(IMPORT))
    for (const part of m[1]!.split(',')) {
      const name = part.trim().split(/[ \t]+/)[0]!;
      if (name) mods.add(`py:${name}`);
    }
  for (const m of text.matchAll(FROM)) {
    const dots = m[1]!.length;
    const dotted = m[2]!;
    if (!dots && !dotted) continue;
    const mod: ModId = dots ? relativeModule(file, dots, dotted) : `py:${dotted}`;
    mods.add(mod);
    for (const part of m[3]!.replace(/[()\\]/g, ' ').split(',')) {
      const name = part.trim().split(/\s+/)[0]!;
      // `from pkg import views`: the submodule `pkg.views` when there is one
      if (/^[A-Za-z_]\w*$/.test(name)) mods.add(mod.startsWith('py:') ? `${mod}.${name}` : `${mod}/${name}`);
    }
  }
  for (const m of text.matchAll(BY_NAME)) {
    const a = LITERAL_ARG.exec(text.slice(m.index + m[0].length, m.index + m[0].length + 400));
    const spec = a?.[2] ?? '';
    const dots = /^\.*/.exec(spec)![0].length;
    if (!a || spec === '' || spec === '.'.repeat(dots)) computed.push(lineAt(text, m.index));
    else if (!dots) mods.add(`py:${spec}`);
    else if (a[4]) {
      const pkg = a[4].split('.'); // `import_module('..views', 'app.admin.sub')`: `app.admin.views`
      mods.add(`py:${[...pkg.slice(0, pkg.length - dots + 1), spec.slice(dots)].join('.')}`);
    } else mods.add(relativeModule(file, dots, spec.slice(dots))); // relative to this package (`__name__`, `__package__`)
  }
  for (const m of text.matchAll(COMPUTED)) computed.push(lineAt(text, m.index));
  let n = 0;
  for (const m of text.matchAll(MODULE_STRING)) {
    if (++n > MAX_STRINGS) break;
    const s = m[2]!;
    const colon = s.indexOf(':');
    if (colon >= 0) mods.add(`py:${s.slice(0, colon)}`);
    else if (s.endsWith('.py')) mods.add(`py:${s.slice(0, -3)}`);
    else if (!NOT_MODULE.test(s)) mods.add(`py:${s}`).add(`py:${s.slice(0, s.lastIndexOf('.'))}`); // also `'pkg.mod.attr'`
  }
  return {
    ...(mods.size ? { pyImports: [...mods] } : {}),
    ...(computed.length ? { loadsComputed: computed } : {}),
    ...(RUNS.test(text) ? { serves: true } : {}),
  };
}

/** 1-based line of a text offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Packages above a module whose `__init__.py` an import of it runs (`import a.b.c` runs `a` and `a.b` first). */
const MAX_PACKAGE_DEPTH = 32;

/**
 * The Python files some other analysed file loads, with the `__init__.py` of every package above each (importing a
 * submodule runs them): by the analyzer's imports and loader patterns (`py:app.routes.*`: every module of the package,
 * whatever the loader's filter), by the text's (pyModuleLoads; a module name that several files end with names each of
 * them), and the submodules a star import of a package brings (`from .routers import *` with `__all__ = ["users"]`; a
 * non-literal `__all__`: every submodule). Null when some file loads modules by a computed name the analysis did not
 * understand: any module may be loaded then.
 */
export function loadedPyModules(files: readonly FileAnalysis[], mods: ModuleIndex): Set<string> | null {
  const py = files.filter((f) => f.language === 'python');
  const loaded = new Set<string>();
  const add = (t: string | null, from: string): void => {
    if (!t || t === from || loaded.has(t)) return;
    loaded.add(t);
    let dir = path.dirname(path.basename(t) === '__init__.py' ? path.dirname(t) : t);
    for (let i = 0; i < MAX_PACKAGE_DEPTH; i++, dir = path.dirname(dir)) {
      const init = path.join(dir, '__init__.py');
      if (!mods.files.has(init) || init === from) break;
      loaded.add(init);
    }
  };
  for (const f of py) {
    if (f.loadsComputed && !covers(f.computedKnown ?? [], f.loadsComputed)) return null;
    for (const m of new Set([...(f.loads ?? []), ...(f.pyImports ?? [])])) {
      if (m.endsWith('*')) for (const each of mods.modules(m)) for (const t of mods.pyFiles(each, f.file)) add(t, f.file);
      else for (const t of mods.pyFiles(m, f.file)) add(t, f.file);
    }
    for (const s of f.starExports) {
      const pkg = mods.modFile(s, f.file);
      const all = pkg && path.basename(pkg) === '__init__.py' ? mods.files.get(pkg)?.pyAll : undefined;
      if (all === null) for (const m of mods.modules(`file:${path.dirname(pkg!)}/*`)) add(mods.modFile(m, f.file), f.file);
      for (const name of all ?? []) add(mods.submodule(pkg!, name), f.file);
    }
  }
  return loaded;
}
