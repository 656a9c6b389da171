/**
 * The manifest and the code agree: every contributed setting is read by src/config.ts, every setting
 * has a markdownDescription, every command a title in our category, every menu/view entry refers to a
 * contributed command. (That every command is registered is checked in the real extension host.)
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const configSource = fs.readFileSync(path.join(root, 'src/config.ts'), 'utf8');
const settings: [string, { markdownDescription?: string }][] = pkg.contributes.configuration.flatMap(
  (section: { properties: Record<string, { markdownDescription?: string }> }) => Object.entries(section.properties),
);

test('every contributed setting is read by src/config.ts and documented', () => {
  assert.ok(settings.length > 10);
  const unread = settings.map(([k]) => k).filter((k) => !configSource.includes(`'${k.replace(/^telemetryLens\./, '')}'`));
  assert.deepEqual(unread, []);
  const undocumented = settings.filter(([, v]) => !v.markdownDescription).map(([k]) => k);
  assert.deepEqual(undocumented, []);
});

test('config.ts reads no setting that is not contributed', () => {
  const keys = new Set(settings.map(([k]) => k.replace(/^telemetryLens\./, '')));
  const read = [...configSource.matchAll(/\.get<[^>]+>\('([^']+)'/g)].map((m) => m[1]!);
  assert.deepEqual(
    read.filter((k) => !keys.has(k)),
    [],
  );
});

test('every command has a title in the Telemetry Lens category; menus refer to contributed commands', () => {
  const ids = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));
  for (const c of pkg.contributes.commands) {
    assert.equal(c.category, 'Telemetry Lens', c.command);
    assert.ok(c.title, c.command);
  }
  const menuRefs = Object.values(pkg.contributes.menus ?? {})
    .flat()
    .map((m) => (m as { command: string }).command);
  assert.deepEqual(
    menuRefs.filter((c) => !ids.has(c)),
    [],
  );
});

test('activation is lazy: languages, our views and commands, never "*"', () => {
  assert.ok(!pkg.activationEvents.includes('*'));
  assert.ok(!pkg.activationEvents.includes('onStartupFinished'));
  for (const lang of ['python', 'typescript', 'javascript']) assert.ok(pkg.activationEvents.includes(`onLanguage:${lang}`));
});

test('the README documents every setting', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  assert.deepEqual(
    settings.map(([k]) => k).filter((k) => !readme.includes(`\`${k}\``)),
    [],
  );
});
