/**
 * Flask's `current_app` (`from flask import current_app as app`): the application whose context is active. A module that
 * registers routes on it when it is imported (`@app.get('/admin')` at its top level) is imported by an app factory inside
 * `with app.app_context():`, so the routes and blueprints it registers are that app's own, at the paths written: the
 * name is an app of this module, with no prefix. Pure.
 */
import type { SyntaxNode as Node } from '../parsing/nodes';
import type { ModId, Ref } from './model';
import type { PyAnalyzer } from './python';

/** The value of `name` imported from `mod` by the import statement `n` (bound to `as`). */
export function pyImported(A: PyAnalyzer, n: Node, mod: ModId, name: string, as: string): Ref {
  if (mod === 'py:flask' && name === 'current_app') return A.objectAt(n, { framework: 'flask', kind: 'app', name: as, prefix: () => null });
  return { k: 'imp', mod, name };
}
