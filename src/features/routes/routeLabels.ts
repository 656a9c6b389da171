import type { Route } from '../../core/routes/types';

const FRAMEWORK_NAMES: Record<Route['framework'], string> = {
  fastapi: 'FastAPI',
  flask: 'Flask',
  express: 'Express',
  fastify: 'Fastify',
  nestjs: 'NestJS',
  koa: 'Koa',
  hono: 'Hono',
};

export const frameworkName = (r: Route): string => FRAMEWORK_NAMES[r.framework];

/** `GET /api/orders/{id}` — the full path when known, else the path as written with a marker. */
export function routeTitle(r: Route): string {
  return `${r.methods.join('|')} ${r.fullPath ?? `…${r.path}`}`;
}

export function routeTooltip(r: Route): string {
  const lines = [`${routeTitle(r)} (${frameworkName(r)})`, `handler: ${r.handlerName ?? 'inline function'}`];
  if (r.fullPath === null) lines.push(`full path unknown: ${r.fullPathReason ?? 'a prefix is computed at run time'}`);
  return lines.join('\n');
}
