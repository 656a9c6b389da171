/** URL joining the way each framework does it. Pure. */
import type { Framework } from './types';

/** Joins a mount prefix and a nested prefix (both may be ''). */
export function joinPrefix(fw: Framework, a: string, b: string): string {
  if (!a) return b;
  if (!b) return a;
  if (fw === 'fastapi') return a + b;
  return `${a.replace(/\/+$/, '')}/${b.replace(/^\/+/, '')}`;
}

/** Applies a base prefix to the path of a route as written. */
export function joinRoute(fw: Framework, base: string, p: string): string {
  if (!base) return p;
  switch (fw) {
    case 'fastapi':
      return base + p; // FastAPI: prefix + path, trailing slash kept
    case 'flask':
      return p ? `${base.replace(/\/+$/, '')}/${p.replace(/^\/+/, '')}` : base;
    default:
      // Express, Koa, Fastify, Hono: '/' under a prefix is the prefix itself
      if (p === '' || p === '/') return base;
      return `${base.replace(/\/+$/, '')}/${p.replace(/^\/+/, '')}`;
  }
}

/** NestJS: segments joined with single slashes, leading slash, no trailing slash. */
export function joinNest(segments: string[]): string {
  const parts = segments.map((s) => s.replace(/^\/+|\/+$/g, '')).filter((s) => s.length > 0);
  return `/${parts.join('/')}`;
}
