/**
 * Parameters typed as an HTTP client: `constructor(http: AxiosInstance)` with `AxiosInstance` imported from 'axios'
 * (or `axios.AxiosInstance`, `HttpClient` from '@angular/common/http', got, ky, superagent, supertest, undici,
 * node-fetch, ofetch), or named `axios` (also a parameter's `axios` property: a redux thunk's extra argument `{ axios }`).
 * Such a receiver sends requests (`this.http.post('/organizations', payload)` in an SDK class, `axios.put('/api/cart',
 * cart)` in a client store); it never registers routes, so the resolver does not guess a framework for it when its
 * callers are unknown (resolve.ts emitOne). Read from the parameters of one file; pure.
 */
import type { Ent } from './values';
import type { FileAnalysis } from './model';
import type { JsAnalyzer } from './javascript';
import { named, type SyntaxNode as Node } from '../parsing/nodes';

/** The name an HTTP client is given by convention (`axios`, `axiosInstance`): no router is called so. */
const AXIOS_NAME = /^axios(?:Instance|Client)?$/i;

export const CLIENT_PKGS = new Set([
  'axios',
  'got',
  'ky',
  'superagent',
  'supertest',
  'undici',
  'node-fetch',
  'ofetch',
  '@angular/common/http',
]);

/** The name a request's data is given by convention: a function's parameter so named holds what a client sends. */
const DATA_NAME = /^(?:body|data|payload|params|input|values|dto|formData|json|requestBody|reqBody)$/;
/** A type annotation that says "data": an object type, an array or tuple, a primitive, `unknown`, `Record<…>`. */
const DATA_TYPE =
  /^:\s*(?:\{[^]*\}|\[[^]*\]|(?:string|number|boolean|bigint|unknown|object|null|undefined)\b(?![.<])|[\w$.]+(?:<[^()]*>)?\[\]|(?:Record|Partial|Array|ReadonlyArray)<[^()]*>)\s*$/;
/** A type annotation that may be a function's (`RequestHandler`, `(req) => void`, `Middleware[]`): never data. */
const FUNCTION_TYPE = /=>|Function|Handler|Middleware|Callback|Controller|Hook|Route/;

/** Whether a parameter holds data: so typed, or so named and not typed as a function (FuncDecl.data). */
function isDataParam(p: Node): boolean {
  const type = p.childForFieldName('type')?.text;
  if (type && FUNCTION_TYPE.test(type)) return false;
  if (type && DATA_TYPE.test(type)) return true;
  const name = (p.childForFieldName('pattern') ?? p).text;
  return DATA_NAME.test(name) && p.type !== 'assignment_pattern';
}

/** Records on each function which of its parameters are annotated with an HTTP client type (FuncDecl.clients), and which
 *  hold data (FuncDecl.data). */
export function httpClientParams(A: JsAnalyzer): void {
  for (const f of A.fa.functions) {
    const params = A.fnNode(f.id)?.childForFieldName('parameters');
    if (!params) continue;
    named(params).forEach((p, i) => {
      if (isDataParam(p)) (f.data ??= []).push(i);
      if (AXIOS_NAME.test((p.childForFieldName('pattern') ?? p).text)) return void (f.clients ??= []).push(i);
      const type = p.childForFieldName('type');
      const head = type ? /^:\s*([A-Za-z_$][\w$]*)/.exec(type.text)?.[1] : undefined;
      // the file's import of that name (type, default or namespace import), bound by the analyzer
      const r = head ? A.lookup(head, p) : null;
      if (r?.k === 'imp' && r.mod.startsWith('pkg:') && CLIENT_PKGS.has(r.mod.slice(4))) (f.clients ??= []).push(i);
    });
  }
}

/** A route's handler that is data (`client.post('/credentials', body)`): a parameter holding data (FuncDecl.data), or an
 *  object literal; a registration's handler is a function. */
export function isData(files: ReadonlyMap<string, FileAnalysis>, e: Ent | null): boolean {
  if (e?.t === 'lit') return !('handler' in e.props); // Fastify `get('/x', { schema, handler })` is a route
  return e?.t === 'param' && e.prop === undefined && !!files.get(e.file)?.functions[e.fn]?.data?.includes(e.i);
}

/** A parameter annotated with an HTTP client type or named `axios` (recorded by httpClientParams), or its `axios`
 *  property (`async (dispatch, getState, { axios }) => …`, a redux thunk given the client as its extra argument). */
export function isHttpClientParam(files: ReadonlyMap<string, FileAnalysis>, e: Ent): boolean {
  if (e.t !== 'param') return false;
  return AXIOS_NAME.test(e.prop ?? '') || !!files.get(e.file)?.functions[e.fn]?.clients?.includes(e.i);
}
