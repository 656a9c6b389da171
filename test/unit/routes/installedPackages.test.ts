/** The registry packages each package.json depends on (workspacePackages.readManifests): an import of one names a package,
 *  never a project module (the NestJS module graph relies on it). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { installedPackage, readManifests } from '../../../src/core/routes/workspacePackages';

test('dependencies of every kind count, local ones (workspace:, file:, link:, portal:) do not; each for the files under its folder', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-installed-'));
  try {
    const api = path.join(root, 'api');
    fs.mkdirSync(api);
    const manifest = (dir: string, json: unknown): string => {
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(json));
      return path.join(dir, 'package.json');
    };
    const files = [
      manifest(root, { private: true, devDependencies: { typescript: '^5.0.0' } }),
      manifest(api, {
        dependencies: { '@nestjs-modules/mailer': '^2.0.0', '@acme/core': 'workspace:*', local: 'file:../local', odd: 3 },
        peerDependencies: { 'nestjs-pino': '^4.0.0' },
        optionalDependencies: { linked: 'link:../linked', yarnPortal: 'portal:../p' },
      }),
    ];
    const notes: string[] = [];
    const { installed } = await readManifests(root, files, notes);
    assert.deepEqual(notes, []);
    const from = path.join(api, 'src', 'app.module.ts');
    assert.equal(installedPackage(installed, '@nestjs-modules/mailer', from), true);
    assert.equal(installedPackage(installed, '@nestjs-modules/mailer/dist/adapters/handlebars.adapter', from), true);
    assert.equal(installedPackage(installed, 'nestjs-pino', from), true);
    assert.equal(installedPackage(installed, 'typescript', from), true); // the root's, above the file
    for (const local of ['@acme/core', 'local', 'linked', 'yarnPortal', 'odd', '@nestjs-modules/other', '@nestjs-modules'])
      assert.equal(installedPackage(installed, local, from), false, local);
    assert.equal(installedPackage(installed, 'nestjs-pino', path.join(root, 'web', 'main.ts')), false); // another folder's
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
