/**
 * @fastify/autoload registered once per sub-folder of a folder listing (./jsFolderLoops):
 * `for (const d of fs.readdirSync(routes, { withFileTypes: true })) if (d.isDirectory()) fastify.register(autoload,
 * { dir: path.join(routes, d.name), options: { prefix: urlJoin(base, d.name) } })`, also over plain names
 * (`fs.statSync(path.join(routes, n)).isDirectory()`). The analysis records the `dir` over the entry's name and the
 * tests that keep it (the `if` around the registration, `if (…) continue` before it); the resolver registers one autoload
 * per sub-folder of the listed folder that the tests keep (./autoload eachAutoload). A test it cannot read, or one over
 * an environment variable it cannot know, keeps the folder with its prefix unknown, with the reason. Pure.
 */
import { named, type SyntaxNode as Node } from '../parsing/nodes';
import { unwrapExpr } from '../parsing/javascript';
import { clip } from './common';
import { and, hasUnknown, not, type NameExpr } from './folderLoops';
import type { JsAnalyzer } from './javascript';
import { nameExpr } from './jsFolderLoops';

/** An autoload registration in a loop over a folder's entries (FileAnalysis autoload `each`). */
export interface AutoloadEach {
  /** Its `dir` over the entry's name. */
  dir: NameExpr;
  /** The tests that keep the entry. */
  filter?: NameExpr;
  /** The text of the tests over values not statically known (for the reason when one is undecided). */
  guards?: string;
  /** The text of a test on the entry the analysis cannot read. */
  unread?: string;
}

const EXIT = /^(?:return|continue)_statement$/;

/** `if (test) continue;` / `if (test) { return }` without an `else`: its test, else null. */
function exitTest(st: Node): Node | null {
  if (st.type !== 'if_statement' || st.childForFieldName('alternative')) return null;
  const then = st.childForFieldName('consequence');
  const exit = then?.type === 'statement_block' ? named(then)[0] : then;
  return exit && EXIT.test(exit.type) ? st.childForFieldName('condition') : null;
}

/** The autoload registration `call` whose `dir` reads the variable of a folder listing's loop: the folder the loop
 *  lists (absolute) and the registration per entry; else null. */
export function autoloadEach(A: JsAnalyzer, dirNode: Node, call: Node): { base: string; each: AutoloadEach } | null {
  const at = A.loops.folders.listingAt(dirNode);
  const loop = at?.loop;
  if (!at || !loop || loop.cwd || loop.pre || loop.rooted || loop.recursive) return null;
  const dir = nameExpr(A, dirNode, at.ctx);
  if (!dir || hasUnknown(dir)) return null;
  let filter = loop.filter;
  const texts: string[] = []; // the tests over values the analysis cannot know
  let unread: string | undefined;
  const test = (cond: Node, keep: boolean): void => {
    if (!at.uses(cond)) return;
    const t = nameExpr(A, cond, at.ctx);
    const text = clip((unwrapExpr(cond) ?? cond).text);
    if (!t) unread ??= text;
    else {
      filter = and(filter, keep ? t : not(t));
      if (hasUnknown(t)) texts.push(text);
    }
  };
  // from the registration up to the loop's body: the `if`s around it, the exits before it in each block
  for (let p: Node | null = call; p && p.id !== at.body.id; p = p.parent) {
    const up: Node | null = p.parent;
    if (!up || up.startIndex < at.body.startIndex) break;
    const cond = /^(?:if_statement|ternary_expression)$/.test(up.type) ? up.childForFieldName('condition') : null;
    if (cond && cond.id !== p.id) test(cond, up.childForFieldName('consequence')?.id === p.id);
    if (up.type === 'statement_block')
      for (const st of named(up)) {
        if (st.startIndex >= p.startIndex) break;
        const c = exitTest(st);
        if (c) test(c, false);
      }
  }
  const each: AutoloadEach = {
    dir,
    ...(filter ? { filter } : {}),
    ...(texts.length ? { guards: clip(texts.join(' / '), 160) } : {}),
    ...(unread ? { unread } : {}),
  };
  return { base: loop.dir, each };
}
