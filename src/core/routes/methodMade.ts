/**
 * Why a Python router a class method makes has no known mount: the method builds and returns it (a blueprint class a
 * DI container hands out, `injector.get(UsersBlueprint).blueprint`, a property that builds it on first use through
 * `self._create_blueprint()`), and what the analysis follows of its calls (project functions, instances, `self`) never
 * reaches a mount. "Never mounted" would say more than is known. Pure.
 */
import type { FileAnalysis } from './model';

/** "is made in method `m` of class `C` (file:line), …" for object `id` of `fa`, or null (not a router a method makes). */
export function madeInMethod(fa: FileAnalysis | undefined, id: number, rel: (file: string) => string): string | null {
  const o = fa?.objects[id];
  if (!fa || fa.language !== 'python' || !o || o.kind !== 'router' || o.self || o.ctor) return null;
  // the innermost function around the line it is made on
  let fn = -1;
  let size = Infinity;
  for (const f of fa.functions) {
    const { start, end } = f.range;
    if (start.line <= o.line && o.line <= end.line && end.line - start.line < size) [fn, size] = [f.id, end.line - start.line];
  }
  const cls = fn < 0 ? undefined : fa.classes.find((c) => Object.values(c.methods).includes(fn));
  const m = cls ? fa.functions[fn] : undefined;
  if (!cls || !m) return null;
  return (
    `is made in method \`${m.name ?? '?'}\` of class \`${cls.name}\` (${rel(fa.file)}:${m.line}): ` +
    'no call of it that the analysis follows (functions, instances, `self`) reaches a mount'
  );
}
