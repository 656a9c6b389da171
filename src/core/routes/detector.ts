/**
 * HTTP route detector: public entry points. Pure (no `vscode`).
 *  - analyzeFile: per-file facts, cheap and serializable (cache them by document version);
 *  - resolveRoutes: cross-file prefix resolution over any set of analyses;
 *  - detectRoutes: convenience for in-memory files.
 */
import { grammarForFile, loadParsers, type ParserSet } from '../parsing/treeSitter';
import { emptyAnalysis, type FileAnalysis } from './model';
import { analyzePython } from './python';
import { analyzeJavaScript } from './javascript';
import { resolveRoutes, type ResolveOptions } from './resolve';
import type { Route } from './types';

export type { FileAnalysis } from './model';
export { resolveRoutes, type ResolveOptions } from './resolve';

/** Analyses one file. Never throws: unknown extensions give an empty analysis, syntax errors partial results + notes. */
export function analyzeFile(parsers: ParserSet, file: string, text: string): FileAnalysis {
  const grammar = grammarForFile(file);
  if (!grammar) {
    const fa = emptyAnalysis(file, 'javascript');
    fa.notes.push('not a Python/JavaScript/TypeScript file');
    return fa;
  }
  try {
    return grammar === 'python' ? analyzePython(parsers, file, text) : analyzeJavaScript(parsers, grammar, file, text);
  } catch (e) {
    const fa = emptyAnalysis(file, grammar === 'python' ? 'python' : 'javascript');
    fa.notes.push(`analysis failed: ${e instanceof Error ? e.message : String(e)}`);
    return fa;
  }
}

export async function detectRoutes(files: { path: string; text: string }[], options?: ResolveOptions): Promise<Route[]> {
  const parsers = await loadParsers();
  return resolveRoutes(
    files.map((f) => analyzeFile(parsers, f.path, f.text)),
    options,
  );
}
