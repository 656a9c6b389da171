/** Typed backend failures: defined in the core (which reports them too), re-exported for the clients. */
export { BackendError, isBackendError, type BackendErrorDetails, type BackendErrorKind } from '../core/errors';
