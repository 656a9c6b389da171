/**
 * Sharing of identical in-flight work between callers, each with its own AbortSignal: a caller that aborts
 * only detaches itself; the shared work is aborted (and forgotten) when no caller is left. Pure.
 */
export interface Shared<T = unknown> {
  ctl: AbortController;
  users: number;
  /** Every caller went away: abort the request and forget it (a later identical call starts afresh). */
  abandon: () => void;
  promise: Promise<T>;
}

/** Waits for a shared request; the caller's signal only detaches this caller; the request is aborted when nobody waits. */
export function joinShared<T>(s: Shared<T>, signal: AbortSignal | undefined, cancelled: () => Error): Promise<T> {
  if (signal?.aborted) return Promise.reject(cancelled());
  s.users++;
  if (!signal) return s.promise.finally(() => s.users--);
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const onAbort = () => {
      if (done) return;
      done = true;
      s.users--;
      if (s.users <= 0) s.abandon();
      reject(cancelled());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    s.promise.then(
      (v) => {
        if (done) return;
        done = true;
        s.users--;
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        if (done) return;
        done = true;
        s.users--;
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
