/**
 * require-directory / require-all folder loaders (see ./folderLoops): the callback they call with every module below a
 * folder is called once per entry of a folder loop (`each:<i>`). Pure.
 */
import { lineOf, named, type SyntaxNode as Node } from '../parsing/nodes';
import { unwrapExpr } from '../parsing/javascript';
import { clip } from './common';
import type { FolderLoop } from './folderLoops';
import type { JsAnalyzer } from './javascript';
import { folder } from './jsFolderLoops';
import type { Ref } from './model';

/** Options of require-directory a loader may not narrow without us reading them. */
const NARROWING = /^(include|exclude|rename|filter|excludeDirs|map)$/;

/**
 * require-directory `requireDirectory(module, dir, { visit })`, require-all `requireAll({ dirname, resolve })`: the
 * callback is called with every module below the folder (the package's default extensions, recursively unless
 * `recurse: false` / `recursive: false`). Records the folder and the call; false when it is not such a call.
 */
export function folderLoaderCall(A: JsAnalyzer, n: Node, callee: Ref, args: readonly Node[]): boolean {
  const pkg = A.pkgOf(callee);
  if (!pkg || !['cjs', 'default', '*'].includes(pkg.name) || (pkg.pkg !== 'require-directory' && pkg.pkg !== 'require-all')) return false;
  const rd = pkg.pkg === 'require-directory';
  const objs = args.map((a) => unwrapExpr(a)).filter((a) => a?.type === 'object');
  const opts = objs.at(-1) ?? null;
  const dirNode = rd ? (args[1] && args[1] !== opts ? args[1] : null) : ((opts ? A.prop(opts, 'dirname') : args[0]) ?? null);
  const cb = opts ? A.prop(opts, rd ? 'visit' : 'resolve') : null;
  if (!cb || !opts || named(opts).some((p) => NARROWING.test(p.childForFieldName('key')?.text ?? ''))) return false;
  const d = dirNode ? folder(A, dirNode, A.dir) : { dir: A.dir };
  if (!d) return false;
  const flat = unwrapExpr(A.prop(opts, rd ? 'recurse' : 'recursive'))?.text === 'false';
  const exts = rd ? ['js', 'json', 'coffee'] : ['js', 'json'];
  const loop: FolderLoop = {
    ...d,
    line: lineOf(n),
    text: clip(n.text),
    ...(flat
      ? { filter: { k: 'call', fn: 'test', on: { k: 'entry' }, args: [{ k: 're', re: `^[^.].*\\.(?:${exts.join('|')})$`, flags: '' }] } }
      : { recursive: exts }),
  };
  const loops = (A.fa.folderLoops ??= []);
  A.fa.calls.push({ callee: A.refOf(cb), args: [{ k: 'imp', mod: `each:${loops.length}`, name: 'cjs' }], line: lineOf(n) });
  loops.push(loop);
  return true;
}
