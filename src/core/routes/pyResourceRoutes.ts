/**
 * Resource routes whose class is a parameter of the function that registers it (resolve.ts): a helper of the project
 * (`def register(self, resource, route): self.api.add_resource(resource(), route)`, called as `self.register(Users,
 * f"{BASE}/users")`), or a base class registering each subclass when it is defined (`def __init_subclass__(cls):
 * cls.attach(api)` with `attach` doing `blueprint.add_url_rule(cls.path, view_func=cls.as_view(…))`: Python calls it
 * for every class statement deriving from it, ./pyMethods pySubclassHooks). Each chain of calls (at most MAX_LEVELS up)
 * that gives the class is one set of rows, with the owner and the path that chain gives (a parameter is its call's
 * argument, `cls.path` the attribute of the class passed); a row made by a class statement is at the class's head, one
 * whose path a call gives at that call (the outermost of the chain giving it: ./perCall CallSite). Pure.
 */
import type { Caller } from './callGraph';
import { onArg, paramRoot } from './callGraph';
import { argPosition, callSite, type CallSite } from './perCall';
import type { FileAnalysis, RawRoute, Ref, Val } from './model';
import { resourceMethods } from './pyResources';
import { clip } from './common';
import type { SourceRange } from './types';
import type { Ent } from './values';

export interface ResourceContext {
  files: ReadonlyMap<string, FileAnalysis>;
  resolve(file: string, ref: Ref): Ent | null;
  evalVal(file: string, v: Val): Val;
  callers(file: string, fn: number): readonly Caller[];
  argOf(c: Caller, fnFile: string, fn: number, i: number): { ref: Ref | null; str: Val | null };
}

/** The rows of one chain: the class, the owner and path it registers at, and the class statement that made the call. */
export interface ResourceAt {
  cls: Ent & { t: 'cls' };
  owner: Ent | null;
  path: Val;
  at?: { file: string; line: number; range: SourceRange };
  /** The call giving its path (a helper's: `self.register(Users, "/users")`). */
  site?: CallSite;
}

/** Calls followed up from the registration: a helper of a helper of `__init_subclass__`. */
const MAX_LEVELS = 3;
/** Chains kept per registration (a helper called once per resource of a large API: hrms-like 70+ calls). */
const MAX_CHAINS = 512;

/** A value written in `file` (a reference, or a piece of a path). */
type At = { file: string; ref: Ref };
type Piece = string | (At & { e: string });
interface Chain {
  h: At;
  owner: At;
  pieces: Piece[] | null;
  path: Val;
  at?: ResourceAt['at'];
  /** The registration: its file, line and function. */
  reg: { file: string; line: number; fn: number };
  /** The outermost call giving a piece of its path so far (else the first passing the class), and its argument holding
   *  the class (when it is one). */
  site?: { c: Caller; hArg?: number | string };
}

/** The pieces of a path value written in `file`: literals, and names to read (null when it reads nothing statically). */
function piecesOf(file: string, v: Val): Piece[] | null {
  if ('s' in v) return [v.s];
  if (v.parts) return v.parts.map((p) => (typeof p === 'string' ? p : { file, e: p.e, ref: p.ref }));
  return v.ref ? [{ file, e: v.e, ref: v.ref }] : null;
}

/**
 * The routes of resource registration `r` of `fa`: one per HTTP method its class (an instance: fastapi-restful)
 * answers (./pyResources), once per chain of calls when a parameter holds the class, each with where it is (the class
 * statement's file and head for one a class statement made), its handler's file, and the owner and path of its chain.
 */
export function resourceRoutes(
  ctx: ResourceContext,
  fa: FileAnalysis,
  r: RawRoute,
): { fa: FileAnalysis; route: RawRoute; handlerFile: string; at?: { owner: Ent | null; path: Val; site?: CallSite } }[] {
  const e = r.handler ? ctx.resolve(fa.file, r.handler.ref) : null;
  const rows: Partial<ResourceAt>[] =
    resourceChains(ctx, fa, r) ?? (e?.t === 'cls' || e?.t === 'inst' ? [{ cls: { t: 'cls', file: e.file, id: e.id } }] : []);
  return rows.flatMap((row) =>
    resourceMethods(ctx.files, ctx.resolve, row.cls!).map((m) => {
      const handler = { ref: { k: 'fn' as const, id: m.fn }, text: m.method.toLowerCase(), line: row.at?.line ?? r.line };
      const route: RawRoute = {
        ...r,
        flavour: 'py-route',
        methods: [m.method],
        handler,
        ...(row.at ? { line: row.at.line, range: row.at.range } : {}),
      };
      return {
        fa: (row.at && ctx.files.get(row.at.file)) || fa,
        route,
        handlerFile: m.file,
        ...(row.path ? { at: { owner: row.owner ?? null, path: row.path, ...(row.site ? { site: row.site } : {}) } } : {}),
      };
    }),
  );
}

/**
 * The chains of the resource route `r` of `fa` whose class is a parameter (`resource`, `cls`); null when its class is
 * not one (the route is read as written).
 */
function resourceChains(
  ctx: ResourceContext,
  fa: FileAnalysis,
  r: { handler: { ref: Ref } | null; owner: Ref | null; path: Val; line: number },
): ResourceAt[] | null {
  const h = r.handler ? ctx.resolve(fa.file, r.handler.ref) : null;
  if (h?.t !== 'param' || h.prop !== undefined || !r.owner) return null;
  const out = new Map<string, ResourceAt>();
  const start: Chain = {
    h: { file: fa.file, ref: r.handler!.ref },
    owner: { file: fa.file, ref: r.owner },
    pieces: piecesOf(fa.file, r.path),
    path: r.path,
    reg: { file: fa.file, line: r.line, fn: h.fn },
  };
  walk(ctx, start, fa.file, h.fn, 0, out);
  return [...out.values()];
}

function walk(ctx: ResourceContext, ch: Chain, file: string, fn: number, level: number, out: Map<string, ResourceAt>): void {
  const callers = level < MAX_LEVELS ? ctx.callers(file, fn) : [];
  if (!callers.length) return finish(ctx, ch, out);
  for (const c of callers) {
    if (out.size >= MAX_CHAINS) return;
    // a reference rooted at a parameter of fn is, in this call, the same chain on its argument (when it passes one)
    const fresh: At[] = [];
    const sub = (x: At): At | null => {
      const p = x.file === file ? paramRoot(x.ref) : null;
      if (p?.fn !== fn) return x;
      const a = ctx.argOf(c, file, fn, p.i).ref;
      const moved = a ? { file: c.file, ref: onArg(x.ref, a) } : null;
      if (moved) fresh.push(moved);
      return moved;
    };
    const pieces: Piece[] | null = [];
    let given = false; // a piece of the path is this call's argument (not a member of one: `self.base`)
    for (const p of ch.pieces ?? []) {
      const root = typeof p === 'string' || p.file !== file ? null : paramRoot(p.ref);
      if (typeof p === 'string' || root?.fn !== fn) {
        pieces.push(p);
        continue;
      }
      given ||= root === p.ref;
      const a = root === p.ref ? ctx.argOf(c, file, fn, root.i) : null;
      const str = a?.str ? piecesOf(c.file, a.str) : null;
      for (const x of str ?? []) if (typeof x !== 'string') fresh.push(x);
      const moved = str ? null : sub(p);
      pieces.push(...(str ?? (moved ? [{ ...p, ...moved }] : [p])));
    }
    // the class this call passes as an argument (`resource` itself, not a member of it)
    const hp = ch.h.file === file ? paramRoot(ch.h.ref) : null;
    const hArg = hp === ch.h.ref && hp.fn === fn ? argPosition(c, ctx.files.get(file)?.functions[fn]?.params, hp.i) : undefined;
    const next: Chain = {
      h: sub(ch.h) ?? ch.h,
      owner: sub(ch.owner) ?? ch.owner,
      pieces: ch.pieces && pieces,
      path: ch.path,
      at: ch.at ?? (c.call.hook ? hookAt(ctx, c) : undefined),
      reg: ch.reg,
      // the outermost call writing a piece of the path, else the first passing the class
      site: c.call.range && (given || (!ch.site && hArg !== undefined)) ? { c, ...(hArg !== undefined ? { hArg } : {}) } : ch.site,
    };
    // on up while what this call passes is still a parameter of the function the call is written in
    const up = fresh.map((x) => paramRoot(x.ref)).find((x) => x !== null);
    if (up && !c.call.hook) walk(ctx, next, c.file, up.fn, level + 1, out);
    else finish(ctx, next, out);
  }
}

/** Where a class statement that calls `__init_subclass__` is: its file, line and head. */
function hookAt(ctx: ResourceContext, c: Caller): ResourceAt['at'] {
  const cls = c.call.args[0];
  const decl = cls?.k === 'cls' ? ctx.files.get(c.file)?.classes[cls.id] : undefined;
  const range = decl?.head ?? { start: { line: c.call.line, column: 0 }, end: { line: c.call.line, column: 0 } };
  return { file: c.file, line: c.call.line, range };
}

/** The rows of a chain read as far as it goes: none when its class is still unknown. */
function finish(ctx: ResourceContext, ch: Chain, out: Map<string, ResourceAt>): void {
  const h = ctx.resolve(ch.h.file, ch.h.ref);
  if (h?.t !== 'cls' && h?.t !== 'inst') return;
  const cls = { t: 'cls' as const, file: h.file, id: h.id };
  const owner = ctx.resolve(ch.owner.file, ch.owner.ref);
  let path: Val = ch.path;
  if (ch.pieces) {
    const vals = ch.pieces.map((p) => (typeof p === 'string' ? { s: p } : ctx.evalVal(p.file, { e: p.e, why: 'variable', ref: p.ref })));
    const bad = vals.findIndex((v) => !('s' in v));
    const name = (p: Piece | undefined): string => (typeof p === 'string' || !p ? '' : clip(p.e));
    path =
      bad < 0
        ? { s: vals.map((v) => (v as { s: string }).s).join('') }
        : { e: name(ch.pieces[bad]), why: (vals[bad] as { why: string }).why };
  }
  const s = ch.site && !ch.at ? ch.site : undefined;
  const name = ctx.files.get(ch.reg.file)?.functions[ch.reg.fn]?.name ?? null;
  const via = {
    file: ch.reg.file,
    line: ch.reg.line,
    name,
    ...(s?.hArg !== undefined ? { handlerArg: s.hArg } : {}),
    resource: true as const,
  };
  const site = s && callSite(s.c, via);
  const where = ch.at ?? site;
  const k = `${cls.file}|${cls.id}|${owner ? JSON.stringify(owner) : ''}|${'s' in path ? path.s : path.e}|${where?.file ?? ''}:${where?.range.start.line ?? 0}:${where?.range.start.column ?? 0}`;
  if (!out.has(k)) out.set(k, { cls, owner, path, ...(ch.at ? { at: ch.at } : {}), ...(site ? { site } : {}) });
}
