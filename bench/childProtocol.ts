// Messages between the benchmark and an app child process (over the fork IPC channel).

export type ToChild = { type: "stop" } | { type: "memory" };

export type FromChild =
  /** port: the HTTP receiver's; null in Socket Mode (ready once Slack's hello arrived). */
  | { type: "ready"; port: number | null }
  | { type: "memory"; usage: NodeJS.MemoryUsage }
  | { type: "stopped"; maxRssKb: number }
  | { type: "failed"; message: string };

/** Sends a message to the parent; a no-op when the child was not forked with IPC. */
export function tellParent(message: FromChild): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) resolve();
    else process.send(message, () => resolve());
  });
}

/** Resolves when the parent asks the child to stop (or the IPC channel closes); answers
 * memory questions meanwhile, so the bench can tell the V8 heap from the rest of the RSS. */
export function stopRequested(): Promise<void> {
  return new Promise((resolve) => {
    process.on("message", (message: ToChild) => {
      if (message.type === "stop") resolve();
      else if (message.type === "memory") void tellParent({ type: "memory", usage: process.memoryUsage() });
    });
    process.once("disconnect", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}
