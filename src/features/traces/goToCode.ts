/**
 * "Go to code" for a span: its `code.filepath`/`code.lineno` (matched to a workspace file by path suffix),
 * else the detected route its `http.route` names, else a `start_as_current_span("…")`/`startActiveSpan("…")`
 * call with its name somewhere in the workspace (bounded scan: file count and size).
 */
import * as vscode from 'vscode';
import { bestFileMatch, routeForSpan, spanSites } from '../../core/traces/codeLinks';
import { codeLocation, type Span } from '../../core/traces/model';
import { routeTitle } from '../../core/routes/route';
import type { RouteIndex } from '../routes/routeIndex';

const SOURCE_GLOB = '**/*.{py,js,mjs,cjs,ts,tsx,jsx}';
const EXCLUDE = '**/{node_modules,.venv,venv,dist,out,build,.git}/**';
const MAX_FILES = 5000;
const MAX_FILE_BYTES = 1024 * 1024;

export interface CodeTarget {
  /** What "Go to code" will open, for the button's note. */
  describe: string;
  resolve(token?: vscode.CancellationToken): Promise<vscode.Location | undefined>;
}

const at = (uri: vscode.Uri, line1: number) => new vscode.Location(uri, new vscode.Position(Math.max(0, line1 - 1), 0));

/** How a span can be traced back to code, or undefined when it carries nothing to go by. */
export function codeTarget(span: Span, routes: RouteIndex): CodeTarget | undefined {
  const loc = codeLocation(span);
  if (loc?.filepath) {
    const file = loc.filepath;
    return {
      describe: `${file}${loc.lineno ? `:${loc.lineno}` : ''}${loc.function ? ` (${loc.function})` : ''}`,
      resolve: async (token) => {
        const base = file.split(/[\\/]/).pop() ?? file;
        const found = await vscode.workspace.findFiles(`**/${base.replace(/[[\]{}*?]/g, '?')}`, EXCLUDE, 200, token);
        const best = bestFileMatch(
          file,
          found.map((u) => u.fsPath),
        );
        return best ? at(vscode.Uri.file(best), loc.lineno ?? 1) : undefined;
      },
    };
  }
  const route = routeForSpan(span, routes.all());
  if (route)
    return { describe: `handler of ${routeTitle(route)}`, resolve: async () => at(vscode.Uri.file(route.handlerFile), route.handlerLine) };
  if (!span.name) return undefined;
  return { describe: `where a span named "${span.name}" is started`, resolve: (token) => findSpanSite(span.name, token) };
}

async function findSpanSite(name: string, token?: vscode.CancellationToken): Promise<vscode.Location | undefined> {
  const files = await vscode.workspace.findFiles(SOURCE_GLOB, EXCLUDE, MAX_FILES, token);
  for (const uri of files) {
    if (token?.isCancellationRequested) return undefined;
    const stat = await vscode.workspace.fs.stat(uri).then(undefined, () => undefined);
    if (!stat || stat.size > MAX_FILE_BYTES) continue;
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    if (!text.includes(name)) continue;
    const site = spanSites(text).find((s) => s.name === name);
    if (site) return at(uri, site.line);
  }
  return undefined;
}
