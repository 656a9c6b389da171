import { spawnSync } from 'node:child_process';

/**
 * Calls `fn` of a source module in a child Node process that is killed after `timeoutMs`, and returns
 * its (JSON) result. For regression tests of catastrophic backtracking: without the fix the call runs
 * for minutes, synchronously, so an in-process timeout could never fire; here the test fails cleanly.
 * A liveness bound far above what the call needs, not a speed target.
 */
export async function callBounded(modulePath: string, fn: string, args: unknown[], timeoutMs = 30_000): Promise<unknown> {
  const script = `const m = require(${JSON.stringify(modulePath)});
const args = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
Promise.resolve(m[${JSON.stringify(fn)}](...args)).then((v) => process.stdout.write(JSON.stringify(v ?? null)));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    input: JSON.stringify(args),
    timeout: timeoutMs,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error || r.status !== 0)
    throw new Error(`${fn}() did not finish within ${timeoutMs} ms: ${r.error?.message ?? r.stderr.slice(-500)}`);
  return JSON.parse(r.stdout) as unknown;
}
