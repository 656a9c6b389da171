/**
 * koa-router's `router.prefix(p)` in the order it runs (koa-router 7 and @koa/router: `Router.prototype.prefix`): it sets
 * the router's prefix for what is registered after it and prepends `p` to every layer already registered, routes and
 * nested routers alike (`setPrefix` on the stack: `p + layer.path`, so two calls stack up). The resolver gives a router
 * its last prefix (resolve.ts `ownPrefix`); a registration made before that call also keeps what the earlier calls (or
 * the prefix given at creation) put in front of it: for `router.prefix('/api/v1'); router.use(users.routes());
 * router.prefix('/api/v1/admin')`, users are served at `/api/v1/admin/api/v1/…`. Read in one file, for a router made
 * there whose prefixes are all literals; a nested router's share goes into its mount's prefix, a route's into its
 * path (the layer's path koa-router builds). Pure.
 */
import type { Val } from './model';
import type { JsAnalyzer } from './javascript';
import { trimSlashes } from './paths';

/** What each registration made before the last `prefix()` call on a router of this file gets in front of it. */
export function koaPrefixOrder(A: JsAnalyzer): void {
  const { fa } = A;
  const byObj = new Map<number, { line: number; p: string }[]>();
  const bad = new Set<number>();
  for (const ps of fa.prefixSets) {
    if (ps.target.k !== 'obj') continue;
    const list = byObj.get(ps.target.id) ?? [];
    if ('s' in ps.prefix) list.push({ line: ps.line, p: trimSlashes(ps.prefix.s, 'end') });
    else bad.add(ps.target.id);
    byObj.set(ps.target.id, list);
  }
  for (const [id, calls] of byObj) {
    const o = fa.objects[id];
    if (bad.has(id) || o?.framework !== 'koa' || calls.length < 1 || (o.prefix && !('s' in o.prefix))) continue;
    calls.sort((a, b) => a.line - b.line);
    const created = o.prefix && 's' in o.prefix ? trimSlashes(o.prefix.s, 'end') : '';
    /** The prefixes of the calls after `line` but the last (outermost first), then the one in force at `line`. */
    const before = (line: number): string => {
      let j = -1;
      while (j + 1 < calls.length && calls[j + 1]!.line < line) j++;
      if (j === calls.length - 1) return '';
      const later = calls.slice(j + 1, -1).reverse();
      return [...later.map((c) => c.p), j >= 0 ? calls[j]!.p : created].join('');
    };
    const prepend = (v: Val | null, s: string): Val | null => (!s ? v : !v ? { s } : 's' in v ? { ...v, s: s + v.s } : v);
    for (const m of fa.mounts)
      if (m.parent.k === 'obj' && m.parent.id === id && m.kind === 'use') m.prefix = prepend(m.prefix, before(m.line));
    for (const r of fa.routes) if (r.owner?.k === 'obj' && r.owner.id === id) r.path = prepend(r.path, before(r.line))!;
  }
}
