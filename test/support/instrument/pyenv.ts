/** Helpers for the real-Python validation tests (Debian python3 with fastapi/uvicorn/flask/prometheus_client). */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { ROOT } from './helpers';

export const PYTHON = '/usr/bin/python3';

/** A fresh directory under .cache/instrument-check (git-ignored, inside the project so node_modules resolves). */
export function scratchDir(name: string): string {
  const base = path.join(ROOT, '.cache', 'instrument-check');
  // drop leftovers of earlier runs (their process is gone)
  for (const e of fs.existsSync(base) ? fs.readdirSync(base) : []) {
    const m = /-(\d+)$/.exec(e);
    if (!m || !e.startsWith(`${name}-`) || Number(m[1]) === process.pid) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch {
      fs.rmSync(path.join(base, e), { recursive: true, force: true });
    }
  }
  const dir = path.join(base, `${name}-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export function pyCompile(file: string): { ok: boolean; output: string } {
  const r = spawnSync(PYTHON, ['-m', 'py_compile', file], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

export function runPython(code: string, cwd: string, env: Record<string, string> = {}): { status: number | null; out: string } {
  const r = spawnSync(PYTHON, ['-c', code], { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts `python -m uvicorn module:app`; resolves once uvicorn reports startup (or rejects when it exits first). */
export async function startUvicorn(cwd: string, target: string): Promise<{ proc: ChildProcess; port: number; log: () => string }> {
  const port = await freePort();
  const proc = spawn(PYTHON, ['-m', 'uvicorn', target, '--host', '127.0.0.1', '--port', String(port)], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      log += d.toString();
      if (log.includes('Uvicorn running on')) resolve();
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`uvicorn exited (${code}) before it was ready:\n${log}`)));
    proc.once('error', reject);
  });
  return { proc, port, log: () => log };
}

/** GET with bounded retries on connection errors (readiness), following redirects. */
export async function getText(url: string, attempts = 50): Promise<{ status: number; body: string }> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      const r = await fetch(url);
      return { status: r.status, body: await r.text() };
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`GET ${url} failed after ${attempts} attempts: ${String(last)}`);
}

/** A recording stub of the `opentelemetry` package (the real one is not installed here): spans land in `opentelemetry.trace.SPANS`. */
const OTEL_STUB: Record<string, string> = {
  'opentelemetry/__init__.py': '',
  'opentelemetry/trace/__init__.py': `
import contextlib
SPANS = []
class StatusCode:
    UNSET = 0
    OK = 1
    ERROR = 2
class Status:
    def __init__(self, code, description=None):
        self.status_code = code
class _Span:
    def __init__(self, name):
        self.name, self.attributes, self.exceptions, self.status = name, {}, [], None
    def set_attribute(self, k, v):
        self.attributes[k] = v
    def record_exception(self, e):
        self.exceptions.append(e)
    def set_status(self, s):
        self.status = s.status_code
class _Tracer:
    def __init__(self, name):
        self.name = name
    @contextlib.contextmanager
    def start_as_current_span(self, name):
        span = _Span(name)
        SPANS.append(span)
        yield span
def get_tracer(name, *a, **k):
    return _Tracer(name)
`,
};

export function writeOtelStub(dir: string): void {
  for (const [rel, content] of Object.entries(OTEL_STUB)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
}
