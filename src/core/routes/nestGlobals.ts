/**
 * The NestJS application a global set-up call (`app.setGlobalPrefix('api')`, `app.enableVersioning(…)`) belongs to. A
 * file that bootstraps an application (`NestFactory.create`) sets up its own; a helper file (`export const
 * setupApiServer = async ({ app }) => { app.setGlobalPrefix('api/v1'); … }`, imported by a relative path, a tsconfig
 * `paths` alias or a `baseUrl` bare name like `libs/setup/setup-api-server`) sets up each application whose bootstrap
 * calls one of its functions (or passes one to a promise's `then`), a few calls deep, wherever the helper lives (a monorepo's `libs/` beside `apps/*`). A
 * controller takes the set-up of the application whose bootstrap's folder holds it most closely, else the only one of the
 * project. A helper no bootstrap is seen calling keeps its own folder; when it may set up the controller's application
 * but no bootstrap of that application is seen running it, the prefix is unknown, with the reason. Pure.
 */
import * as path from 'node:path';
import type { CallEdge, FileAnalysis, NestGlobal, Ref, Val } from './model';
import type { Ent } from './values';

/** How many calls deep a bootstrap's helpers are followed, and how many files per bootstrap. */
const MAX_DEPTH = 4;
const MAX_FILES = 64;

interface Record {
  /** Where the set-up call is written. */
  file: string;
  g: NestGlobal;
  /** The file whose folder the set-up applies to: a bootstrap that runs it, or its own file (`orphan`: no bootstrap
   *  is seen running it). */
  anchor: string;
  orphan?: true;
}

export class NestGlobals {
  private list: Record[] | null = null;

  constructor(
    private readonly files: ReadonlyMap<string, FileAnalysis>,
    private readonly resolve: (file: string, ref: Ref) => Ent | null,
    private readonly evalVal: (file: string, v: Val) => Val,
    private readonly rel: (file: string) => string,
    private readonly loaded: () => Set<string>,
  ) {}

  /** The set-up of the application serving a controller of `file` (its prefix evaluated), or null when none applies. */
  of(file: string): NestGlobal | null {
    const list = (this.list ??= this.records());
    let best: Record[] = [];
    let bestLen = -1;
    for (const r of list) {
      const dir = path.dirname(r.anchor) + path.sep;
      if (!file.startsWith(dir) || dir.length < bestLen) continue;
      if (dir.length > bestLen) best = [];
      bestLen = dir.length;
      if (!best.some((b) => b.file === r.file)) best.push(r);
    }
    if (!best.length && new Set(list.map((r) => r.file)).size === 1) best = [list[0]!];
    if (!best.length) return this.unknown(list);
    const gs = best.map((r) => ({ ...r.g, prefix: r.g.prefix ? this.evalVal(r.file, r.g.prefix) : null }));
    const set = gs.filter((g) => g.prefix);
    const g = { ...(set[0] ?? gs[0]!), uriVersioning: gs.find((x) => x.uriVersioning)?.uriVersioning ?? null };
    // one application set up twice (its bootstrap and a helper it calls): which call runs last is not read
    if (new Set(set.map((x) => JSON.stringify(x.prefix && 's' in x.prefix ? x.prefix.s : x.prefix))).size > 1) {
      const where = best.filter((r) => r.g.prefix).map((r) => this.where(r));
      return { ...g, prefix: { e: where.join(' and '), why: 'value set by more than one set-up call of the application' } };
    }
    return g;
  }

  /** No set-up applies by folder: none (no prefix) unless a loaded helper no bootstrap is seen running sets a prefix. */
  private unknown(list: Record[]): NestGlobal | null {
    const loaded = this.loaded();
    const orphan = list.find((r) => r.orphan && r.g.prefix && loaded.has(r.file));
    if (!orphan) return null;
    return {
      ...orphan.g,
      prefix: { e: this.where(orphan), why: "value set by a helper no bootstrap of this controller's application is seen calling" },
    };
  }

  private where(r: Record): string {
    const at = r.g.at;
    return at ? `\`${at.text}\` (${this.rel(r.file)}:${at.line})` : this.rel(r.file);
  }

  private records(): Record[] {
    const reachedBy = new Map<string, string[]>();
    for (const fa of this.files.values())
      if (fa.nestBoots?.length) for (const f of this.reached(fa.file)) reachedBy.set(f, [...(reachedBy.get(f) ?? []), fa.file]);
    const out: Record[] = [];
    for (const fa of this.files.values()) {
      if (!fa.nest) continue;
      const by = fa.nestBoots?.length ? [fa.file] : (reachedBy.get(fa.file) ?? []);
      for (const anchor of by) out.push({ file: fa.file, g: fa.nest, anchor });
      if (!by.length) out.push({ file: fa.file, g: fa.nest, anchor: fa.file, orphan: true });
    }
    return out;
  }

  /** The project files whose functions (or classes: `new HttpSetup(app)`) a bootstrap file calls, also as a promise's
   *  callback passed by name (`NestFactory.create(AppModule).then(applyPrefix)`), and those they call, a few calls deep. */
  private reached(boot: string): Set<string> {
    const seen = new Set<string>();
    let front = [boot];
    for (let depth = 0; depth < MAX_DEPTH && front.length && seen.size < MAX_FILES; depth++) {
      const next: string[] = [];
      for (const f of front)
        for (const c of this.files.get(f)?.calls ?? [])
          for (const r of [c.callee, ...(thenCall(c) ? c.args : [])]) {
            const e = r ? this.resolve(f, r) : null;
            if ((e?.t !== 'fn' && e?.t !== 'cls') || e.file === boot || seen.has(e.file) || seen.size >= MAX_FILES) continue;
            seen.add(e.file);
            next.push(e.file);
          }
      front = next;
    }
    return seen;
  }
}

/** `p.then(onFulfilled, onRejected)`: its arguments are functions the promise calls. */
function thenCall(c: CallEdge): boolean {
  return c.callee.k === 'mem' && c.callee.name === 'then';
}
