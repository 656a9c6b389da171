/**
 * WebSocket registrations among the JS routes: their handler receives a socket (or answers with an upgrade), not an
 * HTTP request/response, so Instrument Route leaves them alone in both styles (a counter/histogram/span with a status
 * of a socket would be wrong, and wrapping it with the HTTP wrapper breaks it).
 *
 * - Fastify with @fastify/websocket: `fastify.get('/ws', { websocket: true }, (socket, req) => …)` and
 *   `fastify.route({ method: 'GET', url, websocket: true, handler })`. With a `wsHandler` the `handler` is an ordinary
 *   HTTP handler for the non-upgrade requests: that one stays instrumentable.
 * - Hono: `app.get('/ws', upgradeWebSocket((c) => ({ onMessage … })))` (every runtime's helper has that name; Deno's
 *   and Bun's are destructured from a factory under it), or its result named, here or in another module
 *   (`export const wsHandler = upgradeWebSocket(…)`, registered as `app.get('/ws', wsHandler)`).
 * express-ws `app.ws(path, …)` and NestJS gateways (`@WebSocketGateway`, `@SubscribeMessage`) are not detected as
 * routes at all, so they never reach the planner.
 */
import { jsStaticString as strValue, type Node } from '../parsing/nodes';
import { jsObjectProp, unwrapExpr } from '../parsing/javascript';
import type { Route } from '../routes/types';
import { jsInitializerOf } from './common';
import { callArgs, registrationCalls } from './js';

export const WEBSOCKET_HANDLER_FASTIFY = 'WebSocket handler (`websocket: true`): not an HTTP request/response; not instrumented';
export const WEBSOCKET_HANDLER_HONO = 'WebSocket handler (`upgradeWebSocket(…)`): not an HTTP request/response; not instrumented';

/** `upgradeWebSocket(…)` (plain or as a member, `hono.upgradeWebSocket(…)`), through `await`/parentheses. */
function isUpgradeCall(arg: Node | undefined): boolean {
  const n = unwrapExpr(arg ?? null);
  if (n?.type !== 'call_expression') return false;
  const f = n.childForFieldName('function');
  const name = f?.type === 'identifier' ? f.text : f?.type === 'member_expression' ? f.childForFieldName('property')?.text : undefined;
  return name === 'upgradeWebSocket';
}

/** `<name> = upgradeWebSocket(` (typed, awaited, a member call) on a handler's declaration line. */
function declaresUpgrade(name: string, declaration: string): boolean {
  return /^(?:await\s+)?(?:[\w$]+\.)*upgradeWebSocket\s*\(/.test(jsInitializerOf(declaration, name, false) ?? '');
}

/** Why the route is a WebSocket one, from its registration (when `root` holds it) or from `declaration`, the line
 *  declaring its handler (route.handlerFile:handlerLine); undefined for an HTTP route. */
export function webSocketRefusal(root: Node, route: Route, declaration = ''): string | undefined {
  if (route.framework === 'hono' && route.handlerName && declaresUpgrade(route.handlerName, declaration)) return WEBSOCKET_HANDLER_HONO;
  if (route.framework !== 'fastify' && route.framework !== 'hono') return undefined;
  for (const call of registrationCalls(root, route)) {
    const args = callArgs(call);
    const first = args[0];
    // the registration of this route: its path first (shorthand), or the route options object holding it
    const options = first?.type === 'object' ? first : undefined;
    const own =
      strValue(first ?? null) === route.path || strValue(jsObjectProp(options, 'url') ?? jsObjectProp(options, 'path')) === route.path;
    if (!own) continue;
    if (route.framework === 'hono') return isUpgradeCall(args.at(-1)) ? WEBSOCKET_HANDLER_HONO : undefined;
    // Fastify: the options are the route object, or the shorthand's object argument (before the handler, or holding it)
    const opts = options ?? args.slice(1).find((a) => a.type === 'object');
    if (jsObjectProp(opts, 'websocket')?.type === 'true' && !jsObjectProp(opts, 'wsHandler')) return WEBSOCKET_HANDLER_FASTIFY;
    return undefined;
  }
  return undefined;
}
