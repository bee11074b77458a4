import assert from "node:assert/strict";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import type { webApi } from "@slack/bolt";
import { LogLevel } from "@slack/logger";
import { FakeClock } from "../../src/domain/clock.js";
import { createLogger } from "../../src/slack/logger.js";
import { OUTBOX_METADATA_TYPE, OutboxWorker } from "../../src/slack/outboxWorker.js";
import { WorkTracker } from "../../src/slack/workTracker.js";
import { openSqliteStores, type SqliteStores } from "../../src/store/sqlite.js";
import { tempDir } from "../helpers.js";
import { FakeTimers } from "./harness.js";

// Two app processes on one database, racing for one outbox entry whose last send may have
// reached Slack: whatever the interleaving, the message must appear in the channel once.
// The real SQLite store; Slack is an in-memory channel answering as Slack does (newest first,
// `oldest`/`latest` bounds, cursors, a rate limit on history reads when asked for).

const T0 = Date.UTC(2026, 11, 6, 9, 0, 0);
const logger = createLogger({ level: LogLevel.ERROR, secrets: [] });

let stores: SqliteStores | null = null;
afterEach(async () => {
  await stores?.close();
  stores = null;
});

interface Message {
  ts: string;
  channel: string;
  key: string;
}

const slackTs = (ms: number, seq: number) => `${Math.floor(ms / 1000)}.${String(seq).padStart(6, "0")}`;

function fakeSlack(clock: FakeClock) {
  const posted: Message[] = [];
  const hooks: {
    /** What becomes of a post Slack has taken: answered, or its answer lost on the way back. */
    onPost?: () => Promise<"answer" | "drop">;
    /** Runs while a history read is in flight (after Slack has read the channel). */
    onHistory?: () => Promise<void>;
    /** Messages a read returns at most (15 for apps outside the Slack Marketplace). */
    pageSize?: number;
    /** Slack's one read a minute: any read after the first of an attempt is rate limited. */
    oneReadPerAttempt?: boolean;
  } = {};
  let seq = 0;
  let reads = 0;
  const history = async (args: { channel: string; oldest?: string; latest?: string; cursor?: string; limit?: number }) => {
    reads++;
    if (hooks.oneReadPerAttempt && args.cursor) {
      throw Object.assign(new Error("rate limited"), { code: "slack_webapi_rate_limited_error", retryAfter: 60 });
    }
    const page = args.cursor ? Number(args.cursor) : 0;
    const size = Math.min(hooks.pageSize ?? 200, args.limit ?? 200);
    const oldest = Number(args.oldest ?? 0);
    const latest = args.latest ? Number(args.latest) : Number.POSITIVE_INFINITY;
    const inRange = [...posted].reverse().filter((m) => m.channel === args.channel && Number(m.ts) > oldest && Number(m.ts) < latest);
    const slice = inRange.slice(page * size, page * size + size);
    const next = (page + 1) * size < inRange.length ? String(page + 1) : "";
    // Slack answers from what it had when the request arrived; whatever happens after is not in it.
    if (hooks.onHistory) await hooks.onHistory();
    return {
      ok: true,
      messages: slice.map((m) => ({ ts: m.ts, metadata: { event_type: OUTBOX_METADATA_TYPE, event_payload: { key: m.key } } })),
      response_metadata: { next_cursor: next },
    };
  };
  const client = {
    chat: {
      postMessage: async (args: { channel: string; metadata: { event_payload: { key: string } } }) => {
        const message = { ts: slackTs(clock.now(), ++seq), channel: args.channel, key: args.metadata.event_payload.key };
        posted.push(message);
        if ((await hooks.onPost?.()) === "drop") throw Object.assign(new Error("socket hang up"), { code: "slack_webapi_request_error" });
        return { ok: true, ts: message.ts };
      },
    },
    conversations: { history, replies: history },
  };
  // The worker calls only these three methods.
  return { posted, hooks, client: client as unknown as webApi.WebClient, reads: () => reads };
}

function setup() {
  const clock = new FakeClock(T0);
  const timers = new FakeTimers(clock);
  stores = openSqliteStores(join(tempDir(), "drillbot.db"));
  const slack = fakeSlack(clock);
  const worker = (owner: string, clientFor: () => Promise<webApi.WebClient> = async () => slack.client) =>
    new OutboxWorker({
      outbox: (stores as SqliteStores).outbox,
      threadOf: async () => null,
      onTriggerSent: async () => {},
      clientFor,
      clock,
      timers,
      logger,
      work: new WorkTracker(),
      paceMs: 0,
      owner,
    });
  return { clock, timers, slack, worker, outbox: stores.outbox, instances: stores.instances };
}

const gameDay = (now: number) => ({
  dedupeKey: "game:1",
  channel: "C1",
  kind: "game_day" as const,
  payload: { text: "Game day at 14:00" },
  now,
});
const copies = (posted: Message[]) => posted.filter((m) => m.key === "game:1").length;

describe("two processes racing for a message whose last send may have reached Slack", () => {
  it("does not post it again when the other process's send lost its answer between this one's read and its claim", async () => {
    const { slack, worker, outbox, instances } = setup();
    await instances.register({ id: "A", host: "h", pid: 1 }, T0, () => true);
    await instances.register({ id: "B", host: "h", pid: 2 }, T0, () => true);
    await outbox.enqueue(gameDay(T0));
    let letAGoOn = () => {};
    const aWaits = new Promise<void>((resolve) => {
      letAGoOn = resolve;
    });
    // A has read the entry (never tried) and waits for its Slack client…
    const aRun = worker("A", async () => {
      await aWaits;
      return slack.client;
    }).kick();
    await new Promise((resolve) => setImmediate(resolve));
    // …while B claims it, Slack takes B's post and the answer is lost.
    slack.hooks.onPost = async () => "drop";
    await worker("B").kick();
    assert.equal(copies(slack.posted), 1);
    slack.hooks.onPost = undefined;
    letAGoOn();
    await aRun;
    assert.equal(copies(slack.posted), 1, "A posted a second copy on its stale reading");
  });

  it("does not post it when its lease ran out while it was reading the channel and the other process posted it meanwhile", async () => {
    const { clock, slack, worker, outbox, instances } = setup();
    await instances.register({ id: "A", host: "h", pid: 1 }, T0, () => true);
    await instances.register({ id: "B", host: "h", pid: 2 }, T0, () => true);
    const entry = await outbox.enqueue(gameDay(T0));
    assert.ok(await outbox.claim(entry.id, T0, 15_000, "C")); // C died mid-send: unresolved
    clock.advance(1_000);
    const b = worker("B");
    let first = true;
    slack.hooks.onHistory = async () => {
      if (!first) return;
      first = false;
      // A's read of the channel answers only after its lease has run out; B takes the entry
      // over, looks (nothing yet), posts it and records it.
      clock.advance(16_000);
      await instances.heartbeat({ id: "A", host: "h", pid: 1 }, clock.now());
      await instances.heartbeat({ id: "B", host: "h", pid: 2 }, clock.now());
      await b.kick();
    };
    await worker("A").kick();
    assert.equal(copies(slack.posted), 1, "A posted after B on a lease it no longer held");
    assert.equal((await outbox.get(entry.id))?.status, "sent");
  });

  it("stops reading history once its look has taken too long, and tries again later instead of posting", async () => {
    const { clock, timers, slack, worker, outbox } = setup();
    const entry = await outbox.enqueue(gameDay(T0));
    assert.ok(await outbox.claim(entry.id, T0, 15_000, "C")); // C died mid-send: unresolved
    // The channel is busy; every page of history takes Slack 3 s to answer.
    for (let i = 0; i < 10; i++) slack.posted.push({ ts: slackTs(T0 + 30_000, i + 1), channel: "C1", key: `other:${i}` });
    slack.hooks.pageSize = 2;
    slack.hooks.onHistory = async () => {
      clock.advance(3_000);
    };
    clock.advance(1_000);
    const w = worker("B");
    await w.kick();
    assert.equal(slack.reads(), 2, "a page started past the deadline would end after the lease");
    const after = await outbox.get(entry.id);
    assert.deepEqual([after?.status, after?.sendUnresolved, after?.attempts], ["pending", true, 1]);
    assert.equal(copies(slack.posted), 0);
    // Slack answers quickly again: the next attempt reads everything and posts it once.
    slack.hooks.onHistory = undefined;
    await timers.advance(60_000, () => w.kick());
    assert.equal(copies(slack.posted), 1);
  });

  it("finds the earlier post with one read where Slack allows one read a minute of 15 messages, though 20 came after it", async () => {
    const { clock, slack, worker, outbox } = setup();
    const entry = await outbox.enqueue(gameDay(T0));
    // C claimed it at T0 and died once Slack had its post; the channel went on: 20 messages
    // between 2 and 5 minutes later.
    assert.ok(await outbox.claim(entry.id, T0, 15_000, "C"));
    slack.posted.push({ ts: slackTs(T0 + 1_000, 1), channel: "C1", key: "game:1" });
    for (let i = 0; i < 20; i++) slack.posted.push({ ts: slackTs(T0 + 120_000 + i * 9_000, i + 2), channel: "C1", key: `other:${i}` });
    slack.hooks.pageSize = 15; // an app outside the Slack Marketplace: 15 messages a read…
    slack.hooks.oneReadPerAttempt = true; // …and one read a minute
    clock.advance(10 * 60_000); // B starts ten minutes later
    await worker("B").kick();
    assert.equal(copies(slack.posted), 1, "posted again");
    const after = await outbox.get(entry.id);
    assert.deepEqual([after?.status, after?.messageTs], ["sent", slackTs(T0 + 1_000, 1)]);
    assert.equal(slack.reads(), 1);
  });
});
