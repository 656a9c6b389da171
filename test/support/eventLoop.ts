/**
 * How many times other macrotasks got to run while `work` was in progress: a behavioural check that
 * work yields to the event loop, without asserting any timing.
 */
export async function macrotasksDuring<T>(work: () => Promise<T>): Promise<{ result: T; ticks: number }> {
  let ticks = 0;
  let done = false;
  const tick = (): void => {
    if (done) return;
    ticks++;
    setImmediate(tick);
  };
  setImmediate(tick);
  try {
    return { result: await work(), ticks };
  } finally {
    done = true;
  }
}
