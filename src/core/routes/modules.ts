/** Which analysed file a module id names: relative and absolute imports, Python dotted modules, tsconfig aliases,
 *  package.json subpath imports (`#routes/*`), module-alias aliases, Deno import maps, monorepo packages imported by
 *  name. Pure. */
import * as path from 'node:path';
import type { FileAnalysis, ModId } from './model';
import { aliasTarget, type AliasScope } from './moduleAliases';
import { denoTargets, type DenoImportMap } from './denoImports';
import { nearestAbove, subpathTargets, type PackageScope } from './packageImports';
import type { PathConfig } from './tsconfigPaths';
import { dependencySpec, packageTargets, type InstalledPackages, type WorkspacePackage } from './workspacePackages';

const JS_EXT = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

export class ModuleIndex {
  readonly files = new Map<string, FileAnalysis>();
  private byStem = new Map<string, string>(); // path without extension → file
  private pyDotted = new Map<string, string[]>(); // dotted suffix → files
  private configs: PathConfig[];
  private packages: WorkspacePackage[];
  /** Folders bare names resolve in for every file (app-module-path). */
  private moduleRoots: string[];
  private scopes: PackageScope[];
  private aliasScopes: AliasScope[];
  private denoMaps: DenoImportMap[];
  private installed: InstalledPackages[];

  /** `sorted`: the analyses in file order (the first of equal stems wins, .ts and .py preferred). */
  constructor(
    sorted: FileAnalysis[],
    options: {
      pathConfigs?: PathConfig[];
      packageScopes?: PackageScope[];
      workspacePackages?: WorkspacePackage[];
      aliasScopes?: AliasScope[];
      denoImportMaps?: DenoImportMap[];
      installedPackages?: InstalledPackages[];
    },
  ) {
    for (const fa of sorted) {
      this.files.set(fa.file, fa);
      const ext = path.extname(fa.file);
      if (ext === '.json') continue; // a JSON module (./jsonModules) is loaded by its full name, never a folder's module
      const stem = fa.file.slice(0, fa.file.length - ext.length);
      if (!this.byStem.has(stem) || ext === '.ts' || ext === '.py') this.byStem.set(stem, fa.file);
      // a declaration file (read for a built package's values, ./builtEntries) answers for its JS module
      const dts = /\.d\.[cm]?ts$/.exec(fa.file);
      if (dts && !this.byStem.has(fa.file.slice(0, dts.index))) this.byStem.set(fa.file.slice(0, dts.index), fa.file);
      if (fa.language === 'python') {
        const parts = stem.split(/[\\/]/);
        if (parts[parts.length - 1] === '__init__') parts.pop();
        for (let i = parts.length - 1, d = ''; i >= 1; i--) {
          d = d ? `${parts[i]}.${d}` : parts[i]!;
          const list = this.pyDotted.get(d) ?? [];
          list.push(fa.file);
          this.pyDotted.set(d, list);
        }
      }
    }
    this.configs = options.pathConfigs ?? [];
    this.packages = options.workspacePackages ?? [];
    this.scopes = options.packageScopes ?? [];
    this.aliasScopes = options.aliasScopes ?? [];
    this.denoMaps = options.denoImportMaps ?? [];
    this.installed = options.installedPackages ?? [];
    this.moduleRoots = [...new Set(sorted.flatMap((fa) => fa.moduleRoots ?? []))];
  }

  /** The folder of the workspace package (a package.json with a name) nearest above `file`; '' outside any. */
  packageOf(file: string): string {
    return nearestAbove(this.packages, file)?.dir ?? '';
  }

  /** The version of registry package `name` the package.json nearest above `from` asks for, or null. */
  dependencySpec(name: string, from: string): string | null {
    return dependencySpec(this.installed, name, from);
  }

  /** The analysed file a module id imported from `from` names, or null. */
  modFile(mod: ModId, from: string): string | null {
    if (mod.startsWith('file:')) {
      const p = mod.slice(5);
      if (this.files.has(p)) return p;
      const ext = path.extname(p);
      const stem = JS_EXT.includes(ext) || ext === '.py' ? p.slice(0, -ext.length) : p;
      // a package's own file: `index.js`/`index.ts`, or `__init__.py`; a Python `index.py` is a submodule like any other
      const index = this.byStem.get(path.join(stem, 'index'));
      const init = this.byStem.get(path.join(stem, '__init__'));
      const own = this.byStem.get(stem);
      // Python: in one folder a regular package (`cps/__init__.py`) wins over the same-named module (`cps.py`)
      if (init && isPy(init) && (!own || isPy(own))) return init;
      const f = own ?? (index && !isPy(index) ? index : undefined) ?? init;
      return f ?? null;
    }
    if (mod.startsWith('pkg:#')) {
      for (const t of subpathTargets(this.scopes, mod.slice(4), from)) {
        const f = this.modFile(`file:${t}`, from);
        if (f) return f;
      }
      // else a tsconfig `paths` alias spelled like one (`"#routes/*": ["./src/routes/*"]`), below
    }
    if (mod.startsWith('pkg:') && this.denoMaps.length) {
      // Deno resolves a bare specifier through its import map first; a package or URL it maps to is no project file
      const targets = denoTargets(this.denoMaps, mod.slice(4), from);
      if (targets === null) return null;
      for (const t of targets) {
        const f = this.modFile(`file:${t}`, from);
        if (f) return f;
      }
    }
    if (mod.startsWith('pkg:') && (this.configs.length || this.moduleRoots.length || this.packages.length || this.aliasScopes.length)) {
      const spec = mod.slice(4);
      // module-alias resolves before Node does; a target in the build output (`"@": "dist"`) is left to tsconfig paths
      const aliased = aliasTarget(this.aliasScopes, spec, from);
      const aliasedFile = aliased === null ? null : this.modFile(`file:${aliased}`, from);
      if (aliasedFile) return aliasedFile;
      const config = nearestAbove(this.configs, from); // the config nearest above the importing file
      for (const a of config?.aliases ?? []) {
        const rest = patternRest(a.pattern, spec);
        if (rest === null) continue;
        for (const t of a.targets) {
          const f = this.modFile(`file:${t.replace('*', rest)}`, from);
          if (f) return f;
        }
      }
      for (const b of config?.baseUrl ? [config.baseUrl, ...this.moduleRoots] : this.moduleRoots) {
        const f = this.modFile(`file:${path.join(b, spec)}`, from);
        if (f) return f;
      }
      for (const t of packageTargets(this.packages, spec)) {
        const f = this.modFile(`file:${t}`, from);
        if (f) return f;
      }
      return null;
    }
    if (mod.startsWith('py:')) {
      const all = this.pyDotted.get(mod.slice(3));
      if (!all?.length) return null;
      const list = all.filter((f) => !shadowedByPackage(f, all)); // `cps.py` beside `cps/__init__.py`: the package is `cps`
      if (list.length === 1) return list[0]!;
      // prefer the candidate closest to the importing file
      return [...list].sort((a, b) => commonLen(b, from) - commonLen(a, from) || a.length - b.length)[0]!;
    }
    return null;
  }

  /** The tsconfig/jsconfig `paths` pattern of the config nearest above `from` that bare specifier `spec` matches (not a
   *  catch-all `*`, nor one mapping into node_modules: those name packages), or null. */
  pathAlias(spec: string, from: string): string | null {
    const a = nearestAbove(this.configs, from)?.aliases.find(
      (x) =>
        x.pattern !== '*' &&
        patternRest(x.pattern, spec) !== null &&
        !x.targets.some((t) => t.includes(`${path.sep}node_modules${path.sep}`)),
    );
    return a?.pattern ?? null;
  }

  /** Every analysed file a module id imported from `from` may name: of a Python dotted name, each file whose module path
   *  ends with it (`py:views`: every `views.py` not shadowed by a package), else the one modFile gives. */
  pyFiles(mod: ModId, from: string): string[] {
    if (!mod.startsWith('py:')) {
      const f = this.modFile(mod, from);
      return f ? [f] : [];
    }
    const all = this.pyDotted.get(mod.slice(3)) ?? [];
    return all.filter((f) => !shadowedByPackage(f, all));
  }

  /** The modules a folder loader's pattern names: `py:app.plugins.*`, `file:/dir/*` (modules and subpackages). */
  modules(pattern: ModId): ModId[] {
    const head = pattern.slice(0, -1);
    const out = new Set<ModId>();
    if (head.startsWith('py:')) {
      const pkg = head.slice(3);
      for (const d of this.pyDotted.keys()) if (d.startsWith(pkg) && !d.slice(pkg.length).includes('.')) out.add(`py:${d}`);
    } else if (head.startsWith('file:')) {
      const dir = head.slice(5, -1);
      for (const [stem, f] of this.byStem) {
        const pkg = /^(index|__init__)$/.test(path.basename(stem)) && !(isPy(f) && path.basename(stem) === 'index'); // a subpackage counts, the folder's own index not
        if (path.dirname(pkg ? path.dirname(stem) : stem) === dir) out.add(`file:${f}`);
      }
    }
    return [...out].sort();
  }

  /** `from pkg import name` in Python, the submodule `pkg.name`: also when `pkg` is an implicit namespace package (PEP 420,
   *  a folder without `__init__.py`), relative (`from .endpoints import admin`) or absolute. */
  pySubmodule(mod: ModId, name: string, from: string): string | null {
    if (mod.startsWith('py:')) return this.modFile(`${mod}.${name}`, from);
    if (!mod.startsWith('file:') || this.files.get(from)?.language !== 'python') return null;
    return this.modFile(`file:${path.join(mod.slice(5), name)}`, from);
  }

  /** `from pkg import name` where pkg is a package (`__init__.py`, `index.ts`): the submodule file. */
  submodule(file: string, name: string): string | null {
    const fa = this.files.get(file);
    if (!fa) return null;
    const base = path.basename(file, path.extname(file));
    if (base !== '__init__' && (base !== 'index' || isPy(file))) return null;
    return this.modFile(`file:${path.join(path.dirname(file), name)}`, file);
  }
}

/** What a `paths` pattern's `*` stands for in `spec` ('' for a pattern without one that equals it), or null. */
function patternRest(pattern: string, spec: string): string | null {
  const star = pattern.indexOf('*');
  if (star < 0) return spec === pattern ? '' : null;
  const pre = pattern.slice(0, star);
  const post = pattern.slice(star + 1);
  if (spec.startsWith(pre) && spec.endsWith(post) && spec.length >= pre.length + post.length)
    return spec.slice(pre.length, spec.length - post.length);
  return null;
}

/** A Python file: its `index.py` is a submodule named index, not its folder's own file. */
function isPy(file: string): boolean {
  return file.endsWith('.py') || file.endsWith('.pyi');
}

/** A Python module `d/x.py` that the regular package `d/x/__init__.py` among `files` shadows: within one sys.path
 *  entry the import system takes the package first (a namespace folder without `__init__.py` would lose to the module). */
function shadowedByPackage(file: string, files: string[]): boolean {
  const ext = path.extname(file);
  if (!isPy(file) || path.basename(file, ext) === '__init__') return false;
  const stem = file.slice(0, file.length - ext.length);
  return files.some((f) => isPy(f) && path.dirname(f) === stem && path.basename(f, path.extname(f)) === '__init__');
}

function commonLen(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** The deepest directory containing every file. */
export function commonDir(files: string[]): string {
  if (!files.length) return '/';
  let dir = path.dirname(files[0]!);
  for (const f of files) while (!f.startsWith(dir + path.sep) && dir !== path.dirname(dir)) dir = path.dirname(dir);
  return dir;
}
