/**
 * Hono's factory helper (`hono/factory`): `createFactory()` makes a factory (recorded as an object that is no app), and
 * `factory.createApp()` a new Hono app, one per call, also through a factory another module exports; the resolver
 * (Refs.made) makes such an object an app only when the receiver is a factory. `...factory.createHandlers(mw, fn)`
 * handlers are read in ./jsRegistrations. Pure.
 */
import type { SyntaxNode as Node } from '../parsing/nodes';
import type { JsAnalyzer } from './javascript';
import type { Ref } from './model';

/** `createFactory<Env>({ initApp })` */
export function honoFactory(A: JsAnalyzer, n: Node): Ref {
  const r = A.newObj(n, 'hono', 'router', null);
  if (r.k === 'obj') A.fa.objects[r.id]!.factory = true;
  return r;
}

/** `factory.createApp()`: a Hono app when `factory` resolves to a factory. */
export function factoryApp(A: JsAnalyzer, n: Node, factory: Node): Ref {
  return A.newObj(n, 'hono', 'app', null, { k: 'mem', base: A.refOf(factory), name: 'createApp' });
}
