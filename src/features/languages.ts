import type * as vscode from 'vscode';

/** Languages whose route handlers Telemetry Lens understands. */
export const LANGUAGES = ['python', 'typescript', 'javascript', 'typescriptreact', 'javascriptreact'];

/** Files on disk in those languages: the selector every provider registers with. */
export const SOURCE_FILES: vscode.DocumentFilter[] = LANGUAGES.map((language) => ({ language, scheme: 'file' }));
