/**
 * Loads tree-sitter (WebAssembly) and the grammars VS Code itself ships, from `@vscode/tree-sitter-wasm`.
 * Pure: no `vscode` import. The wasm files are located next to the running bundle (`dist/wasm/` after
 * `npm run build`) or in node_modules when running from source (unit tests, tsx).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as TS from '@vscode/tree-sitter-wasm';
import { blankTaggedTemplateTypeArgs } from './taggedTemplates';

export type { TS };
export type GrammarId = 'python' | 'typescript' | 'tsx' | 'javascript';

export interface ParserSet {
  /** The shared parser of a grammar: for a parse that runs in one go. */
  parser(grammar: GrammarId): TS.Parser;
  /** A parser of the caller's own, for a parse that may be suspended (`delete()` it when done). */
  newParser(grammar: GrammarId): TS.Parser;
  language(grammar: GrammarId): TS.Language;
  /** Compiles (once) and caches a query for a grammar. */
  query(grammar: GrammarId, source: string): TS.Query;
}

function wasmDir(): string {
  const candidates = [
    path.join(__dirname, 'wasm'), // bundled: dist/wasm
    path.join(__dirname, '..', 'dist', 'wasm'),
  ];
  try {
    candidates.push(path.dirname(require.resolve('@vscode/tree-sitter-wasm/wasm/tree-sitter.wasm')));
  } catch {
    /* not installed: bundled layout only */
  }
  const found = candidates.find((d) => fs.existsSync(path.join(d, 'tree-sitter.wasm')));
  if (!found) throw new Error(`tree-sitter wasm files not found (looked in ${candidates.join(', ')})`);
  return found;
}

let loading: Promise<ParserSet> | undefined;

/** Returns the process-wide parser set; the wasm runtime and grammars load once. */
export function loadParsers(): Promise<ParserSet> {
  loading ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require('@vscode/tree-sitter-wasm') as typeof TS;
    const dir = wasmDir();
    await ts.Parser.init({ locateFile: (file: string) => path.join(dir, file) });
    const grammars: GrammarId[] = ['python', 'typescript', 'tsx', 'javascript'];
    const languages = new Map<GrammarId, TS.Language>();
    for (const g of grammars) {
      languages.set(g, await ts.Language.load(fs.readFileSync(path.join(dir, `tree-sitter-${g}.wasm`))));
    }
    const parsers = new Map<GrammarId, TS.Parser>();
    const queries = new Map<string, TS.Query>();
    const language = (g: GrammarId): TS.Language => languages.get(g)!;
    const newParser = (g: GrammarId): TS.Parser => {
      const p = new ts.Parser();
      p.setLanguage(language(g));
      return p;
    };
    return {
      language,
      newParser,
      parser(g) {
        let p = parsers.get(g);
        if (!p) parsers.set(g, (p = newParser(g)));
        return p;
      },
      query(g, source) {
        const key = `${g}\0${source}`;
        let q = queries.get(key);
        if (!q) {
          q = new ts.Query(language(g), source);
          queries.set(key, q);
        }
        return q;
      },
    };
  })();
  return loading;
}

/** The grammar for a file name, or undefined when the file is not one we analyse. */
export function grammarForFile(fileName: string): GrammarId | undefined {
  const ext = path.extname(fileName).toLowerCase();
  switch (ext) {
    case '.py':
    case '.pyi':
      return 'python';
    case '.ts':
    case '.mts':
    case '.cts':
      return 'typescript';
    case '.tsx':
      return 'tsx';
    case '.js':
    case '.mjs':
    case '.cjs':
    case '.jsx':
      return 'javascript';
    default:
      return undefined;
  }
}

/**
 * Parses `text`. A TypeScript parse with syntax errors is tried again with the type arguments of its tagged templates
 * blanked (`` sql<User[]>`…` ``, which tree-sitter misparses; see ./taggedTemplates), and that parse is the one
 * returned when it has no error: the same offsets and positions, node texts with those type arguments as spaces.
 */
export function parseText(parser: TS.Parser, grammar: GrammarId, text: string): TS.Tree | null {
  const tree = parser.parse(text);
  if (!tree?.rootNode.hasError || (grammar !== 'typescript' && grammar !== 'tsx')) return tree;
  const blanked = blankTaggedTemplateTypeArgs(tree.rootNode, text);
  const retry = blanked === undefined ? null : parser.parse(blanked);
  if (!retry || retry.rootNode.hasError) {
    retry?.delete();
    return tree;
  }
  tree.delete();
  return retry;
}

/** Parses with the file's grammar (see parseText); the callback runs while the tree is alive. Undefined for other files. */
export async function withTree<T>(text: string, file: string, fn: (root: TS.Node, grammar: GrammarId) => T): Promise<T | undefined> {
  const grammar = grammarForFile(file);
  if (!grammar) return undefined;
  const ps = await loadParsers();
  const tree = parseText(ps.parser(grammar), grammar, text);
  if (!tree) return undefined;
  try {
    return fn(tree.rootNode, grammar);
  } finally {
    tree.delete();
  }
}
