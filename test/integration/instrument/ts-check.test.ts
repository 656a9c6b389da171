/**
 * Every instrumented TS/JS sample (all aspect combinations, plus the /metrics endpoint and the generated
 * tracing file) type-checks with the TypeScript compiler API against the real prom-client, @opentelemetry/api,
 * framework and OpenTelemetry SDK types. Outputs are written under .cache/instrument-check/ so that
 * node_modules resolution finds /work/main/node_modules.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { applyEdits, planAppSetup, planInstrumentFile } from '../../../src/core/instrument/planner';
import type { Aspect } from '../../../src/core/instrument/types';
import { CASES, loadCase } from '../../support/instrument/cases';
import { FIXTURES, OPTS, readFixture } from '../../support/instrument/helpers';
import { scratchDir } from '../../support/instrument/pyenv';

const JS_CASES = CASES.filter((c) => !c.input.endsWith('.py'));
const VARIANTS: Aspect[][] = [['counter', 'histogram', 'span'], ['counter', 'histogram'], ['span'], ['counter'], ['histogram']];

function typecheck(files: string[], js: boolean): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    moduleDetection: ts.ModuleDetectionKind.Force,
    esModuleInterop: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    skipLibCheck: true,
    allowJs: true,
    checkJs: true,
    types: ['node'],
    noUnusedLocals: true,
    // plain JS samples have unannotated parameters: that is the user's code, not the instrumentation
    noImplicitAny: !js,
  };
  const program = ts.createProgram(files, options);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => !d.file || files.includes(path.resolve(d.file.fileName)))
    .map((d) => {
      const msg = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (!d.file || d.start === undefined) return msg;
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      return `${path.basename(path.dirname(d.file.fileName))}/${path.basename(d.file.fileName)}:${line + 1}:${character + 1} ${msg}`;
    });
}

describe('instrumented TypeScript/JavaScript type-checks', () => {
  it('all samples × aspect combinations, /metrics endpoints and tracing files', { timeout: 120_000 }, async () => {
    const dir = scratchDir('tscheck');
    const files: string[] = [];
    const write = (rel: string, content: string) => {
      const p = path.join(dir, rel);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, content);
      files.push(p);
    };
    for (const c of JS_CASES) {
      const { file, text, routes } = await loadCase(c);
      for (const aspects of VARIANTS) {
        const plan = await planInstrumentFile(text, file, routes, aspects, OPTS);
        assert.equal(plan.refused, undefined, `${c.name} ${aspects}: ${plan.refused}`);
        let out = applyEdits(text, plan.edits);
        const sub = `${c.name}-${aspects.join('-')}`;
        if (aspects.length === 3) {
          // app-level setup on top, where the file creates the app
          for (const kind of ['metrics-endpoint', 'tracing'] as const) {
            const s = await planAppSetup(out, file, kind, OPTS);
            if (s.plan.refused) continue; // e.g. a controller file has no app object
            out = applyEdits(out, s.plan.edits);
            for (const nf of s.newFiles) write(path.join(sub, path.basename(nf.path)), nf.content);
          }
        }
        write(path.join(sub, path.basename(file)), out);
      }
      // the opt-in in-flight gauge
      const gauge = await planInstrumentFile(text, file, routes, ['counter', 'histogram', 'span'], { ...OPTS, inFlightGauge: true });
      assert.match(applyEdits(text, gauge.edits), /\.dec\(\)/);
      write(path.join(`${c.name}-inflight`, path.basename(file)), applyEdits(text, gauge.edits));
    }
    // NestJS bootstrap file: /metrics on the HTTP adapter + tracing import, next to the instrumented controller
    {
      const main = readFixture('nestjs/main.ts');
      let out = main.text;
      for (const kind of ['metrics-endpoint', 'tracing'] as const) {
        const s = await planAppSetup(out, main.file, kind, OPTS);
        assert.equal(s.plan.refused, undefined, s.plan.refused);
        out = applyEdits(out, s.plan.edits);
        for (const nf of s.newFiles) write(path.join('nestjs-main', path.basename(nf.path)), nf.content);
      }
      write(path.join('nestjs-main', 'main.ts'), out);
      write(
        path.join('nestjs-main', 'users.controller.ts'),
        fs.readFileSync(path.join(FIXTURES, 'nestjs/users.controller.expected.ts'), 'utf8'),
      );
    }
    const isJs = (f: string) => /\.[cm]?js$/.test(f);
    // negative control: proves the real prom-client / @opentelemetry/api types are resolved (not `any`)
    const control = path.join(dir, 'control', 'control.ts');
    fs.mkdirSync(path.dirname(control), { recursive: true });
    fs.writeFileSync(
      control,
      "import { Counter } from 'prom-client';\nimport { trace } from '@opentelemetry/api';\nnew Counter({ name: 1 });\ntrace.getTracer('x').startActiveSpan(2);\n",
    );
    const tsDiags = typecheck([...files.filter((f) => !isJs(f)), control], false);
    assert.equal(tsDiags.filter((d) => d.startsWith('control/')).length, 2, tsDiags.join('\n'));
    assert.deepEqual(
      tsDiags.filter((d) => !d.startsWith('control/')),
      [],
    );
    assert.deepEqual(typecheck(files.filter(isJs), true), []);
    assert.ok(files.length >= JS_CASES.length * VARIANTS.length);
  });
});

describe('wrapper style type-checks', () => {
  it(
    'every wrapped sample with its generated helper (TS strict, checkJs), inline arrows keeping their contextual types',
    { timeout: 120_000 },
    async () => {
      const dir = scratchDir('tscheck-wrapper');
      const files: string[] = [];
      for (const input of [...JS_CASES.map((c) => c.input), 'express-crossfile/app.ts']) {
        const src = path.dirname(path.join(FIXTURES, input));
        const sub = path.join(dir, path.basename(src));
        fs.mkdirSync(sub, { recursive: true });
        // the other modules of the sample as they are, the entry as wrapped (golden), the helper as planned
        for (const f of fs.readdirSync(src).filter((x) => !/\.(expected|wrapped)\./.test(x) && /\.[cm]?[jt]s$/.test(x))) {
          fs.copyFileSync(path.join(src, f), path.join(sub, f));
          if (f !== path.basename(input)) files.push(path.join(sub, f));
        }
        const { file, text } = readFixture(input);
        const { detectRoutes } = await import('../../../src/core/routes/detector');
        const routes = (
          await detectRoutes(
            fs
              .readdirSync(src)
              .filter((x) => !/\.(expected|wrapped)\./.test(x))
              .map((f) => ({ path: path.join(src, f), text: fs.readFileSync(path.join(src, f), 'utf8') })),
          )
        ).filter((r) => r.file === file);
        const plan = await planInstrumentFile(text, file, routes, ['counter', 'histogram', 'span'], { ...OPTS, style: 'wrapper' });
        const target = path.join(sub, path.basename(input));
        fs.writeFileSync(target, fs.readFileSync(path.join(FIXTURES, input.replace(/(\.[a-z]+)$/, '.wrapped$1')), 'utf8'));
        assert.equal(applyEdits(text, plan.edits), fs.readFileSync(target, 'utf8'));
        const helper = plan.newFiles![0]!;
        fs.writeFileSync(path.join(sub, path.basename(helper.path)), helper.content);
        files.push(target, path.join(sub, path.basename(helper.path)));
        // the helper written with the opt-in in-flight gauge, in the same module style
        const gauge = await planInstrumentFile(text, file, routes, ['counter', 'histogram', 'span'], {
          ...OPTS,
          style: 'wrapper',
          inFlightGauge: true,
        });
        const gaugeHelper = path.join(`${sub}-inflight`, path.basename(helper.path));
        fs.mkdirSync(path.dirname(gaugeHelper), { recursive: true });
        fs.writeFileSync(gaugeHelper, gauge.newFiles![0]!.content);
        assert.match(gauge.newFiles![0]!.content, /httpRequestsInProgress\.dec\(\)/);
        files.push(gaugeHelper);
      }
      // a `function` using `this`, wrapped where nothing gives it a type (the framework's types absent, or not inferred)
      const untyped = path.join(dir, 'express', 'untypedThis.ts');
      fs.writeFileSync(
        untyped,
        "import { observeRoute } from './telemetryRoutes';\ndeclare const server: any;\n" +
          "server.route({ handler: observeRoute('GET', '/x', async function exportAll() { return this.repository; }) });\n",
      );
      files.push(untyped);
      const isJs = (f: string) => /\.[cm]?js$/.test(f);
      // noUnusedLocals stays on: the helper declares nothing it does not use
      assert.deepEqual(
        typecheck(
          files.filter((f) => !isJs(f)),
          false,
        ),
        [],
      );
      assert.deepEqual(typecheck(files.filter(isJs), true), []);
      // a project targeting ES2015 compiles the helper: nothing from a newer library (no matchAll, no Object.entries);
      // without @types/node, whose references would bring the newer libraries in
      const helpers = files.filter((f) => /telemetryRoutes\.[cm]?[jt]s$/.test(f));
      const old = ts.createProgram(helpers, {
        target: ts.ScriptTarget.ES2015,
        lib: ['lib.es2015.d.ts'],
        types: [],
        noEmit: true,
        allowJs: true,
        checkJs: true,
      });
      const newer = ts
        .getPreEmitDiagnostics(old)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '))
        .filter((m) => /target library|'lib' compiler option/.test(m));
      assert.ok(helpers.length >= JS_CASES.length);
      assert.deepEqual(newer, []);
      // nor does it need the DOM or @types/node typings (a server project's tsconfig has neither `Response` then)
      const bare = ts.createProgram(
        helpers.filter((f) => /\.[cm]?ts$/.test(f)),
        {
          strict: true,
          target: ts.ScriptTarget.ES2020,
          lib: ['lib.es2020.d.ts'],
          types: [],
          module: ts.ModuleKind.CommonJS,
          moduleResolution: ts.ModuleResolutionKind.Node10,
          esModuleInterop: true,
          noEmit: true,
          skipLibCheck: true,
          experimentalDecorators: true,
        },
      );
      const bareErrors = ts
        .getPreEmitDiagnostics(bare)
        .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
      assert.deepEqual(bareErrors, []);
    },
  );
});
