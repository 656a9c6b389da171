import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { TelemetryLensApi } from '../../../src/extension';
import { activateExtension, bridge, eventually, openFile } from './helpers';

async function actionsAt(uri: vscode.Uri, line: number): Promise<vscode.CodeAction[]> {
  const range = new vscode.Range(line, 0, line, 0);
  return (
    (await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      range,
      vscode.CodeActionKind.RefactorRewrite.value,
      10,
    )) ?? []
  );
}

/** GET /api/orders once the route index is in step with orders.py as it is now (it re-parses after each revert). */
function ordersRoute(api: TelemetryLensApi, doc: vscode.TextDocument): Promise<ReturnType<TelemetryLensApi['routes']['inFile']>[number]> {
  return eventually(() => {
    const r = api.routes.inFile(doc.uri).find((x) => x.fullPath === '/api/orders' && x.methods[0] === 'GET');
    return r && doc.lineAt(r.handlerLine - 1).text.startsWith('async def list_orders') && !doc.isDirty ? r : undefined;
  }, 'the index in step with orders.py');
}

/** The inline style (`telemetryLens.instrument.style: "inline"`) for the suites that look into the handler body. */
function inlineStyle(): void {
  let previous: string | undefined;
  suiteSetup(async () => {
    const config = vscode.workspace.getConfiguration('telemetryLens');
    previous = config.inspect<string>('instrument.style')?.globalValue;
    await config.update('instrument.style', 'inline', vscode.ConfigurationTarget.Global);
  });
  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('telemetryLens').update('instrument.style', previous, vscode.ConfigurationTarget.Global);
  });
}

suite('Instrument Route (wrapper style, the default): one line, the helper created once, one undo', () => {
  test('the lightbulb offers one line; applied, it adds the decorator and creates telemetry_routes.py; again nothing is offered; one undo restores', async () => {
    const api = (await activateExtension()).exports as TelemetryLensApi;
    await api.routes.ready;
    const editor = await openFile('shop', 'routers', 'orders.py');
    const doc = editor.document;
    const original = doc.getText();
    const helper = vscode.Uri.joinPath(doc.uri, '..', '..', 'telemetry_routes.py');
    const actions = await actionsAt(doc.uri, 9);
    assert.deepEqual(
      actions.map((a) => a.title),
      ['Instrument route: one line (GET /api/orders)'],
    );
    assert.ok(actions[0]!.edit, 'the action is resolved with its edit');
    try {
      // applied through the command, which plans the same edit: an edit returned by executeCodeActionProvider
      // cannot be re-applied from an extension when it creates a file with contents (VS Code cannot revive them)
      const route = api.routes.inFile(doc.uri).find((r) => r.fullPath === '/api/orders' && r.methods[0] === 'GET')!;
      assert.ok(await vscode.commands.executeCommand<boolean>('telemetryLens.instrumentRoute', `${route.file}:${route.line}`));
      const text = doc.getText();
      assert.equal(text.split('\n').length, original.split('\n').length + 2, 'the decorator and the import');
      assert.match(text, /^@router\.get\(""\)\n@observe_route\("GET", "\/api\/orders"\)\nasync def list_orders\(\):$/m);
      assert.match(text, /^from shop\.telemetry_routes import observe_route$/m);
      const created = new TextDecoder().decode(await vscode.workspace.fs.readFile(helper));
      assert.match(created, /^def observe_route\(method, route, \*routes, status_code=200\):$/m);
      await eventually(async () => {
        const again = api.routes.inFile(doc.uri).find((r) => r.fullPath === '/api/orders' && r.methods[0] === 'GET');
        return again && (await actionsAt(doc.uri, again.handlerLine - 1)).length === 0 ? true : undefined;
      }, 'no more actions on the instrumented handler');
      await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
      await vscode.commands.executeCommand('undo');
      assert.equal(doc.getText(), original, 'one undo restores the original');
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
      await vscode.workspace.fs.delete(helper).then(undefined, () => undefined);
    }
  });
});

suite('Instrument Route: the opt-in in-flight gauge', () => {
  test('@dom switched on, the helper is written with the gauge; an existing helper without it is kept and a notification says so', async () => {
    const api = (await activateExtension()).exports as TelemetryLensApi;
    await api.routes.ready;
    const config = vscode.workspace.getConfiguration('telemetryLens');
    await config.update('instrument.inFlightGauge', true, vscode.ConfigurationTarget.Global);
    const editor = await openFile('shop', 'routers', 'orders.py');
    const doc = editor.document;
    const helper = vscode.Uri.joinPath(doc.uri, '..', '..', 'telemetry_routes.py');
    const key = async () => {
      const r = await ordersRoute(api, doc);
      return `${r.file}:${r.line}`;
    };
    const read = async () => new TextDecoder().decode(await vscode.workspace.fs.readFile(helper));
    try {
      assert.ok(await vscode.commands.executeCommand<boolean>('telemetryLens.instrumentRoute', await key()));
      assert.match(await read(), /^ {4}with HTTP_REQUESTS_IN_PROGRESS\.track_inprogress\(\), tracer\.start_as_current_span\(/m);
      await vscode.commands.executeCommand('workbench.action.files.revert');
      const own = '# our own helper\ndef observe_route(method, route, status_code=200):\n    return lambda fn: fn\n';
      await vscode.workspace.fs.writeFile(helper, new TextEncoder().encode(own));
      assert.ok(await vscode.commands.executeCommand<boolean>('telemetryLens.instrumentRoute', await key()));
      assert.match(doc.getText(), /^@observe_route\("GET", "\/api\/orders"\)$/m, 'the handler is instrumented');
      assert.equal(await read(), own, 'the existing helper is not overwritten');
      await bridge('dom', {
        selector: '.notifications-toasts',
        contains: 'without the in-flight gauge',
        screenshot: 'inflight-helper-kept.png',
      });
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
      await vscode.workspace.fs.delete(helper).then(undefined, () => undefined);
      await config.update('instrument.inFlightGauge', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('notifications.clearAll');
    }
  });
});

suite('Instrument Route: lightbulb actions, one-undo edits, idempotence', () => {
  let api: TelemetryLensApi;
  inlineStyle();

  suiteSetup(async () => {
    api = (await activateExtension()).exports as TelemetryLensApi;
    await api.routes.ready;
  });

  test('the lightbulb offers counter, histogram, span and all three on a handler', async () => {
    const editor = await openFile('shop', 'routers', 'orders.py');
    const route = await ordersRoute(api, editor.document);
    const titles = (await actionsAt(editor.document.uri, route.handlerLine - 2)).map((a) => a.title);
    assert.deepEqual(titles, [
      'Instrument route: counter, histogram and span (GET /api/orders)',
      'Add request counter (GET /api/orders)',
      'Add latency histogram (GET /api/orders)',
      'Wrap handler in an OpenTelemetry span (GET /api/orders)',
    ]);
  });

  test('@dom the refactor menu shows the actions', async () => {
    const editor = await openFile('shop', 'routers', 'orders.py');
    editor.selection = new vscode.Selection(9, 4, 9, 4);
    void vscode.commands.executeCommand('editor.action.refactor');
    const res = await bridge<{ texts: string[] }>('dom', {
      selector: '.action-widget',
      contains: 'Instrument route',
      screenshot: 'code-actions.png',
    });
    assert.match(res.texts.join('\n'), /Add latency histogram/);
    await bridge('keyboard', { press: 'Escape' });
  });

  test('"all" instruments the handler in one edit; running again offers nothing; one undo restores the file', async () => {
    const editor = await openFile('shop', 'routers', 'orders.py');
    const doc = editor.document;
    const original = doc.getText();
    const route = api.routes.inFile(doc.uri).find((r) => r.fullPath === '/api/orders' && r.methods[0] === 'GET')!;
    const applied = await vscode.commands.executeCommand<boolean>('telemetryLens.instrumentRoute', `${route.file}:${route.line}`);
    assert.equal(applied, true);
    const text = doc.getText();
    assert.match(text, /from prometheus_client import Counter, Histogram/);
    assert.match(text, /Counter\(\s*["']http_requests_total["']/);
    assert.match(text, /start_as_current_span\(["']GET \/api\/orders["']\)/);
    assert.equal(text.match(/^from prometheus_client import/gm)?.length, 1, 'imports once');
    await eventually(async () => {
      const again = api.routes.inFile(doc.uri).find((r) => r.fullPath === '/api/orders' && r.methods[0] === 'GET');
      return again && (await actionsAt(doc.uri, again.handlerLine - 1)).length === 0 ? true : undefined;
    }, 'no more actions on the instrumented handler');
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), original, 'one undo restores the original');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});

suite('Instrument Route refuses what it cannot do safely', () => {
  inlineStyle();
  test('a handler with a syntax error is refused and the file is left as it was', async () => {
    const api = (await activateExtension()).exports as TelemetryLensApi;
    const editor = await openFile('shop', 'routers', 'orders.py');
    const doc = editor.document;
    try {
      const line = doc
        .getText()
        .split('\n')
        .findIndex((l) => l.includes('return list(ORDERS.values())'));
      await editor.edit((e) => e.insert(new vscode.Position(line, doc.lineAt(line).text.length), ' +'));
      const broken = doc.getText();
      const route = await eventually(
        () => api.routes.inFile(doc.uri).find((r) => r.fullPath === '/api/orders' && r.methods[0] === 'GET'),
        'the route of the broken handler',
      );
      const applied = await vscode.commands.executeCommand<boolean>('telemetryLens.instrumentRoute', `${route.file}:${route.line}`);
      assert.equal(applied, false);
      assert.equal(doc.getText(), broken, 'nothing changed');
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
      await vscode.commands.executeCommand('notifications.clearAll');
    }
  });
});

suite('Instrument the app: /metrics endpoint and tracing set-up', () => {
  test('on the FastAPI app line the lightbulb offers both; tracing creates telemetry.py and calls it', async () => {
    await activateExtension();
    const editor = await openFile('shop', 'main.py');
    const doc = editor.document;
    const appLine = doc
      .getText()
      .split('\n')
      .findIndex((l) => l.startsWith('app = FastAPI('));
    const actions = await actionsAt(doc.uri, appLine);
    assert.deepEqual(
      actions.map((a) => a.title),
      ['Expose /metrics on app', 'Set up OpenTelemetry tracing for app'],
    );
    const telemetry = vscode.Uri.joinPath(doc.uri, '..', 'telemetry.py');
    const original = doc.getText();
    try {
      assert.ok(await vscode.commands.executeCommand<boolean>('telemetryLens.setupTracing'));
      const created = new TextDecoder().decode(await vscode.workspace.fs.readFile(telemetry));
      assert.match(created, /def setup_telemetry\(app, service_name/);
      assert.match(created, /OTLPSpanExporter/);
      assert.match(doc.getText(), /setup_telemetry\(app, /);
      // Running it again must not overwrite the file or add a second call.
      const before = doc.getText();
      assert.equal(await vscode.commands.executeCommand<boolean>('telemetryLens.setupTracing'), false);
      assert.equal(doc.getText(), before);
      assert.ok(await vscode.commands.executeCommand<boolean>('telemetryLens.setupMetricsEndpoint'));
      assert.match(doc.getText(), /make_asgi_app\(\)/);
      assert.ok(await doc.save());
      execFileSync('/usr/bin/python3', ['-m', 'py_compile', doc.uri.fsPath, telemetry.fsPath]);
    } finally {
      await vscode.workspace.fs.writeFile(doc.uri, new TextEncoder().encode(original));
      await vscode.commands.executeCommand('workbench.action.files.revert');
      await vscode.workspace.fs.delete(telemetry).then(undefined, () => undefined);
    }
  });
});
