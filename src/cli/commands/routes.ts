/** `telemetry-lens routes <dir> [--json]`: every HTTP route handler under a folder. */
import { CliError, existingDir, parseArgs, printedWithoutTable, tableLines, type Command } from '../io';
import { scanWorkspace, toRouteJson } from '../../core/routes/workspace';

export const routesCommand: Command = {
  name: 'routes',
  usage: 'routes <dir> [--json] [--include-tests] [--notes]',
  summary: 'list HTTP route handlers (FastAPI, Flask, Express, Fastify, NestJS, Koa, Hono)',
  help: [
    "Scans <dir> (skipping node_modules, virtualenvs, build output, and .gitignore'd and test files nothing loads) and prints",
    'every HTTP route handler with its full path.',
    '',
    '  --json            JSON array of {framework, methods, path, fullPath, file, line, handlerFile, handlerLine, handlerName}',
    '  --include-tests   also scan test files and folders',
    '  --notes           print scan notes (skipped files, syntax errors) to stderr',
  ].join('\n'),
  async run(args, io) {
    const { positionals, booleans } = parseArgs(args, { booleans: ['json', 'include-tests', 'notes'] });
    if (positionals.length !== 1) throw new CliError('expected exactly one <dir>');
    const dir = existingDir(io, positionals[0]!);
    const result = await scanWorkspace(dir, { includeTests: booleans.has('include-tests') });
    if (booleans.has('notes')) for (const n of result.notes) io.err(n);
    const rows = result.routes.map((r) => toRouteJson(r, dir));
    if (printedWithoutTable(io, rows, booleans.has('json'))) return 0;
    const table = rows.map((r) => [
      r.methods.join(','),
      r.fullPath ?? `${r.path}  (prefix unknown)`,
      `${r.file}:${r.line}`,
      `${r.handlerName ?? '<anonymous>'}${r.handlerFile !== r.file || r.handlerLine !== r.line ? ` ${r.handlerFile}:${r.handlerLine}` : ''}`,
    ]);
    const header = ['METHOD', 'PATH', 'LOCATION', 'HANDLER'];
    io.out(
      [
        ...tableLines(header, table),
        '',
        `${rows.length} route${rows.length === 1 ? '' : 's'} (${new Set(rows.map((r) => r.framework)).size} framework(s))`,
      ].join('\n'),
    );
    return 0;
  },
};
