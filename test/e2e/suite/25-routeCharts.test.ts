/**
 * The route details panel's charts against the e2e Prometheus (deterministic history, pinned evaluation time):
 * the panel model's four panels drawn by uPlot with their data, the time-range picker re-querying with the
 * range's step, the exact PromQL of a panel copied to the clipboard, firing alerts named and marked, and the charts
 * following the colour theme.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TelemetryLensApi } from '../../../src/extension';
import { activateExtension, bridge, eventually } from './helpers';

const ROUTE = 'job="shop", route="/api/orders/{order_id}", method="GET"';

async function openDetails(fullPath: string): Promise<void> {
  const api = (await activateExtension()).exports as TelemetryLensApi;
  await api.routes.ready;
  const route = api.routes.all().find((r) => r.fullPath === fullPath && r.methods.includes('GET'))!;
  await vscode.commands.executeCommand('workbench.action.closeAllEditors'); // one details webview in the page
  await vscode.commands.executeCommand('telemetryLens.showRouteDetails', `${route.file}:${route.line}`);
}

/** The legend of one chart (series labels and their latest values) as the user reads it. */
async function legend(kind: string, contains: string): Promise<string> {
  const r = await bridge<{ texts: string[] }>('dom', { selector: `.chart-panel[data-kind="${kind}"] .u-legend`, contains });
  return r.texts.join(' ');
}

suite('Route details charts (uPlot, real Prometheus)', () => {
  suiteTeardown(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  test('@dom the four panels are drawn with their data, units and legends', async () => {
    await openDetails('/api/orders/{order_id}');
    const panels = await bridge<{ texts: string[]; count: number }>('dom', {
      selector: '.chart-panel h2',
      atLeast: 4,
      count: '.chart-panel .uplot canvas',
    });
    assert.deepEqual(
      panels.texts.map((t) => t.toLowerCase()), // headings are shown in capitals
      ['request rate by status class', 'error ratio (5xx)', 'latency p50 / p90 / p99', 'in-flight requests'],
    );
    assert.equal(panels.count, 4, 'one canvas per panel');
    // Latest values in the legends, with units: 4 req/s of 2xx, no errors, p99 0.9 s, 3 requests in flight.
    assert.match(await legend('rate', '2xx'), /2xx\s*4 req\/s/);
    assert.match(await legend('errors', '5xx'), /5xx\s*0%/);
    const latency = await legend('latency', 'p99');
    assert.match(latency, /p50\s*\S+ ms/);
    assert.match(latency, /p99\s*900 ms/);
    assert.match(await legend('inflight', 'in flight'), /in flight\s*3/);
    // the canvas has a text alternative with the same latest values
    await bridge('dom', {
      selector: '.chart-panel[data-kind="latency"] .plot[aria-label="Latency p50 / p90 / p99, latest: p50 100 ms, p90 456 ms, p99 900 ms"]',
    });
    await bridge('dom', { selector: '.chart-panel[data-kind="inflight"] .badge', contains: 'whole service' });
    // The README screenshot: the panel maximized, the charts in two columns.
    await vscode.commands.executeCommand('workbench.action.toggleMaximizeEditorGroup');
    try {
      await bridge('dom', { selector: '.chart-panel .uplot', atLeast: 4, screenshot: 'route-details.png' });
    } finally {
      await vscode.commands.executeCommand('workbench.action.toggleMaximizeEditorGroup');
    }
  });

  test('@dom the range picker re-queries Prometheus with the step of the range', async () => {
    await openDetails('/api/orders/{order_id}');
    const before = await bridge<{ texts: string[] }>('dom', { selector: '.ranges .meta', contains: 'step' });
    assert.equal(before.texts[0], 'step 30 s · rate window 5m', 'one hour at 30 s steps by default');
    await bridge('dom', { selector: '.ranges', click: '.range:nth-of-type(5)' });
    const week = await bridge<{ texts: string[] }>('dom', { selector: '.ranges .meta', contains: 'step 1 h' });
    assert.equal(week.texts[0], 'step 1 h · rate window 1h', 'seven days at 1 h steps, the rate window widened to the step');
    await bridge('dom', { selector: '.range[aria-pressed="true"]', contains: '7d' });
    // Seven days before the pinned time is before the history starts: the first points are empty, the last ones not.
    assert.match(await legend('latency', 'p99'), /p99\s*900 ms/);
    await bridge('dom', { selector: '.ranges', click: '.range:nth-of-type(1)' });
    await bridge('dom', { selector: '.ranges .meta', contains: 'step 15 s' });
  });

  test('@dom "Copy PromQL" puts the exact query of the panel on the clipboard', async () => {
    await openDetails('/api/orders/{order_id}');
    await vscode.env.clipboard.writeText('');
    await bridge('dom', { selector: '.chart-panel[data-kind="latency"]', click: '.chart-panel[data-kind="latency"] .copy-query' });
    const copied = await eventually(async () => (await vscode.env.clipboard.readText()) || undefined, 'the copied PromQL');
    assert.deepEqual(
      copied.split('\n'),
      [0.5, 0.9, 0.99].map((q) => `histogram_quantile(${q}, sum by (le) (rate(http_request_duration_seconds_bucket{${ROUTE}}[5m])))`),
    );
  });

  test('@dom a firing alert is named on the route and marked on its charts from the time it fired', async () => {
    await openDetails('/api/orders');
    const alerts = await bridge<{ texts: string[] }>('dom', {
      selector: '#alerts',
      contains: 'HighErrorRate',
      screenshot: 'route-details-alert.png',
    });
    assert.match(alerts.texts[0]!, /HighErrorRate \(page\): GET \/api\/orders fails more than 5% of requests/);
    assert.match(await legend('errors', '5xx'), /5xx\s*1%/);
    // The pinned range ends long before the alert fired (when the e2e Prometheus started): no mark on the charts.
    const pinnedMarks = await bridge<{ count: number }>('dom', {
      selector: '.chart-panel[data-kind="rate"] .uplot',
      count: '.alert-mark:not([hidden])',
    });
    assert.equal(pinnedMarks.count, 0);
    // The last hour, live: the alert is shaded from the time it became active, and named on the chart.
    const config = vscode.workspace.getConfiguration('telemetryLens');
    const pinned = config.inspect<string>('metrics.evaluationTime')?.globalValue;
    await config.update('metrics.evaluationTime', '', vscode.ConfigurationTarget.Global);
    try {
      await openDetails('/api/orders');
      const mark = await bridge<{ texts: string[] }>('dom', {
        selector: '.chart-panel[data-kind="rate"] .alert-mark',
        contains: 'HighErrorRate',
        screenshot: 'route-details-alert-live.png',
      });
      assert.equal(mark.texts[0], '⚠ HighErrorRate');
    } finally {
      await config.update('metrics.evaluationTime', pinned, vscode.ConfigurationTarget.Global);
    }
  });

  test('@dom the charts follow the colour theme', async () => {
    await openDetails('/api/orders/{order_id}');
    const markers = async (shot?: string) =>
      (
        await bridge<{ html: string }>('dom', {
          selector: '.chart-panel[data-kind="latency"] .u-legend',
          contains: 'p99',
          ...(shot ? { screenshot: shot } : {}),
        })
      ).html;
    const light = await markers();
    const workbench = vscode.workspace.getConfiguration('workbench');
    try {
      await workbench.update('colorTheme', 'Default Dark Modern', vscode.ConfigurationTarget.Global);
      const dark = await eventually(async () => {
        const html = await markers();
        return html !== light ? html : undefined;
      }, 'the series colours of the dark theme');
      assert.match(dark, /p99/);
      await bridge('dom', { selector: '.chart-panel .uplot', atLeast: 4, screenshot: 'route-details-dark.png' });
    } finally {
      await workbench.update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
