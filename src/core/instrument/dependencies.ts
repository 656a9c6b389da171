/**
 * The libraries the instrumented code imports, as the service declares them: prom-client and @opentelemetry/api in a
 * package.json, prometheus-client and an OpenTelemetry package in requirements*.txt / pyproject.toml / Pipfile /
 * setup.py / setup.cfg. Instrument Route writes the imports, not the dependencies (the user's package manager and lock
 * file are theirs); a service that declares none of them would stop at start-up with "Cannot find module 'prom-client'",
 * so the plan says which to add. A manifest in any folder from the file's up to the workspace root (else to the repository's top) counts (a monorepo's
 * hoisted root dependencies); nothing is said when no manifest is found or one is unreadable. Bounded reads; never throws.
 */
import { foldersUp, manifestNames, readManifest } from './manifests';

interface Needed {
  /** the package a manifest names, and the pattern that recognises it there */
  name: string;
  pattern: RegExp;
}

const JS_METRICS: Needed = { name: 'prom-client', pattern: /^prom-client$/ };
const JS_TRACING: Needed = { name: '@opentelemetry/api', pattern: /^@opentelemetry\/api$/ };
const PY_METRICS: Needed = { name: 'prometheus-client', pattern: /(?:^|[^\w-])prometheus[-_]client\b/im };
// the SDK, the distro, instrumentations and exporters depend on the API
const PY_TRACING: Needed = {
  name: 'opentelemetry-api',
  pattern: /(?:^|[^\w-])opentelemetry[-_](?:api|sdk|distro|instrumentation|exporter)\b/im,
};

/** The names every package.json above `file` declares (dependencies of every kind); undefined when there is none. */
async function jsDeclared(folders: string[]): Promise<Set<string> | undefined> {
  let found: Set<string> | undefined;
  for (const d of folders) {
    const text = await readManifest(d, 'package.json');
    if (text === undefined) continue;
    found ??= new Set();
    try {
      const pkg = JSON.parse(text) as Record<string, unknown>;
      for (const k of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
        const deps = pkg[k];
        if (deps && typeof deps === 'object') for (const name of Object.keys(deps)) found.add(name);
      }
    } catch {
      return undefined; // unreadable: it may declare them
    }
  }
  return found;
}

/** The text of every Python manifest above `file`; undefined when there is none. */
async function pyDeclared(folders: string[]): Promise<string | undefined> {
  const texts: string[] = [];
  for (const d of folders) {
    for (const n of await manifestNames(d, true)) texts.push((await readManifest(d, n)) ?? '');
  }
  return texts.length ? texts.join('\n') : undefined;
}

/**
 * What to tell the user when the service `file` belongs to does not declare a library the instrumented code imports
 * (`metrics`: prom-client / prometheus_client; `tracing`: @opentelemetry/api / opentelemetry); undefined when it does.
 */
export async function missingDependencies(
  file: string,
  o: { python: boolean; metrics: boolean; tracing: boolean; root?: string | undefined },
): Promise<string | undefined> {
  const folders = await foldersUp(file, o.root);
  const needed = [...(o.metrics ? [o.python ? PY_METRICS : JS_METRICS] : []), ...(o.tracing ? [o.python ? PY_TRACING : JS_TRACING] : [])];
  let missing: Needed[];
  if (o.python) {
    const text = await pyDeclared(folders);
    if (text === undefined) return undefined;
    missing = needed.filter((n) => !n.pattern.test(text));
  } else {
    const names = await jsDeclared(folders);
    if (names === undefined) return undefined;
    missing = needed.filter((n) => ![...names].some((x) => n.pattern.test(x)));
  }
  if (!missing.length) return undefined;
  const list = missing.map((n) => n.name).join(' ');
  const where = o.python ? 'its requirements' : 'its package.json';
  const install = o.python ? `pip install ${list}` : `npm install ${list}`;
  return `the service does not declare ${missing.map((n) => n.name).join(', ')} (${where}): add ${missing.length > 1 ? 'them' : 'it'} (\`${install}\`) or it will not start`;
}
