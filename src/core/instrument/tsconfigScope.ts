/**
 * The compile scope of a TS/JS file under its nearest tsconfig.json: where a new module the file imports may be written
 * so that `tsc -p` builds the project as before. Inside `rootDir` (TS6059 otherwise); without one, inside the base
 * folder of an `include` pattern (else the computed common root, hence the output layout under `outDir`, would move);
 * matched by `include` or `files` and not `exclude`d (composite projects require it). `extends` is followed (relative
 * files and packages), and a solution-style tsconfig.json to the referenced project that compiles the file.
 * undefined when no tsconfig compiles the file: nothing constrains where the module goes. The scope also says how the
 * config resolves relative imports (`moduleResolution`, else what `module` implies), which decides their extensions.
 */
import * as path from 'node:path';
import picomatch from 'picomatch';
import { configChainReader, type ConfigJson } from '../tsconfigChain';

export interface CompileScope {
  /** the tsconfig.json the scope comes from */
  config: string;
  /** whether a module at this absolute path would be compiled by that config without changing its build */
  accepts(file: string): boolean;
  /** the effective `moduleResolution`, lower case (`node16`, `nodenext`, `bundler`, `node10`, …); undefined when unset */
  moduleResolution?: string;
}

interface RawConfig {
  extends?: string | string[];
  compilerOptions?: { rootDir?: string; outDir?: string; allowJs?: boolean; module?: string; moduleResolution?: string };
  include?: string[];
  exclude?: string[];
  files?: string[];
  references?: { path?: string }[];
}

/** A config with `extends` applied: paths absolute, relative ones resolved against the file that wrote them. */
interface Config {
  rootDir?: string;
  outDir?: string;
  allowJs?: boolean;
  module?: string;
  moduleResolution?: string;
  /** patterns relative to `base` */
  include?: { base: string; patterns: string[] };
  exclude?: { base: string; patterns: string[] };
  files?: string[];
  references: string[];
}

const DEFAULT_EXCLUDE = ['node_modules', 'bower_components', 'jspm_packages'];

/** A config over the ones it `extends` (theirs first; `references` are never inherited). */
function buildConfig(json: ConfigJson, file: string, parents: Config[]): Config {
  const raw = json as RawConfig;
  const dir = path.dirname(file);
  let out: Config = { references: [] };
  for (const parent of parents) out = { ...out, ...parent, references: [] };
  const co = raw.compilerOptions && typeof raw.compilerOptions === 'object' ? raw.compilerOptions : {};
  const abs = (p: unknown) => (typeof p === 'string' ? path.resolve(dir, p) : undefined);
  const strings = (a: unknown) => (Array.isArray(a) ? a.filter((x): x is string => typeof x === 'string') : undefined);
  if (abs(co.rootDir)) out.rootDir = abs(co.rootDir);
  if (abs(co.outDir)) out.outDir = abs(co.outDir);
  if (typeof co.allowJs === 'boolean') out.allowJs = co.allowJs;
  if (typeof co.module === 'string') out.module = co.module.toLowerCase();
  if (typeof co.moduleResolution === 'string') out.moduleResolution = co.moduleResolution.toLowerCase();
  const include = strings(raw.include);
  const exclude = strings(raw.exclude);
  const files = strings(raw.files);
  if (include) out.include = { base: dir, patterns: include };
  if (exclude) out.exclude = { base: dir, patterns: exclude };
  if (files) out.files = files.map((f) => path.resolve(dir, f));
  if (Array.isArray(raw.references))
    out.references = raw.references.flatMap((r) => (typeof r?.path === 'string' ? [path.resolve(dir, r.path)] : []));
  return out;
}

const WILDCARD = /[*?[{]/;
const slash = (p: string) => p.split(path.sep).join('/');

/** An include/exclude pattern as TypeScript reads it: a last segment with no wildcard and no extension is a folder. */
function expand(pattern: string): string {
  const p = pattern.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  const last = p.split('/').pop() ?? '';
  return WILDCARD.test(last) || /\.\w+$/.test(last) ? p : `${p ? `${p}/` : ''}**/*`;
}

/** A pattern as the literal folder it starts from (absolute: `../app` resolved) and the glob below it. */
function splitPattern(base: string, pattern: string): { dir: string; glob: string } {
  const segs = expand(pattern).split('/');
  let i = 0;
  while (i < segs.length - 1 && !WILDCARD.test(segs[i]!)) i++;
  return { dir: path.resolve(base, ...segs.slice(0, i)), glob: segs.slice(i).join('/') };
}

function within(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function scopeOf(configFile: string, c: Config): CompileScope {
  const include = c.include ?? (c.files ? undefined : { base: path.dirname(configFile), patterns: ['**/*'] });
  const excludeBase = c.exclude?.base ?? path.dirname(configFile);
  const excludePatterns = c.exclude?.patterns ?? [...DEFAULT_EXCLUDE, ...(c.outDir ? [slash(path.relative(excludeBase, c.outDir))] : [])];
  const matcher = (base: string, patterns: string[]) => {
    const parts = patterns.map((p) => {
      const { dir, glob } = splitPattern(base, p);
      const m = picomatch(glob, { dot: true });
      return (file: string) => within(dir, file) && m(slash(path.relative(dir, file)));
    });
    return (file: string) => parts.some((m) => m(file));
  };
  const included = include ? matcher(include.base, include.patterns) : () => false;
  const excluded = matcher(excludeBase, excludePatterns);
  const listed = new Set(c.files ?? []);
  const exts = c.allowJs ? /\.(?:[cm]?[jt]s|[jt]sx)$/ : /\.(?:[cm]?ts|tsx)$/;
  const bounds = c.rootDir
    ? [c.rootDir]
    : [...(include ? include.patterns.map((p) => splitPattern(include.base, p).dir) : []), ...[...listed].map((f) => path.dirname(f))];
  // `module: node16|node18|node20|nodenext` implies node16/nodenext resolution, `module: preserve` bundler's
  const implied = /^node(?:1[68]|20|next)$/.test(c.module ?? '')
    ? c.module === 'node16'
      ? 'node16'
      : 'nodenext'
    : c.module === 'preserve'
      ? 'bundler'
      : undefined;
  return {
    config: configFile,
    moduleResolution: c.moduleResolution ?? implied,
    accepts: (file) => bounds.some((b) => within(b, file)) && (listed.has(file) || (exts.test(file) && included(file) && !excluded(file))),
  };
}

/** The scope of the nearest tsconfig.json (up to `top`, the package folder) that compiles `file`. */
export async function compileScope(file: string, top: string | undefined): Promise<CompileScope | undefined> {
  const abs = path.resolve(file);
  const readConfig = configChainReader<Config>({ build: buildConfig });
  for (let d = path.dirname(abs), i = 0; i < 12; i++) {
    const configFile = path.join(d, 'tsconfig.json');
    const c = await readConfig(configFile);
    if (c) {
      const own = scopeOf(configFile, c);
      if (own.accepts(abs)) return own;
      // a solution-style config: the referenced project that compiles the file
      for (const ref of c.references) {
        const refFile = ref.endsWith('.json') ? ref : path.join(ref, 'tsconfig.json');
        const rc = await readConfig(refFile);
        const scope = rc && scopeOf(refFile, rc);
        if (scope?.accepts(abs)) return scope;
      }
      return undefined;
    }
    const up = path.dirname(d);
    if (up === d || (top !== undefined && d === top)) break;
    d = up;
  }
  return undefined;
}
