/**
 * Which registry the service's scrape endpoint serves. The route metrics go to the client library's default registry
 * (prom-client `register`, prometheus_client `REGISTRY`); an endpoint serving a private one (`new client.Registry()`,
 * `CollectorRegistry()`) would never show them. A private prom-client registry exported from a module of its own is
 * one the JS helper module can register its metrics in; any other is said in the plan's summary. Text-level; a
 * registry imported into the serving module is looked for in the module it comes from (one import followed, through the
 * planner's bounded cached `read`). Never throws.
 */
import * as path from 'node:path';
import type { Exposition } from './scrapeEndpoint';
import { foldersUp, serviceFolder } from './manifests';
import { jsImportedName, pyImportedName, type ReadModule } from './moduleImports';
import { SourceFacts, walkServiceSources } from './serviceSources';

/** A private registry a scrape endpoint serves. */
export interface PrivateRegistry {
  /** the module declaring it, and the 1-based line of its declaration */
  file: string;
  line: number;
  /** its name there */
  name: string;
  /** whether another module can import it by that name (a named export of a module-level declaration) */
  exported: boolean;
  /** a class's field (`private readonly registry = new Registry()`, `self.registry = CollectorRegistry()`) */
  member: boolean;
}

const esc = (s: string): string => s.replace(/\$/g, '\\$');

/** The names of the registries an exposition body serves: `X.metrics()` (JS), `generate_latest(X)` and the like (Python). */
function servedNames(body: string, python: boolean): string[] {
  const re = python
    ? /\b(?:generate_latest|make_asgi_app|make_wsgi_app)\s*\(\s*(?:registry\s*=\s*)?(?:self\s*\.\s*)?([A-Za-z_]\w*)\s*[,)]/g
    : /(?<![\w$])(?:this\s*\.\s*)?([A-Za-z_$][\w$]*)\s*\.\s*metrics\s*\(\s*\)/g;
  return [...new Set([...body.matchAll(re)].map((m) => m[1]!))].filter((n) => n !== 'REGISTRY');
}

/** Where `name` is declared a private registry in `text`: the declaration's line and whether it is a module export. */
function declaration(text: string, name: string, python: boolean): { line: number; exported: boolean; member: boolean } | undefined {
  const n = esc(name);
  const decl = python
    ? new RegExp(`^[ \\t]*(?:self\\s*\\.\\s*)?${n}\\s*(?::[^=\\n]*)?=\\s*(?:[\\w.]+\\.)?CollectorRegistry\\s*\\(`, 'm')
    : new RegExp(
        `(?:^|[^\\w$.])(export\\s+)?((?:const|let|var)\\s+)?((?:(?:private|public|protected|readonly|static)\\s+)+|this\\s*\\.\\s*)?${n}\\s*(?::[^=;\\n]*)?=\\s*new\\s+(?:[\\w$]+\\.)?Registry\\s*\\(`,
        'm',
      );
  const m = decl.exec(text);
  if (!m) return undefined;
  // prometheus_client's multiprocess mode: a registry collecting every process's default-registry metrics
  if (python && new RegExp(`MultiProcessCollector\\s*\\(\\s*(?:registry\\s*=\\s*)?${n}\\b`).test(text)) return undefined;
  const line = text.slice(0, m.index + m[0].length).split('\n').length;
  // a module-level variable (not a class member) exported by name
  const exported =
    !python &&
    !!m[2] &&
    !m[3] &&
    (!!m[1] ||
      new RegExp(`\\bexport\\s*\\{[^}]*(?<![\\w$])${n}(?![\\w$])`).test(text) ||
      new RegExp(`\\bmodule\\.exports\\s*=\\s*\\{[^}]*(?<![\\w$])${n}(?![\\w$])`).test(text) ||
      new RegExp(`\\b(?:module\\.)?exports\\.${n}\\s*=`).test(text));
  return { line, exported, member: python ? /^\s*self\b/.test(m[0]) : !!m[3] };
}

/** The private registry the exposition serves (declared in its module or imported into it), undefined when it serves
 *  the default one or what it serves cannot be read. */
export async function privateRegistry(exposition: Exposition, read: ReadModule): Promise<PrivateRegistry | undefined> {
  const python = /\.pyi?$/i.test(exposition.file);
  for (const name of servedNames(exposition.body, python)) {
    const here = declaration(exposition.text, name, python);
    if (here) return { file: path.resolve(exposition.file), name, ...here };
    const from = await (python ? pyImportedName : jsImportedName)(exposition.file, exposition.text, name, read);
    const there = from && declaration(from.text, from.name, python);
    if (from && there) return { file: path.resolve(from.file), name: from.name, ...there };
  }
  return undefined;
}

const MAX_SOURCE = 512 * 1024;

/** The private registry a module serves itself, per file as long as it stays the same. */
const served = new SourceFacts<PrivateRegistry | undefined>(MAX_SOURCE, undefined);

/** A private registry `text` declares and serves itself (`this.registry.metrics()` of its `new Registry()` field). */
function selfServed(file: string, text: string, python: boolean): PrivateRegistry | undefined {
  if (!text.includes(python ? 'CollectorRegistry' : 'Registry(')) return undefined;
  for (const name of servedNames(text, python)) {
    const d = declaration(text, name, python);
    if (d) return { file: path.resolve(file), name, ...d };
  }
  return undefined;
}

/**
 * A private registry some module of the service serves itself (`private readonly registry = new Registry()` and
 * `this.registry.metrics()` in one class, a scrape endpoint in another file than the routes instrumented): the first
 * found, in the service folder of `file` (./manifests), walked with ./serviceSources; undefined when there is none.
 */
export async function servicePrivateRegistry(file: string, python: boolean, root?: string): Promise<PrivateRegistry | undefined> {
  const dir = await serviceFolder(await foldersUp(file, root));
  if (!dir) return undefined;
  let found: PrivateRegistry | undefined;
  await walkServiceSources(dir, python, async (p) => {
    found ??= await served.of(p, p, (text) => selfServed(p, text, python));
  });
  return found;
}
