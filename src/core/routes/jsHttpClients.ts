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
import { named } from '../parsing/nodes';

const CLIENT_PKGS = new Set(['axios', 'got', 'ky', 'superagent', 'supertest', 'undici', 'node-fetch', 'ofetch', '@angular/common/http']);

/** Records on each function which of its parameters are annotated with an HTTP client type (FuncDecl.clients). */
export function httpClientParams(A: JsAnalyzer): void {
  for (const f of A.fa.functions) {
    const params = A.fnNode(f.id)?.childForFieldName('parameters');
    if (!params) continue;
    named(params).forEach((p, i) => {
      const type = p.childForFieldName('type');
      const head = type ? /^:\s*([A-Za-z_$][\w$]*)/.exec(type.text)?.[1] : undefined;
      // the file's import of that name (type, default or namespace import), bound by the analyzer
      const r = head ? A.lookup(head, p) : null;
      if (r?.k === 'imp' && r.mod.startsWith('pkg:') && CLIENT_PKGS.has(r.mod.slice(4))) (f.clients ??= []).push(i);
    });
  }
}

/** A parameter annotated with an HTTP client type (recorded by httpClientParams). */
export function isHttpClientParam(files: ReadonlyMap<string, FileAnalysis>, e: Ent): boolean {
  return e.t === 'param' && !!files.get(e.file)?.functions[e.fn]?.clients?.includes(e.i);
}
