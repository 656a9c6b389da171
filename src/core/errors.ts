/**
 * Errors every layer shares. Pure (no `vscode`).
 *
 * BackendError: a typed backend failure with a SHORT user-facing message. Messages never contain secrets: only the
 * backend name, host:port and the reason. Thrown by the clients in backends/, understood by the core and the UI.
 */

export type BackendErrorKind =
  'unreachable' | 'timeout' | 'http' | 'auth' | 'not-json' | 'bad-payload' | 'api-error' | 'not-found' | 'too-large' | 'cancelled';

export interface BackendErrorDetails {
  /** Backend display name, e.g. "Prometheus". */
  backend: string;
  /** host:port (or host:port/prefix) of the backend — never credentials. */
  target: string;
  /** HTTP status when one was received. */
  status?: number;
  /** Prometheus `errorType` (bad_data, execution, timeout, …) for `api-error`. */
  errorType?: string;
  /** Low-level cause code (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED, …). */
  code?: string;
  /** API path that failed (no query string). */
  path?: string;
}

export class BackendError extends Error {
  override readonly name = 'BackendError';
  readonly backend: string;
  readonly target: string;
  readonly status?: number;
  readonly errorType?: string;
  readonly code?: string;
  readonly path?: string;

  constructor(
    readonly kind: BackendErrorKind,
    message: string,
    details: BackendErrorDetails,
  ) {
    super(message);
    this.backend = details.backend;
    this.target = details.target;
    if (details.status !== undefined) this.status = details.status;
    if (details.errorType !== undefined) this.errorType = details.errorType;
    if (details.code !== undefined) this.code = details.code;
    if (details.path !== undefined) this.path = details.path;
  }
}

export function isBackendError(e: unknown): e is BackendError {
  return e instanceof BackendError;
}

/** The message of anything thrown: an Error's message, else the value as a string. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
