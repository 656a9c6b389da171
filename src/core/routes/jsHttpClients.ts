/**
 * Parameters typed as an HTTP client: `constructor(http: AxiosInstance)` with `AxiosInstance` imported from 'axios'
 * (or `axios.AxiosInstance`, `HttpClient` from '@angular/common/http', got, ky, superagent, supertest, undici,
 * node-fetch, ofetch). Such a receiver sends requests (`this.http.post('/organizations', payload)` in an SDK class);
 * it never registers routes, so the resolver does not guess a framework for it when its callers are unknown
 * (resolve.ts emitOne). Read from the TypeScript annotations of one file; pure.
 */
import type { Ent } from './values';
import type { FileAnalysis } from './model';
import type { JsAnalyzer } from './javascript';
import { jsStringLiteral as unquote, named, type SyntaxNode as Node } from '../parsing/nodes';

const CLIENT_PKGS = new Set(['axios', 'got', 'ky', 'superagent', 'supertest', 'undici', 'node-fetch', 'ofetch', '@angular/common/http']);

/** Local names this file imports from an HTTP client package (types, default and namespace imports). */
function clientNames(root: Node): Set<string> {
  const out = new Set<string>();
  for (const st of named(root)) {
    const src = st.type === 'import_statement' ? st.childForFieldName('source') : null;
    if (!src || !CLIENT_PKGS.has(unquote(src) ?? '')) continue;
    const clause = named(st).find((c) => c.type === 'import_clause');
    for (const c of clause ? named(clause) : []) {
      if (c.type === 'identifier') out.add(c.text);
      else if (c.type === 'namespace_import') named(c).forEach((x) => x.type === 'identifier' && out.add(x.text));
      else if (c.type === 'named_imports')
        for (const s of named(c)) {
          const local = s.type === 'import_specifier' ? (s.childForFieldName('alias') ?? s.childForFieldName('name')) : null;
          if (local) out.add(local.text);
        }
    }
  }
  return out;
}

/** Records on each function which of its parameters are annotated with an HTTP client type (FuncDecl.clients). */
export function httpClientParams(A: JsAnalyzer): void {
  let names: Set<string> | null = null;
  for (const f of A.fa.functions) {
    const params = A.fnNode(f.id)?.childForFieldName('parameters');
    if (!params) continue;
    named(params).forEach((p, i) => {
      const type = p.childForFieldName('type');
      const head = type ? /^:\s*([A-Za-z_$][\w$]*)/.exec(type.text)?.[1] : undefined;
      if (!head) return;
      if (!names) {
        let root: Node = params;
        while (root.parent) root = root.parent;
        names = clientNames(root);
      }
      if (names.has(head)) (f.clients ??= []).push(i);
    });
  }
}

/** A parameter annotated with an HTTP client type (recorded by httpClientParams). */
export function isHttpClientParam(files: ReadonlyMap<string, FileAnalysis>, e: Ent): boolean {
  return e.t === 'param' && !!files.get(e.file)?.functions[e.fn]?.clients?.includes(e.i);
}
