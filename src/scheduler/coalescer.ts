import type { Clock } from "../domain/clock.js";
import type { TimerHandle, TimerHost } from "./timers.js";

/** Runs `flush(key)` at most once per `minIntervalMs` per key, however often it is requested:
 * 500 clicks on one drill become a handful of message updates, as Slack's rate limits need.
 * A request during a flush schedules one more flush after it. */
export class Coalescer<K> {
  private readonly lastRun = new Map<K, number>();
  private readonly pending = new Map<K, TimerHandle>();
  private readonly running = new Map<K, Promise<void>>();
  private readonly again = new Set<K>();

  constructor(
    private readonly timers: TimerHost,
    private readonly clock: Clock,
    private readonly minIntervalMs: number,
    private readonly flush: (key: K) => Promise<void>,
    private readonly onError: (key: K, error: unknown) => void = () => {},
  ) {}

  request(key: K): void {
    if (this.pending.has(key)) return;
    if (this.running.has(key)) {
      this.again.add(key);
      return;
    }
    const wait = Math.max(0, (this.lastRun.get(key) ?? Number.NEGATIVE_INFINITY) + this.minIntervalMs - this.clock.now());
    this.pending.set(
      key,
      this.timers.set(() => void this.run(key), wait),
    );
  }

  private async run(key: K): Promise<void> {
    this.pending.delete(key);
    this.lastRun.set(key, this.clock.now());
    const work = this.flush(key).catch((error: unknown) => this.onError(key, error));
    this.running.set(key, work);
    await work;
    this.running.delete(key);
    if (this.again.delete(key)) this.request(key);
  }

  /** Drops a pending flush (e.g. the drill ended and gets its final update another way). */
  cancel(key: K): void {
    const handle = this.pending.get(key);
    if (handle) this.timers.clear(handle);
    this.pending.delete(key);
    this.again.delete(key);
  }

  /** Waits for a flush in progress, so a final update is not overtaken by an older one. */
  async settle(key: K): Promise<void> {
    await this.running.get(key);
  }
}
