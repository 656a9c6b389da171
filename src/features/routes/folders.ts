import * as vscode from 'vscode';
import type { Route } from '../../core/routes/types';

/** The routes registered in files of this workspace folder (the innermost folder, as VS Code assigns files). */
export function routesInFolder<R extends Pick<Route, 'file'>>(routes: readonly R[], folder: vscode.WorkspaceFolder): R[] {
  const id = folder.uri.toString();
  return routes.filter((r) => vscode.workspace.getWorkspaceFolder(vscode.Uri.file(r.file))?.uri.toString() === id);
}
