/** The manifest declares what an untrusted workspace may not change (issue 11, finding 1). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as {
  capabilities?: { untrustedWorkspaces?: { supported: boolean | 'limited'; restrictedConfigurations?: string[] } };
  contributes: { configuration: { properties: Record<string, { scope?: string }> }[] };
};
const settings = Object.assign({}, ...pkg.contributes.configuration.map((c) => c.properties)) as Record<string, { scope?: string }>;

test('Restricted Mode is supported in part; where requests go and what opens a port are restricted', () => {
  const u = pkg.capabilities?.untrustedWorkspaces;
  assert.equal(u?.supported, 'limited');
  const restricted = new Set(u?.restrictedConfigurations ?? []);
  for (const k of [
    'prometheus.url',
    'prometheus.auth',
    'prometheus.headers',
    'grafana.url',
    'receiver.enabled',
    'receiver.grpcPort',
    'receiver.httpPort',
    'receiver.queryPort',
    'jaeger.url',
    'jaeger.auth',
    'jaeger.tenant',
    'tempo.url',
    'tempo.auth',
    'tempo.tenant',
    'traces.uiUrl',
  ]) {
    assert.ok(restricted.has(`telemetryLens.${k}`), `telemetryLens.${k} is restricted`);
  }
  for (const k of restricted) assert.ok(settings[k], `${k} is a contributed setting`);
});

test('TLS trust settings cannot come from a workspace at all', () => {
  for (const k of ['telemetryLens.prometheus.caFile', 'telemetryLens.prometheus.insecureSkipVerify'])
    assert.equal(settings[k]?.scope, 'machine', k);
});
