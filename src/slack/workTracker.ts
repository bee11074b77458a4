/** Keeps the promises of work that runs after Slack has been acknowledged (posting, updating),
 * so shutdown and tests can wait for it instead of sleeping. */
export class WorkTracker {
  private readonly inFlight = new Set<Promise<unknown>>();

  run<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const done = () => this.inFlight.delete(work);
    work.then(done, done);
    return work;
  }

  /** Resolves when nothing is in flight, including work started while waiting. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }
}

/** Wraps a listener so the work it does after ack() is tracked too. */
export function tracked<A>(work: WorkTracker, listener: (args: A) => Promise<void>): (args: A) => Promise<void> {
  return (args) => work.run(listener(args));
}
