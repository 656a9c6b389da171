/**
 * routing-controllers (a decorator framework over Express and Koa): the servers `createExpressServer(opts)`,
 * `useExpressServer(app, opts)`, `createKoaServer(opts)`, `useKoaServer(app, opts)` with their `routePrefix` and
 * `controllers` (classes, arrays of classes, or glob strings matched with picomatch over the analysed files), and the
 * full paths of the controllers' routes (prefix + controller path + method path). The decorators themselves are read
 * with NestJS's in ./nest (`@JsonController`/`@Controller`, `@Get`…, `@Method('get', '/x')`). fastify-decorators' controllers
 * (`@Controller({ route })`, `@GET({ url })`) and its `bootstrap` plugin's `controllers` and `prefix` are read the same way.
 */
import * as path from 'node:path';
import picomatch from 'picomatch';
import { lineOf, named, type SyntaxNode as Node } from '../parsing/nodes';
import { unwrapExpr } from '../parsing/javascript';
import type { JsAnalyzer } from './javascript';
import type { FileAnalysis, RawRoute, Ref, RcServer, Val } from './model';
import type { Ent } from './values';
import type { Framework, HttpMethod, Route } from './types';
import { evalDir } from './jsRegistrations';
import { literalObject } from './jsValues';
import { joinPrefix, joinRoute } from './paths';
import { provenance } from './configValues';

export const RC_PKG = 'routing-controllers';
/** fastify-decorators: `@Controller({ route })` classes given to `app.register(bootstrap, { controllers, prefix })`. */
export const FD_PKG = 'fastify-decorators';
const SERVER = /^(create|use)(Express|Koa)Server$/;
const MAX_GLOB = 256;

/** A routing-controllers server call: records it (once per call) and returns the app it creates or is given. */
export function rcServer(A: JsAnalyzer, n: Node): Ref | null {
  if (n.type !== 'call_expression') return null;
  const fn = n.childForFieldName('function');
  const pkg = fn ? A.pkgOf(A.refOf(fn)) : null;
  const m = pkg?.pkg === RC_PKG ? SERVER.exec(pkg.name) : null;
  if (!m) return null;
  const fw: Framework = m[2] === 'Koa' ? 'koa' : 'express';
  const argv = named(n.childForFieldName('arguments')!);
  const app = m[1] === 'create' ? A.newObj(n, fw, 'app', null) : argv[0] ? A.refOf(argv[0]) : null;
  const list = (A.fa.rcServers ??= []);
  if (app && !list.some((s) => s.at === n.startIndex))
    list.push({ ...serverOptions(A, argv[m[1] === 'create' ? 0 : 1]), framework: fw, line: lineOf(n), at: n.startIndex });
  return app;
}

/** fastify-decorators `app.register(bootstrap, { controllers: [...], prefix })`: the controllers it registers (the library
 *  joins `prefix + route` of each, bootstrap/bootstrap.js), and `{ directory, mask }`: the modules below the folder whose
 *  path the mask matches (default `/\.(handler|controller)\./`; 2.x `controllersDirectory`/`controllersMask`). */
export function fdBootstrap(A: JsAnalyzer, n: Node, opts: Node | undefined): void {
  const list = (A.fa.rcServers ??= []);
  if (list.some((s) => s.at === n.startIndex)) return;
  const server: RcServer = { ...serverOptions(A, opts, 'prefix'), framework: 'fastify', line: lineOf(n), at: n.startIndex };
  const o = literalObject(A, opts ?? null);
  for (const [dirKey, maskKey] of [
    ['directory', 'mask'],
    ['controllersDirectory', 'controllersMask'],
  ] as const) {
    const d = o ? A.prop(o, dirKey) : null;
    if (!d) continue;
    const dir = evalDir(A, d);
    const mask = maskOf(A, o ? A.prop(o, maskKey) : null);
    server.controllers.push(dir && mask ? { dir, ...mask } : { unknown: `${dirKey}: ${d.text.slice(0, 80)}` });
  }
  list.push(server);
}

/** A file mask written as a regular expression literal or a string (a string is made a RegExp by the library). */
function maskOf(A: JsAnalyzer, n: Node | null): { mask: string; flags: string } | null {
  const m = unwrapExpr(n);
  if (!m) return { mask: '\\.(handler|controller)\\.', flags: '' };
  if (m.type === 'regex') {
    const c = named(m);
    return { mask: c.find((x) => x.type === 'regex_pattern')?.text ?? '', flags: c.find((x) => x.type === 'regex_flags')?.text ?? '' };
  }
  const s = A.evalStr(m);
  return 's' in s ? { mask: s.s, flags: '' } : null;
}

/** A repository's regular expression, compiled only when short and free of nested quantifiers (it runs on every path). */
function safeMask(mask: string, flags: string): RegExp | null {
  if (mask.length > MAX_GLOB || /\)[*+?{]/.test(mask.replace(/\\./g, ''))) return null;
  try {
    return new RegExp(mask, flags.replace(/[^imsu]/g, ''));
  } catch {
    return null;
  }
}

function serverOptions(A: JsAnalyzer, opts: Node | undefined, prefixKey = 'routePrefix'): Pick<RcServer, 'prefix' | 'controllers'> {
  const o = literalObject(A, opts ?? null);
  if (!o) return { prefix: null, controllers: opts ? [{ unknown: opts.text.slice(0, 80) }] : [] };
  const p = A.prop(o, prefixKey);
  const c = unwrapExpr(A.prop(o, 'controllers'));
  const controllers: RcServer['controllers'] = [];
  for (const e of c?.type === 'array' ? named(c) : c ? [c] : []) {
    if (e.type === 'comment') continue;
    if (/^(string|template_string|binary_expression|call_expression)$/.test(e.type)) {
      const glob = evalDir(A, e);
      controllers.push(glob ? { glob } : { unknown: e.text.slice(0, 80) });
    } else controllers.push({ ref: A.refOf(e), text: e.text.slice(0, 80) });
  }
  return { prefix: p ? A.evalStr(p) : null, controllers };
}

type Make = (fw: Framework, full: string | null, reason?: string, methods?: HttpMethod[], source?: string) => Route;

/** The routing-controllers servers of a workspace and the controllers each serves. */
export class RcServers {
  private servers: { file: string; s: RcServer; classes: Set<string>; files: Set<string>; unknown: string[] }[] | null = null;

  constructor(
    private readonly files: ReadonlyMap<string, FileAnalysis>,
    private readonly resolve: (file: string, ref: Ref) => Ent | null,
    private readonly arrayOf: (file: string, ref: Ref) => { file: string; ref: Ref }[],
    private readonly evalVal: (file: string, v: Val) => Val,
    private readonly rel: (file: string) => string,
  ) {}

  private all(): NonNullable<typeof this.servers> {
    if (this.servers) return this.servers;
    this.servers = [];
    const slash = (f: string): string => f.split(path.sep).join('/');
    for (const fa of this.files.values())
      for (const s of fa.rcServers ?? []) {
        const classes = new Set<string>();
        const files = new Set<string>();
        const unknown: string[] = [];
        for (const c of s.controllers) {
          if ('glob' in c && (c.glob.length > MAX_GLOB || (c.glob.match(/\*\*/g)?.length ?? 0) > 4)) {
            unknown.push(c.glob.slice(0, 80)); // a repository's glob: bounded before it becomes a regular expression
          } else if ('glob' in c) {
            const isMatch = picomatch(slash(c.glob));
            for (const f of this.files.keys()) if (isMatch(slash(f)) || isMatch(slash(f).replace(/\.ts$/, '.js'))) files.add(f);
          } else if ('dir' in c) {
            const re = safeMask(c.mask, c.flags);
            if (!re) unknown.push(`mask /${c.mask.slice(0, 80)}/`);
            else for (const f of this.files.keys()) if (f.startsWith(c.dir + path.sep) && re.test(f)) files.add(f);
          } else if ('ref' in c) {
            const els = this.arrayOf(fa.file, c.ref);
            const before = classes.size;
            for (const el of els.length ? els : [{ file: fa.file, ref: c.ref }]) {
              const e = this.resolve(el.file, el.ref);
              if (e?.t === 'cls') classes.add(`${e.file}|${e.id}`);
            }
            if (classes.size === before) unknown.push(c.text);
          } else unknown.push(c.unknown);
        }
        this.servers.push({ file: fa.file, s, classes, files, unknown });
      }
    return this.servers;
  }

  /** The routes of a controller method: one per server that serves its class (or a null full path, with the reason). */
  routes(file: string, r: RawRoute, pathVal: Val, make: Make, out: Route[]): void {
    const info = r.nest!;
    const mine = this.all().filter((x) => x.files.has(file) || x.classes.has(`${file}|${info.cls}`));
    if (!mine.length) {
      const unknown = this.all().flatMap((x) => x.unknown.map((u) => `${u} (${this.rel(x.file)}:${x.s.line})`));
      const fws = new Set(this.all().map((x) => x.s.framework));
      const fw = info.fd ? 'fastify' : fws.size === 1 ? [...fws][0]! : 'express';
      const lib = info.fd ? FD_PKG : RC_PKG;
      const reason = unknown.length
        ? `${lib} controllers not evaluated: ${unknown.join(', ')}`
        : info.fd
          ? `controller is not loaded by a ${FD_PKG} bootstrap (its \`controllers\`, or a \`directory\` whose mask matches its file)`
          : `controller is not given to a ${RC_PKG} server`;
      out.push({ ...make(fw, null, reason), ...(unknown.length ? {} : { unmounted: true }) });
      return;
    }
    for (const { file: sf, s } of mine) {
      const fw = s.framework;
      if ('e' in pathVal) {
        out.push(make(fw, null, `path is a ${pathVal.why}: ${pathVal.e}`));
        continue;
      }
      const prefix = s.prefix ? this.evalVal(sf, s.prefix) : { s: '' };
      if ('e' in prefix) {
        out.push(make(fw, null, `routePrefix is a ${prefix.why}: ${prefix.e}`));
        continue;
      }
      for (const cv of info.ctrl) {
        if (!('s' in cv)) {
          out.push(make(fw, null, `controller path is a ${'why' in cv ? cv.why : 'expression'}: ${'e' in cv ? cv.e : ''}`));
          continue;
        }
        const full = joinRoute(fw, joinPrefix(fw, prefix.s, cv.s), pathVal.s) || '/';
        out.push(make(fw, full, undefined, r.methods, s.prefix ? provenance('prefix', prefix) : undefined));
      }
    }
  }
}
