import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, bridge, eventually, workspaceFile } from './helpers';

suite('Metric lint in the Problems panel', () => {
  test('a counter without _total is reported and the quick fix renames it', async () => {
    await activateExtension();
    const uri = workspaceFile('web', 'jobs.ts');
    await vscode.workspace.fs.writeFile(
      uri,
      new TextEncoder().encode(
        "import { Counter } from 'prom-client';\nexport const jobs = new Counter({ name: 'jobs_processed', help: 'Jobs' });\n",
      ),
    );
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const diag = await eventually(
        () => vscode.languages.getDiagnostics(uri).find((d) => d.source === 'Telemetry Lens'),
        'a Telemetry Lens diagnostic',
      );
      assert.equal(diag.code, 'counter-total-suffix');
      assert.equal(diag.range.start.line, 1);
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      await bridge('dom', {
        selector: '.markers-panel .monaco-list-row',
        contains: 'jobs_processed',
        screenshot: 'lint-problems.png',
      }).catch(() => undefined);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uri,
        diag.range,
        vscode.CodeActionKind.QuickFix.value,
      );
      const fix = actions.find((a) => a.title === 'Fix: counter "jobs_processed" should end in "_total"');
      assert.ok(fix?.edit, `a quick fix is offered: ${actions.map((a) => a.title).join(', ')}`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      assert.match(doc.getText(), /name: 'jobs_processed_total'/);
      await eventually(
        () => (vscode.languages.getDiagnostics(uri).some((d) => d.source === 'Telemetry Lens') ? undefined : true),
        'the diagnostic to clear',
      );
      await vscode.commands.executeCommand('workbench.action.files.revert');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
  });
});
