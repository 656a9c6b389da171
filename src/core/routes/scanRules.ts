/**
 * Which files the route index looks at — one rule set for the workspace scan and for files the editor
 * hears about later (watcher, open documents), so both agree: skipped folders (dependencies, virtual
 * environments, build output, dot-folders, `*.egg-info`), files without a grammar, `.d.ts`, `.min.js`,
 * tests unless asked, and the patterns (the user's `routes.exclude` / `files.exclude`, the root `.gitignore`).
 *
 * Two strengths: the hard rules (dependency/build/dot folders, no grammar, the user's patterns) always skip; the soft
 * ones (test folder and file names, the root `.gitignore`) only hold a file back — the scan still analyses it when a
 * module of the project loads it (./heldFiles): a committed `routes/` the `.gitignore` lists, a `tests/` service an
 * autoload registers.
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
  /** The user's patterns: hard. */
  private readonly excluded: Ignore = ignore();
  /** The root `.gitignore`: soft. */
  private readonly gitignored: Ignore = ignore();
  private readonly includeTests: boolean;

  constructor(opts: ScanRuleOptions = {}) {
    this.includeTests = opts.includeTests ?? false;
    const bad = opts.onBadPattern ?? (() => undefined);
    for (const p of opts.exclude ?? []) {
      if (!p || p.startsWith('!')) continue;
      for (const x of expandBraces(p.replace(/^\.\//, ''))) add(this.excluded, x, bad);
    }
    for (const line of (opts.gitignore ?? '').split(/\r?\n/)) {
      if (line.trim() && !line.startsWith('#')) add(this.gitignored, line, bad);
    }
  }

  /** Whether a folder (root-relative posix path) is not walked. */
  skipsDir(rel: string): boolean {
    return this.hardSkipsDir(rel) || this.softSkipsDir(rel);
  }

  /** A folder skipped only by a soft rule (`tests/`, a gitignored `routes/`): its files are held, not dropped. */
  holdsDir(rel: string): boolean {
    return !this.hardSkipsDir(rel) && this.softSkipsDir(rel);
  }

  /** Whether a folder is never walked: dependencies, virtual environments, build output, dot-folders, the user's patterns. */
  hardSkipsDir(rel: string): boolean {
    const name = rel.slice(rel.lastIndexOf('/') + 1);
    if (SKIP_DIRS.has(name) || name.startsWith('.') || name.endsWith('.egg-info')) return true;
    return matches(this.excluded, `${rel}/`);
  }

  private softSkipsDir(rel: string): boolean {
    if (!this.includeTests && TEST_DIRS.has(rel.slice(rel.lastIndexOf('/') + 1))) return true;
    return this.gitignoresDir(rel);
  }

  /** A folder the root `.gitignore` lists. */
  gitignoresDir(rel: string): boolean {
    return matches(this.gitignored, `${rel}/`);
  }

  /** Whether a file in a walked folder is not analysed. */
  skipsFile(rel: string): boolean {
    return this.hardSkipsFile(rel) || this.softSkipsFile(rel);
  }

  /** A file skipped only by a soft rule (a test file name, the `.gitignore`): held, analysed when a module loads it. */
  holdsFile(rel: string): boolean {
    return !this.hardSkipsFile(rel) && this.softSkipsFile(rel);
  }

  /** A file named as a test (`*.test.js`, `test_*.py`) when tests are not asked for. */
  testName(rel: string): boolean {
    return !this.includeTests && TEST_FILE.test(rel.slice(rel.lastIndexOf('/') + 1));
  }

  /** Whether a file is never analysed: no grammar, `.d.ts`, `.min.js`, the user's patterns. */
  hardSkipsFile(rel: string): boolean {
    const name = rel.slice(rel.lastIndexOf('/') + 1);
    if (!grammarForFile(name) || name.endsWith('.d.ts') || name.endsWith('.min.js')) return true;
    return matches(this.excluded, rel);
  }

  private softSkipsFile(rel: string): boolean {
    return this.testName(rel) || matches(this.gitignored, rel);
  }

  /** A file the editor heard about: indexed when no folder on its way is skipped and the file is not. */
  indexable(rel: string): boolean {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) if (this.skipsDir(parts.slice(0, i).join('/'))) return false;
    return !this.skipsFile(rel);
  }
}

function add(matcher: Ignore, pattern: string, bad: (pattern: string, reason: string) => void): void {
  try {
    const one = ignore().add(pattern);
    one.ignores('probe'); // compiles the pattern: a broken one throws here, not in the middle of a scan
    matcher.add(pattern);
  } catch (e) {
    bad(pattern, errorMessage(e));
  }
}

function matches(matcher: Ignore, rel: string): boolean {
  try {
    return matcher.ignores(rel);
  } catch {
    return false; // a path `ignore` refuses (absolute, `..`) is not excluded by a pattern
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
