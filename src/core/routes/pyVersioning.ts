/**
 * fastapi-versioning: `app = VersionedFastAPI(app, prefix_format="/v{major}")` returns a new app that mounts, for each
 * API version its routes have (an endpoint's `@version(major, minor)`, else `default_version`), a copy of the app at
 * that version's prefix; the routes stop being served where they were. A version's mount also serves every route of
 * an earlier version that no route of a version up to it replaces (same path and method), and `enable_latest` mounts the
 * last version's routes again at `/latest`. The analyzer records the calls and the `@version` decorators; the resolver
 * gives the versioned app an edge to the app the call returns (graphEdges `ver`) and places each route reached through
 * it under its versions once every route of that app is known (versionRoutes).
 */
import { named, lineOf, type SyntaxNode as Node } from '../parsing/nodes';
import { pyArgs } from '../parsing/python';
import type { FileAnalysis, Ref, Val } from './model';
import type { PyAnalyzer } from './python';
import type { HttpMethod, Route } from './types';
import type { Ent } from './values';

/** An API version, (major, minor); or the expression giving it, when it is not literal integers. */
export type ApiVersion = [number, number] | { e: string };

/** A `VersionedFastAPI(app, …)` call: the app it versions, the one it returns, and the arguments that shape paths. */
export interface VersionedCall {
  app: Ref;
  made: Ref;
  /** `prefix_format`, with `{major}` and `{minor}` fields. */
  prefix: Val;
  dflt: ApiVersion;
  latest: boolean;
  line: number;
}

export interface Versioned {
  call: VersionedCall;
  file: string;
}

/** A route emitted below a versioned app, its path without the version prefix (which goes at `at`). */
export interface VersionedRoute {
  route: Route;
  v: Versioned;
  at: number;
}

const PKG = 'py:fastapi_versioning';
const DEFAULT_PREFIX = '/v{major}_{minor}';

/** Is `fnNode` fastapi-versioning's `name` (imported from the package or one of its modules, or read off it)? */
function fromLibrary(A: PyAnalyzer, fnNode: Node, name: string): boolean {
  const r = A.refOf(fnNode);
  const ofPkg = (mod: string): boolean => mod === PKG || mod.startsWith(`${PKG}.`);
  if (r.k === 'imp') return r.name === name && ofPkg(r.mod);
  return r.k === 'mem' && r.name === name && r.base.k === 'imp' && r.base.name === '*' && ofPkg(r.base.mod);
}

function intArg(n: Node | undefined, dflt: number): number | { e: string } {
  if (!n) return dflt;
  return n.type === 'integer' && /^\d+$/.test(n.text) ? Number(n.text) : { e: n.text };
}

function versionOf(major: number | { e: string }, minor: number | { e: string }, text: string): ApiVersion {
  return typeof major === 'number' && typeof minor === 'number' ? [major, minor] : { e: text };
}

/** `@version(2)` / `@version(1, 1)` on a function: its API version, keyed by the line of its `def`. */
export function pyVersionDecorator(A: PyAnalyzer, n: Node): boolean {
  const call = named(n)[0];
  const fnNode = call?.type === 'call' ? call.childForFieldName('function') : null;
  const def = n.parent?.childForFieldName('definition');
  if (!call || !fnNode || def?.type !== 'function_definition' || !fromLibrary(A, fnNode, 'version')) return false;
  const { pos, kw } = pyArgs(call);
  const major = pos[0] ?? kw.get('major');
  const version = major ? versionOf(intArg(major, 0), intArg(pos[1] ?? kw.get('minor'), 0), call.text) : { e: call.text };
  (A.fa.apiVersions ??= {})[lineOf(def)] = version;
  return true;
}

/** `VersionedFastAPI(app, …)`: a new app, the one the versions are mounted on; null for any other call. */
export function pyVersionedApp(A: PyAnalyzer, n: Node, fnNode: Node): Ref | null {
  if (!fromLibrary(A, fnNode, 'VersionedFastAPI')) return null;
  const { pos, kw } = pyArgs(n);
  const app = pos[0] ?? kw.get('app');
  const left = n.parent?.type === 'assignment' ? n.parent.childForFieldName('left')?.text : undefined;
  // `**options`: whatever it does not hold keeps its default, but which it holds is unknown
  const splat = named(n.childForFieldName('arguments') ?? n).find((a) => a.type === 'dictionary_splat' || a.type === 'list_splat');
  return A.objectAt(n, { framework: 'fastapi', kind: 'app', name: left, prefix: () => null }, (made) => {
    if (!app) return;
    const prefixNode = pos[2] ?? kw.get('prefix_format');
    const prefix = prefixNode
      ? A.evalStr(prefixNode)
      : splat
        ? { e: splat.text, why: 'mapping unpacked into the call' }
        : { s: DEFAULT_PREFIX };
    const dv = pos[3] ?? kw.get('default_version');
    const els = dv?.type === 'tuple' ? named(dv) : [];
    const given = dv && els.length === 2 ? versionOf(intArg(els[0], 0), intArg(els[1], 0), dv.text) : dv ? { e: dv.text } : null;
    const dflt: ApiVersion = given ?? (splat ? { e: splat.text } : [1, 0]);
    const latest = (pos[4] ?? kw.get('enable_latest'))?.type === 'true';
    (A.fa.pyVersioned ??= []).push({ app: A.refOf(app), made, prefix, dflt, latest, line: lineOf(n) });
  });
}

/** For the resolver: each versioned app's edge to the app its call returns. */
export function versionedEdges(
  files: ReadonlyMap<string, FileAnalysis>,
  resolve: (file: string, r: Ref) => Ent | null,
): { child: Ent; parent: Ent; ver: Versioned; line: number }[] {
  const out: { child: Ent; parent: Ent; ver: Versioned; line: number }[] = [];
  for (const fa of files.values())
    for (const call of fa.pyVersioned ?? []) {
      const child = resolve(fa.file, call.app);
      const parent = resolve(fa.file, call.made);
      if ((child?.t === 'obj' || child?.t === 'param') && parent?.t === 'obj')
        out.push({ child, parent, ver: { call, file: fa.file }, line: call.line });
    }
  return out;
}

const cmpVersion = (a: [number, number], b: [number, number]): number => a[0] - b[0] || a[1] - b[1];

/** Python `str.format(major=…, minor=…)` of a prefix_format; null when it names another field. */
function formatPrefix(format: string, [major, minor]: [number, number]): string | null {
  let bad = false;
  const out = format.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (m, field: string | undefined) => {
    if (field === undefined) return m[0]!;
    if (field === 'major' || field === 'minor') return String(field === 'major' ? major : minor);
    bad = true;
    return m;
  });
  return bad ? null : out;
}

/**
 * Places each route emitted below a versioned app (its fullPath so far without the version prefix) under its own
 * version's prefix: that is its fullPath. The later versions and `/latest` that serve it too are more routes of the same
 * registration, one per path, as a router mounted under several prefixes gives. Unknown prefixes and versions leave
 * fullPath null with the reason, the path within the app as knownSuffix.
 */
export function versionRoutes(
  entries: readonly VersionedRoute[],
  routes: Route[],
  files: ReadonlyMap<string, FileAnalysis>,
  evalVal: (file: string, v: Val) => Val,
  rel: (file: string) => string,
): void {
  const groups = new Map<VersionedCall, VersionedRoute[]>();
  for (const x of entries) groups.set(x.v.call, [...(groups.get(x.v.call) ?? []), x]);
  for (const [call, group] of groups) {
    const file = group[0]!.v.file;
    const at = `VersionedFastAPI at ${rel(file)}:${call.line}`;
    const pv = evalVal(file, call.prefix);
    const fmt = 's' in pv ? pv.s : null;
    const items = group.map((x) => {
      const r = x.route;
      const full = r.fullPath!;
      const own = files.get(r.handlerFile)?.apiVersions?.[r.handlerLine] ?? call.dflt;
      return { r, outer: full.slice(0, x.at), inner: full.slice(x.at), own };
    });
    const unknown = (r: Route, inner: string, reason: string): void => {
      Object.assign(r, { fullPath: null, fullPathReason: reason, knownSuffix: inner });
      delete r.fullPathSource;
    };
    const known = items.filter((x): x is typeof x & { own: [number, number] } => Array.isArray(x.own));
    const versions = [...new Map(known.map((x) => [x.own.join('.'), x.own])).values()].sort(cmpVersion);
    const prefixOf = (v: [number, number]): string | null => (fmt === null ? null : formatPrefix(fmt, v));
    for (const x of items) {
      if (!Array.isArray(x.own)) {
        const whose = x.own === call.dflt ? `default_version of ${at}` : `API version of ${x.r.handlerName ?? 'the handler'}`;
        unknown(x.r, x.inner, `${whose} is not literal integers: ${x.own.e}`);
        continue;
      }
      const own = x.own;
      const p = prefixOf(own);
      if (p === null) {
        const why = 'e' in pv ? `a ${pv.why}: ${pv.e}` : `a format with a field other than {major} and {minor}: ${fmt}`;
        unknown(x.r, x.inner, `version prefix (prefix_format of ${at}) is ${why}`);
        continue;
      }
      x.r.fullPath = x.outer + p + x.inner;
      // a later route of the same path and method replaces it from its version on
      const replaced = (m: HttpMethod, upTo: [number, number]): boolean =>
        known.some((o) => o.inner === x.inner && o.r.methods.includes(m) && cmpVersion(o.own, own) > 0 && cmpVersion(o.own, upTo) <= 0);
      const later = versions.filter((v) => cmpVersion(v, own) > 0).map((v) => ({ p: prefixOf(v)!, v }));
      if (call.latest) later.push({ p: '/latest', v: versions.at(-1)! });
      const paths = new Set([x.r.fullPath]);
      for (const l of later) {
        // the library keeps a route while one of its methods is not replaced, and the route then answers them all
        const fullPath = x.outer + l.p + x.inner;
        if (x.r.methods.some((m) => !replaced(m, l.v)) && !paths.has(fullPath)) routes.push({ ...x.r, fullPath });
        paths.add(fullPath);
      }
    }
  }
}
