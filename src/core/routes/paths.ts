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

/** Joins a mount prefix and a nested prefix (both may be ''). */
export function joinPrefix(fw: Framework, a: string, b: string): string {
  const joined = !a ? b : !b ? a : fw === 'fastapi' ? a + b : `${trimSlashes(a, 'end')}/${trimSlashes(b, 'start')}`;
  // Fastify puts a '/' before a plugin prefix written without one (`{ prefix: 'api' }` serves `/api/...`)
  return fw === 'fastify' && joined && !joined.startsWith('/') ? `/${joined}` : joined;
}

/** Applies a base prefix to the path of a route as written. */
export function joinRoute(fw: Framework, base: string, p: string): string {
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
      // Express, Koa, Hono: '/' under a prefix is the prefix itself
      if (p === '' || p === '/') return base;
      return `${trimSlashes(base, 'end')}/${trimSlashes(p, 'start')}`;
  }
}

/** NestJS: segments joined with single slashes, leading slash, no trailing slash. */
export function joinNest(segments: string[]): string {
  const parts = segments.map((s) => trimSlashes(s, 'both')).filter((s) => s.length > 0);
  return `/${parts.join('/')}`;
}
