/**
 * An ES module TypeScript package (`"type": "module"`, `module`/`moduleResolution` Node16) whose route files do or do
 * not have relative imports of their own: every route file instrumented in the wrapper style imports the helper with
 * its `.js` extension, the real `tsc -p` builds with no diagnostic, and Node's own ESM loader runs the build: each
 * route answers as before and is counted. A control proves that this tsc rejects an extensionless relative import.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { register } from 'prom-client';
import { applyEdits, planInstrumentFile } from '../../../src/core/instrument/planner';
import { detectRoutes } from '../../../src/core/routes/detector';
import { FIXTURES, OPTS, tscProject as tsc } from '../../support/instrument/helpers';
import { scratchDir } from '../../support/instrument/pyenv';

function copyProject(name: string): string {
  const dir = path.join(scratchDir(name), 'fastify-esm-nodenext');
  fs.cpSync(path.join(FIXTURES, 'fastify-esm-nodenext'), dir, { recursive: true });
  return dir;
}

const read = (dir: string, rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8');

describe('Instrument Route on an ES module TypeScript package under Node16 resolution', () => {
  it(
    'wrapper style: every route file imports the helper with `.js`, tsc -p builds cleanly and Node runs the build',
    { timeout: 240_000 },
    async () => {
      const dir = copyProject('ts-esm-nodenext');
      const sources = (fs.readdirSync(path.join(dir, 'src'), { recursive: true }) as string[])
        .filter((f) => f.endsWith('.ts'))
        .map((f) => ({ path: path.join(dir, 'src', f), text: read(dir, path.join('src', f)) }));
      const routes = await detectRoutes(sources);
      const files = [...new Set(routes.map((r) => r.file))];
      assert.equal(files.length, 3);
      for (const file of files) {
        const text = fs.readFileSync(file, 'utf8');
        const plan = await planInstrumentFile(
          text,
          file,
          routes.filter((r) => r.file === file),
          ['counter', 'histogram', 'span'],
          { ...OPTS, style: 'wrapper' },
        );
        assert.equal(plan.refused, undefined, `${file}: ${plan.refused}`);
        fs.writeFileSync(file, applyEdits(text, plan.edits));
        for (const nf of plan.newFiles ?? []) if (!fs.existsSync(nf.path)) fs.writeFileSync(nf.path, nf.content);
      }
      // the two files with no relative import of their own follow the project, the third its own `.js` imports
      for (const [rel, spec] of [
        ['src/modules/selenium/selenium.routes.ts', '../../telemetryRoutes.js'],
        ['src/plugins/ui-plugin.ts', '../telemetryRoutes.js'],
        ['src/modules/sessions/sessions.routes.ts', '../../telemetryRoutes.js'],
      ] as const)
        assert.ok(read(dir, rel).includes(`import { observeRoute } from '${spec}';`), `${rel}:\n${read(dir, rel)}`);

      const built = tsc(dir);
      assert.equal(built.status, 0, built.out);
      assert.equal(built.out, '');

      const { build } = (await import(pathToFileURL(path.join(dir, 'dist', 'app.js')).href)) as { build(): FastifyInstance };
      const app = build();
      try {
        const ask = async (url: string) => {
          const r = await app.inject({ method: 'GET', url });
          return `${r.statusCode} ${r.body}`;
        };
        assert.equal(await ask('/selenium/status'), '200 {"ready":true}');
        assert.equal(await ask('/ui/health'), '200 ok');
        assert.equal(await ask('/sessions/s1'), '200 {"id":"s1"}');
        assert.equal(await ask('/sessions/nope'), '404 {"error":"not found"}');
      } finally {
        await app.close();
      }
      const counted = await register.metrics();
      for (const label of ['route="/selenium/status"', 'route="/ui/health"', 'route="/sessions/:id"'])
        assert.ok(counted.includes(label), `${label} counted:\n${counted}`);
    },
  );

  it('control: this tsc rejects an extensionless relative import in the package (TS2835)', { timeout: 120_000 }, () => {
    const dir = copyProject('ts-esm-nodenext-control');
    const file = path.join(dir, 'src', 'plugins', 'ui-plugin.ts');
    fs.writeFileSync(file, `import { sessions } from '../lib/store';\nvoid sessions;\n${fs.readFileSync(file, 'utf8')}`);
    const r = tsc(dir);
    assert.notEqual(r.status, 0);
    assert.match(r.out, /error TS2835: Relative import paths need explicit file extensions/);
  });
});
