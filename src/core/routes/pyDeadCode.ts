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
 * module never runs. Likewise a router no include reaches (`router = APIRouter()` with `@router.get`, in a module loaded
 * for other names) in such a project is never served, unless some include or mount passes a router the analysis
 * cannot read (unreadRouterMount). Pure.
 */
import * as path from 'node:path';
import type { FileAnalysis, Ref } from './model';
import type { ModuleIndex } from './modules';
import type { Framework } from './types';
import { loadedPyModules } from './pyLoads';
import { isPyEntryName } from './pyEntries';
import type { ResolveOptions } from './resolveOptions';

/** Packages climbed from an app's module to its import root. */
const MAX_PACKAGE_DEPTH = 32;

/** The Python dead code of a project. */
export interface PyDead {
  /** modules nothing loads */
  modules: Set<string>;
  /** whether every load of `file`'s project is read and `file` is under the import root of one of its apps: a router
   *  of it that no include reaches is never served */
  closed(file: string): boolean;
}

const OPEN: PyDead = { modules: new Set(), closed: () => false };

/** `objDecl`: an object's framework and kind; `options`: the modules the configuration runs (./pyEntries), whether some
 *  Python file was not read. */
export function pyDeadCode(
  mods: ModuleIndex,
  objDecl: (file: string, id: number) => { framework: Framework; kind: 'app' | 'router' } | null,
  options: Pick<ResolveOptions, 'pyEntryModules' | 'pyPartial'>,
): PyDead {
  const files = [...mods.files.values()].filter((f) => f.language === 'python');
  if (options.pyPartial || !files.some((f) => f.routes.length)) return OPEN;
  const makesApp = (fa: FileAnalysis): boolean => fa.objects.some((o) => !o.self && objDecl(fa.file, o.id)?.kind === 'app');
  const apps = files.filter(makesApp).map((fa) => fa.file);
  const roots = importRoots(apps, mods, files).map((r) => r + path.sep);
  if (!roots.length || files.some(usesDjango)) return OPEN;
  const loaded = loadedPyModules(files, mods);
  if (!loaded) return OPEN;
  const entries = new Set((options.pyEntryModules ?? []).flatMap((m) => mods.pyFiles(`py:${m}`, '')));
  const dead = new Set<string>();
  for (const fa of files) {
    const f = fa.file;
    if (loaded.has(f) || fa.serves || entries.has(f) || isPyEntryName(f)) continue;
    if (roots.some((r) => f.startsWith(r)) && !makesApp(fa)) dead.add(f);
  }
  return { modules: dead, closed: (f) => roots.some((r) => f.startsWith(r)) };
}

/**
 * Whether a Python include or mount (`app.include_router(x)`, `register_blueprint`, `app.mount`, `ext.init_app(app)`)
 * whose argument resolves to no router of the project may pass one all the same: it is computed (`getattr(mod,
 * "router")`, a loop's element, what a project function returns: `make_router()`), not a name the analysis reads (an
 * import: of the project, where a router would have resolved, or of a library: `fastapi_users.get_auth_router()`) or
 * an object the file makes (`StaticFiles(…)`). `fa`: the file of the include (never for JS/TS); `external`: whether an
 * imported module is outside the analysed files.
 */
export function unreadRouterMount(child: Ref, fa: FileAnalysis | undefined, external: (mod: string) => boolean): boolean {
  if (fa?.language !== 'python') return false;
  switch (child.k) {
    case 'imp':
      return false;
    case 'ret':
      return child.callee.k === 'imp' ? !external(child.callee.mod) : unreadRouterMount(child.callee, fa, external);
    case 'mem':
      return unreadRouterMount(child.base, fa, external);
    case 'inst':
      return unreadRouterMount(child.cls, fa, external);
    case 'wrap':
      return unreadRouterMount(child.inner, fa, external);
    case 'alt':
      return child.refs.some((r) => unreadRouterMount(r, fa, external));
    case 'obj': {
      // what a call of a project function returns (`make_router()`), else an object the file makes that is no router
      const ctor = fa.objects[child.id]?.ctor;
      return ctor ? unreadRouterMount({ k: 'ret', callee: ctor }, fa, external) : false;
    }
    case 'lit':
    case 'str':
    case 'cfg':
      return false;
    default:
      return true;
  }
}

/** The folder an absolute import of each of `apps` is looked up in: above its outermost package (`__init__.py`
 *  folders), or above the folders the longest dotted name another module imports it by names (`config.socketio` for
 *  config/socketio.py, config/ a namespace package without __init__.py). */
function importRoots(apps: string[], mods: ModuleIndex, files: FileAnalysis[]): string[] {
  const roots = new Map<string, string>();
  for (const file of apps) {
    let dir = path.dirname(file);
    for (let i = 0; i < MAX_PACKAGE_DEPTH && mods.files.has(path.join(dir, '__init__.py')); i++) dir = path.dirname(dir);
    roots.set(file, dir);
  }
  for (const fa of files) {
    for (const m of fa.pyImports ?? []) {
      if (!m.startsWith('py:') || m.startsWith('py:.')) continue;
      for (const file of mods.pyFiles(m, fa.file)) {
        const dir = roots.get(file);
        if (dir === undefined) continue;
        let up = file;
        const levels = m.split('.').length + (path.basename(file) === '__init__.py' ? 1 : 0);
        for (let i = 0; i < levels; i++) up = path.dirname(up);
        if (up.length < dir.length && dir.startsWith(up)) roots.set(file, up);
      }
    }
  }
  return [...roots.values()];
}

function usesDjango(fa: FileAnalysis): boolean {
  return [...(fa.loads ?? []), ...(fa.pyImports ?? [])].some((m) => m === 'py:django' || m.startsWith('py:django.'));
}

/** Why a router may be mounted all the same: a loop registering the elements of a sequence built at run time
 *  (`[ep.load() for ep in entry_points()]`), else an include of a router the analysis cannot read (`file:line`). */
export function pyUnreadMountNote(tables: string[], includes: string[]): string {
  if (tables[0]) return ` (the loop at ${tables[0]} registers elements only known at run time)`;
  return includes[0] ? ` (the include at ${includes[0]} passes a router the analysis cannot read)` : '';
}
