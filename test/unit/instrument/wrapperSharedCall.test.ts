/**
 * The wrapper style on one registration call serving several paths (a loop over rows: `for name, view in (…):
 * bp.add_url_rule(f"/{name}", view_func=view)`): Flask's view is wrapped once with the label of every path (the helper
 * counts each request under the URL rule it matched), never once per path around the same view; the same plan for one of
 * its routes alone; FastAPI, whose wrapper cannot tell which path matched, is refused with that reason.
 */
import { strict as assert } from 'node:assert';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { applyEdits, DEFAULT_OPTIONS, planInstrumentFile, planInstrumentRoute } from '../../../src/core/instrument/planner';
import type { Aspect } from '../../../src/core/instrument/types';
import { detectRoutes } from '../../../src/core/routes/detector';
import { asWritten } from '../../../src/core/routes/route';
import type { Route } from '../../../src/core/routes/types';

const ALL: Aspect[] = ['counter', 'histogram', 'span'];
const OPTS = { ...DEFAULT_OPTIONS };

async function routesOf(file: string, text: string): Promise<Route[]> {
  return (await detectRoutes([{ path: file, text }])).map(asWritten).filter((r) => r.file === file);
}

const FLASK = [
  'from flask import Blueprint',
  '',
  'meta = Blueprint("meta", __name__, url_prefix="/meta")',
  '',
  '',
  'def ping():',
  '    return "pong"',
  '',
  '',
  'for name, view in (("ping", ping), ("health", ping)):',
  '    meta.add_url_rule(f"/{name}", view_func=view)',
  '',
].join('\n');

const FASTAPI = [
  'from fastapi import APIRouter',
  '',
  'router = APIRouter(prefix="/meta")',
  '',
  '',
  'async def ping():',
  '    return "pong"',
  '',
  '',
  'for name in ("ping", "health"):',
  '    router.add_api_route(f"/{name}", ping, methods=["GET"])',
  '',
].join('\n');

describe('wrapper style: one registration call serving several paths', () => {
  it('Flask: the view wrapped once with every label, the same for one route alone, and once only', async () => {
    const file = path.join(os.tmpdir(), 'tl-shared-call', 'meta.py');
    const routes = await routesOf(file, FLASK);
    assert.deepEqual(
      routes.map((r) => r.fullPath),
      ['/meta/health', '/meta/ping'],
    );
    const p = await planInstrumentFile(FLASK, file, routes, ALL, OPTS);
    assert.equal(p.refused, undefined, p.summary);
    const out = applyEdits(FLASK, p.edits);
    assert.match(out, /meta\.add_url_rule\(f"\/\{name\}", view_func=observe_route\("GET", "\/meta\/health", "\/meta\/ping"\)\(view\)\)\n/);
    for (const r of routes) assert.equal(applyEdits(FLASK, (await planInstrumentRoute(FLASK, file, r, ALL, OPTS, routes)).edits), out);
    const again = await planInstrumentFile(out, file, await routesOf(file, out), ALL, OPTS);
    assert.deepEqual(again.edits, []);
  });

  it('FastAPI: refused, the wrapper cannot tell which of the paths a request matched', async () => {
    const file = path.join(os.tmpdir(), 'tl-shared-call-fastapi', 'meta.py');
    const routes = await routesOf(file, FASTAPI);
    assert.equal(routes.length, 2);
    const p = await planInstrumentFile(FASTAPI, file, routes, ALL, OPTS);
    assert.deepEqual(p.edits, []);
    assert.match(p.refused ?? '', /its registration serves 2 paths \(\/meta\/health, \/meta\/ping\): FastAPI gives the wrapper no way/);
  });
});
