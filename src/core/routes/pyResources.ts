/**
 * The HTTP methods a Flask-RESTful / Flask-RESTX `Resource` or a Flask `MethodView` class answers: the handlers it
 * defines and the ones it inherits from project base classes, in the same module or imported, over several levels
 * (`class WorkerGetResource(BaseGetResource)` with no `def get` of its own answers GET with `BaseGetResource.get`). A
 * method is taken from the nearest class in Python's method resolution order (depth first, left to right, a class
 * shared by several bases kept at its last place, as C3 orders the usual hierarchies). An inherited `options` or `head`
 * is no endpoint of its own: Flask answers both for every route anyway, and a base class that implements them for all
 * its resources (flask-restplus-server-example's `Resource.options`, listing the allowed methods) is plumbing; they
 * count only where the class defines them itself. Pure.
 */
import type { FileAnalysis, Ref } from './model';
import type { HttpMethod } from './types';
import type { Ent } from './values';

const VIEW_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;
/** Methods Flask answers for every route: only a class's own definition makes them an endpoint. */
const AUTOMATIC = new Set<string>(['head', 'options']);
/** Classes looked at per resource: a longer chain of project bases is not a real hierarchy. */
const MAX_CLASSES = 32;

type Cls = Ent & { t: 'cls' };

/** The classes of `cls`'s method resolution order that the project defines, `cls` first. */
export function projectMro(files: ReadonlyMap<string, FileAnalysis>, resolve: (file: string, ref: Ref) => Ent | null, cls: Cls): Cls[] {
  const order: Cls[] = [];
  const onPath = new Set<string>();
  const visit = (c: Cls): void => {
    const k = `${c.file}|${c.id}`;
    if (onPath.has(k) || order.length >= MAX_CLASSES) return; // a cycle of names is no hierarchy
    order.push(c);
    onPath.add(k);
    for (const s of files.get(c.file)?.classes[c.id]?.supers ?? []) {
      const b = resolve(c.file, s);
      if (b?.t === 'cls') visit(b);
    }
    onPath.delete(k);
  };
  visit(cls);
  const last = new Map(order.map((c, i) => [`${c.file}|${c.id}`, i]));
  return order.filter((c, i) => last.get(`${c.file}|${c.id}`) === i);
}

/** Each HTTP method the resource class answers, with the function (of `file`) that handles it. */
export function resourceMethods(
  files: ReadonlyMap<string, FileAnalysis>,
  resolve: (file: string, ref: Ref) => Ent | null,
  cls: Cls,
): { method: HttpMethod; file: string; fn: number }[] {
  const mro = projectMro(files, resolve, cls);
  const out: { method: HttpMethod; file: string; fn: number }[] = [];
  for (const m of VIEW_METHODS) {
    const c = (AUTOMATIC.has(m) ? mro.slice(0, 1) : mro).find((x) => files.get(x.file)?.classes[x.id]?.methods[m] !== undefined);
    if (c) out.push({ method: m.toUpperCase() as HttpMethod, file: c.file, fn: files.get(c.file)!.classes[c.id]!.methods[m]! });
  }
  return out;
}
