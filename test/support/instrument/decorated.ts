/**
 * Controller libraries instrumented in the wrapper style and run for real (routing-controllers,
 * inversify-express-utils): three copies of a fixture (as written, instrumented, instrumented with each
 * `@ObserveRoute` moved above the other decorators), compiled with the TypeScript compiler as such projects compile,
 * served on loopback, and the request counter read back.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { register } from 'prom-client';
import ts from 'typescript';
import { applyEdits, DEFAULT_OPTIONS, planInstrumentFile } from '../../../src/core/instrument/planner';
import { detectRoutes } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';
import { FIXTURES } from './helpers';
import { listenLoopback } from './run';

export type Reply = { status: number; headers: Record<string, string>; body: string };

/**
 * The fixture `fixture` copied three times under `base`; `controller` instrumented (every route the detector finds in
 * it, reading `detectFrom` or every file) in the second copy, the third with each `@ObserveRoute` moved on top; a
 * second plan on the instrumented text offers nothing. Its routes, as detected, are returned.
 */
export async function prepareDecorated(
  base: string,
  fixture: string,
  controller: string,
  detectFrom?: string[],
): Promise<{ dirs: string[]; instrumented: string; routes: Route[] }> {
  const src = path.join(FIXTURES, fixture);
  const files = fs.readdirSync(src);
  const dirs = ['original', 'wrapped', 'reordered'].map((d) => path.join(base, d));
  for (const d of dirs) {
    fs.mkdirSync(d, { recursive: true });
    for (const f of files) fs.copyFileSync(path.join(src, f), path.join(d, f));
  }
  const wrapped = dirs[1]!;
  const read = (f: string) => ({ path: path.join(wrapped, f), text: fs.readFileSync(path.join(wrapped, f), 'utf8') });
  const file = path.join(wrapped, controller);
  const routes = (await detectRoutes((detectFrom ?? files).map(read))).filter((r) => r.file === file);
  const text = fs.readFileSync(file, 'utf8');
  const plan = await planInstrumentFile(text, file, routes, ['counter', 'histogram', 'span'], DEFAULT_OPTIONS);
  assert.equal(plan.refused, undefined, plan.refused);
  const instrumented = applyEdits(text, plan.edits);
  fs.writeFileSync(file, instrumented);
  const again = await planInstrumentFile(instrumented, file, routes, ['counter', 'histogram', 'span'], DEFAULT_OPTIONS);
  assert.deepEqual(again.edits, [], 'a decorated method offers nothing on a second run');
  const reordered = instrumented.replace(/((?:\n {2}@(?!ObserveRoute)\w+\([^\n]*\))+)\n( {2}@ObserveRoute\([^\n]*\))/g, '\n$2$1');
  assert.notEqual(reordered, instrumented);
  fs.writeFileSync(path.join(dirs[2]!, controller), reordered);
  for (const f of plan.newFiles ?? []) for (const d of dirs.slice(1)) fs.writeFileSync(path.join(d, path.basename(f.path)), f.content);
  return { dirs, instrumented, routes };
}

/** tsc over the copies, type-checked, emitting CommonJS next to the sources (legacy decorators + metadata). */
export function compileDecorated(dirs: string[]): void {
  const roots = dirs.flatMap((d) =>
    fs
      .readdirSync(d)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => path.join(d, f)),
  );
  const program = ts.createProgram(roots, {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    types: ['node'],
  });
  const emitted = program.emit();
  const diags = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  assert.deepEqual(
    diags.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    [],
  );
}

/** The listener on a loopback port; `ask` answers with the status, the headers but `date`, and the body. */
export async function serveReplies(listener: http.RequestListener): Promise<{ ask: Ask; close: () => Promise<void> }> {
  const { url: base, close } = await listenLoopback(listener);
  const ask: Ask = async (method, p, body) => {
    const r = await fetch(base + p, {
      method,
      redirect: 'manual',
      ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    const headers = Object.fromEntries([...r.headers].filter(([k]) => k !== 'date'));
    return { status: r.status, headers, body: await r.text() };
  };
  return { ask, close };
}

type Ask = (m: string, p: string, b?: unknown) => Promise<Reply>;

/** Each request asked of both apps: the instrumented one (`b`) answers exactly as the original (`a`). */
export async function assertSameAnswers(a: { ask: Ask }, b: { ask: Ask }, requests: [string, string, unknown?][]): Promise<void> {
  for (const [method, p, body] of requests) {
    const want = await a.ask(method, p, body);
    assert.deepEqual(await b.ask(method, p, body), want, `${method} ${p}`);
  }
}

/** Each method, route and status counted once. */
export async function assertCountedOnce(counts: [string, string, number][]): Promise<void> {
  for (const [method, route, status] of counts) {
    assert.equal(await requestCount(method, route, status), '1', `${method} ${route} ${status}`);
  }
}

/** The request counter's value for a method, route and status, as prom-client exposes it. */
export const requestCount = async (method: string, route: string, status: number) =>
  new RegExp(`^http_requests_total\\{method="${method}",route="${route}",status="${status}"\\} (\\d+)$`, 'm').exec(
    await register.metrics(),
  )?.[1];
