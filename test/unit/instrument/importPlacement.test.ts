/**
 * Where the module-level lines go: the helper's import (wrapper style), the metrics block and the imports it uses
 * (inline style) run before the first line that uses them. A Python `import` and a CommonJS `require()` run where they
 * are written: in a module whose imports are interleaved with registrations (`from .a import A` /
 * `api.add_resource(A, …)` / `from .b import B` …), after the last import is too late (NameError, ReferenceError at
 * import). After the top import block when that is above the first use, as before; else after the last import above
 * it; never above a module docstring or `from __future__` imports. An existing import below the first use does not
 * count: the name is imported again above it.
 */
import { strict as assert } from 'node:assert';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { applyEdits, DEFAULT_OPTIONS, planAppSetup, planInstrumentFile } from '../../../src/core/instrument/planner';
import type { Aspect, InstrumentOptions } from '../../../src/core/instrument/types';
import { detectRoutes } from '../../../src/core/routes/detector';

const ALL: Aspect[] = ['counter', 'histogram', 'span'];
const WRAPPER: InstrumentOptions = { ...DEFAULT_OPTIONS, style: 'wrapper' };
const INLINE: InstrumentOptions = { ...DEFAULT_OPTIONS, style: 'inline' };
const DIR = path.join(os.tmpdir(), 'tl-import-placement');

/** Plans `entry` of the files (relative path → text) with the routes detected over all of them; the text after. */
async function instrument(files: Record<string, string>, entry: string, opts: InstrumentOptions): Promise<string> {
  const sources = Object.entries(files).map(([rel, text]) => ({ path: path.join(DIR, rel), text }));
  const file = path.join(DIR, entry);
  const routes = (await detectRoutes(sources)).filter((r) => r.file === file);
  assert.ok(routes.length, 'routes detected');
  const plan = await planInstrumentFile(files[entry]!, file, routes, ALL, opts);
  assert.equal(plan.refused, undefined, plan.summary);
  // the helper's module as the file imports it (`telemetry_routes`, `.telemetry_routes`: where it is depends on the disk)
  return applyEdits(files[entry]!, plan.edits).replace(/^from \S*telemetry_routes import/m, 'from telemetry_routes import');
}

const lines = (...l: string[]) => l.join('\n') + '\n';

/** The app registering the blueprint of api/__init__.py, and its two views. */
const VIEWS = {
  'app.py': lines('from flask import Flask', 'from api import bp', 'app = Flask(__name__)', 'app.register_blueprint(bp)'),
  'api/a.py': lines('def a():', '    return "a"'),
  'api/b.py': lines('def b():', '    return "b"'),
};

describe('module-level lines above their first use', () => {
  it('Python wrapper: imports interleaved with registrations, the helper imported above the first one, below the docstring and __future__', async () => {
    const init = lines(
      '"""The API."""',
      'from __future__ import annotations',
      '',
      'from flask import Blueprint',
      '',
      'bp = Blueprint("api", __name__, url_prefix="/api")',
      '',
      'from .a import a',
      'bp.add_url_rule("/a", view_func=a)',
      '',
      'from .b import b',
      'bp.add_url_rule("/b", view_func=b)',
    );
    const out = await instrument({ 'api/__init__.py': init, ...VIEWS }, 'api/__init__.py', WRAPPER);
    assert.equal(
      out,
      lines(
        '"""The API."""',
        'from __future__ import annotations',
        '',
        'from flask import Blueprint',
        '',
        'bp = Blueprint("api", __name__, url_prefix="/api")',
        '',
        'from .a import a',
        'from telemetry_routes import observe_route',
        'bp.add_url_rule("/a", view_func=observe_route("GET", "/api/a")(a))',
        '',
        'from .b import b',
        'bp.add_url_rule("/b", view_func=observe_route("GET", "/api/b")(b))',
      ),
    );
  });

  it('Python wrapper: an import sharing its line with the first registration, the helper imported on the line above', async () => {
    const init = lines(
      'from flask import Blueprint',
      'bp = Blueprint("api", __name__, url_prefix="/api")',
      'from .a import a; bp.add_url_rule("/a", view_func=a)',
      'from .b import b',
      'bp.add_url_rule("/b", view_func=b)',
    );
    const out = await instrument({ 'api/__init__.py': init, ...VIEWS }, 'api/__init__.py', WRAPPER);
    assert.equal(
      out,
      lines(
        'from flask import Blueprint',
        'from telemetry_routes import observe_route',
        'bp = Blueprint("api", __name__, url_prefix="/api")',
        'from .a import a; bp.add_url_rule("/a", view_func=observe_route("GET", "/api/a")(a))',
        'from .b import b',
        'bp.add_url_rule("/b", view_func=observe_route("GET", "/api/b")(b))',
      ),
    );
  });

  it('Python wrapper: imports all above the registrations, the helper after the last of them, as before', async () => {
    const init = lines(
      'from flask import Blueprint',
      '',
      'from .a import a',
      'from .b import b',
      '',
      'bp = Blueprint("api", __name__, url_prefix="/api")',
      'bp.add_url_rule("/a", view_func=a)',
      'bp.add_url_rule("/b", view_func=b)',
    );
    const out = await instrument({ 'api/__init__.py': init, ...VIEWS }, 'api/__init__.py', WRAPPER);
    assert.match(out, /^from \.b import b\nfrom telemetry_routes import observe_route\n\nbp = Blueprint/m);
  });

  it('Python inline: Counter imported below the routes, imported again above the metrics block that uses it', async () => {
    const app = lines(
      'from flask import Flask',
      '',
      'app = Flask(__name__)',
      '',
      '',
      '@app.route("/a")',
      'def a():',
      '    return "a"',
      '',
      '',
      'from prometheus_client import Counter',
      '',
      'SEEN = Counter("seen_total", "Seen.")',
    );
    const out = await instrument({ 'app.py': app }, 'app.py', INLINE);
    const block = out.indexOf('HTTP_REQUESTS_TOTAL = Counter(');
    const early = out.indexOf('from prometheus_client import Counter, Histogram, REGISTRY\n');
    assert.ok(early >= 0 && early < block, out);
    // the import below the routes is left as it was (nothing merged into it)
    assert.match(out, /\n\nfrom prometheus_client import Counter\n\nSEEN = /);
  });

  it('CommonJS wrapper: requires interleaved with registrations, the helper required with the first requires', async () => {
    const app = lines(
      "const express = require('express');",
      'const app = express();',
      "const users = require('./users');",
      "app.get('/users', users.list);",
      "const items = require('./items');",
      "app.get('/items', items.list);",
    );
    const handlers = lines('exports.list = (req, res) => res.json([]);');
    const out = await instrument({ 'app.js': app, 'users.js': handlers, 'items.js': handlers }, 'app.js', WRAPPER);
    assert.match(
      out,
      /^const express = require\('express'\);\nconst \{ observeRoute \} = require\('\.\/telemetryRoutes'\);\nconst app = express\(\);/,
    );
  });

  it('CommonJS inline: prom-client required below the routes, required again above the metrics (a require is not hoisted)', async () => {
    const app = lines(
      "const express = require('express');",
      'const app = express();',
      "app.get('/a', (req, res) => res.send('a'));",
      "const client = require('prom-client');",
      "const seen = new client.Counter({ name: 'seen_total', help: 'Seen.' });",
    );
    const out = await instrument({ 'app.js': app }, 'app.js', INLINE);
    assert.match(out, /^const express = require\('express'\);\nconst \{ Counter, Histogram, register \} = require\('prom-client'\);\n/);
    assert.doesNotMatch(out, /new client\.(Counter|Histogram)\(\{\n/);
    assert.match(out, /register\.getSingleMetric\(name\)/);
  });

  it('ES module inline: an import below the routes is hoisted, used as it is', async () => {
    const app = lines(
      "import express from 'express';",
      'const app = express();',
      "app.get('/a', (req, res) => res.send('a'));",
      "import client from 'prom-client';",
      "export const seen = new client.Counter({ name: 'seen_total', help: 'Seen.' });",
    );
    const out = await instrument({ 'app.mjs': app }, 'app.mjs', INLINE);
    assert.match(out, /\?\? new client\.Counter\(\{\n/);
    assert.doesNotMatch(out, /from 'prom-client';\nconst app/);
  });
});

describe('app set-up: the imports of the lines added below the app', () => {
  it('make_asgi_app imported above the mount although prometheus_client is imported below the app', async () => {
    const text = lines(
      'from fastapi import FastAPI',
      '',
      'app = FastAPI()',
      '',
      'from prometheus_client import Counter',
      '',
      'SEEN = Counter("seen_total", "Seen.")',
    );
    const { plan } = await planAppSetup(text, path.join(DIR, 'main.py'), 'metrics-endpoint');
    assert.equal(plan.refused, undefined, plan.summary);
    const out = applyEdits(text, plan.edits);
    assert.match(out, /^from prometheus_client import make_asgi_app\nfrom fastapi import FastAPI\n/);
    assert.match(out, /\nfrom prometheus_client import Counter\n/);
  });
});
