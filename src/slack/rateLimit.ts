import type { Clock } from "../domain/clock.js";

// At most `max` events per key in any `windowMs` (a sliding log, trimmed as it goes). In memory:
// a restart forgets it, which is fine for what it limits (re-posts a person asks for).

export class RateLimiter {
  private readonly log = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly rule: { max: number; windowMs: number },
  ) {}

  /** Counts one event for `key`; false (and not counted) when the key is over its limit. */
  take(key: string): boolean {
    const now = this.clock.now();
    const recent = (this.log.get(key) ?? []).filter((at) => at > now - this.rule.windowMs);
    if (recent.length >= this.rule.max) {
      this.log.set(key, recent);
      return false;
    }
    recent.push(now);
    this.log.set(key, recent);
    if (this.log.size > 10_000) this.forgetIdle(now);
    return true;
  }

  /** When the key may take again (ms), for a helpful refusal. */
  retryAt(key: string): number {
    const oldest = this.log.get(key)?.[0];
    return oldest === undefined ? this.clock.now() : oldest + this.rule.windowMs;
  }

  private forgetIdle(now: number): void {
    for (const [key, times] of this.log) if (!times.some((at) => at > now - this.rule.windowMs)) this.log.delete(key);
  }
}
