/**
 * The wrapper style on a view under stacked route decorators: Flask gets one `@observe_route` under the last of them
 * carrying every route's label (the helper counts each request under the URL rule it matched), planned the same
 * whether the file or one of its routes is instrumented, and idempotent; FastAPI, whose wrapper cannot tell which
 * route matched, observes the first route only and refuses the others with that reason; an older helper without
 * multi-route support is never overwritten and the stacked view is refused with the reason. A Flask blueprint
 * registered under several prefixes is labelled the same way, one label per prefix.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { applyEdits, DEFAULT_OPTIONS, planInstrumentFile, planInstrumentRoute } from '../../../src/core/instrument/planner';
import type { Aspect } from '../../../src/core/instrument/types';
import { detectRoutes } from '../../../src/core/routes/detector';
import { asWritten } from '../../../src/core/routes/route';
import type { Route } from '../../../src/core/routes/types';
import { tempDir } from '../../support/tempTree';

const ALL: Aspect[] = ['counter', 'histogram', 'span'];
const OPTS = { ...DEFAULT_OPTIONS };

async function routesOf(file: string, text: string): Promise<Route[]> {
  return (await detectRoutes([{ path: file, text }])).map(asWritten).filter((r) => r.file === file);
}

/** A module: its head (imports, the app), two blank lines, the view. */
const pyApp = (head: string[], view: string[]): string => [...head, '', '', ...view, ''].join('\n');

const FLASK = [
  'from flask import Blueprint',
  '',
  'games = Blueprint("games", __name__, url_prefix="/g")',
  '',
  '',
  '@games.route("/annonces/<slug>/cloner/", methods=["GET"])',
  '@games.route("/annonces/<slug>/editer/", methods=["GET"])',
  '@login_required',
  'def edit_form(slug):',
  '    return slug',
  '',
].join('\n');

describe('wrapper style: a Flask view under stacked route decorators', () => {
  it('one decorator under the last of them with the label of each route; the same plan for one route alone; a second run changes nothing', async () => {
    const file = path.join(os.tmpdir(), 'tl-stacked', 'views.py');
    const routes = await routesOf(file, FLASK);
    assert.deepEqual(
      routes.map((r) => r.fullPath),
      ['/g/annonces/<slug>/cloner/', '/g/annonces/<slug>/editer/'],
    );
    const p = await planInstrumentFile(FLASK, file, routes, ALL, OPTS);
    assert.equal(p.refused, undefined, p.summary);
    assert.match(
      p.summary,
      /^instrument 2 handlers one line each.*GET \/g\/annonces\/<slug>\/cloner\/, GET \/g\/annonces\/<slug>\/editer\//,
    );
    const out = applyEdits(FLASK, p.edits);
    assert.match(
      out,
      /@games\.route\("\/annonces\/<slug>\/editer\/", methods=\["GET"\]\)\n@observe_route\("GET", "\/g\/annonces\/<slug>\/cloner\/", "\/g\/annonces\/<slug>\/editer\/"\)\n@login_required\n/,
    );
    assert.equal(out.split('\n').length, FLASK.split('\n').length + 2, 'the import and one decorator');
    // the CodeLens of either route: the same one line
    for (const r of routes) assert.equal(applyEdits(FLASK, (await planInstrumentRoute(FLASK, file, r, ALL, OPTS, routes)).edits), out);
    const again = await planInstrumentFile(out, file, await routesOf(file, out), ALL, OPTS);
    assert.deepEqual(again.edits, []);
    assert.equal(again.refused, undefined, 'every stacked route is already observed, none refused');
    assert.match(again.summary, /^already instrumented/);
  });

  it('a decorator written before stacked routes were labelled apart gets the labels it lacks, once', async () => {
    const file = path.join(os.tmpdir(), 'tl-stacked-older', 'views.py');
    const older = FLASK.replace('@login_required', '@observe_route("GET", "/g/annonces/<slug>/cloner/")\n@login_required').replace(
      'from flask import Blueprint',
      'from flask import Blueprint\nfrom telemetry_routes import observe_route',
    );
    const p = await planInstrumentFile(older, file, await routesOf(file, older), ALL, OPTS);
    const out = applyEdits(older, p.edits);
    assert.match(out, /\n@observe_route\("GET", "\/g\/annonces\/<slug>\/cloner\/", "\/g\/annonces\/<slug>\/editer\/"\)\n@login_required\n/);
    assert.equal(out.split('\n').length, older.split('\n').length, 'no new line');
    assert.deepEqual((await planInstrumentFile(out, file, await routesOf(file, out), ALL, OPTS)).edits, []);
  });

  it('stacked decorators of different methods: the request resolves the method (`GET|POST`)', async () => {
    const file = path.join(os.tmpdir(), 'tl-stacked-methods', 'app.py');
    const text = pyApp(
      ['from flask import Flask', '', 'app = Flask(__name__)'],
      ['@app.route("/a", methods=["GET"])', '@app.route("/b", methods=["POST"])', 'def view():', '    return "x"'],
    );
    const p = await planInstrumentFile(text, file, await routesOf(file, text), ALL, OPTS);
    assert.match(
      applyEdits(text, p.edits),
      /@app\.route\("\/b", methods=\["POST"\]\)\n@observe_route\("GET\|POST", "\/a", "\/b"\)\ndef view/,
    );
  });

  it('an existing helper without multi-route support is never overwritten: the stacked view is refused with the reason', async () => {
    const dir = tempDir('tl-stacked-old-');
    const file = path.join(dir, 'views.py');
    fs.writeFileSync(file, FLASK);
    fs.writeFileSync(
      path.join(dir, 'telemetry_routes.py'),
      'def observe_route(method, route, status_code=200):\n    return lambda fn: fn\n',
    );
    try {
      const p = await planInstrumentFile(FLASK, file, await routesOf(file, FLASK), ALL, OPTS);
      assert.deepEqual(p.edits, []);
      assert.match(
        p.refused ?? '',
        /telemetry_routes\.py predates stacked route decorators \(one label per URL\) and is never overwritten: delete it/,
      );
      assert.equal(p.newFiles, undefined, 'the helper is not rewritten');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('wrapper style: a FastAPI endpoint under stacked route decorators', () => {
  const file = path.join(os.tmpdir(), 'tl-stacked-fastapi', 'app.py');
  const text = pyApp(
    ['from fastapi import FastAPI', '', 'app = FastAPI()'],
    ['@app.get("/a")', '@app.get("/b")', 'def read():', '    return {}'],
  );

  it('one observe_route under each route decorator, labelled with its route; a second run changes nothing', async () => {
    const routes = await routesOf(file, text);
    assert.equal(routes.length, 2);
    const p = await planInstrumentFile(text, file, routes, ALL, OPTS);
    const out = applyEdits(text, p.edits);
    assert.match(out, /@app\.get\("\/a"\)\n@observe_route\("GET", "\/a"\)\n@app\.get\("\/b"\)\n@observe_route\("GET", "\/b"\)\ndef read/);
    assert.doesNotMatch(p.summary, /skipped|refused/);
    const again = await planInstrumentFile(out, file, await routesOf(file, out), ALL, OPTS);
    assert.deepEqual(again.edits, []);
  });

  it('observed under the first only by an earlier run: the second route gets its own line', async () => {
    const older = text
      .replace('@app.get("/b")', '@observe_route("GET", "/a")\n@app.get("/b")')
      .replace('from fastapi import FastAPI', 'from fastapi import FastAPI\nfrom telemetry_routes import observe_route');
    const p = await planInstrumentFile(older, file, await routesOf(file, older), ALL, OPTS);
    assert.match(applyEdits(older, p.edits), /@app\.get\("\/b"\)\n@observe_route\("GET", "\/b"\)\ndef read/);
    assert.equal(p.edits.length, 1);
  });

  it('an existing helper that wraps what it is given (it would count a request to /a under both) is never overwritten: the first route only, the other refused with the reason', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-stacked-old-'));
    try {
      const app = path.join(dir, 'app.py');
      fs.writeFileSync(
        path.join(dir, 'telemetry_routes.py'),
        'def observe_route(method, route, *routes, status_code=200):\n    return lambda fn: fn\n',
      );
      fs.writeFileSync(app, text);
      const p = await planInstrumentFile(text, app, await routesOf(app, text), ALL, { ...OPTS, workspaceRoot: dir });
      const out = applyEdits(text, p.edits);
      assert.match(out, /@app\.get\("\/a"\)\n@observe_route\("GET", "\/a"\)\n@app\.get\("\/b"\)\ndef read/);
      assert.match(
        p.summary,
        /GET \/b: the existing telemetry_routes\.py predates one wrapper per stacked route decorator and is never overwritten/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('wrapper style: a Flask blueprint registered under several prefixes', () => {
  const APP = pyApp(
    ['from flask import Blueprint, Flask', '', 'bp = Blueprint("photo", __name__)'],
    [
      '@bp.route("/a/<int:id>")',
      'def a(id):',
      '    return {"id": id}',
      '',
      '',
      '@bp.route("/b", methods=["POST"])',
      '@bp.route("/c")',
      'def bc():',
      '    return {}',
      '',
      '',
      'app = Flask(__name__)',
      'app.register_blueprint(bp)',
      'app.register_blueprint(bp, url_prefix="/photo", name="photo2")',
    ],
  );

  it('one decorator per view carries the label of every prefix (and every stacked route); a second run changes nothing', async () => {
    const file = path.join(os.tmpdir(), 'tl-two-prefixes', 'app.py');
    const routes = await detectRoutes([{ path: file, text: APP }]);
    assert.equal(routes.length, 6);
    const p = await planInstrumentFile(APP, file, routes, ALL, OPTS);
    assert.equal(p.refused, undefined, p.summary);
    const out = applyEdits(APP, p.edits);
    assert.match(out, /@bp\.route\("\/a\/<int:id>"\)\n@observe_route\("GET", "\/a\/<int:id>", "\/photo\/a\/<int:id>"\)\ndef a/);
    assert.match(out, /@bp\.route\("\/c"\)\n@observe_route\("POST\|GET", "\/b", "\/photo\/b", "\/c", "\/photo\/c"\)\ndef bc/);
    const again = await planInstrumentFile(out, file, await detectRoutes([{ path: file, text: out }]), ALL, OPTS);
    assert.deepEqual([again.edits, again.refused], [[], undefined]);
  });

  it('the inline style still refuses: one static label in the body would count both prefixes under one', async () => {
    const file = path.join(os.tmpdir(), 'tl-two-prefixes-inline', 'app.py');
    const p = await planInstrumentFile(APP, file, await detectRoutes([{ path: file, text: APP }]), ALL, { ...OPTS, style: 'inline' });
    assert.match(p.refused ?? '', /GET \/a\/<int:id>: its registration is served under 2 paths \(\/a\/<int:id>, \/photo\/a\/<int:id>/);
  });
});
