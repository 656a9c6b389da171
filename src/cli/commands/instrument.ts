/**
 * `telemetry-lens instrument <file> [--route "<METHOD> <path>" | --all] [--dry-run] …`: inserts Prometheus metrics
 * and OpenTelemetry spans into route handlers (the same planner the editor's code actions use).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { CliError, parseArgs, type Command, type Io } from '../io';
import { applyEdits, planAppSetup, planInstrumentFile } from '../../core/instrument/planner';
import { registeredElsewhere } from '../../core/instrument/common';
import { workersRefusal } from '../../core/instrument/workers';
import { grammarForFile } from '../../core/parsing/treeSitter';
import { ALL_ASPECTS, type Aspect, DEFAULT_OPTIONS, type InstrumentOptions } from '../../core/instrument/types';
import { detectRoutes } from '../../core/routes/detector';
import { isIndexable, scanWorkspace } from '../../core/routes/workspace';
import type { Route } from '../../core/routes/types';
import { asWritten, routeLabel } from '../../core/routes/route';
import { projectRoot } from '../../core/routes/projectRoot';
import { errorMessage } from '../../core/errors';

function list(s: string | undefined): string[] | undefined {
  return s === undefined
    ? undefined
    : s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
}

/**
 * Writes so the target is never half-written and nothing planted in the folder is followed: the real
 * path of the target (a symlinked file stays a symlink, its target is written), a temp file with a
 * random name created exclusively next to it, the old file's mode and owner, fsync, then rename.
 */
export function writeAtomic(file: string, content: string): void {
  let target: string;
  let old: fs.Stats | undefined;
  try {
    target = fs.realpathSync(file);
    old = fs.statSync(target);
  } catch {
    target = path.join(fs.realpathSync(path.dirname(file)), path.basename(file)); // a new file
  }
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.${crypto.randomBytes(8).toString('hex')}.tmp`);
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
  const fd = fs.openSync(tmp, O_WRONLY | O_CREAT | O_EXCL | (O_NOFOLLOW ?? 0), old ? old.mode & 0o7777 : 0o666);
  let open = true;
  try {
    fs.writeFileSync(fd, content);
    if (old) {
      fs.fchmodSync(fd, old.mode & 0o7777);
      if (old.uid !== process.getuid?.() || old.gid !== process.getgid?.()) {
        try {
          fs.fchownSync(fd, old.uid, old.gid);
        } catch {
          /* only root may give a file away; the mode is kept either way */
        }
      }
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    open = false;
    fs.renameSync(tmp, target);
  } catch (e) {
    if (open) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Routes whose handler is in `file` (inline style; with none, those registered in it, which the planner refuses with
 * the file their handler is in) or registered in it (wrapper style). With a project root, the whole project is
 * scanned so that prefixes set in other files (include_router, app.use('/api', router), @Controller) are applied to
 * the route labels (a monorepo's root when the project is one of its members: core/routes/projectRoot); falls back to the file alone when the scan does not cover it (ignored or test file).
 * `elsewhere`: with no route of the file, the scan's routes whose handler is written in it (a controller module whose
 * functions a route table or router module registers), with absolute paths: where to instrument them instead.
 */
async function routesOf(
  file: string,
  text: string,
  root: string | undefined,
  io: Io,
  wrapper: boolean,
): Promise<{ routes: Route[]; elsewhere: Route[] }> {
  // wrapper style: the routes registered in the file (handlers may live elsewhere); inline: the handlers written in it,
  // and the routes registered in it with a handler written elsewhere (the planner says where to instrument those)
  const here = (r: Route) => path.resolve(r.file) === file || (!wrapper && path.resolve(r.handlerFile) === file);
  let elsewhere: Route[] = [];
  if (root) {
    try {
      // tests scanned only for a test file's own routes: a test app registering a plugin would add its mount to them
      const scan = await scanWorkspace(root, { includeTests: !isIndexable(path.relative(root, file)) });
      const inFile = scan.routes.filter(here);
      if (inFile.length) return { routes: inFile, elsewhere };
      elsewhere = scan.routes
        .filter((r) => path.resolve(r.handlerFile) === file)
        .map((r) => ({ ...r, file: path.resolve(r.file), handlerFile: file }));
    } catch (e) {
      io.err(`telemetry-lens instrument: could not scan ${rel(io, root)} (${errorMessage(e)}); using ${rel(io, file)} alone`);
    }
  }
  // the file alone: a prefix set in another file is unknown, so paths are taken as written there
  return { routes: (await detectRoutes([{ path: file, text }])).filter(here).map(asWritten), elsewhere };
}

function matchRoute(routes: Route[], spec: string): Route {
  const m = /^\s*([A-Za-z]+)\s+(\S.*?)\s*$/.exec(spec);
  if (!m) throw new CliError(`--route must look like "GET /users/{id}", got "${spec}"`);
  const method = m[1]!.toUpperCase();
  const p = m[2]!;
  const found = routes.filter(
    (r) => (r.methods.includes(method as Route['methods'][number]) || r.methods.includes('ALL')) && (r.fullPath === p || r.path === p),
  );
  if (found.length === 1) return found[0]!;
  const available = routes.map((r) => `  ${routeLabel(r)}  (line ${r.line})`).join('\n');
  if (!found.length) throw new CliError(`no route "${method} ${p}" in this file; routes found:\n${available || '  (none)'}`);
  throw new CliError(`"${method} ${p}" matches ${found.length} routes (lines ${found.map((r) => r.line).join(', ')}); make it unique`);
}

function options(strings: Record<string, string>, booleans: Set<string>): InstrumentOptions {
  const buckets = list(strings['buckets'])?.map(Number);
  if (buckets?.some((b) => !Number.isFinite(b) || b <= 0))
    throw new CliError('--buckets must be positive numbers (seconds), e.g. 0.1,0.5,1');
  return {
    metricPrefix: strings['prefix'] ?? DEFAULT_OPTIONS.metricPrefix,
    labels: list(strings['labels']) ?? DEFAULT_OPTIONS.labels,
    buckets: buckets ?? DEFAULT_OPTIONS.buckets,
    tracerName: strings['tracer-name'] ?? DEFAULT_OPTIONS.tracerName,
    spanNameTemplate: strings['span-name'] ?? DEFAULT_OPTIONS.spanNameTemplate,
    style: strings['style'] === 'inline' ? 'inline' : 'wrapper',
    inFlightGauge: booleans.has('in-flight-gauge'),
  };
}

function rel(io: Io, p: string): string {
  return path.relative(io.cwd, p) || p;
}

export const instrumentCommand: Command = {
  name: 'instrument',
  usage: 'instrument <file> [--route "<METHOD> <path>" | --all] [--style wrapper|inline] [--in-flight-gauge] [--dry-run]',
  summary: 'add Prometheus metrics and OpenTelemetry spans to route handlers',
  help: [
    'Instruments route handlers of <file> with a request counter, a duration histogram and a span. Running it again',
    'changes nothing.',
    '',
    '  --style wrapper             (default) one line per handler: a decorator under the route decorator, or the',
    '                              handler wrapped where it is registered (handlers in other modules included);',
    '                              the helper module (telemetry_routes.py / telemetryRoutes.ts|js) is written once',
    '                              per service and never overwritten',
    '  --style inline              the counter, histogram and span written into each handler body, defined once',
    '                              per module',
    '  --route "GET /users/{id}"   one route (method and path as listed by `telemetry-lens routes`)',
    '  --all                       every route of the file',
    '  --dry-run                   print a unified diff instead of writing',
    '  --aspects counter,histogram,span   what to add (default: all three)',
    '  --setup metrics-endpoint,tracing   also add a /metrics endpoint and/or an OpenTelemetry SDK setup file',
    '  --prefix <p>                metric name prefix (e.g. myapp_)',
    '  --labels method,route,status  metric labels (method, route, status, handler)',
    '  --buckets 0.005,0.01,…      histogram buckets in seconds',
    '  --tracer-name <name>        default telemetry-lens',
    '  --span-name "{method} {route}"  span name template',
    '  --in-flight-gauge           also a Gauge of the requests in progress (http_requests_in_progress), raised',
    '                              when a handler starts and lowered when it ends; an existing helper module',
    '                              without it is not overwritten',
    '  --root <dir>                project to scan for route prefixes set in other files (default: the nearest',
    '                              folder with package.json, pyproject.toml, setup.py, requirements.txt or .git,',
    '                              or the root of the monorepo it is a member of: package.json workspaces,',
    '                              pnpm-workspace.yaml, lerna.json, uv workspace; an app in another package may',
    '                              mount its router under a prefix; also how far up a wrangler config making',
    "                              the file a Cloudflare Worker's is looked for, else up to the .git folder)",
    '  --single-file               do not scan the project: paths as written in <file>',
    '',
    'Files are written atomically (temp file + rename). Exit code 1 when nothing could be done.',
  ].join('\n'),
  async run(args, io) {
    const { positionals, strings, booleans } = parseArgs(args, {
      strings: ['route', 'aspects', 'setup', 'prefix', 'labels', 'buckets', 'tracer-name', 'span-name', 'root', 'style'],
      booleans: ['all', 'dry-run', 'single-file', 'in-flight-gauge'],
    });
    if (positionals.length !== 1) throw new CliError('expected exactly one <file>');
    if (strings['route'] !== undefined && booleans.has('all')) throw new CliError('use either --route or --all, not both');
    const setup = list(strings['setup']) ?? [];
    for (const s of setup)
      if (s !== 'metrics-endpoint' && s !== 'tracing') throw new CliError(`--setup accepts metrics-endpoint and tracing, not "${s}"`);
    if (strings['route'] === undefined && !booleans.has('all') && !setup.length)
      throw new CliError('say which routes: --route "<METHOD> <path>" or --all');
    const aspects = (list(strings['aspects']) ?? [...ALL_ASPECTS]) as Aspect[];
    for (const a of aspects) if (!ALL_ASPECTS.includes(a)) throw new CliError(`unknown aspect "${a}" (counter, histogram, span)`);
    if (strings['style'] !== undefined && strings['style'] !== 'wrapper' && strings['style'] !== 'inline')
      throw new CliError(`--style accepts wrapper and inline, not "${strings['style']}"`);
    const opts = {
      ...options(strings, booleans),
      workspaceRoot: strings['root'] !== undefined ? path.resolve(io.cwd, strings['root']) : undefined,
    };
    const file = path.resolve(io.cwd, positionals[0]!);
    let before: string;
    try {
      before = fs.readFileSync(file, 'utf8');
    } catch {
      throw new CliError(`cannot read ${positionals[0]}`);
    }
    // a Cloudflare Worker's file: one refusal for everything asked, before any scan; nothing is written
    const asked = strings['route'] !== undefined || booleans.has('all') || setup.includes('metrics-endpoint');
    const worker = await workersRefusal(file, {
      python: grammarForFile(file) === 'python',
      action: asked ? 'metrics' : 'tracing',
      root: opts.workspaceRoot,
    });
    if (worker) throw new CliError(worker, 1);
    const dryRun = booleans.has('dry-run');
    let after = before;
    const messages: string[] = [];
    let failed = false;
    const newFiles: { path: string; content: string }[] = [];
    if (strings['route'] !== undefined || booleans.has('all')) {
      const root = booleans.has('single-file')
        ? undefined
        : strings['root'] !== undefined
          ? path.resolve(io.cwd, strings['root'])
          : projectRoot(file);
      const { routes, elsewhere } = await routesOf(file, before, root, io, opts.style === 'wrapper');
      if (!routes.length) {
        const why = opts.style === 'wrapper' ? registeredElsewhere(file, elsewhere, (p) => rel(io, p)) : undefined;
        // no project marker above the file: only the file was read, and its routes may be registered in another one
        const alone =
          root === undefined && !booleans.has('single-file')
            ? ' (no project folder above it: no package.json, pyproject.toml, setup.py, requirements.txt or .git; only this file was read: pass --root <project folder> when its routes are registered in another file)'
            : '';
        throw new CliError(why ?? `no route handlers found in ${rel(io, file)}${alone}`, 1);
      }
      const chosen = strings['route'] !== undefined ? [matchRoute(routes, strings['route'])] : routes;
      const plan = await planInstrumentFile(before, file, chosen, aspects, opts, routes);
      if (plan.refused) {
        io.err(`telemetry-lens instrument: ${plan.refused}`);
        failed = true;
      } else messages.push(plan.summary);
      after = applyEdits(before, plan.edits);
      // the wrapper style's helper module: written when absent, never overwritten
      if (after !== before) newFiles.push(...(plan.newFiles ?? []).filter((f) => !fs.existsSync(f.path)));
    }
    for (const kind of setup as ('metrics-endpoint' | 'tracing')[]) {
      const s = await planAppSetup(after, file, kind, opts);
      if (s.plan.refused) {
        io.err(`telemetry-lens instrument: ${s.plan.refused}`);
        failed = true;
        continue;
      }
      const clash = s.newFiles.find((f) => fs.existsSync(f.path));
      if (clash) {
        io.err(`telemetry-lens instrument: ${rel(io, clash.path)} already exists; not overwriting it (skipped ${kind} setup)`);
        failed = true;
        continue;
      }
      after = applyEdits(after, s.plan.edits);
      newFiles.push(...s.newFiles);
      messages.push(s.plan.summary);
    }
    const changed = after !== before || newFiles.length > 0;
    if (dryRun) {
      const name = rel(io, file);
      const patch = (a: string, b: string, x: string, y: string) =>
        createTwoFilesPatch(a, b, x, y, '', '', { context: 3 })
          .replace(/^=+\n/, '')
          .replace(/^(---|\+\+\+) (.*)\t$/gm, '$1 $2');
      if (after !== before) io.out(patch(`a/${name}`, `b/${name}`, before, after));
      for (const nf of newFiles) io.out(patch('/dev/null', `b/${rel(io, nf.path)}`, '', nf.content));
    } else {
      if (after !== before) writeAtomic(file, after);
      for (const nf of newFiles) writeAtomic(nf.path, nf.content);
    }
    for (const m of messages) (dryRun ? io.err : io.out)(`${dryRun ? '(dry run) ' : ''}${m}`);
    if (!changed && !failed) io.err('nothing to change: already instrumented');
    return failed && !changed ? 1 : 0;
  },
};
