/**
 * Why a Python router a class method makes has no known mount: the method builds and returns it (a blueprint class a
 * DI container hands out, `injector.get(UsersBlueprint).blueprint`, a property that builds it on first use through
 * `self._create_blueprint()`), and what the analysis follows of its calls (project functions, instances, `self`) never
 * reaches a mount. "Never mounted" would say more than is known. So is one that is a field of a class (classFieldNote).
 * Pure.
 */
import type { FileAnalysis } from './model';
import type { Ent } from './values';

/**
 * For a router that is a field of a controller class (`router = Router()`, mounted only through an instance): the field
 * and what is known of its instances: held by a subclass's instances none of which is mounted, held by every subclass
 * instance for itself (`subclassMounted`: a route the base registers is under each subclass's mount), or none mounted.
 */
export function classFieldNote(
  files: ReadonlyMap<string, FileAnalysis>,
  e: Ent | null,
  subclassMounted: () => boolean,
): { field: string | undefined; inst: string } {
  const field = (e?.t === 'obj' ? (files.get(e.file)?.classes ?? []) : []).flatMap((c) =>
    Object.entries(c.fields ?? {}).flatMap(([name, f]) =>
      f.k === 'obj' && f.id === (e as { id: number }).id ? [`\`${name}\` field of class \`${c.name}\``] : [],
    ),
  )[0];
  const of = e?.t === 'obj' && e.of ? e.of.split('#') : null;
  const sub = of ? files.get(of[0]!)?.classes[Number(of[1])]?.name : undefined;
  const inst = !field
    ? ''
    : sub
      ? ` (the ${field}, held by instances of \`${sub}\`: none of them is passed to a mount)`
      : subclassMounted()
        ? ` (the ${field}, which every subclass instance holds for itself: a route it registers is under each subclass's mount)`
        : ` (the ${field}: no instance of it is passed to a mount)`;
  return { field, inst };
}

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
