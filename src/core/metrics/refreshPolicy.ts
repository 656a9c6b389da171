/**
 * When the inline metrics refresh, and one refresh at a time without losing a request. Pure, no `vscode`.
 *
 * Two rules keep the first numbers of a file from getting lost, whatever the order in which the route
 * index settles, the editor opens, the document's analysis finishes and Prometheus answers:
 * - A route on screen whose numbers were computed for another identity (none yet, or its full path or
 *   methods changed since, or its service's metrics convention is not known yet) is refreshed even in an
 *   unfocused window. Only the periodic refresh of numbers already current waits for focus.
 * - A request that arrives while a refresh runs is not folded into it (that refresh started with the
 *   routes and settings of before): one more refresh runs right after it, with what is current then.
 */

export type RefreshDecision = { refresh: true; why: string } | { refresh: false; why: string };

export interface RefreshState<R> {
  /** An explicit request (command, settings change): always refreshes. */
  force: boolean;
  focused: boolean;
  /** Routes of the files shown in editors now. */
  visible: readonly R[];
  /** The last refresh covered this route as it is now, and its service's convention was known. */
  isCurrent: (route: R) => boolean;
}

export function decideRefresh<R>(s: RefreshState<R>): RefreshDecision {
  if (s.force) return { refresh: true, why: 'requested' };
  if (!s.visible.length) return { refresh: false, why: 'no route on screen' };
  const stale = s.visible.filter((r) => !s.isCurrent(r)).length;
  if (stale) return { refresh: true, why: `${stale} route(s) on screen without current numbers` };
  if (!s.focused) return { refresh: false, why: 'window not focused and the numbers on screen are current' };
  return { refresh: true, why: 'periodic' };
}

/**
 * Runs `run` one at a time. `request` while a run is under way schedules exactly one more run after it
 * (forced if any of the requests was), shared by every request made meanwhile. The promise a request
 * returns settles when a run that started after the request has finished; it never rejects.
 */
export class RefreshQueue {
  private running: Promise<void> | undefined;
  private next: { force: boolean; done: Promise<void>; settle: () => void } | undefined;

  constructor(private readonly run: (force: boolean) => Promise<void>) {}

  get busy(): boolean {
    return this.running !== undefined;
  }

  request(force: boolean): Promise<void> {
    if (!this.running) return this.start(force);
    if (this.next) {
      this.next.force ||= force;
      return this.next.done;
    }
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    this.next = { force, done, settle };
    return done;
  }

  private start(force: boolean): Promise<void> {
    const current = (async () => {
      try {
        await this.run(force);
      } catch {
        // `run` reports its own failures; the queue goes on
      }
    })();
    this.running = current;
    void current.then(() => {
      this.running = undefined;
      const next = this.next;
      this.next = undefined;
      if (next) void this.start(next.force).then(next.settle);
    });
    return current;
  }
}
