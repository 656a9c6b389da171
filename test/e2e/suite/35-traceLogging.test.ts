import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, openFile } from './helpers';

suite('Add Trace Context to Logs: structlog set-up in one undo step, idempotent', () => {
  test('the command configures structlog with the trace processor; again changes nothing; one undo restores', async () => {
    await activateExtension();
    const editor = await openFile('shop', 'main.py');
    const doc = editor.document;
    const original = doc.getText();
    try {
      assert.ok(await vscode.commands.executeCommand<boolean>('telemetryLens.addTraceContextToLogs'));
      const text = doc.getText();
      assert.match(text, /^def add_otel_trace_context\(logger, method_name, event_dict\):$/m);
      assert.match(text, /structlog\.processors\.JSONRenderer\(\)/);
      assert.equal(await vscode.commands.executeCommand<boolean>('telemetryLens.addTraceContextToLogs'), false);
      assert.equal(doc.getText(), text);
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('undo');
      assert.equal(doc.getText(), original);
    } finally {
      if (doc.getText() !== original) {
        const all = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
        await editor.edit((e) => e.replace(all, original));
      }
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });
});
