/**
 * What prometheus-fastapi-instrumentator's registrations register, read from one module's syntax tree. Verified against
 * its source (github.com/trallnag/prometheus-fastapi-instrumentator, instrumentation.py and metrics.py, 5.11–8):
 * `Instrumentator(registry=…)` (default prometheus_client's REGISTRY), then `.instrument(app, metric_namespace='',
 * metric_subsystem='')`, whose default metrics are `http_requests_total` {handler, status, method} and
 * `http_request_duration_seconds` {handler, method} under prometheus_client's `namespace_subsystem_name`; metrics given
 * with `.add(…)` replace the default ones (their names are not read: unknown). Pure.
 */
import type { Node } from '../parsing/nodes';
import { named, pyStringValue, soleBinding, walk } from '../parsing/nodes';
import { pyArgs } from '../parsing/python';
import type { ForeignMetric, RegistryKind } from './types';

const MODULE = 'prometheus_fastapi_instrumentator';
const CLASSES = new Set(['Instrumentator', 'PrometheusFastApiInstrumentator']);

export interface PyRegistration {
  line: number;
  metrics: ForeignMetric[] | string;
}

export interface PyBindings {
  /** local names of the library's classes (`from mod import Cls as X`) */
  classes: Set<string>;
  /** local names of the library's module (`import mod as m`: `m.Cls`) */
  modules: Set<string>;
  defaultRegistry: Set<string>;
  registryClass: Set<string>;
  /** local names of other names imported from the module (`NO_PREFIX`), by imported name */
  others: Map<string, Set<string>>;
}

/** Local names of a library's classes (`classes`) and module, and of prometheus_client's REGISTRY/CollectorRegistry. */
export function pyBindings(root: Node, module = MODULE, classes: ReadonlySet<string> = CLASSES): PyBindings {
  const out: PyBindings = {
    classes: new Set<string>(),
    modules: new Set<string>(),
    defaultRegistry: new Set<string>(),
    registryClass: new Set<string>(),
    others: new Map(),
  };
  walk(root, (n) => {
    if (n.type === 'import_from_statement') {
      const mod = n.childForFieldName('module_name')?.text;
      for (const imp of n.childrenForFieldName('name')) {
        if (!imp) continue;
        const name = imp.type === 'aliased_import' ? imp.childForFieldName('name')?.text : imp.text;
        const local = imp.type === 'aliased_import' ? imp.childForFieldName('alias')?.text : imp.text;
        if (!name || !local) continue;
        if (mod === module && classes.has(name)) out.classes.add(local);
        else if (mod === module) out.others.set(name, (out.others.get(name) ?? new Set()).add(local));
        if (mod === 'prometheus_client' || mod === 'prometheus_client.registry') {
          if (name === 'REGISTRY') out.defaultRegistry.add(local);
          if (name === 'CollectorRegistry') out.registryClass.add(local);
        }
      }
      return false;
    }
    if (n.type === 'import_statement') {
      for (const imp of n.childrenForFieldName('name')) {
        if (!imp) continue;
        const name = imp.type === 'aliased_import' ? imp.childForFieldName('name')?.text : imp.text;
        const local = imp.type === 'aliased_import' ? imp.childForFieldName('alias')?.text : imp.text;
        if (name === module && local) out.modules.add(local);
        if (name === 'prometheus_client' && local) {
          out.defaultRegistry.add(`${local}.REGISTRY`);
          out.registryClass.add(`${local}.CollectorRegistry`);
        }
      }
      return false;
    }
    return undefined;
  });
  return out;
}

/** The value a name is assigned once in the module (`registry = CollectorRegistry()`). */
const assigned = (root: Node, name: string): Node | undefined => soleBinding(root, name, 'assignment', 'left', 'right');

export function registryOf(root: Node, b: PyBindings, n: Node | undefined): RegistryKind {
  if (!n) return 'default';
  if (b.defaultRegistry.has(n.text)) return 'default';
  const v = n.type === 'identifier' ? assigned(root, n.text) : n;
  if (v?.type === 'call' && b.registryClass.has(v.childForFieldName('function')?.text ?? '')) return 'own';
  return 'unknown';
}

/** A string argument: its value, '' when absent, undefined when not a literal (or a name assigned one once). */
export function strArg(root: Node, n: Node | undefined): string | undefined {
  if (!n) return '';
  const v = n.type === 'identifier' ? assigned(root, n.text) : n;
  return pyStringValue(v);
}

/** The innermost object of a call chain (`Instrumentator(...).add(x).instrument(app)` → the `Instrumentator(...)` call). */
function chainBase(n: Node): Node {
  let e = n;
  for (;;) {
    if (e.type === 'call' && e.childForFieldName('function')?.type === 'attribute')
      e = e.childForFieldName('function')!.childForFieldName('object')!;
    else if (e.type === 'attribute') e = e.childForFieldName('object')!;
    else return e;
  }
}

/** The registrations of prometheus-fastapi-instrumentator in one module; [] when it does not use the class. */
export function pyRegistrations(root: Node): PyRegistration[] {
  const b = pyBindings(root);
  if (!b.classes.size && !b.modules.size) return [];
  const isClass = (f: Node | null) =>
    !!f &&
    (b.classes.has(f.text) ||
      (f.type === 'attribute' &&
        b.modules.has(f.childForFieldName('object')?.text ?? '') &&
        CLASSES.has(f.childForFieldName('attribute')?.text ?? '')));
  const ctors = new Map<number, { node: Node; handles: Set<string> }>();
  walk(root, (n) => {
    if (n.type === 'call' && isClass(n.childForFieldName('function'))) ctors.set(n.id, { node: n, handles: new Set() });
  });
  // what each construction is assigned to (`inst = Instrumentator(…)`, `self.inst = Instrumentator(…).add(…)`)
  walk(root, (n) => {
    if (n.type !== 'assignment') return;
    const right = n.childForFieldName('right');
    const left = n.childForFieldName('left');
    const base = right && chainBase(right);
    if (left && base && ctors.has(base.id)) ctors.get(base.id)!.handles.add(left.text);
  });
  const out: PyRegistration[] = [];
  for (const { node, handles } of ctors.values()) {
    const line = node.startPosition.row + 1;
    const registry = registryOf(root, b, pyArgs(node).kw.get('registry'));
    const instruments: Node[] = [];
    let added = false;
    walk(root, (n) => {
      if (n.type !== 'call') return;
      const f = n.childForFieldName('function');
      if (f?.type !== 'attribute') return;
      const obj = f.childForFieldName('object');
      const base = obj && chainBase(obj);
      if (!obj || !base || !(base.id === node.id || handles.has(base.text) || handles.has(obj.text))) return;
      const method = f.childForFieldName('attribute')?.text;
      if (method === 'instrument') instruments.push(n);
      if (method === 'add') added = true;
    });
    if (added) {
      out.push({ line, metrics: 'prometheus-fastapi-instrumentator is given metrics of its own (`.add(…)`), whose names are not read' });
      continue;
    }
    if (!instruments.length) {
      out.push({
        line,
        metrics:
          "prometheus-fastapi-instrumentator is made here, but where it instruments the app (and with which namespace) can't be read",
      });
      continue;
    }
    for (const call of instruments) {
      const { pos, kw } = pyArgs(call);
      const ns = strArg(root, kw.get('metric_namespace') ?? pos[1]);
      const sub = strArg(root, kw.get('metric_subsystem') ?? pos[2]);
      const known =
        ns !== undefined &&
        sub !== undefined &&
        !named(call.childForFieldName('arguments') ?? call).some((a) => a.type === 'dictionary_splat');
      const full = (name: string) => [ns, sub, name].filter(Boolean).join('_');
      const why = 'prometheus-fastapi-instrumentator is instrumented with a metric_namespace (or metric_subsystem) that cannot be read';
      out.push({
        line: call.startPosition.row + 1,
        metrics: [
          { ...(known ? { name: full('http_requests_total') } : { why }), labels: ['handler', 'status', 'method'], registry },
          { ...(known ? { name: full('http_request_duration_seconds') } : { why }), labels: ['handler', 'method'], registry },
        ],
      });
    }
  }
  return out;
}
