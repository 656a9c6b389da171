#!/usr/bin/env node
/**
 * `telemetry-lens` command line: the same pure core as the extension, never `vscode`.
 * Each subcommand lives in ./commands/<name>.ts and exports a `Command`.
 */
import { commands } from './commands';
import { CliError, type Io } from './io';
import { stripControl } from '../core/untrusted';

declare const __VERSION__: string;
const version = typeof __VERSION__ === 'string' ? __VERSION__ : 'dev';

function usage(): string {
  const lines = [
    `telemetry-lens ${version}: Prometheus metrics and OpenTelemetry tracing for HTTP route handlers`,
    '',
    'Usage: telemetry-lens <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.usage.padEnd(58)} ${c.summary}`),
    '',
    'Options:',
    '  --help       show this help (or `telemetry-lens <command> --help`)',
    '  --version    print the version',
  ];
  return lines.join('\n');
}

export async function main(argv: string[], terminal: Io): Promise<number> {
  // Route paths come from the scanned code and label values from the backend: printed raw, an escape
  // sequence in either would reach the user's terminal. Every line goes out without control characters.
  const printable = (s: string): string => s.split('\n').map(stripControl).join('\n');
  const io: Io = { ...terminal, out: (s) => terminal.out(printable(s)), err: (s) => terminal.err(printable(s)) };
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    io.out(version);
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    io.err(`telemetry-lens: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`Usage: telemetry-lens ${cmd.usage}\n\n${cmd.help ?? cmd.summary}`);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`telemetry-lens ${name}: ${e.message}`);
      return e.exitCode;
    }
    io.err(`telemetry-lens ${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
}

if (require.main === module) {
  // A reader that stops early (`telemetry-lens routes . --json | head -1`) closes the pipe: the output is no longer
  // wanted, so stop quietly as other command-line tools do, not with an EPIPE stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      process.exit(0);
    });
  }
  const io: Io = {
    out: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
    err: (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
    cwd: process.cwd(),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
