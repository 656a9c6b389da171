import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TelemetryLensApi } from '../../../src/extension';
import { routeTitle } from '../../../src/core/routes/route';
import { activateExtension, bridge, eventually, openFile, workspaceFile } from './helpers';

suite('Routes: index, sidebar view, Go to Route', () => {
  let api: TelemetryLensApi;

  suiteSetup(async () => {
    api = (await activateExtension()).exports as TelemetryLensApi;
    await api.routes.ready;
  });

  test('the index finds every route of the workspace with its full path', () => {
    const titles = api.routes.all().map(routeTitle).sort();
    assert.deepEqual(titles, [
      'GET /api/orders',
      'GET /api/orders/{order_id}',
      'GET /api/products/:id',
      'GET /catalog/items/:id',
      'GET /health',
      'GET /healthz',
      'POST /api/orders',
      'POST /catalog/items',
    ]);
  });

  test('an edit is picked up without saving: a new route appears, removing it makes it disappear', async () => {
    const editor = await openFile('shop', 'main.py');
    const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    await editor.edit((e) => e.insert(end, '\n\n@app.delete("/cache")\ndef clear_cache():\n    return None\n'));
    await eventually(
      () => (api.routes.all().some((r) => routeTitle(r) === 'DELETE /cache') ? true : undefined),
      'DELETE /cache in the index',
    );
    await vscode.commands.executeCommand('undo');
    await eventually(
      () => (api.routes.all().some((r) => routeTitle(r) === 'DELETE /cache') ? undefined : true),
      'DELETE /cache gone after undo',
    );
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('a .gitignore written or removed re-indexes the folder: a listed route file nothing loads leaves the index and comes back', async () => {
    const file = workspaceFile('scratch_app.py');
    const ignore = workspaceFile('.gitignore');
    const has = () => api.routes.all().some((r) => routeTitle(r) === 'GET /scratch');
    await vscode.workspace.fs.writeFile(
      file,
      new TextEncoder().encode('from fastapi import FastAPI\napp = FastAPI()\n\n@app.get("/scratch")\ndef scratch():\n    return 1\n'),
    );
    try {
      await eventually(() => (has() ? true : undefined), 'GET /scratch in the index');
      await vscode.workspace.fs.writeFile(ignore, new TextEncoder().encode('scratch_app.py\n'));
      await eventually(() => (has() ? undefined : true), 'GET /scratch gone once .gitignore lists its file');
      await vscode.workspace.fs.delete(ignore);
      await eventually(() => (has() ? true : undefined), 'GET /scratch back once .gitignore is gone');
    } finally {
      await vscode.workspace.fs.delete(ignore).then(undefined, () => undefined);
      await vscode.workspace.fs.delete(file);
    }
    await eventually(() => (has() ? undefined : true), 'GET /scratch gone with its file');
  });

  test('@dom the Routes view in the Telemetry Lens sidebar lists files and routes with their live metrics', async () => {
    await vscode.commands.executeCommand('telemetryLens.refreshMetrics');
    await vscode.commands.executeCommand('workbench.view.extension.telemetryLens');
    const res = await bridge<{ texts: string[] }>('dom', {
      selector: '[id="workbench.view.extension.telemetryLens"] .monaco-list-row',
      atLeast: 10,
      // wait for both folders' routes, then for a still list
      contains: ['p99 250 ms', 'GET /catalog/items/:id'],
      stable: true,
      screenshot: 'routes-view.png',
    });
    const text = res.texts.join('\n');
    assert.match(text, /GET \/api\/orders\s*list_orders · 10 req\/s · 1% errors · p99 250 ms/);
    // files at the root, named with their workspace folder, each followed by its routes: 5 files, 8 routes, none twice
    assert.equal(res.texts.length, 13, text);
    const rows = (t: string) => res.texts.filter((row) => row.includes(t)).length;
    for (const t of [
      'catalog-ts/src/app.ts',
      'GET /catalog/items/:id',
      'POST /catalog/items',
      'shop-py/shop/routers/orders.py',
      'GET /api/orders/{order_id}',
      'POST /api/orders',
      'shop-py/web/routes/products.js',
      'GET /api/products/:id',
    ]) {
      assert.equal(rows(t), 1, `view shows ${t} once:\n${text}`);
    }
  });

  test('@dom Go to Route: typing in the quick pick and Enter opens the handler', async () => {
    const picked = vscode.commands.executeCommand('telemetryLens.goToRoute');
    await bridge('dom', { selector: '.quick-input-widget .monaco-list-row', atLeast: 6 });
    await bridge('keyboard', { type: 'products', screenshot: 'go-to-route.png' });
    await bridge('dom', { selector: '.quick-input-widget .monaco-list-row', contains: 'GET /api/products/:id' });
    await bridge('keyboard', { press: 'Enter' });
    await picked;
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor?.document.uri.path.endsWith('web/routes/products.js'));
    assert.equal(editor!.selection.active.line, 4);
  });
});

suite('Routes: the CLI and the sidebar agree', () => {
  test('`telemetry-lens routes --json` lists exactly the routes of the index, per workspace folder', async () => {
    const api = (await activateExtension()).exports as TelemetryLensApi;
    await api.routes.ready;
    const ext = vscode.extensions.getExtension('telemetry-lens.telemetry-lens')!;
    const folders = vscode.workspace.workspaceFolders!;
    assert.equal(folders.length, 2);
    for (const folder of folders) {
      const root = folder.uri.fsPath;
      const out = execFileSync(process.execPath, [path.join(ext.extensionPath, 'dist/cli.js'), 'routes', root, '--json'], {
        encoding: 'utf8',
      });
      const cli = (JSON.parse(out) as { methods: string[]; fullPath: string; file: string; line: number }[])
        .map((r) => `${r.methods.join('|')} ${r.fullPath} ${r.file}:${r.line}`)
        .sort();
      const sidebar = api.routes
        .all()
        .filter((r) => r.file.startsWith(root + path.sep))
        .map((r) => `${r.methods.join('|')} ${r.fullPath} ${path.relative(root, r.file)}:${r.line}`)
        .sort();
      assert.ok(cli.length > 0, folder.name);
      assert.deepEqual(cli, sidebar, folder.name);
    }
  });
});
