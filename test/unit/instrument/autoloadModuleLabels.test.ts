/**
 * Instrument Route on a route file a module plugin autoloads with the `opts.prefix` autoload gave the module
 * (test/fixtures/routes/fastify_autoload_module_prefix): the labels carry the full path, `/api/v1/<module>/…`, in both
 * styles; a loader's prefix known only at run time labels the path below it, and says so.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { applyEdits, planInstrumentFile } from '../../../src/core/instrument/planner';
import { scanWorkspace } from '../../../src/core/routes/workspace';
import { DEFAULT_OPTIONS } from '../../../src/core/instrument/types';

const ROOT = path.resolve(__dirname, '../../fixtures/routes/fastify_autoload_module_prefix');

async function plan(rel: string, style: 'wrapper' | 'inline') {
  const file = path.join(ROOT, rel);
  const text = fs.readFileSync(file, 'utf8');
  const routes = (await scanWorkspace(ROOT)).routes.filter((r) => r.file === file);
  const p = await planInstrumentFile(text, file, routes, ['counter', 'histogram', 'span'], { ...DEFAULT_OPTIONS, style }, routes);
  return { plan: p, after: applyEdits(text, p.edits) };
}

describe('Instrument Route: a module plugin autoloading its routes with the prefix autoload gave it', () => {
  it('wrapper style: each handler is labelled with /api/v1/<module>/…, nested folders included', async () => {
    const { after } = await plan('src/modules/fleet/routes/drivers.js', 'wrapper');
    assert.match(after, /server\.get\('\/drivers', observeRoute\('GET', '\/api\/v1\/fleet\/drivers', /);
    assert.match(after, /observeRoute\('POST', '\/api\/v1\/fleet\/drivers\/:id\/assign', /);
    const nested = await plan('src/modules/fleet/routes/dashboard/summary/month.js', 'wrapper');
    assert.match(nested.after, /observeRoute\('GET', '\/api\/v1\/fleet\/dashboard\/summary\/month', /);
  });

  it('inline style: the span and the metric labels carry the full path; `{ prefix }` destructured too', async () => {
    const { after } = await plan('src/modules/accounts/routes/login.js', 'inline');
    assert.match(after, /startActiveSpan\('POST \/api\/v1\/accounts\/login'/);
    assert.match(after, /route: '\/api\/v1\/accounts\/login'/);
  });

  it('a loader prefix from an environment variable: labelled below it, with the reason', async () => {
    const { plan: p } = await plan('src/legacy/archive/routes/records.js', 'inline');
    assert.match(p.summary, /GET \/records: labelled with the path below a prefix known only at run time/);
    assert.match(p.summary, /autoload prefix at src\/app\.js:17 is a run-time environment variable LEGACY_PREFIX with no default/);
  });
});
