/** Route model shared by the detector, instrumentation, metrics and the editor features. Pure. */
import type { SourceRange } from '../parsing/nodes';

export type Framework = 'fastapi' | 'flask' | 'express' | 'fastify' | 'nestjs' | 'koa' | 'hono';

/** Upper-case HTTP method, or `ALL` (Express `app.all`, Koa `router.all`, Hono `app.all`/`app.on`). */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'ALL';

export type { SourcePosition, SourceRange } from '../parsing/nodes';

export interface Route {
  framework: Framework;
  methods: HttpMethod[];
  /** The path exactly as written at the decorator / registration. */
  path: string;
  /** The path with every statically knowable prefix applied; null when a prefix is computed at run time. */
  fullPath: string | null;
  /** Why fullPath is null (e.g. "prefix of include_router is a variable: settings.API_PREFIX"). */
  fullPathReason?: string;
  /** Where a configured part of fullPath comes from: "prefix from `settings.API_V1_STR` (default `/api/v1`)". */
  fullPathSource?: string;
  /** When fullPath is null: the full path below the unknown prefix, when that part is known (live prefix inference). */
  knownSuffix?: string;
  /** When fullPath is null: no mount of its router or plugin is seen at all (mounted by code the analysis does not
   *  follow, or dead), so knownSuffix is the path below a mount that may or may not add a prefix. */
  unmounted?: true;
  /** Absolute file of the decorator / registration call. */
  file: string;
  /** 1-based first line of the decorator / registration call. */
  line: number;
  /** Range of the decorator / registration call. */
  range: SourceRange;
  /** Absolute file of the handler function (may differ from `file`). */
  handlerFile: string;
  /** 1-based line of the handler's definition (`def`/`function`/method name); equals `line` for inline arrows. */
  handlerLine: number;
  /** Range of the handler function node (whole definition), when it was found. */
  handlerRange?: SourceRange;
  /** Handler name; null for anonymous inline handlers. */
  handlerName: string | null;
  /** Registered by a project function with the path (or method) a call of it passes: `file`, `line` and `range` are
   *  that call's (`reg(app, '/a', (req, res) => …)`), the handler what it passes when it is the function's parameter. */
  helperCall?: HelperCall;
}

/** Where the function a route is reported at a call of (Route.helperCall) registers it. */
export interface HelperCall {
  /** The registration in the function: its file and line; the function's name. */
  file: string;
  line: number;
  name: string | null;
  /** The argument of the call the function registers as the handler: its position among the arguments written, or
   *  its Python keyword. Absent when the handler is not one the call passes (written in the function). */
  handlerArg?: number | string;
  /** The function adds a class-based resource (`api.add_resource(resource(), url)`): the argument is the class. */
  resource?: true;
}

/** The JSON shape of `telemetry-lens routes --json` (paths relative to the scanned directory). */
export interface RouteJson {
  framework: Framework;
  methods: HttpMethod[];
  path: string;
  fullPath: string | null;
  /** Only when fullPath is null: why the prefix or path is not known statically. */
  fullPathReason?: string;
  /** Only when part of fullPath is a configuration default. */
  fullPathSource?: string;
  file: string;
  line: number;
  handlerFile: string;
  handlerLine: number;
  handlerName: string | null;
}
