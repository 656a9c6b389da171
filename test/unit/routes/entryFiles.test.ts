/** Entry points the configuration names (package.json, wrangler, deno.json tasks, Dockerfile, Procfile). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isEntryFile, readEntryStems } from '../../../src/core/routes/entryFiles';

test('the files package.json, wrangler, deno.json, Dockerfile and Procfile name are entries; a build file names its source', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'entries-'));
  try {
    const write = (rel: string, text: string): string => {
      const f = path.join(root, rel);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, text);
      return f;
    };
    const configs = [
      write('api/package.json', JSON.stringify({ main: 'dist/server.js', scripts: { dev: 'tsx watch src/dev.ts', lint: 'eslint --fix' } })),
      write('worker/wrangler.toml', 'name = "w"\nmain = "src/worker.ts"\n'),
      write('edge/deno.json', JSON.stringify({ tasks: { start: 'deno run -A main.ts' } })),
      write('svc/Dockerfile', 'FROM node:20\nCMD ["node", "build/app.js"]\n'),
      write('web/Procfile', 'web: node .\n'),
      write('bad/package.json', '{ not json'),
    ];
    const notes: string[] = [];
    const { stems, dirs } = await readEntryStems(root, configs, notes);
    const set = new Set(stems);
    const yes = [
      'api/src/server.ts',
      'api/dist/server.js',
      'api/server.ts',
      'api/src/dev.ts',
      'worker/src/worker.ts',
      'edge/main.ts',
      'svc/src/app.ts',
      'web/index.js',
    ];
    for (const f of yes) assert.ok(isEntryFile(path.join(root, f), set), f);
    for (const f of ['api/src/routes/users.ts', 'worker/src/routes.ts', 'edge/routes/main.ts', 'api/eslint.ts'])
      assert.ok(!isEntryFile(path.join(root, f), set), f);
    assert.deepEqual(
      dirs.map((d) => path.relative(root, d)),
      ['api', 'bad', 'edge', 'svc', 'web', 'worker'],
    );
    assert.deepEqual(notes, []);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
