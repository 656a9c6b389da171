/**
 * The one way to show a notification whose text carries untrusted content (route paths from code,
 * backend answers, settings a workspace wrote). VS Code renders `[x](command:…)` in notification text
 * as a clickable command; `inertText` neutralises link syntax, keeps one short line, and the full text
 * goes to the log.
 */
import * as vscode from 'vscode';
import { inertText } from '../core/untrusted';
import { logger } from '../log';

const log = logger('notify');
const SHOW = {
  info: vscode.window.showInformationMessage,
  warning: vscode.window.showWarningMessage,
  error: vscode.window.showErrorMessage,
} as const;

export function notify(level: keyof typeof SHOW, text: string, ...actions: string[]): Thenable<string | undefined> {
  const shown = inertText(text, 300);
  if (shown !== text) log.info(`full message: ${text}`);
  return SHOW[level](shown, ...actions);
}
