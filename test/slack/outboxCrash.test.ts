import assert from "node:assert/strict";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import { webApi } from "@slack/bolt";
import { LogLevel } from "@slack/logger";
import nock from "nock";
import { FakeClock } from "../../src/domain/clock.js";
import { createLogger } from "../../src/slack/logger.js";
import { OUTBOX_METADATA_TYPE, OutboxWorker } from "../../src/slack/outboxWorker.js";
import { WorkTracker } from "../../src/slack/workTracker.js";
import type { OutboxStore } from "../../src/store/outbox.js";
import { openSqliteStores, type SqliteStores } from "../../src/store/sqlite.js";
import { tempDir } from "../helpers.js";
import { FakeTimers } from "./harness.js";

// Slack's chat.postMessage has no idempotency key: a process that dies after Slack accepted a post
// but before recording it sent leaves an entry that looks unsent. The next sender must find that
// post in the channel (by the outbox key in its metadata) instead of posting the inject again.

const THREAD = "1790000000.000100";
const T0 = Date.UTC(2026, 11, 6, 9, 0, 0);

interface Posted {
  ts: string;
  channel: string;
  thread_ts?: string;
  text: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

/** Slack's Web API on nock: chat.postMessage keeps each message, conversations.history and
 * .replies return them (metadata only when asked for), as Slack does; `readable` false answers
 * those two with missing_scope (no channels:history), `answerPosts` false accepts a post and
 * drops the answer (the connection breaks after Slack has it). */
function fakeSlack(options: { readable?: boolean } = {}) {
  const posted: Posted[] = [];
  const state = { answerPosts: true, readable: options.readable ?? true };
  let seq = 0;
  nock.disableNetConnect();
  nock("https://slack.com")
    .persist()
    .post(/\/api\/.+/)
    .reply(function (uri, body) {
      const method = uri.replace(/^\/api\//, "");
      const params = Object.fromEntries(new URLSearchParams(String(body))) as Record<string, string>;
      if (method === "chat.postMessage") {
        const message: Posted = {
          ts: `${Math.floor(T0 / 1000) + seq}.${String(++seq).padStart(6, "0")}`,
          channel: params.channel ?? "",
          text: params.text ?? "",
          ...(params.thread_ts ? { thread_ts: params.thread_ts } : {}),
          ...(params.metadata ? { metadata: JSON.parse(params.metadata) } : {}),
        };
        posted.push(message);
        if (!state.answerPosts) {
          this.req.destroy(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
          return [500, {}];
        }
        return [200, { ok: true, channel: message.channel, ts: message.ts }];
      }
      if (method === "conversations.history" || method === "conversations.replies") {
        if (!state.readable) return [200, { ok: false, error: "missing_scope", needed: "channels:history" }];
        const oldest = Number(params.oldest ?? 0);
        const messages = posted
          .filter((m) => m.channel === params.channel && Number(m.ts) > oldest)
          .filter((m) => (method === "conversations.replies" ? m.thread_ts === params.ts : m.thread_ts === undefined))
          .map(({ metadata, ...m }) => ({ ...m, ...(params.include_all_metadata === "true" && metadata ? { metadata } : {}) }));
        return [200, { ok: true, messages, has_more: false }];
      }
      return [200, { ok: true }];
    });
  return { posted, state };
}

const logger = createLogger({ level: LogLevel.ERROR, secrets: [] });
const client = () => new webApi.WebClient("xoxb-test", { retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger });

let stores: SqliteStores | null = null;
afterEach(async () => {
  await stores?.close();
  stores = null;
  nock.cleanAll();
  nock.enableNetConnect();
});

function setup() {
  const clock = new FakeClock(T0);
  const timers = new FakeTimers(clock);
  stores = openSqliteStores(join(tempDir(), "drillbot.db"));
  // Drill #1, running in C0DRILL: the injects' thread is its trigger message (THREAD).
  const db = stores.drills.db;
  db.prepare("INSERT INTO scenario_versions (hash, scenario_id, content, runbook, first_seen_at) VALUES ('h', 's', '{}', '', 0)").run();
  db.prepare(
    `INSERT INTO drills (id, scenario_id, scenario_hash, mode, surface, venue, started_by_id, started_by_name, started_at, read_window_ms, time_limit_ms, status)
     VALUES (1, 's', 'h', 'read', 'slack', 'C0DRILL', 'U0', 'u0', ?, 60000, 600000, 'running')`,
  ).run(T0);
  const outbox = stores.outbox;
  const worker = (owner: string, store: OutboxStore = outbox) =>
    new OutboxWorker({
      outbox: store,
      threadOf: async () => THREAD,
      onTriggerSent: async () => {},
      clientFor: async () => client(),
      clock,
      timers,
      logger,
      work: new WorkTracker(),
      paceMs: 0,
      owner,
    });
  return { clock, timers, outbox, worker };
}

/** Process A's view of the outbox: it dies the instant Slack has accepted a post, so it never
 * records the post as sent (everything else is the real store). */
function diesAfterPosting(outbox: OutboxStore): OutboxStore & { died: Promise<void> } {
  let die = () => {};
  const died = new Promise<void>((resolve) => {
    die = resolve;
  });
  const dying = Object.create(outbox) as OutboxStore & { died: Promise<void> };
  dying.markSent = () => {
    die();
    return new Promise<boolean>(() => {});
  };
  dying.died = died;
  return dying;
}

const inject = (now: number) => ({
  dedupeKey: "drill:1:inject:0",
  channel: "C0DRILL",
  drillId: 1,
  inThread: true,
  kind: "inject" as const,
  payload: { text: "⏱ *+0:02* · stakes\nsupport calls" },
  now,
});

describe("a post Slack accepted from a process that died before recording it", () => {
  it("is found in the drill's thread by its key and not posted again", async () => {
    const slack = fakeSlack();
    const { clock, outbox, worker } = setup();
    const entry = await outbox.enqueue(inject(clock.now()));
    const dying = diesAfterPosting(outbox);
    const a = worker("A", dying);
    void a.kick();
    await dying.died;
    a.stop();
    assert.equal(slack.posted.length, 1, "Slack has the inject");
    assert.equal(slack.posted[0]?.metadata?.event_type, OUTBOX_METADATA_TYPE);
    assert.equal((await outbox.get(entry.id))?.status, "pending", "A never recorded it");

    clock.advance(1_500); // B (or A restarted) starts; A's lease is free: A is not alive
    await worker("B").kick();
    assert.equal(slack.posted.length, 1, "posted once");
    const after = await outbox.get(entry.id);
    assert.equal(after?.status, "sent");
    assert.equal(after?.messageTs, slack.posted[0]?.ts, "recorded as the message Slack already has");
  });

  it("is looked for in the channel when it is a channel message (the trigger)", async () => {
    const slack = fakeSlack();
    const { clock, outbox, worker } = setup();
    const entry = await outbox.enqueue({ ...inject(clock.now()), dedupeKey: "drill:1:trigger", inThread: false, kind: "trigger" });
    const dying = diesAfterPosting(outbox);
    const a = worker("A", dying);
    void a.kick();
    await dying.died;
    a.stop();
    clock.advance(1_500);
    await worker("B").kick();
    assert.equal(slack.posted.length, 1, "posted once");
    assert.equal((await outbox.get(entry.id))?.messageTs, slack.posted[0]?.ts);
  });

  it("is found after a send whose answer was lost (the connection broke after Slack had it)", async () => {
    const slack = fakeSlack();
    const { clock, timers, outbox, worker } = setup();
    const entry = await outbox.enqueue(inject(clock.now()));
    slack.state.answerPosts = false;
    const w = worker("A");
    await w.kick();
    assert.equal(slack.posted.length, 1);
    assert.equal((await outbox.get(entry.id))?.status, "pending", "A does not know whether Slack posted it");
    slack.state.answerPosts = true;
    await timers.advance(2_000, () => w.kick());
    assert.equal(slack.posted.length, 1, "not posted again");
    assert.equal((await outbox.get(entry.id))?.status, "sent");
  });

  it("is posted again when the channel cannot be read (no channels:history scope): at least once, never lost", async () => {
    const slack = fakeSlack({ readable: false });
    const { clock, outbox, worker } = setup();
    const entry = await outbox.enqueue(inject(clock.now()));
    const dying = diesAfterPosting(outbox);
    const a = worker("A", dying);
    void a.kick();
    await dying.died;
    a.stop();
    clock.advance(1_500);
    await worker("B").kick();
    assert.equal(slack.posted.length, 2, "the doubt is resolved by posting");
    assert.equal((await outbox.get(entry.id))?.messageTs, slack.posted[1]?.ts);
  });

  it("is posted once when it had not reached Slack after all (the process died before sending)", async () => {
    const slack = fakeSlack();
    const { clock, outbox, worker } = setup();
    const entry = await outbox.enqueue(inject(clock.now()));
    assert.ok(await outbox.claim(entry.id, clock.now(), 15_000, "A"), "A took it and died before posting");
    clock.advance(1_500);
    await worker("B").kick();
    assert.equal(slack.posted.length, 1);
    assert.equal((await outbox.get(entry.id))?.status, "sent");
  });
});
