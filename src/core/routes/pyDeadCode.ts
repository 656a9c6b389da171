/**
 * Which Python modules are dead code, like ./deadCode for JS/TS: loaded by no other analysed file (./pyLoads
 * loadedPyModules: imports at any depth, relative ones, star imports of a package's `__all__`, literal `import_module`,
 * module names in strings), under the import root of a module that makes a Flask/FastAPI app (the folder above its
 * outermost package: where `import app.views` is looked up). A module that makes an app (`app = Flask(__name__)`, an app
 * factory), that runs as a script (`if __name__ == "__main__":`), whose name makes it an entry point (`main.py`,
 * `wsgi.py`…) or that the configuration runs (`uvicorn app.main:app`, ./pyEntries) is never dead. Nothing is dead
 * when some module loads others by a computed name the analysis does not read (`import_module(name)`, `exec`, package
 * walks, entry points, autodiscovery), when the project uses Django (its settings and URL confs name modules in
 * strings), or when the scan left a Python file unread. Routes written in a dead module are never registered: the
 * module never runs. Pure.
 */
import * as path from 'node:path';
import type { FileAnalysis } from './model';
import type { ModuleIndex } from './modules';
import type { Framework } from './types';
import { loadedPyModules } from './pyLoads';
import { isPyEntryName } from './pyEntries';
import type { ResolveOptions } from './resolveOptions';

/** Packages climbed from an app's module to its import root. */
const MAX_PACKAGE_DEPTH = 32;

/** `objDecl`: an object's framework and kind; `options`: the modules the configuration runs (./pyEntries), whether some
 *  Python file was not read. */
export function pyDeadCode(
  mods: ModuleIndex,
  objDecl: (file: string, id: number) => { framework: Framework; kind: 'app' | 'router' } | null,
  options: Pick<ResolveOptions, 'pyEntryModules' | 'pyPartial'>,
): Set<string> {
  const files = [...mods.files.values()].filter((f) => f.language === 'python');
  if (options.pyPartial || !files.some((f) => f.routes.length)) return new Set();
  const makesApp = (fa: FileAnalysis): boolean => fa.objects.some((o) => !o.self && objDecl(fa.file, o.id)?.kind === 'app');
  const roots = files.filter(makesApp).map((fa) => importRoot(fa.file, mods) + path.sep);
  if (!roots.length || files.some(usesDjango)) return new Set();
  const loaded = loadedPyModules(files, mods);
  if (!loaded) return new Set();
  const entries = new Set((options.pyEntryModules ?? []).flatMap((m) => mods.pyFiles(`py:${m}`, '')));
  const dead = new Set<string>();
  for (const fa of files) {
    const f = fa.file;
    if (loaded.has(f) || fa.serves || entries.has(f) || isPyEntryName(f)) continue;
    if (roots.some((r) => f.startsWith(r)) && !makesApp(fa)) dead.add(f);
  }
  return dead;
}

/** The folder an absolute import of `file` is looked up in: above its outermost package (`__init__.py` folders). */
function importRoot(file: string, mods: ModuleIndex): string {
  let dir = path.dirname(file);
  for (let i = 0; i < MAX_PACKAGE_DEPTH && mods.files.has(path.join(dir, '__init__.py')); i++) dir = path.dirname(dir);
  return dir;
}

function usesDjango(fa: FileAnalysis): boolean {
  return [...(fa.loads ?? []), ...(fa.pyImports ?? [])].some((m) => m === 'py:django' || m.startsWith('py:django.'));
}
