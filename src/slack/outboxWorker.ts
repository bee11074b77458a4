import { webApi } from "@slack/bolt";
import type { Logger } from "@slack/logger";
import type { Clock } from "../domain/clock.js";
import type { Team } from "../domain/team.js";
import type { TimerHandle, TimerHost } from "../scheduler/timers.js";
import type { OutboxEntry, OutboxHead, OutboxStore } from "../store/outbox.js";
import type { WorkTracker } from "./workTracker.js";

// Delivers the outbox to Slack: per channel in order, about one message a second per channel
// (chat.postMessage's rate), honouring Retry-After on 429, backing off on 5xx and timeouts, and
// giving up only on errors that retrying cannot fix (not_in_channel, invalid_blocks…).

export const CHANNEL_PACE_MS = 1_100;
export const MAX_ATTEMPTS = 40;
/** How long one send attempt holds an entry; past it (the sender died) another may try. */
const SEND_LEASE_MS = 15_000; // longer than one attempt's 10 s timeout
const MAX_BACKOFF_MS = 5 * 60_000;

export type Classified = { kind: "retry"; afterMs: number; reason: string } | { kind: "permanent"; reason: string };

const TRANSIENT_PLATFORM_ERRORS = new Set([
  "ratelimited",
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
  "team_added_to_org",
]);

export function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** Math.min(attempts, 20));
}

/** What a failed Web API call means for the message: try again (when) or stop. */
export function classifySlackError(error: unknown, attempts: number): Classified {
  const e = error as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; message?: string };
  switch (e.code) {
    case webApi.ErrorCode.RateLimitedError:
      return {
        kind: "retry",
        afterMs: Math.max(1, e.retryAfter ?? 1) * 1_000,
        reason: `rate limited (Retry-After ${e.retryAfter ?? 1} s)`,
      };
    case webApi.ErrorCode.PlatformError: {
      const code = e.data?.error ?? "unknown_error";
      return TRANSIENT_PLATFORM_ERRORS.has(code)
        ? { kind: "retry", afterMs: backoffMs(attempts), reason: code }
        : { kind: "permanent", reason: code };
    }
    case webApi.ErrorCode.HTTPError:
      return (e.statusCode ?? 500) >= 500 || e.statusCode === 408
        ? { kind: "retry", afterMs: backoffMs(attempts), reason: `HTTP ${e.statusCode}` }
        : { kind: "permanent", reason: `HTTP ${e.statusCode}` };
    default:
      // Timeouts, refused connections, DNS: Slack or the network will come back.
      return { kind: "retry", afterMs: backoffMs(attempts), reason: (e.message ?? "request failed").split("\n")[0] ?? "request failed" };
  }
}

/** Channels are paced per workspace: a channel shared by two workspaces is two venues. */
const channelKey = (team: Team, channel: string) => `${team.id}/${channel}`;

export interface OutboxWorkerOptions {
  outbox: OutboxStore;
  /** The thread a drill's messages go under (its trigger message ts), once known. */
  threadOf(team: Team, drillId: number): Promise<string | null>;
  onTriggerSent(entry: OutboxEntry, ts: string): Promise<void>;
  /** The client with the bot token of the entry's workspace; null when drillbot is no longer
   * installed there (the entry then fails: nobody can send it). */
  clientFor(team: Team): Promise<webApi.WebClient | null>;
  clock: Clock;
  timers: TimerHost;
  logger: Logger;
  work: WorkTracker;
  paceMs?: number;
  /** This process's id in the instances table: the holder of the leases it takes. */
  owner: string;
  /** Workspaces whose messages stay queued, neither tried nor failed: in OAuth mode the
   * single-workspace install's ('local'), which no installation can send until `drillbot
   * adopt-workspace` hands them to a workspace. */
  holds?: (team: Team) => boolean;
}

export class OutboxWorker {
  private readonly lastSent = new Map<string, number>();
  private running: Promise<void> | null = null;
  private again = false;
  private wake: { handle: TimerHandle; at: number } | null = null;
  private stopped = false;
  private readonly paceMs: number;

  constructor(private readonly o: OutboxWorkerOptions) {
    this.paceMs = o.paceMs ?? CHANNEL_PACE_MS;
  }

  /** Deliver whatever is deliverable now; called after every enqueue and on start. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.o.work.run(
      this.drain().finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          void this.kick();
        }
      }),
    );
    return this.running;
  }

  /** Tries to deliver one entry now (the trigger at /drill); the entry as it stands afterwards. */
  async deliverNow(id: number): Promise<OutboxEntry | null> {
    await this.kick();
    await this.running;
    return this.o.outbox.get(id);
  }

  stop(): void {
    this.stopped = true;
    if (this.wake) this.o.timers.clear(this.wake.handle);
    this.wake = null;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const now = this.o.clock.now();
      let progressed = false;
      let nextAt = Number.POSITIVE_INFINITY;
      for (const head of await this.o.outbox.heads(now)) {
        if (this.stopped) return;
        if (this.o.holds?.(head.team)) continue;
        const paceAt = (this.lastSent.get(channelKey(head.team, head.channel)) ?? Number.NEGATIVE_INFINITY) + this.paceMs;
        const readyAt = Math.max(head.dueAt, paceAt, head.leaseUntil ?? 0);
        if (readyAt > now) {
          nextAt = Math.min(nextAt, readyAt);
          continue;
        }
        const delivered = await this.deliver(head);
        // Not delivered: another instance holds it (or its thread is not known yet); look again later.
        if (!delivered) nextAt = Math.min(nextAt, now + SEND_LEASE_MS);
        progressed = delivered || progressed;
      }
      if (!progressed) {
        this.sleepUntil(nextAt);
        return;
      }
    }
  }

  private sleepUntil(at: number): void {
    if (!Number.isFinite(at) || this.stopped) return;
    if (this.wake && this.wake.at <= at) return;
    if (this.wake) this.o.timers.clear(this.wake.handle);
    const handle = this.o.timers.set(() => {
      this.wake = null;
      void this.kick();
    }, at - this.o.clock.now());
    this.wake = { handle, at };
  }

  /** One attempt; true when the entry's state changed. */
  private async deliver(head: OutboxHead): Promise<boolean> {
    const entry = await this.o.outbox.get(head.id);
    if (entry?.status !== "pending") return true; // sent or given up meanwhile (another instance)
    let threadTs: string | undefined;
    if (entry.inThread) {
      let ts = entry.drillId === null ? null : await this.o.threadOf(entry.team, entry.drillId);
      const trigger = ts || entry.drillId === null ? null : await this.o.outbox.byKey(`drill:${entry.drillId}:trigger`);
      if (!ts && trigger?.status === "sent" && trigger.messageTs) {
        // Sent, but the process died before the drill learned its ts: learn it now.
        await this.o.onTriggerSent(trigger, trigger.messageTs);
        ts = trigger.messageTs;
      }
      if (!ts) {
        if (trigger?.status === "pending") return false; // it goes first; this one waits for its ts
        return this.giveUp(entry, "the drill's trigger message was never posted");
      }
      threadTs = ts;
    }
    const client = await this.o.clientFor(entry.team);
    if (!client) return this.giveUp(entry, "drillbot is no longer installed in this workspace");
    const now = this.o.clock.now();
    // Another instance on the same database may be sending it right now: one of us sends.
    if (!(await this.o.outbox.claim(entry.id, now, SEND_LEASE_MS, this.o.owner))) return false;
    this.lastSent.set(channelKey(entry.team, entry.channel), now);
    try {
      const posted = await client.chat.postMessage({
        channel: entry.channel,
        text: entry.payload.text,
        ...(entry.payload.blocks ? { blocks: entry.payload.blocks as never } : {}),
        ...(threadTs ? { thread_ts: threadTs } : {}),
        unfurl_links: false,
        unfurl_media: false,
      });
      const recorded = await this.o.outbox.markSent(entry.id, this.o.clock.now(), posted.ts ?? null);
      // Not recorded: this process stalled, another took the entry over and its post was
      // recorded first; the drill's thread is that one.
      if (recorded && entry.kind === "trigger" && posted.ts) await this.o.onTriggerSent(entry, posted.ts);
    } catch (error) {
      const verdict = classifySlackError(error, entry.attempts);
      if (verdict.kind === "permanent" || entry.attempts + 1 >= MAX_ATTEMPTS) {
        if (await this.o.outbox.markFailed(entry.id, verdict.reason, this.o.owner)) {
          this.o.logger.error(`outbox: giving up on ${entry.dedupeKey}: ${verdict.reason}`);
        } else this.tookOver(entry, verdict.reason);
      } else if (await this.o.outbox.retryLater(entry.id, this.o.clock.now() + verdict.afterMs, verdict.reason, this.o.owner)) {
        this.o.logger.warn(`outbox: ${entry.dedupeKey} will be retried in ${Math.round(verdict.afterMs / 1000)} s: ${verdict.reason}`);
      } else this.tookOver(entry, verdict.reason);
    }
    return true;
  }

  /** Gives an entry nobody can send up, under a lease like a send: another instance may be
   * sending it right now, and only the holder decides. False when another holds it. */
  private async giveUp(entry: OutboxEntry, reason: string): Promise<boolean> {
    if (!(await this.o.outbox.claim(entry.id, this.o.clock.now(), SEND_LEASE_MS, this.o.owner))) return false;
    if (await this.o.outbox.markFailed(entry.id, reason, this.o.owner)) {
      this.o.logger.error(`outbox: giving up on ${entry.dedupeKey}: ${reason}`);
    } else this.tookOver(entry, reason);
    return true;
  }

  /** This process's lease went to another instance while it was sending (it stalled past the
   * heartbeat): what becomes of the entry is the new holder's call. */
  private tookOver(entry: OutboxEntry, reason: string): void {
    this.o.logger.warn(`outbox: ${entry.dedupeKey} failed here (${reason}) after another instance took it over; left to that instance`);
  }
}
