/** URL joining the way each framework does it. Pure. */
import type { Framework } from './types';

/**
 * Removes leading and/or trailing slashes in linear time (`replace(/\/+$/, '')` is quadratic on a long run
 * of slashes that does not reach the end: the regex engine retries it from every position).
 */
export function trimSlashes(s: string, side: 'start' | 'end' | 'both'): string {
  let a = 0;
  let b = s.length;
  if (side !== 'end') while (a < b && s.charCodeAt(a) === 47) a++;
  if (side !== 'start') while (b > a && s.charCodeAt(b - 1) === 47) b--;
  return s.slice(a, b);
}

/** Ends a Hono prefix at which a mounted sub-app's own paths start (see joinMount); never in a full path. */
const SUB_APP = '\u0000';

/**
 * Hono's `mergePath(base, sub)` (utils/url): a '/' before a base written without one (`route('api', sub)` serves
 * `/api/…`), one '/' at the junction, and a sub path of exactly '/' adds nothing. A sub-app's own paths (its base
 * paths, then each route) are merged from its own `/` before they go under the prefix it is mounted at, so `''` there
 * is `/` too and adds nothing (`route('/admin', sub)` with `sub.get('', h)` serves `/admin`, where `basePath('/admin')`
 * with `get('', h)` serves `/admin/`). The root app starts at `/` (`all('*')` is `/*`).
 */
function honoMerge(base: string, sub: string): string {
  const fresh = base.endsWith(SUB_APP);
  if (fresh && (sub === '' || sub === '/')) return base;
  const b = (fresh ? base.slice(0, -1) : base) || '/';
  const lead = b.startsWith('/') ? b : `/${b}`;
  if (sub === '/') return lead;
  return lead + (lead.endsWith('/') ? '' : '/') + (sub.startsWith('/') ? sub.slice(1) : sub);
}

/** Joins the prefix a router is mounted at (`app.route('/users', users)`): for Hono, the sub-app's own paths start there. */
export function joinMount(fw: Framework, base: string, prefix: string): string {
  const joined = joinPrefix(fw, base, prefix);
  return fw === 'hono' && !joined.endsWith(SUB_APP) ? joined + SUB_APP : joined;
}

/** Joins a mount prefix and a nested prefix (both may be ''). */
export function joinPrefix(fw: Framework, a: string, b: string): string {
  if (fw === 'hono') return honoMerge(a, b);
  const joined = !a ? b : !b ? a : fw === 'fastapi' ? a + b : `${trimSlashes(a, 'end')}/${trimSlashes(b, 'start')}`;
  // Fastify puts a '/' before a plugin prefix written without one (`{ prefix: 'api' }` serves `/api/...`)
  return fw === 'fastify' && joined && !joined.startsWith('/') ? `/${joined}` : joined;
}

/** Applies a base prefix to the path of a route as written. */
export function joinRoute(fw: Framework, base: string, p: string): string {
  if (fw === 'hono') {
    const full = honoMerge(base, p);
    return full.endsWith(SUB_APP) ? full.slice(0, -1) || '/' : full;
  }
  if (!base) return p;
  switch (fw) {
    case 'fastapi':
      return base + p; // FastAPI: prefix + path, trailing slash kept
    case 'flask':
      return p ? `${trimSlashes(base, 'end')}/${trimSlashes(p, 'start')}` : base;
    case 'fastify':
      // Fastify: prefix + path as written ('delete/:id' under '/category' is '/categorydelete/:id'), one '/' kept
      if (p === '' || p === '/') return base;
      return p.startsWith('/') && base.endsWith('/') ? base + p.slice(1) : base + p;
    default:
      // Express, Koa: '/' under a prefix is the prefix itself
      if (p === '' || p === '/') return base;
      return `${trimSlashes(base, 'end')}/${trimSlashes(p, 'start')}`;
  }
}

/** NestJS: segments joined with single slashes, leading slash, no trailing slash. */
export function joinNest(segments: string[]): string {
  const parts = segments.map((s) => trimSlashes(s, 'both')).filter((s) => s.length > 0);
  return `/${parts.join('/')}`;
}
