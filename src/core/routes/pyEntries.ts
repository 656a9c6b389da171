/**
 * Python entry points (never dead code, ./pyDeadCode): modules by their conventional names (`main.py`, `app.py`,
 * `wsgi.py`, `asgi.py`, `manage.py`, `run.py`, `__main__.py`…), and the modules the project's files name in a command
 * (`uvicorn app.main:app`, `gunicorn wsgi`, `flask --app hello run`, `FLASK_APP=app.web`, `python -m app`, `python
 * src/server.py`, a pyproject script `"app.cli:main"`): in a Dockerfile, Procfile, pyproject.toml, setup.cfg, Makefile,
 * docker-compose file, .flaskenv, shell script and the like. Read liberally, as dotted module names: a stray word only
 * makes a module look like an entry, which keeps its routes. At most MAX_CONFIGS files of at most MAX_BYTES each,
 * MAX_WORDS words each.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Files that may name a Python entry in a command or a setting. */
const CONFIG_NAME =
  /^(?:Dockerfile(?:\.[\w.-]+)?|[\w.-]+\.dockerfile|Procfile(?:\.[\w-]+)?|pyproject\.toml|setup\.cfg|[Mm]akefile|GNUmakefile|[Jj]ustfile|(?:docker-)?compose(?:\.[\w-]+)?\.ya?ml|\.flaskenv|app\.ya?ml|fly\.toml|render\.ya?ml|railway\.(?:toml|json)|nixpacks\.toml|serverless\.ya?ml|zappa_settings\.json|vercel\.json|uwsgi\.ini|supervisord\.conf|tox\.ini|\.replit|[\w.-]+\.sh)$/;

/** Module names that are entry points by convention (run by `flask run`, `python -m`, a platform's default). */
const ENTRY_NAMES = new Set([
  'main',
  'app',
  'application',
  'wsgi',
  'asgi',
  'manage',
  'run',
  'runserver',
  'server',
  'serve',
  'start',
  '__main__',
  'index',
  'handler',
  'lambda_function',
  'function_app',
  'entrypoint',
  'flask_app',
  'fastapi_app',
]);

/** The word after one of these names a module (`-m app`, `--app hello`, `FLASK_APP=hello`, `gunicorn wsgi`). */
const BEFORE_MODULE = new Set([
  '-m',
  '--app',
  '-A',
  '--module',
  'FLASK_APP',
  'APP_MODULE',
  'module',
  'handler',
  'app_function',
  'gunicorn',
  'uvicorn',
  'hypercorn',
  'daphne',
  'granian',
  'waitress-serve',
]);

const MAX_CONFIGS = 200;
const MAX_BYTES = 256 * 1024;
const MAX_WORDS = 5000;
const DOTTED = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$/;

export function isPyEntryConfig(name: string): boolean {
  return CONFIG_NAME.test(name);
}

/** Whether a Python file's name makes it an entry point by convention. */
export function isPyEntryName(file: string): boolean {
  const name = path.basename(file, path.extname(file));
  return ENTRY_NAMES.has(name === '__init__' ? path.basename(path.dirname(file)) : name); // a package: its folder's name
}

/** The dotted module names the configuration `files` (absolute paths the walk found) name, sorted, without duplicates. */
export async function readPyEntryModules(root: string, files: readonly string[], notes: string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const file of [...files].sort().slice(0, MAX_CONFIGS)) {
    let text: string;
    try {
      if ((await fs.promises.stat(file)).size > MAX_BYTES) continue;
      text = await fs.promises.readFile(file, 'utf8');
    } catch {
      notes.push(`${path.relative(root, file).split(path.sep).join('/')}: could not read the Python entry points it names`);
      continue;
    }
    for (const m of pyEntryWords(text)) out.add(m);
  }
  return [...out].sort();
}

/** The dotted module names a configuration text names (exported for tests). */
export function pyEntryWords(text: string): string[] {
  const out = new Set<string>();
  const words = text.split(/[\s"'`,;&|()[\]{}=]+/).slice(0, MAX_WORDS);
  words.forEach((w0, i) => {
    const w = w0.replace(/^\.?\//, '');
    const colon = /^([A-Za-z_][\w.]*):[A-Za-z_][\w.]*$/.exec(w); // `app.main:app`, `wsgi:create_app`
    if (w.endsWith('.py')) {
      // a script's path (`python src/app/server.py`; a container path `/srv/app/server.py`): each of its tails
      const parts = w
        .slice(0, -3)
        .split('/')
        .filter((p) => /^[A-Za-z_]\w*$/.test(p));
      for (let j = 0; j < parts.length; j++) out.add(parts.slice(j).join('.'));
    } else if (colon) out.add(colon[1]!);
    else if (DOTTED.test(w) && (w.includes('.') || BEFORE_MODULE.has(words[i - 1] ?? ''))) {
      out.add(w);
      if (w.includes('.')) out.add(w.slice(0, w.lastIndexOf('.'))); // `app.app` (zappa's `app_function`): module `app`
    }
  });
  return [...out];
}
