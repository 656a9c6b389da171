/**
 * Sharing of identical in-flight work between callers, each with its own AbortSignal: a caller that aborts
 * only detaches itself; the shared work is aborted (and forgotten) when no caller is left. Pure.
 */
interface Shared<T> {
  ctl: AbortController;
  users: number;
  /** Every caller went away: abort the work and forget it (a later identical call starts afresh). */
  abandon: () => void;
  promise: Promise<T>;
}

/** In-flight work by key: `run` joins identical work already under way, or starts it. */
export class Inflight<T> {
  private readonly byKey = new Map<string, Shared<T>>();

  /**
   * The result of the work for `key`: joins the run under way, else calls `start` with a signal that fires when
   * every caller has gone. `signal` only detaches this caller (rejecting with `cancelled()`). The work is
   * forgotten once it settles.
   */
  run(key: string, start: (signal: AbortSignal) => Promise<T>, signal: AbortSignal | undefined, cancelled: () => Error): Promise<T> {
    let shared = this.byKey.get(key);
    if (!shared || shared.ctl.signal.aborted) {
      const ctl = new AbortController();
      const forget = (): void => {
        if (this.byKey.get(key) === s) this.byKey.delete(key);
      };
      const s: Shared<T> = {
        ctl,
        users: 0,
        abandon: () => {
          forget();
          ctl.abort();
        },
        promise: start(ctl.signal).finally(forget),
      };
      // callers get the rejection; when none is left it must not become an unhandled one
      s.promise.catch(() => undefined);
      this.byKey.set(key, s);
      shared = s;
    }
    return join(shared, signal, cancelled);
  }
}

/** Waits for shared work; the caller's signal only detaches this caller; the work is aborted when nobody waits. */
function join<T>(s: Shared<T>, signal: AbortSignal | undefined, cancelled: () => Error): Promise<T> {
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
