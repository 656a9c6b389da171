/**
 * inversify-express-utils (decorated controllers over Express): `@controller(path, ...middleware)` classes whose methods
 * carry `@httpGet(path, ...middleware)`, `@httpPost`, `@httpPut`, `@httpPatch`, `@httpDelete`, `@httpHead`,
 * `@httpOptions`, `@all` or `@httpMethod('get', path)` (read by ./nest with NestJS's decorators), served by
 * `new InversifyExpressServer(container, router?, { rootPath }?)`. The library serves every `@controller` class whose
 * module is loaded: the decorator records the class in global metadata when it is declared, and `build()` binds each
 * to the container itself; a class whose module nothing imports is never declared, so never served. Its full path is
 * rootPath (default `/`, the router's mount on the app) + controller path + method path, each of the last two with a
 * leading '/' (6.5 adds a missing one) and '/' under a path meaning the path itself.
 */
import * as path from 'node:path';
import { lineOf, named, type SyntaxNode as Node } from '../parsing/nodes';
import { unwrapExpr } from '../parsing/javascript';
import type { JsAnalyzer } from './javascript';
import type { FileAnalysis, IeServer, RawRoute, Val } from './model';
import type { Framework, HttpMethod, Route } from './types';
import { literalObject } from './jsValues';
import { joinRoute } from './paths';
import { provenance } from './configValues';
import { clip } from './common';

export const IE_PKG = 'inversify-express-utils';
const IE_SERVER = 'InversifyExpressServer';

/** The route decorators and their methods (`@httpMethod('get', path)` names its own). */
export const IE_METHODS: Readonly<Record<string, HttpMethod>> = {
  httpGet: 'GET',
  httpPost: 'POST',
  httpPut: 'PUT',
  httpPatch: 'PATCH',
  httpDelete: 'DELETE',
  httpHead: 'HEAD',
  httpOptions: 'OPTIONS',
  all: 'ALL',
};

/** `new InversifyExpressServer(container, router?, routingConfig?)`: recorded once, with its `rootPath`. Whether `n` is one. */
export function ieServer(A: JsAnalyzer, n: Node): boolean {
  if (n.type !== 'new_expression') return false;
  const ctor = n.childForFieldName('constructor');
  const pkg = ctor ? A.pkgOf(A.refOf(ctor)) : null;
  if (pkg?.pkg !== IE_PKG || pkg.name !== IE_SERVER) return false;
  const list = (A.fa.ieServers ??= []);
  if (list.some((s) => s.at === n.startIndex)) return true;
  const args = n.childForFieldName('arguments');
  const argv = args ? named(args).filter((a) => a.type !== 'comment') : [];
  const cfg = unwrapExpr(argv[2] ?? null);
  let root: Val | null = null;
  if (cfg && cfg.type !== 'null' && cfg.type !== 'undefined') {
    const o = literalObject(A, cfg);
    const p = o ? A.prop(o, 'rootPath') : null;
    root = o ? (p ? A.evalStr(p) : null) : { e: clip(cfg.text, 80), why: 'routing configuration the analysis cannot read' };
  }
  list.push({ root, line: lineOf(n), at: n.startIndex });
  return true;
}

/** A controller or method path as the library joins it: a leading '/' added when missing. */
function lead(p: string): string {
  return p.startsWith('/') ? p : `/${p}`;
}

type Make = (fw: Framework, full: string | null, reason?: string, methods?: HttpMethod[], source?: string) => Route;

/** The inversify-express-utils servers of a workspace, and which controllers they serve. */
export class IeServers {
  private servers: { file: string; s: IeServer }[] | null = null;
  private loaded: Set<string> | null = null;

  constructor(
    private readonly files: ReadonlyMap<string, FileAnalysis>,
    private readonly evalVal: (file: string, v: Val) => Val,
    private readonly rel: (file: string) => string,
    private readonly loadedFiles: () => Set<string>,
  ) {}

  private all(): { file: string; s: IeServer }[] {
    if (!this.servers) {
      this.servers = [];
      for (const fa of this.files.values()) for (const s of fa.ieServers ?? []) this.servers.push({ file: fa.file, s });
    }
    return this.servers;
  }

  /** The servers of a controller: those whose folder holds its file most closely (a monorepo's apps), else every one. */
  private serversOf(file: string): { file: string; s: IeServer }[] {
    const dirOf = (x: { file: string }): string => path.dirname(x.file) + path.sep;
    const best = Math.max(-1, ...this.all().map((x) => (file.startsWith(dirOf(x)) ? dirOf(x).length : -1)));
    return best < 0 ? this.all() : this.all().filter((x) => dirOf(x).length === best && file.startsWith(dirOf(x)));
  }

  /** The routes of a controller method: one per server that serves it (or a null full path, with the reason). */
  routes(file: string, r: RawRoute, pathVal: Val, make: Make, out: Route[]): void {
    const info = r.nest!;
    const fw: Framework = 'express';
    const servers = this.all();
    const unmounted = (why: string): void => void out.push({ ...make(fw, null, why), unmounted: true });
    if (!servers.length) return unmounted(`controller is not served: no \`new ${IE_SERVER}(…)\` in the project`);
    this.loaded ??= this.loadedFiles();
    if (!this.loaded.has(file) && !servers.some((x) => x.file === file) && !this.files.get(file)?.serves) {
      return unmounted(
        `controller module is imported by no module: ${IE_PKG} serves a \`@controller\` class only once its module is loaded`,
      );
    }
    const seen = new Set<string>();
    const push = (route: Route): void => {
      const k = `${route.fullPath ?? ''}\0${route.fullPathReason ?? ''}`;
      if (!seen.has(k)) out.push(route);
      seen.add(k);
    };
    for (const { file: sf, s } of this.serversOf(file)) {
      if ('e' in pathVal) {
        push(make(fw, null, `path is a ${pathVal.why}: ${pathVal.e}`));
        continue;
      }
      const root = s.root ? this.evalVal(sf, s.root) : { s: '' };
      for (const cv of info.ctrl) {
        if (!('s' in cv)) {
          push(make(fw, null, `controller path is a ${'why' in cv ? cv.why : 'expression'}: ${'e' in cv ? cv.e : ''}`));
          continue;
        }
        // the router the controllers are registered on is mounted at rootPath
        const below = joinRoute(fw, lead(cv.s), pathVal.s && lead(pathVal.s)) || '/';
        if ('e' in root) {
          push({ ...make(fw, null, `rootPath is a ${root.why}: ${root.e} (${this.rel(sf)}:${s.line})`), knownSuffix: below });
          continue;
        }
        const full = joinRoute(fw, root.s === '/' ? '' : root.s, below) || '/';
        push(make(fw, full, undefined, r.methods, s.root ? provenance('prefix', root) : undefined));
      }
    }
  }
}
