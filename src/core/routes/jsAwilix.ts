/**
 * awilix-koa / awilix-express controllers (awilix-router-core's builder): `createController(api).prefix('/dogs')
 * .get('', 'list').verbs([HttpVerbs.PUT, 'PATCH'], '/:id', 'update')` is a router whose routes' handlers are the named
 * methods of what `createController` got (an object a factory returns, or a class); every `prefix(p)` of the builder
 * is put in front of every route of it (`p + path`, in any order; two prefixes serve each route under both), as the
 * library's `rollUpState` does. The builders are served by `app.use(loadControllers('routes/*.js', { cwd: __dirname }))`
 * (a glob over the files, read here as a folder loop: ./folderLoops) or `app.use(controller(builder))`. Pure.
 */
import * as path from 'node:path';
import { lineOf, named, type SourceRange, type SyntaxNode as Node } from '../parsing/nodes';
import { unwrapExpr } from '../parsing/javascript';
import type { JsAnalyzer } from './javascript';
import type { FolderLoop, NameExpr } from './folderLoops';
import type { AwilixBuilder, HandlerSpec, Ref, Val } from './model';
import type { Framework, HttpMethod } from './types';
import { none, toMethod } from './common';
import { evalDir } from './jsRegistrations';

/** The adapters and the framework each serves (awilix-router-core alone serves none). */
export const AWILIX_PKGS: Record<string, Framework> = { 'awilix-koa': 'koa', 'awilix-express': 'express' };

/** A glob longer than this, or with more `**`, is not read (a repository's text becomes a regular expression). */
const MAX_GLOB = 256;
/** What `**` matches below the folder: the scripts a require or import loads. */
const SCRIPT_EXTS = ['js', 'cjs', 'mjs', 'ts', 'cts', 'mts', 'jsx', 'tsx'];

/** The value of a call of an awilix adapter's export, or null when it is none of those it knows. */
export function awilixCall(A: JsAnalyzer, n: Node, fw: Framework, name: string, argv: readonly Node[]): Ref | null {
  const a0 = argv[0];
  if (!a0) return null;
  if (name === 'createController') {
    const obj = A.newObj(n, fw, 'router', null);
    if (obj.k === 'obj') A.fa.objects[obj.id]!.awilix = { target: A.refOf(a0), prefixes: [] };
    return obj;
  }
  // `controller(builder)`: the builder's routes (a decorated class or an array of them are not read)
  if (name === 'controller') return A.refOf(a0);
  if (name === 'loadControllers') return loadControllers(A, n, a0, argv[1]);
  return null;
}

/** The awilix builder a reference is (an object of this file made by `createController`), else null. */
export function builderDecl(A: JsAnalyzer, r: Ref): AwilixBuilder | null {
  return r.k === 'obj' ? (A.fa.objects[r.id]?.awilix ?? null) : null;
}

/** `builder.prefix(p)`: recorded on the builder (the resolver joins them with the routes); true when it was one. */
export function awilixPrefix(A: JsAnalyzer, recv: Node, argv: readonly Node[]): boolean {
  const b = builderDecl(A, A.refOf(recv));
  if (!b) return false;
  const o = A.fa.objects.find((x) => x.awilix === b)!;
  if (argv.length === 1) b.prefixes.push(A.evalStr(argv[0]!));
  else
    b.prefixes.push({
      e: argv
        .map((a) => a.text)
        .join(', ')
        .slice(0, 80),
      why: 'prefix call not understood',
    });
  o.prefix = joinedPrefix(b.prefixes);
  return true;
}

/** One prefix is the builder's prefix; several stand for each route under each, which one router prefix cannot say. */
function joinedPrefix(ps: Val[]): Val | null {
  if (ps.length === 1) return ps[0]!;
  if (!ps.length) return null;
  return { e: ps.map((p) => ('s' in p ? `'${p.s}'` : p.e)).join(', '), why: 'awilix controller with several prefixes' };
}

/** A builder's route, `.get(path, 'method', opts?)` or `.verbs([HttpVerbs.PUT, 'PATCH'], path, 'method', opts?)` (`m`:
 *  'verbs'): recorded with the named method of what `createController` got as its handler; false when the receiver is
 *  no builder. */
export function awilixRoute(A: JsAnalyzer, recv: Node, m: string, argv: readonly Node[], line: number, range: SourceRange): boolean {
  const owner = A.refOf(recv);
  const b = builderDecl(A, owner);
  if (!b) return false;
  const verbs = m === 'verbs';
  const methods = verbs ? verbsOf(A, argv[0]) : [toMethod(m)];
  const [p, h] = verbs ? [argv[1], argv[2]] : [argv[0], argv[1]];
  if (!p || !h || !methods || methods.includes(null)) return true;
  const hv = A.evalStr(unwrapExpr(h) ?? h);
  if (b.target.k === 'fn') A.computeReturns(b.target.id); // the object a factory of this file returns
  // a factory's returned object (`({ list })`) or a class's instance: both are what calling the target gives
  const handler: HandlerSpec =
    's' in hv
      ? { ref: { k: 'mem', base: { k: 'ret', callee: b.target }, name: hv.s }, text: hv.s, line: lineOf(h) }
      : { ref: none(h), text: h.text.slice(0, 60), line: lineOf(h) };
  for (const path of A.paths(p))
    A.fa.routes.push({ owner, framework: null, flavour: 'js-method', methods: methods as HttpMethod[], path, line, range, handler });
  return true;
}

/** The methods of `[HttpVerbs.PUT, 'PATCH']` (the enum's values are its names), else null. */
function verbsOf(A: JsAnalyzer, n: Node | undefined): HttpMethod[] | null {
  const arr = unwrapExpr(n ?? null);
  if (arr?.type !== 'array') return null;
  const out: HttpMethod[] = [];
  for (const e of named(arr)) {
    if (e.type === 'comment') continue;
    const u = unwrapExpr(e);
    const v = u?.type === 'member_expression' ? u.childForFieldName('property')?.text : u ? A.evalStr(u) : null;
    const s = typeof v === 'string' ? v : v && 's' in v ? v.s : null;
    const m = s ? toMethod(s) : null;
    if (!m) return null;
    if (!out.includes(m)) out.push(m);
  }
  return out.length ? out : null;
}

/** `loadControllers(glob, { cwd })`: the default export of every file the glob matches (a folder loop's module). */
function loadControllers(A: JsAnalyzer, n: Node, g: Node, opts: Node | undefined): Ref {
  const v = A.evalStr(g);
  const written = 's' in v ? v.s : evalDir(A, g);
  const o = unwrapExpr(opts ?? null);
  const cwdNode = o?.type === 'object' ? A.prop(o, 'cwd') : null;
  const cwd = cwdNode ? evalDir(A, cwdNode) : null;
  const loop = written && (cwd || !cwdNode) ? globLoop(written, cwd, lineOf(n), n.text.slice(0, 80)) : null;
  if (!loop) return none(n);
  const loops = (A.fa.folderLoops ??= []);
  loops.push(loop);
  return { k: 'imp', mod: `each:${loops.length - 1}`, name: 'default' };
}

/** The folder loop of a glob: its static folder (from `cwd`, else the project root), and a test of the rest. */
export function globLoop(glob: string, cwd: string | null, line: number, text: string): FolderLoop | null {
  const g = glob.replace(/\\/g, '/');
  if (g.length > MAX_GLOB || (g.match(/\*\*/g)?.length ?? 0) > 1 || /[[!()+@]/.test(g)) return null;
  const segs = g.split('/');
  const at = segs.findIndex((s) => /[*?{]/.test(s));
  if (at < 0) return null;
  const dir = segs.slice(0, at).join('/') || '.';
  const rest = segs.slice(at);
  const deep = rest.length > 1;
  if (deep && !(rest.length === 2 && rest[0] === '**')) return null; // `dir/**/*.js` only
  const re = globRe(rest[rest.length - 1]!);
  if (re === null) return null;
  const filter: NameExpr = {
    k: 'call',
    fn: 'test',
    on: { k: 'entry' },
    args: [{ k: 're', re: deep ? `^(?:[^/]+/)*${re}$` : `^${re}$`, flags: '' }],
  };
  const base = { ...(deep ? { recursive: SCRIPT_EXTS } : {}), filter, line, text };
  if (path.isAbsolute(dir)) return { dir: path.normalize(dir), ...base };
  return cwd ? { dir: path.resolve(cwd, dir), ...base } : { dir: path.normalize(dir), cwd: true, ...base };
}

/** One path segment of a glob (`*`, `?`, `{a,b}` without nesting) as a regular expression; null when it has more. */
function globRe(seg: string): string | null {
  let out = '';
  let inBraces = false;
  for (const c of seg) {
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{') {
      if (inBraces) return null;
      inBraces = true;
      out += '(?:';
    } else if (c === '}') {
      if (!inBraces) return null;
      inBraces = false;
      out += ')';
    } else if (c === ',' && inBraces) out += '|';
    else out += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return inBraces ? null : out;
}
