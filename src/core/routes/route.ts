/**
 * The route vocabulary every part speaks: how a route is identified, which template it serves, how it is named to
 * a person, and which route a line of a file belongs to. Pure.
 */
import type { Framework, Route } from './types';

/** A route's identity across the index, the metrics and the commands: its registration's `file:line`. */
export function routeId(r: Pick<Route, 'file' | 'line'>): string {
  return `${r.file}:${r.line}`;
}

/**
 * The template the route serves: the full path when every prefix is known, else the known part below the unknown
 * prefix (`/admin/login/` for `login/` under an admin router mounted at a run-time prefix: two routes written
 * `/login/` under different routers keep different templates), else the path as written.
 */
export function routeTemplate(r: Pick<Route, 'fullPath' | 'path' | 'knownSuffix'>): string {
  return r.fullPath ?? r.knownSuffix ?? r.path;
}

/**
 * The route's path is known statically: its full path, the part below an unknown prefix, or a path written as a
 * template (`/users/{id}`, `users/:id`, `` ``, `*`), not the source text of an expression (`prefix + 'tags'`,
 * `AUTH.SIGNIN`). Only such a path can be a route label, a span name or an alert test's series.
 */
export function isStaticRoute(r: Pick<Route, 'fullPath' | 'path' | 'knownSuffix'>): boolean {
  return (
    r.fullPath !== null ||
    r.knownSuffix !== undefined ||
    (/^[\w\-./{}:<>*~@$%,;=?+()|!]*$/.test(r.path) && (r.path === '' || r.path.startsWith('/') || r.path === '*'))
  );
}

/** A file read alone (no project scan): a route whose prefix is set in another file is taken with its path as written. */
export function asWritten(r: Route): Route {
  return r.fullPath === null && isStaticRoute(r) ? { ...r, fullPath: routeTemplate(r), fullPathReason: undefined } : r;
}

/** `GET|POST /users/{id}`: methods and template, for plans, refusals and the CLI. */
export function routeLabel(r: Pick<Route, 'methods' | 'fullPath' | 'path' | 'knownSuffix'>): string {
  return `${r.methods.join('|')} ${routeTemplate(r)}`;
}

/** `GET /api/orders/{id}` — the full path when known, else the path as written with a marker (the editor's title). */
export function routeTitle(r: Pick<Route, 'methods' | 'fullPath' | 'path' | 'knownSuffix'>): string {
  return `${r.methods.join('|')} ${r.fullPath ?? `…${r.knownSuffix ?? r.path}`}`;
}

const FRAMEWORK_NAMES: Record<Framework, string> = {
  fastapi: 'FastAPI',
  flask: 'Flask',
  express: 'Express',
  fastify: 'Fastify',
  nestjs: 'NestJS',
  koa: 'Koa',
  hono: 'Hono',
};

export function frameworkName(r: Pick<Route, 'framework'>): string {
  return FRAMEWORK_NAMES[r.framework];
}

/** Title, framework, handler and why the full path is unknown, one per line. */
export function routeTooltip(r: Route): string {
  const lines = [`${routeTitle(r)} (${frameworkName(r)})`, `handler: ${r.handlerName ?? 'inline function'}`];
  const where = routeProvenance(r);
  if (where) lines.push(where);
  return lines.join('\n');
}

/**
 * Where a route's full path comes from when the code alone does not say it: a prefix inferred from live metrics,
 * a configuration default ("prefix from `settings.API_V1_STR` (default `/api/v1`)"), or why it is unknown.
 */
export function routeProvenance(
  r: Pick<Route, 'fullPath' | 'fullPathReason' | 'fullPathSource'>,
  inferred?: { prefix: string },
): string | undefined {
  if (inferred) return `prefix \`${inferred.prefix}\` inferred from live metrics`;
  if (r.fullPathSource) return r.fullPathSource;
  return r.fullPath === null ? `prefix unknown: ${r.fullPathReason ?? 'a prefix is computed at run time'}` : undefined;
}

/**
 * The route that line `line` (1-based) of `file` belongs to: its registration (decorator or call), the lines from
 * the registration down to a handler defined under it, and the handler. `head` stops at the handler's first line
 * (hovers: the body has hovers of its own); `whole` takes the handler's body too (commands, code actions).
 */
export function routeAtLine<R extends Route>(routes: readonly R[], file: string, line: number, extent: 'head' | 'whole'): R | undefined {
  return routes.find((r) => {
    const here = r.file === file;
    if (here && line >= r.range.start.line && line <= r.range.end.line) return true;
    if (r.handlerFile !== file) return false;
    const start = here ? Math.min(r.line, r.handlerLine) : r.handlerLine;
    const end = extent === 'head' ? r.handlerLine : (r.handlerRange?.end.line ?? r.handlerLine);
    return line >= start && line <= end;
  });
}
