/**
 * Which files the route index looks at — one rule set for the workspace scan and for files the editor
 * hears about later (watcher, open documents), so both agree: skipped folders (dependencies, virtual
 * environments, build output, dot-folders, `*.egg-info`), files without a grammar, `.d.ts`, `.min.js`,
 * tests unless asked, and the user's patterns (`routes.exclude`, `files.exclude`, the root `.gitignore`).
 *
 * Patterns come from the repository, so they are matched by the `ignore` package (gitignore semantics,
 * no catastrophic backtracking on `*a*a*a…`) and a pattern it cannot use is reported, never thrown.
 */
import ignore, { type Ignore } from 'ignore';
import { grammarForFile } from '../parsing/treeSitter';
import { errorMessage } from '../errors';

const SKIP_DIRS = new Set([
  'node_modules',
  '.venv',
  'venv',
  'env',
  '.env',
  'site-packages',
  '__pycache__',
  'dist',
  'build',
  'out',
  '.git',
  '.hg',
  '.svn',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
  '.next',
  '.nuxt',
  'coverage',
  'bower_components',
]);
const TEST_DIRS = new Set(['test', 'tests', '__tests__', '__mocks__', 'e2e', 'spec', 'cypress']);
const TEST_FILE = /(\.|_)(test|spec|e2e-spec)\.[cm]?[jt]sx?$|^test_.*\.py$|_test\.py$|^conftest\.py$/;
/** A `{a,b}` group in a VS Code glob expands to at most this many gitignore patterns. */
const MAX_EXPANSIONS = 64;

export interface ScanRuleOptions {
  /** VS Code globs (`routes.exclude`, `files.exclude` keys): `**`, `*`, `?`, `{a,b}`; a bare name matches at any depth. */
  exclude?: string[];
  /** Contents of the root `.gitignore`. */
  gitignore?: string;
  includeTests?: boolean;
  /** A pattern that could not be used (it is skipped). */
  onBadPattern?: (pattern: string, reason: string) => void;
}

export class ScanRules {
  private readonly matcher: Ignore = ignore();
  private readonly includeTests: boolean;

  constructor(opts: ScanRuleOptions = {}) {
    this.includeTests = opts.includeTests ?? false;
    const bad = opts.onBadPattern ?? (() => undefined);
    for (const p of opts.exclude ?? []) {
      if (!p || p.startsWith('!')) continue;
      for (const x of expandBraces(p.replace(/^\.\//, ''))) this.add(x, bad);
    }
    for (const line of (opts.gitignore ?? '').split(/\r?\n/)) {
      if (line.trim() && !line.startsWith('#')) this.add(line, bad);
    }
  }

  private add(pattern: string, bad: (pattern: string, reason: string) => void): void {
    try {
      const one = ignore().add(pattern);
      one.ignores('probe'); // compiles the pattern: a broken one throws here, not in the middle of a scan
      this.matcher.add(pattern);
    } catch (e) {
      bad(pattern, errorMessage(e));
    }
  }

  /** Whether a folder (root-relative posix path) is not walked. */
  skipsDir(rel: string): boolean {
    return this.testDir(rel) || this.alwaysSkipsDir(rel);
  }

  /** A test folder (`spec/`, `tests/`…) skipped only for being one: its files count when a non-test module imports them. */
  testDir(rel: string): boolean {
    return !this.includeTests && TEST_DIRS.has(rel.slice(rel.lastIndexOf('/') + 1)) && !this.alwaysSkipsDir(rel);
  }

  private alwaysSkipsDir(rel: string): boolean {
    const name = rel.slice(rel.lastIndexOf('/') + 1);
    if (SKIP_DIRS.has(name) || name.startsWith('.') || name.endsWith('.egg-info')) return true;
    return this.ignored(`${rel}/`);
  }

  /** Whether a file in a walked folder is not analysed. */
  skipsFile(rel: string): boolean {
    const name = rel.slice(rel.lastIndexOf('/') + 1);
    if (!grammarForFile(name) || name.endsWith('.d.ts') || name.endsWith('.min.js')) return true;
    if (!this.includeTests && TEST_FILE.test(name)) return true;
    return this.ignored(rel);
  }

  /** A file the editor heard about: indexed when no folder on its way is skipped and the file is not. */
  indexable(rel: string): boolean {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) if (this.skipsDir(parts.slice(0, i).join('/'))) return false;
    return !this.skipsFile(rel);
  }

  private ignored(rel: string): boolean {
    try {
      return this.matcher.ignores(rel);
    } catch {
      return false; // a path `ignore` refuses (absolute, `..`) is not excluded by a pattern
    }
  }
}

/** `src/{a,b}/*.{js,ts}` → the four combinations (no nesting; at most MAX_EXPANSIONS). */
export function expandBraces(glob: string): string[] {
  let out = [glob];
  for (;;) {
    const next: string[] = [];
    let changed = false;
    for (const g of out) {
      const open = g.indexOf('{');
      const close = open < 0 ? -1 : g.indexOf('}', open);
      if (close < 0) {
        next.push(g);
        continue;
      }
      changed = true;
      for (const alt of g.slice(open + 1, close).split(',')) next.push(g.slice(0, open) + alt + g.slice(close + 1));
    }
    if (!changed) return out;
    if (next.length > MAX_EXPANSIONS) return next.slice(0, MAX_EXPANSIONS);
    out = next;
  }
}
