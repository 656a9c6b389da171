import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TelemetryLensApi } from '../../../src/extension';
import { activateExtension, bridge, eventually, openFile, workspaceFile } from './helpers';

type Lens = vscode.CodeLens;

async function lensTitles(uri: vscode.Uri, want: (titles: string[]) => boolean, what: string): Promise<string[]> {
  return eventually(
    async () => {
      const lenses = await vscode.commands.executeCommand<Lens[]>('vscode.executeCodeLensProvider', uri, 100);
      const titles = lenses.map((l) => l.command?.title ?? '');
      return want(titles) ? titles : undefined;
    },
    what,
    30_000,
  );
}

suite('Live route metrics from a real Prometheus (pinned evaluation time)', () => {
  let api: TelemetryLensApi;
  const orders = workspaceFile('shop', 'routers', 'orders.py');

  suiteSetup(async () => {
    api = (await activateExtension()).exports as TelemetryLensApi;
    await api.routes.ready;
    await openFile('shop', 'routers', 'orders.py');
  });

  test('a CodeLens above each handler shows rate, error ratio and p99 as Prometheus computes them', async () => {
    await vscode.commands.executeCommand('telemetryLens.refreshMetrics');
    const titles = await lensTitles(orders, (t) => t.some((x) => x.includes('req/s')), 'metrics lenses');
    assert.ok(titles.includes('$(pulse) 10 req/s · 1% errors · p99 250 ms'), titles.join(' | '));
    assert.ok(titles.includes('$(pulse) 4 req/s · 0% errors · p99 900 ms'), titles.join(' | '));
    assert.ok(titles.includes('$(pulse) — no traffic'), titles.join(' | '));
    assert.ok(!titles.some((t) => /NaN|Infinity/.test(t)));
  });

  for (const focused of [false, true]) {
    test(`@dom a route whose full path changes gets the numbers of its new path by itself (window ${focused ? 'focused' : 'not focused'})`, async () => {
      await withMovablePrefix(async (move) => {
        await setWindowFocus(focused);
        await lensTitles(orders, (t) => t.includes('$(pulse) 10 req/s · 1% errors · p99 250 ms'), 'numbers for /api/orders');
        // main.py is not on screen: only the prefix of the visible orders.py routes changes, in an unsaved buffer,
        // while the whole index is rebuilt (a file and its routes settling in another order than the scan).
        await move('/api', '/v2');
        void api.routes.rescan();
        const moved = await lensTitles(
          orders,
          (t) => t.includes('$(pulse) — no traffic') && !t.some((x) => x.includes('req/s')),
          'the lenses of /v2/orders (no series there)',
        );
        assert.ok(!moved.some((x) => x.includes('HighErrorRate')), `the alert is on /api/orders, not /v2/orders: ${moved.join(' | ')}`);
        assert.ok(api.routes.all().some((r) => r.fullPath === '/v2/orders/{order_id}'));
        await move('/v2', '/api');
        await lensTitles(orders, (t) => t.includes('$(pulse) 10 req/s · 1% errors · p99 250 ms'), 'numbers for /api/orders again');
      });
    });
  }

  test('@dom a file whose numbers are not known yet is drawn with them, even if the window loses focus at once', async () => {
    // VS Code drops a pending CodeLens re-request when the editor loses focus: the lenses of a file opened just
    // before must come with their numbers, not as a placeholder waiting for a re-request that never comes.
    await withMovablePrefix(async (move) => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await move('/api', '/v2'); // orders.py is not on screen: nothing refreshes its routes
      await eventually(() => (api.routes.all().some((r) => r.fullPath === '/v2/orders') ? true : undefined), 'the /v2 routes in the index');
      await openFile('shop', 'routers', 'orders.py');
      // Focus leaves as soon as anything is drawn (VS Code may first draw the lenses it cached for the file).
      await bridge<{ texts: string[] }>('codelens', { atLeast: 1 });
      await setWindowFocus(false);
      // (the lenses VS Code cached for /api/orders also say "— no traffic" for the POST: wait for no numbers at all)
      const drawn = await eventually(async () => {
        const { texts } = await bridge<{ texts: string[] }>('codelens', { atLeast: 3, timeoutMs: 2000 });
        return texts.length >= 3 && texts.every((t) => t === '— no traffic') ? texts : undefined;
      }, 'the /v2/orders lenses drawn in the editor');
      assert.equal(drawn.length, 3);
    });
  });

  test('a prefix only known at run time is inferred from live metrics, and the lens says where it comes from', async () => {
    const main = await vscode.workspace.openTextDocument(workspaceFile('shop', 'main.py'));
    const literal = 'prefix="/api"';
    const at = main.getText().indexOf(literal);
    const edit = async (from: string, to: string) => {
      const we = new vscode.WorkspaceEdit();
      we.replace(main.uri, new vscode.Range(main.positionAt(at), main.positionAt(at + from.length)), to);
      assert.ok(await vscode.workspace.applyEdit(we));
    };
    const runtime = 'prefix=os.environ["SHOP_PREFIX"]';
    await edit(literal, runtime);
    try {
      await eventually(
        () => (api.routes.all().some((r) => r.fullPath === null && r.path === '/{order_id}') ? true : undefined),
        'the orders routes with an unknown prefix',
      );
      await vscode.commands.executeCommand('telemetryLens.refreshMetrics');
      const lenses = await eventually(
        async () => {
          const all = await vscode.commands.executeCommand<Lens[]>('vscode.executeCodeLensProvider', orders, 100);
          return all.some((l) => l.command?.title === '$(pulse) 10 req/s · 1% errors · p99 250 ms') ? all : undefined;
        },
        'the numbers of /api/orders through the inferred prefix',
        30_000,
      );
      const tooltips = lenses.map((l) => l.command?.tooltip ?? '');
      assert.ok(
        tooltips.some((t) => t.includes('prefix `/api` inferred from live metrics')),
        tooltips.join(' | '),
      );
    } finally {
      if (main.getText().includes(runtime)) await edit(runtime, literal);
      await main.save();
      await vscode.commands.executeCommand('telemetryLens.refreshMetrics');
    }
  });

  /** Focus of the workbench window as the user would change it, and as VS Code then sees it. */
  async function setWindowFocus(focused: boolean): Promise<void> {
    assert.equal((await bridge<{ focused: boolean }>('focus', { focused })).focused, focused);
    await eventually(
      () => (vscode.window.state.focused === focused ? true : undefined),
      `VS Code to see the window ${focused ? 'focused' : 'unfocused'}`,
    );
  }

  /**
   * Runs `body` with a way to change the prefix under which main.py mounts orders.py (unsaved edits), and a
   * refresh interval no timer tick can help with; restores main.py, the interval, focus and orders.py after.
   */
  async function withMovablePrefix(body: (move: (from: string, to: string) => Promise<void>) => Promise<void>): Promise<void> {
    const config = vscode.workspace.getConfiguration('telemetryLens');
    const interval = config.inspect<number>('metrics.refreshIntervalSeconds')?.globalValue;
    await config.update('metrics.refreshIntervalSeconds', 3600, vscode.ConfigurationTarget.Global);
    const main = await vscode.workspace.openTextDocument(workspaceFile('shop', 'main.py'));
    const at = main.getText().indexOf('prefix="/api"') + 'prefix="'.length;
    const move = async (from: string, to: string) => {
      const we = new vscode.WorkspaceEdit();
      we.replace(main.uri, new vscode.Range(main.positionAt(at), main.positionAt(at + from.length)), to);
      assert.ok(await vscode.workspace.applyEdit(we));
    };
    try {
      await body(move);
    } finally {
      await bridge('focus', { focused: true });
      if (main.getText().includes('prefix="/v2"')) await move('/v2', '/api');
      await main.save();
      await config.update('metrics.refreshIntervalSeconds', interval, vscode.ConfigurationTarget.Global);
      await openFile('shop', 'routers', 'orders.py');
    }
  }

  test('each workspace folder is its own service: the Fastify folder uses OpenTelemetry semantic conventions', async () => {
    const app = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![1]!.uri, 'src', 'app.ts');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(app), { preview: false });
    const titles = await lensTitles(app, (t) => t.some((x) => x.includes('req/s')), 'catalog lenses');
    assert.ok(titles.includes('$(pulse) 2.5 req/s · 20% errors · p99 175 ms'), titles.join(' | '));
    assert.ok(titles.includes('$(pulse) — no traffic'), titles.join(' | '));
    const service = api.metrics.current?.services.find((s) => s.service.id === 'catalog-ts');
    assert.equal(service?.convention, 'otel');
    await openFile('shop', 'routers', 'orders.py');
  });

  test('an invalid Prometheus URL: lenses and hover say so, nothing throws, numbers return with a valid URL', async () => {
    const config = vscode.workspace.getConfiguration('telemetryLens');
    const good = config.get<string>('prometheus.url');
    await config.update('prometheus.url', 'not a url', vscode.ConfigurationTarget.Global);
    try {
      const titles = await lensTitles(orders, (t) => t.some((x) => x.includes('URL is invalid')), 'an invalid-URL lens');
      assert.ok(
        titles.every((t) => t.startsWith('$(warning)')),
        titles.join(' | '),
      );
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', orders, new vscode.Position(8, 3));
      const text = hovers
        .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value)))
        .join('\n');
      assert.match(text, /URL is invalid/);
    } finally {
      await config.update('prometheus.url', good, vscode.ConfigurationTarget.Global);
    }
    await lensTitles(orders, (t) => t.includes('$(pulse) 10 req/s · 1% errors · p99 250 ms'), 'numbers again');
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  test('a broken service selector in one folder: its lenses name the problem, the other folder keeps its numbers', async () => {
    const catalog = vscode.workspace.workspaceFolders![1]!;
    const app = vscode.Uri.joinPath(catalog.uri, 'src', 'app.ts');
    const config = vscode.workspace.getConfiguration('telemetryLens', catalog.uri);
    await config.update('metrics.serviceSelector', 'job=~"("', vscode.ConfigurationTarget.WorkspaceFolder);
    try {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(app), { preview: false });
      const titles = await lensTitles(
        app,
        (t) => t.length > 0 && t.every((x) => x.startsWith('$(warning)')),
        'warning lenses in catalog-ts',
      );
      assert.match(titles[0]!, /Prometheus rejected the query/i);
      await lensTitles(orders, (t) => t.includes('$(pulse) 10 req/s · 1% errors · p99 250 ms'), 'shop-py numbers unaffected');
    } finally {
      await config.update('metrics.serviceSelector', 'job="catalog"', vscode.ConfigurationTarget.WorkspaceFolder);
      await openFile('shop', 'routers', 'orders.py');
    }
  });

  test('a firing alert marks its route with the alert name', async () => {
    const titles = await eventually(
      async () => {
        await vscode.commands.executeCommand('telemetryLens.refreshMetrics');
        const lenses = await vscode.commands.executeCommand<Lens[]>('vscode.executeCodeLensProvider', orders, 100);
        const t = lenses.map((l) => l.command?.title ?? '');
        return t.includes('$(bell) HighErrorRate') ? t : undefined;
      },
      'the HighErrorRate lens',
      30_000,
    );
    // The rule groups by route like the seed's HighErrorRate (no method label): GET and POST /api/orders, nothing else.
    const lenses = await vscode.commands.executeCommand<Lens[]>('vscode.executeCodeLensProvider', orders, 100);
    const lines = lenses.filter((l) => l.command?.title === '$(bell) HighErrorRate').map((l) => l.range.start.line);
    assert.deepEqual(
      lines.sort((a, b) => a - b),
      [7, 19],
    );
    assert.equal(titles.filter((t) => t.startsWith('$(bell)')).length, 2);
  });

  test('@dom the lenses are drawn in the editor', async () => {
    const res = await bridge<{ texts: string[] }>('codelens', { atLeast: 3, contains: 'p99 900 ms', screenshot: 'codelens-metrics.png' });
    assert.ok(
      res.texts.some((t) => t.includes('10 req/s · 1% errors · p99 250 ms')),
      res.texts.join(' | '),
    );
  });

  test('hover on the decorator shows quantiles, status codes and links', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', orders, new vscode.Position(8, 3));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n');
    assert.match(text, /GET \/api\/orders/);
    assert.match(text, /10 req\/s/);
    assert.match(text, /250 ms/);
    assert.match(text, /` 200 ` 9\.9 req\/s · ` 500 ` 0\.1 req\/s/);
    assert.match(text, /\[Open in Prometheus\]\(http:\/\/127\.0\.0\.1:\d+\/graph\?/);
    assert.match(text, /data:image\/svg\+xml;base64,/);
  });

  test('@dom the hover is rendered with its sparkline', async () => {
    const editor = await openFile('shop', 'routers', 'orders.py');
    editor.selection = new vscode.Selection(8, 5, 8, 5);
    await vscode.commands.executeCommand('editor.action.showHover');
    const res = await bridge<{ texts: string[]; html: string }>('dom', {
      selector: '.monaco-hover-content',
      contains: 'p99',
      screenshot: 'hover-metrics.png',
    });
    assert.match(res.texts.join('\n'), /250 ms/);
    assert.match(res.html, /<img[^>]+src="data:image\/svg\+xml/);
    await vscode.commands.executeCommand('editor.action.hideHover');
  });

  test('@dom clicking through opens the route details panel with the same numbers', async () => {
    const route = api.routes.all().find((r) => r.fullPath === '/api/orders/{order_id}')!;
    await vscode.commands.executeCommand('telemetryLens.showRouteDetails', `${route.file}:${route.line}`);
    const res = await bridge<{ texts: string[] }>('dom', { selector: '#stats', contains: '900 ms' });
    assert.match(res.texts[0]!, /4 req\/s/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('Prometheus unreachable: the lens says so, and it recovers when the URL is fixed', async () => {
    const config = vscode.workspace.getConfiguration('telemetryLens');
    const good = config.get<string>('prometheus.url');
    await config.update('prometheus.url', 'http://127.0.0.1:9', vscode.ConfigurationTarget.Global);
    try {
      const titles = await lensTitles(orders, (t) => t.some((x) => x.includes('unreachable')), 'an unreachable lens');
      assert.ok(
        titles.every((t) => t.startsWith('$(warning)')),
        titles.join(' | '),
      );
      assert.equal(api.metrics.backendHealth.state, 'down');
    } finally {
      await config.update('prometheus.url', good, vscode.ConfigurationTarget.Global);
    }
    await lensTitles(orders, (t) => t.includes('$(pulse) 10 req/s · 1% errors · p99 250 ms'), 'recovered lenses');
    assert.equal(api.metrics.backendHealth.state, 'ok');
    await vscode.commands.executeCommand('notifications.clearAll');
  });
});

suite('Hostile strings stay inert', () => {
  test('@dom a route path full of markup is shown as text in the details panel', async () => {
    const api = (await activateExtension()).exports as TelemetryLensApi;
    const file = workspaceFile('shop', 'hostile.py');
    const hostile = '/x/<img src=x onerror="document.title=1">/<script>alert(1)</script>';
    await vscode.workspace.fs.writeFile(
      file,
      new TextEncoder().encode(`from fastapi import FastAPI\napp = FastAPI()\n\n@app.get('${hostile}')\ndef evil():\n    return 1\n`),
    );
    try {
      const route = await eventually(() => api.routes.all().find((r) => r.fullPath === hostile), 'the hostile route in the index');
      await vscode.commands.executeCommand('telemetryLens.showRouteDetails', `${route.file}:${route.line}`);
      const res = await bridge<{ texts: string[]; html: string }>('dom', {
        selector: '#route-title',
        contains: '<script>',
        screenshot: 'hostile-route.png',
      });
      assert.equal(res.texts[0], `GET ${hostile}`);
      assert.ok(!/<img|<script/i.test(res.html), `markup must be escaped, got ${res.html}`);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      await vscode.workspace.fs.delete(file);
    }
  });
});

suite('Show Metrics Convention', () => {
  test('explains the detected convention of the folder with the exact PromQL', async () => {
    await activateExtension();
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>('telemetryLens.showMetricsConvention');
    const text = doc.getText();
    assert.match(text, /Service selector: `job="shop"`/);
    assert.match(text, /telemetry-lens/i);
    assert.match(text, /http_requests_total\{[^}]*job="shop"/);
    assert.match(text, /histogram_quantile/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});

suite('Hover on a metric name in code', () => {
  test('shows the current rate of the metric by label, from Prometheus', async () => {
    await activateExtension();
    const file = workspaceFile('shop', 'metrics.py');
    // prometheus_client appends _total to counters: the hover finds http_requests_total.
    await vscode.workspace.fs.writeFile(
      file,
      new TextEncoder().encode(
        'from prometheus_client import Counter\n\nREQUESTS = Counter("http_requests", "HTTP requests", ["method", "route", "status"])\n',
      ),
    );
    try {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', file, new vscode.Position(2, 25));
      const text = hovers
        .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value)))
        .join('\n');
      assert.match(text, /http\\_requests\\_total/);
      assert.match(text, /rate over 5m/);
      // The folder's selector applies: only job="shop" series, the busiest first (GET /api/orders 200 at 9.9 req/s).
      assert.match(text, /^- ` job="shop", method="GET", route="\/api\/orders", status="200" ` \*\*9\\\.9 req\/s\*\*$/m);
      assert.match(text, /route="\/api\/orders\/\{order_id\}"/, 'label values stay literal inside code spans');
      assert.ok(!text.includes('job="other"'), text);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await vscode.workspace.fs.delete(file);
    }
  });
});
