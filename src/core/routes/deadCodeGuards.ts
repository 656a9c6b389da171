/**
 * When "nothing loads this module" cannot be trusted (./deadCode): a JS/TS file of the project the analysis could not
 * read (the scan skipped it: unreadable, too large, over the budget; or its parse or analysis failed) may load any
 * other, and so may an import the analysis could not resolve that names a project file through an alias (`@/routes/x`,
 * `~/api`, `#routes/x`, a tsconfig `paths` pattern whose targets it did not find). In such a project no module is
 * declared dead for want of a loader: its never-mounted routes are kept, with the reason. Pure.
 */
import type { FileAnalysis, ModId } from './model';

/** A project alias by its spelling: `@/x`, `@@/x`, `~/x`, `~~/x`, `#x` (never a registry package's name). */
const ALIAS_SPELLING = /^(?:@@?\/|~~?\/|#)/;
/** What an alias names that never loads a module of routes: a component, a stylesheet, an asset. */
const NOT_CODE =
  /\.(?:vue|svelte|astro|css|scss|sass|less|styl|json|html?|md|mdx|txt|ya?ml|graphql|gql|svg|png|jpe?g|gif|webp|avif|ico|woff2?|ttf|otf|wasm)$/i;

export interface GuardContext {
  files: ReadonlyMap<string, FileAnalysis>;
  modFile: (m: ModId, from: string) => string | null;
  /** The tsconfig/jsconfig `paths` pattern a bare specifier imported from `from` matches, if any (./modules). */
  pathAlias: (spec: string, from: string) => string | null;
  /** JS/TS files of the workspace the scan did not read (absolute). */
  unread: readonly string[];
  /** The project (folder) of a file. */
  projectOf: (file: string) => string;
  rel: (file: string) => string;
}

/** Projects (by folder) where nothing is dead for want of a loader, each with why: the first unread file or alias. */
export function unsureProjects(ctx: GuardContext): Map<string, string> {
  const out = new Map<string, string>();
  const note = (file: string, why: string): void => {
    const p = ctx.projectOf(file);
    if (!out.has(p)) out.set(p, why);
  };
  for (const f of ctx.unread) note(f, `${ctx.rel(f)} could not be read, and it may load it`);
  for (const fa of ctx.files.values()) {
    if (fa.language !== 'javascript') continue;
    const failed = fa.notes.find((n) => n === 'parse failed' || n.startsWith('analysis failed'));
    if (failed) note(fa.file, `${ctx.rel(fa.file)} could not be analysed (${failed}), and it may load it`);
    const alias = (fa.loads ?? []).find((m) => unresolvedAlias(m, fa.file, ctx));
    if (alias)
      note(fa.file, `${ctx.rel(fa.file)} imports \`${alias.slice(4)}\`, a path alias the analysis cannot resolve, which may load it`);
  }
  return out;
}

/** An import of a project file through an alias that names no analysed file. */
function unresolvedAlias(m: ModId, from: string, ctx: GuardContext): boolean {
  if (!m.startsWith('pkg:') || NOT_CODE.test(m)) return false;
  const spec = m.slice(4);
  return (ALIAS_SPELLING.test(spec) || ctx.pathAlias(spec, from) !== null) && !ctx.modFile(m, from);
}
