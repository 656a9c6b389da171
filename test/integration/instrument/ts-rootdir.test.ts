/**
 * A TypeScript project whose tsconfig.json compiles only `src/` (`rootDir: ./src`, `include: ["src/**\/*.ts"]`, output
 * in dist/): every route file instrumented in the wrapper style, the helper module written where the plan says, and
 * the real `tsc -p` builds the project exactly as before (no diagnostic, the same dist/ layout). A control proves
 * that this tsc enforces rootDir: a helper at the project root breaks the build with TS6059.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { applyEdits, planInstrumentFile } from '../../../src/core/instrument/planner';
import { detectRoutes } from '../../../src/core/routes/detector';
import { FIXTURES, OPTS, tscProject as tsc } from '../../support/instrument/helpers';
import { scratchDir } from '../../support/instrument/pyenv';

const ALL = ['counter', 'histogram', 'span'] as const;

/** The fixture copied under the scratch folder (node_modules resolves from the worktree), with its route files. */
function copyProject(name: string): string {
  const dir = path.join(scratchDir(name), 'fastify-rootdir');
  fs.cpSync(path.join(FIXTURES, 'fastify-rootdir'), dir, { recursive: true });
  return dir;
}

function sources(dir: string): { path: string; text: string }[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.startsWith('dist'))
    .map((f) => ({ path: path.join(dir, f), text: fs.readFileSync(path.join(dir, f), 'utf8') }));
}

/** Plans and writes one style over every file holding routes (registrations for wrapper, handlers for inline). */
async function instrumentAll(dir: string, style: 'wrapper' | 'inline'): Promise<{ summaries: string[]; helpers: string[] }> {
  const routes = await detectRoutes(sources(dir));
  const byFile = new Map<string, typeof routes>();
  for (const r of routes) {
    const f = style === 'wrapper' ? r.file : r.handlerFile;
    byFile.set(f, [...(byFile.get(f) ?? []), r]);
  }
  const summaries: string[] = [];
  const helpers: string[] = [];
  for (const [file, rs] of byFile) {
    const text = fs.readFileSync(file, 'utf8');
    const plan = await planInstrumentFile(text, file, rs, [...ALL], { ...OPTS, style });
    assert.equal(plan.refused, undefined, `${file}: ${plan.refused}`);
    fs.writeFileSync(file, applyEdits(text, plan.edits));
    for (const nf of plan.newFiles ?? []) {
      fs.writeFileSync(nf.path, nf.content);
      helpers.push(path.relative(dir, nf.path));
    }
    summaries.push(plan.summary);
  }
  return { summaries, helpers };
}

describe('Instrument Route on a TypeScript project compiling only src/ (rootDir + include)', () => {
  it(
    'wrapper style: the helper lands under src/, tsc -p builds with no new error and the same dist/ layout',
    { timeout: 240_000 },
    async () => {
      const dir = copyProject('ts-rootdir');
      const before = tsc(dir);
      assert.equal(before.status, 0, before.out);
      const layout = (fs.readdirSync(path.join(dir, 'dist'), { recursive: true }) as string[]).sort();
      fs.rmSync(path.join(dir, 'dist'), { recursive: true });

      const { summaries, helpers } = await instrumentAll(dir, 'wrapper');
      assert.deepEqual(helpers, [path.join('src', 'telemetryRoutes.ts')], 'one helper, inside rootDir');
      assert.match(
        fs.readFileSync(path.join(dir, 'src', 'app.main.ts'), 'utf8'),
        /^import \{ observeRoute \} from '\.\/telemetryRoutes';$/m,
      );
      const service = fs.readFileSync(path.join(dir, 'src', 'models', 'post', 'post.service.ts'), 'utf8');
      assert.match(service, /^import \{ observeRoute \} from '\.\.\/\.\.\/telemetryRoutes';$/m);
      // each registration of the shared handler has its own label
      assert.match(service, /observeRoute\('DELETE', '\/api\/posts\/:id', postController\.remove\)/);
      assert.match(service, /observeRoute\('DELETE', '\/api\/posts\/drafts\/:id', postController\.remove\)/);
      assert.equal(summaries.length, 2);

      const after = tsc(dir);
      assert.equal(after.status, 0, after.out);
      assert.equal(after.out, '');
      const built = (fs.readdirSync(path.join(dir, 'dist'), { recursive: true }) as string[]).sort();
      assert.deepEqual(
        built.filter((f) => !/telemetryRoutes/.test(f)),
        layout,
        'the output layout is unchanged (dist/app.main.js stays the entry)',
      );
      assert.ok(built.includes('telemetryRoutes.js'));

      // a second run changes nothing and writes no second helper
      const again = await instrumentAll(dir, 'wrapper');
      assert.deepEqual(again.helpers, []);
      for (const s of again.summaries) assert.match(s, /^already instrumented/);
    },
  );

  it('control: a helper at the project root (outside rootDir) breaks this build with TS6059', { timeout: 120_000 }, () => {
    const dir = copyProject('ts-rootdir-control');
    fs.writeFileSync(path.join(dir, 'telemetryRoutes.ts'), 'export const observed = 1;\n');
    fs.appendFileSync(path.join(dir, 'src', 'app.main.ts'), "import { observed } from '../telemetryRoutes';\nvoid observed;\n");
    const r = tsc(dir);
    assert.notEqual(r.status, 0);
    assert.match(r.out, /error TS6059: File '[^']*telemetryRoutes\.ts' is not under 'rootDir'/);
  });

  it(
    'inline style: the handler shared by two routes is refused at both, the other instrumented; tsc -p still builds',
    { timeout: 120_000 },
    async () => {
      const dir = copyProject('ts-rootdir-inline');
      const { summaries } = await instrumentAll(dir, 'inline');
      const controller = summaries.find((s) => s.includes('/api/posts'))!;
      assert.match(controller, /instrument 1 handler with counter, histogram, span: GET \/api\/posts;/);
      for (const p of ['/api/posts/:id', '/api/posts/drafts/:id'])
        assert.ok(
          controller.includes(
            `DELETE ${p}: its handler is shared by 2 routes: one static label would miscount; the wrapper style labels each registration`,
          ),
          controller,
        );
      const text = fs.readFileSync(path.join(dir, 'src', 'models', 'post', 'post.controller.ts'), 'utf8');
      assert.doesNotMatch(text, /route: '\/api\/posts\/(?:drafts\/)?:id'/);
      const r = tsc(dir);
      assert.equal(r.status, 0, r.out);
    },
  );
});
