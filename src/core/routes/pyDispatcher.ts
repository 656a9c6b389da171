/**
 * werkzeug's `DispatcherMiddleware(app, {'/api': api_app, …})`: a WSGI app that serves each app of its mounts dict under
 * its key (the mounted app sees the path below it) and the default app at the rest. It is served in place of what it
 * wraps (`app.wsgi_app = DispatcherMiddleware(…)`, `application = DispatcherMiddleware(…)` for gunicorn), so it is a
 * root of its own: each known app of the call (a Flask app, also one a factory returns, `api.wsgi_app` for `api`) is
 * mounted on it at its key, the default one at `/`. Keys are evaluated like any prefix (a run-time key keeps its
 * routes' full paths unknown, with that reason); a dict that is no literal, or values that are no app of the analysis
 * (`make_wsgi_app()` of prometheus_client, a plain WSGI function), mount nothing. Pure.
 */
import { named, lineOf, type SyntaxNode as Node } from '../parsing/nodes';
import { pyArgs } from '../parsing/python';
import type { Ref } from './model';
import type { PyAnalyzer } from './python';

/** Bounds what a repository can make large: the mounts read of one dict. */
const MAX_MOUNTS = 64;

/** `DispatcherMiddleware(default, {'/p': app, …})` at `n`: its apps mounted on the dispatcher (a root app object). */
export function pyDispatcher(A: PyAnalyzer, n: Node): void {
  const fnNode = n.childForFieldName('function');
  if (!fnNode || !isWerkzeugDispatcher(A.refOf(fnNode))) return;
  const { pos, kw } = pyArgs(n);
  const dflt = pos[0] ?? kw.get('app');
  const dict = pos[1] ?? kw.get('mounts');
  const pairs = dict?.type === 'dictionary' ? named(dict).filter((p) => p.type === 'pair') : [];
  if (!pairs.length) return;
  const line = lineOf(n);
  const dispatcher = A.objectAt(n, { framework: 'flask', kind: 'app', name: 'DispatcherMiddleware', prefix: () => null });
  const mount = (app: Node, prefix: Node | null): void => {
    const child = A.refOf(
      app.type === 'attribute' && app.childForFieldName('attribute')?.text === 'wsgi_app' ? app.childForFieldName('object') : app,
    );
    if (child.k === 'none') return;
    A.fa.mounts.push({ parent: dispatcher, child, prefix: prefix ? A.evalStr(prefix) : null, line, kind: 'include' });
  };
  if (dflt) mount(dflt, null);
  for (const p of pairs.slice(0, MAX_MOUNTS)) {
    const k = p.childForFieldName('key');
    const v = p.childForFieldName('value');
    if (k && v) mount(v, k);
  }
}

/** `DispatcherMiddleware` imported from werkzeug (`werkzeug.middleware.dispatcher`, or `werkzeug.wsgi` before 1.0). */
function isWerkzeugDispatcher(r: Ref): boolean {
  if (r.k === 'imp') return r.name === 'DispatcherMiddleware' && /^py:werkzeug(?:\.|$)/.test(r.mod);
  if (r.k !== 'mem' || r.name !== 'DispatcherMiddleware') return false;
  let b: Ref = r.base;
  for (let i = 0; i < 4 && b.k === 'mem'; i++) b = b.base;
  return b.k === 'imp' && /^py:werkzeug(?:\.|$)/.test(b.mod);
}
