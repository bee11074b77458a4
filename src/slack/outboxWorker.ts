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
//
// Slack's chat.postMessage takes no idempotency key, so a send whose outcome was never learned
// (the process died after Slack accepted the post, the answer timed out, the connection dropped)
// could be posted again by the next attempt. Every post therefore carries its outbox key in the
// message's metadata, and an attempt after an unresolved one first reads the channel (or the
// drill's thread) around the time that send started for a message carrying that key: found, it is
// recorded as sent and not posted again. Reading needs the channels:history (groups:history for
// private channels) scope and the bot in the channel; without them the post is sent again, at
// least once (docs/deployment.md, "Delivery guarantee").

export const CHANNEL_PACE_MS = 1_100;
/** The metadata event type every outbox post carries, with its dedupe key as `key`. */
export const OUTBOX_METADATA_TYPE = "drillbot_outbox";
/** Messages are looked for from this long before their send started, and as long after its lease
 * (Slack's clock and ours may differ a little). */
const LOOKUP_SKEW_MS = 60_000;
/** Pages of history read when looking for an earlier post (a page is up to 200 messages). */
const LOOKUP_MAX_PAGES = 10;
export const MAX_ATTEMPTS = 40;
/** How long one send attempt holds an entry; past it (the sender died) another may try. */
const SEND_LEASE_MS = 15_000; // longer than one attempt's 10 s timeout
/** How long the look for an earlier post may take: no page of history is asked for past it, so
 * the decision to post is taken well inside the lease (a page's answer takes up to 10 s). */
const LOOKUP_DEADLINE_MS = 4_000;
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
    const queued = await this.o.outbox.get(head.id);
    if (queued?.status !== "pending") return true; // sent or given up meanwhile (another instance)
    let threadTs: string | undefined;
    if (queued.inThread) {
      let ts = queued.drillId === null ? null : await this.o.threadOf(queued.team, queued.drillId);
      const trigger = ts || queued.drillId === null ? null : await this.o.outbox.byKey(`drill:${queued.drillId}:trigger`);
      if (!ts && trigger?.status === "sent" && trigger.messageTs) {
        // Sent, but the process died before the drill learned its ts: learn it now.
        await this.o.onTriggerSent(trigger, trigger.messageTs);
        ts = trigger.messageTs;
      }
      if (!ts) {
        if (trigger?.status === "pending") return false; // it goes first; this one waits for its ts
        return this.giveUp(queued, "the drill's trigger message was never posted");
      }
      threadTs = ts;
    }
    const client = await this.o.clientFor(queued.team);
    if (!client) return this.giveUp(queued, "drillbot is no longer installed in this workspace");
    const now = this.o.clock.now();
    // Another instance on the same database may be sending it right now: one of us sends. What
    // the claim took over decides, not the reading above: another instance may have tried it in
    // between and lost Slack's answer.
    const entry = await this.o.outbox.claim(head.id, now, SEND_LEASE_MS, this.o.owner);
    if (!entry) return false;
    if (entry.sendUnresolved) {
      const earlier = await this.findEarlierPost(client, entry, threadTs, now + LOOKUP_DEADLINE_MS);
      if (earlier.kind === "retry" && entry.attempts + 1 < MAX_ATTEMPTS) {
        this.o.logger.warn(`outbox: ${entry.dedupeKey}: could not look for an earlier post (${earlier.reason}); looking again later`);
        await this.o.outbox.retryLater(entry.id, this.o.clock.now() + earlier.afterMs, earlier.reason, this.o.owner, true);
        return true;
      }
      if (earlier.kind === "found") {
        this.o.logger.warn(`outbox: ${entry.dedupeKey} had reached Slack before its sender stopped; not posting it again`);
        await this.recordSent(entry, earlier.ts);
        return true;
      }
      if (earlier.kind === "cannot look" || earlier.kind === "retry") {
        // Unreadable, or still failing after as many tries as a post gets: a second copy rather than none.
        this.o.logger.warn(
          `outbox: ${entry.dedupeKey} may have reached Slack before its sender stopped, and its channel cannot be read to check (${earlier.reason}): posting it again`,
        );
      }
      // The look may have taken most of the lease: post only if it is still ours (renewed for
      // the post); another instance that took it over meanwhile looks and posts itself.
      if (!(await this.o.outbox.renewLease(entry.id, this.o.clock.now(), SEND_LEASE_MS, this.o.owner))) {
        this.tookOver(entry, "its lease ran out while looking for an earlier post");
        return true;
      }
    }
    // Paced from the post itself: a look for an earlier post may have taken seconds since the claim.
    this.lastSent.set(channelKey(entry.team, entry.channel), this.o.clock.now());
    let ts: string | null;
    try {
      const posted = await client.chat.postMessage({
        channel: entry.channel,
        text: entry.payload.text,
        ...(entry.payload.blocks ? { blocks: entry.payload.blocks as never } : {}),
        ...(threadTs ? { thread_ts: threadTs } : {}),
        unfurl_links: false,
        unfurl_media: false,
        // Invisible to people; lets a later attempt recognise this post (findEarlierPost).
        metadata: { event_type: OUTBOX_METADATA_TYPE, event_payload: { key: entry.dedupeKey } },
      });
      ts = posted.ts ?? null;
    } catch (error) {
      const verdict = classifySlackError(error, entry.attempts);
      if (verdict.kind === "permanent" || entry.attempts + 1 >= MAX_ATTEMPTS) {
        if (await this.o.outbox.markFailed(entry.id, verdict.reason, this.o.owner)) {
          this.o.logger.error(`outbox: giving up on ${entry.dedupeKey}: ${verdict.reason}`);
        } else this.tookOver(entry, verdict.reason);
      } else if (
        await this.o.outbox.retryLater(entry.id, this.o.clock.now() + verdict.afterMs, verdict.reason, this.o.owner, mayHavePosted(error))
      ) {
        this.o.logger.warn(`outbox: ${entry.dedupeKey} will be retried in ${Math.round(verdict.afterMs / 1000)} s: ${verdict.reason}`);
      } else this.tookOver(entry, verdict.reason);
      return true;
    }
    // Posted. Recording it is not part of the attempt: if that fails (a database error), the
    // entry keeps its lease and stays unresolved, and the next attempt finds this post instead
    // of posting it again.
    try {
      await this.recordSent(entry, ts);
    } catch (error) {
      this.o.logger.error(`outbox: ${entry.dedupeKey} was posted but could not be recorded as sent:`, error);
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

  private async recordSent(entry: OutboxEntry, ts: string | null): Promise<void> {
    const recorded = await this.o.outbox.markSent(entry.id, this.o.clock.now(), ts);
    // Not recorded: this process stalled, another took the entry over and its post was
    // recorded first; the drill's thread is that one.
    if (recorded && entry.kind === "trigger" && ts) await this.o.onTriggerSent(entry, ts);
  }

  /** Looks in the drill's thread (or the channel) for a message carrying the entry's key, posted
   * around the time its unresolved send started. */
  private async findEarlierPost(
    client: webApi.WebClient,
    entry: OutboxEntry,
    threadTs: string | undefined,
    deadline: number,
  ): Promise<EarlierPost> {
    // Only around the unresolved send: it started at sendStartedAt and, if Slack took it, reached
    // Slack within its lease. A few minutes of history fit in one page, which matters where Slack
    // allows one history read a minute of 15 messages: a look that needed a second page would be
    // rate limited on every attempt. Rows from before the column: everything since queued.
    const started = entry.sendStartedAt;
    const slackTime = (ms: number) => (ms / 1000).toFixed(6);
    const window =
      started === null
        ? { oldest: slackTime(entry.createdAt - LOOKUP_SKEW_MS) }
        : { oldest: slackTime(started - LOOKUP_SKEW_MS), latest: slackTime(started + SEND_LEASE_MS + LOOKUP_SKEW_MS) };
    let cursor: string | undefined;
    try {
      for (let page = 0; page < LOOKUP_MAX_PAGES; page++) {
        if (page > 0 && this.o.clock.now() >= deadline) {
          return { kind: "retry", afterMs: backoffMs(entry.attempts), reason: `still looking after ${LOOKUP_DEADLINE_MS / 1000} s` };
        }
        const common = { channel: entry.channel, ...window, include_all_metadata: true, limit: 200, ...(cursor ? { cursor } : {}) };
        const answer = threadTs
          ? await client.conversations.replies({ ...common, ts: threadTs })
          : await client.conversations.history(common);
        const match = (answer.messages ?? []).find(
          (m) =>
            m.metadata?.event_type === OUTBOX_METADATA_TYPE &&
            (m.metadata.event_payload as Record<string, unknown> | undefined)?.key === entry.dedupeKey,
        );
        if (match?.ts) return { kind: "found", ts: match.ts };
        cursor = answer.response_metadata?.next_cursor || undefined;
        if (!cursor) return { kind: "absent" };
      }
      return { kind: "cannot look", reason: `not among the ${LOOKUP_MAX_PAGES * 200} messages read` };
    } catch (error) {
      const verdict = classifySlackError(error, entry.attempts);
      // A missing scope, a channel the bot is not in: no attempt will read it.
      return verdict.kind === "permanent" ? { kind: "cannot look", reason: verdict.reason } : { ...verdict };
    }
  }
}

type EarlierPost =
  | { kind: "found"; ts: string }
  | { kind: "absent" }
  | { kind: "cannot look"; reason: string }
  | Extract<Classified, { kind: "retry" }>;

/** Whether Slack may have posted the message although the call failed: only Slack's own answer
 * (an error in the body, a 429) says for sure that it did not. */
function mayHavePosted(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code !== webApi.ErrorCode.PlatformError && code !== webApi.ErrorCode.RateLimitedError;
}
