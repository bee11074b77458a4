import assert from "node:assert/strict";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import { FakeClock } from "../../src/domain/clock.js";
import { SETTLE_AFTER_MS } from "../../src/scheduler/drillLifecycle.js";
import { RETAKE_AFTER_MS } from "../../src/scheduler/gameDays.js";
import { FOLLOW_MS } from "../../src/scheduler/housekeeping.js";
import type { TimerHandle, TimerHost } from "../../src/scheduler/timers.js";
import { ACTIONS, FIRST_MOVE_BLOCK, FIRST_MOVE_INPUT, VIEWS } from "../../src/slack/blocks/drillBlocks.js";
import { GAME_DAY_STARTER } from "../../src/slack/gameDaySlack.js";
import { TRIGGER_UPDATE_INTERVAL_MS } from "../../src/slack/slackDelivery.js";
import { OWNER_STALE_MS } from "../../src/store/outbox.js";
import { tempDir } from "../helpers.js";
import { type ApiCall, blockText, FakeTimers, SlackHarness } from "./harness.js";

// Two app instances on one database, on one fake clock: each arms every running drill and every
// schedule, whichever instance started it, so timed things happen once while both live and
// still happen when one dies; what a dead instance owed the channel is taken over in seconds.

const alice = { id: "U0ALICE", name: "alice" };
const answer = (text: string) => ({ [FIRST_MOVE_BLOCK]: { [FIRST_MOVE_INPUT]: { type: "plain_text_input", value: text } } });
const MINUTE = 60_000;

/** One process's view of the shared fake timers: when it dies, its timers (heartbeat, drill
 * timers, outbox wake-ups) die with it. */
class ProcessTimers implements TimerHost {
  private readonly mine = new Set<number>();
  private dead = false;
  constructor(private readonly shared: FakeTimers) {}
  set(fn: () => void, delayMs: number): TimerHandle {
    const handle = this.shared.set(() => {
      this.mine.delete(handle.id);
      if (!this.dead) fn();
    }, delayMs);
    this.mine.add(handle.id);
    return handle;
  }
  clear(handle: TimerHandle): void {
    this.mine.delete(handle.id);
    this.shared.clear(handle);
  }
  kill(): void {
    this.dead = true;
    for (const id of this.mine) this.shared.clear({ id });
    this.mine.clear();
  }
}

interface Pair {
  a: SlackHarness;
  b: SlackHarness;
  timersA: ProcessTimers;
  advance(ms: number): Promise<void>;
  /** Every chat.postMessage either instance made, in order. */
  posts(): ApiCall[];
  /** A dies: no clean shutdown, its timers stop. */
  crashA(): Promise<void>;
}

let running: SlackHarness[] = [];
afterEach(async () => {
  for (const h of running) await h.stop().catch(() => {});
  running = [];
});

async function twoInstances(options: { channelPaceMs?: number } = {}): Promise<Pair> {
  const clock = new FakeClock(Date.UTC(2026, 10, 23, 10, 0, 0));
  const shared = new FakeTimers(clock);
  const dbPath = join(tempDir(), "drillbot.db");
  const timersA = new ProcessTimers(shared);
  const timersB = new ProcessTimers(shared);
  const common = { dbPath, clock, ...(options.channelPaceMs !== undefined ? { channelPaceMs: options.channelPaceMs } : {}) };
  const a = await new SlackHarness({ ...common, timers: timersA, instance: { id: "A", host: hostname(), pid: process.pid } }).start();
  const b = await new SlackHarness({ ...common, timers: timersB, instance: { id: "B", host: hostname(), pid: process.pid } }).start();
  running = [a, b];
  let alive = [a, b];
  return {
    a,
    b,
    timersA,
    advance: (ms) => shared.advance(ms, async () => void (await Promise.all(alive.map((h) => h.idle())))),
    posts: () => [...a.calls, ...b.calls].filter((c) => c.method === "chat.postMessage").sort((x, y) => x.at - y.at),
    async crashA() {
      timersA.kill();
      alive = [b];
      running = [b];
      await a.crash();
      // nock is global and went with A's fake: B's calls are recorded by B from now on.
      b.fakeSlackApi();
    },
  };
}

const injectLines = (posts: ApiCall[]) =>
  posts.filter((c) => String(c.params.text ?? "").startsWith("⏱")).map((c) => String(c.params.text).split("\n")[0] ?? "");
const debriefs = (posts: ApiCall[]) => posts.filter((c) => blockText(c.params.blocks).includes("Debrief ·"));
const summaries = (posts: ApiCall[]) => posts.filter((c) => /is over:/.test(String(c.params.text ?? "")));

async function playOn(pair: Pair, people: number): Promise<void> {
  for (let i = 0; i < people; i++) {
    const h = i % 2 === 0 ? pair.a : pair.b;
    const user = { id: `U${String(i).padStart(4, "0")}`, name: `responder${i}` };
    await h.click(ACTIONS.ack, "1", user);
    const answered = await h.submitView(VIEWS.firstMove, JSON.stringify({ drillId: 1 }), answer("check the provider dashboard"), user);
    assert.equal(answered.status, 200);
  }
}

describe("several instances on one database", () => {
  it("arms a drill started on one instance on the other, and posts each inject, the end and the debrief once, in order", async () => {
    const pair = await twoInstances();
    await pair.a.command("payment-5xx", alice);
    assert.deepEqual(pair.b.slack.deps.drills.timers.armedDrills(), [], "B has not looked yet");
    await pair.advance(FOLLOW_MS);
    assert.deepEqual(pair.b.slack.deps.drills.timers.armedDrills(), [1], "B follows A's drill within one poll");
    await playOn(pair, 10);
    await pair.advance(16 * MINUTE);

    const posts = pair.posts();
    const injects = injectLines(posts);
    assert.deepEqual(injects, ["⏱ *+3:00* · stakes", "⏱ *+6:00* · clue", "⏱ *+8:00* · noise", "⏱ *+11:00* · stakes"]);
    assert.equal(debriefs(posts).length, 1);
    assert.equal(summaries(posts).length, 1);
    assert.ok(posts.indexOf(debriefs(posts)[0] as ApiCall) > posts.findLastIndex((c) => String(c.params.text ?? "").startsWith("⏱")));
    const noticed = posts.flatMap((c) => String(c.params.text ?? "").match(/responder\d+/g) ?? []);
    assert.equal(noticed.length, 10, "each first move announced once");
    assert.equal(new Set(noticed).size, 10);
    assert.ok(blockText(debriefs(posts)[0]?.params.blocks).includes("of 10 stated a correct first move"));
  });

  it("keeps a drill going on the other instance when the one that started it dies", async () => {
    const pair = await twoInstances();
    await pair.a.command("payment-5xx", alice);
    await pair.advance(FOLLOW_MS);
    await playOn(pair, 6);
    await pair.advance(4 * MINUTE); // the first inject is out; A dies between injects
    await pair.crashA();
    await pair.advance(12 * MINUTE);

    const posts = pair.posts();
    assert.deepEqual(injectLines(posts), ["⏱ *+3:00* · stakes", "⏱ *+6:00* · clue", "⏱ *+8:00* · noise", "⏱ *+11:00* · stakes"]);
    assert.equal(debriefs(posts).length, 1);
    assert.equal(summaries(posts).length, 1);
    assert.ok(blockText(debriefs(posts)[0]?.params.blocks).includes("of 6 stated a correct first move"));
    const drill = await pair.b.store.loadDrill(1);
    assert.equal(drill?.endReason, "time_limit");
  });

  it("queues the debrief of a drill whose instance ended it and died before queuing it", async () => {
    const pair = await twoInstances();
    await pair.a.command("payment-5xx", alice);
    await pair.advance(FOLLOW_MS);
    // The end is recorded, then A dies before anything about it is queued.
    assert.equal((await pair.a.slack.deps.service.end(1, alice.id, "manual")).ok, true);
    await pair.crashA();
    await pair.advance(FOLLOW_MS);
    assert.equal(debriefs(pair.posts()).length, 0, "B gives the ending instance a moment first");
    await pair.advance(SETTLE_AFTER_MS + FOLLOW_MS);
    assert.equal(debriefs(pair.posts()).length, 1);
    assert.equal(summaries(pair.posts()).length, 1);
    await pair.advance(MINUTE);
    assert.equal(debriefs(pair.posts()).length, 1, "once");
  });

  it("takes over a send a dead instance held within seconds, not when its lease runs out", async () => {
    const pair = await twoInstances({ channelPaceMs: 1_100 });
    await pair.a.command("payment-5xx", alice);
    await pair.a.command("end", alice);
    const debrief = await pair.a.stores.outbox.byKey("drill:1:debrief:0");
    assert.equal(debrief?.status, "pending", "waiting for the channel's pace");
    // A takes it for a send (a 60 s lease) and dies in the middle of it.
    assert.ok(await pair.a.stores.outbox.claim(debrief?.id ?? 0, pair.a.clock.now(), 60_000, "A"));
    const diedAt = pair.a.clock.now();
    await pair.crashA();
    let sentAt: number | null = null;
    for (let s = 0; s < 30 && sentAt === null; s++) {
      await pair.advance(1_000);
      if (debriefs(pair.posts()).length > 0) sentAt = pair.b.clock.now();
    }
    assert.ok(sentAt !== null, "B sent it");
    const after = sentAt - diedAt;
    assert.ok(after <= OWNER_STALE_MS + HEARTBEAT_GAP + FOLLOW_MS, `sent ${after} ms after A died`);
    assert.equal(debriefs(pair.posts()).length, 1);
  });

  it("fires a schedule added on one instance once, on the other when the first has died", async () => {
    for (const crash of [false, true]) {
      const pair = await twoInstances();
      const schedule = await pair.a.slack.deps.schedules.createSchedule({
        channel: "C0WEEKLY",
        cron: "0 11 * * *",
        timezone: "UTC",
        scenario: "payment-5xx",
        mode: "read",
        headsUp: false,
        createdBy: alice.id,
        createdAt: pair.a.clock.now(),
      });
      pair.a.slack.deps.gameDays.arm(schedule);
      await pair.advance(FOLLOW_MS);
      if (crash) await pair.crashA();
      await pair.advance(61 * MINUTE);
      const drills = await pair.b.store.listDrills({ venue: "C0WEEKLY" });
      assert.equal(drills.length, 1, `one drill (A ${crash ? "dead" : "alive"})`);
      const runs = await pair.b.slack.deps.schedules.listScheduleRuns(schedule.id);
      assert.deepEqual(
        runs.map((r) => [r.kind, r.status]),
        [["drill", "fired"]],
      );
      const triggers = pair.posts().filter((c) => c.params.channel === "C0WEEKLY" && !c.params.thread_ts);
      assert.equal(triggers.length, 1, "one trigger message");
      for (const h of running) await h.stop();
      running = [];
    }
  });
});

describe("App Home on another instance", () => {
  it("lists a game day scheduled on one instance within a follow cycle, and drops it once unscheduled there", async () => {
    const pair = await twoInstances();
    const homeOfB = async () => {
      await pair.b.event({ type: "app_home_opened", user: alice.id, channel: "D0ALICE", tab: "home", event_ts: "1.1" });
      // nock is global: while both live, A's fake records every call, B's among them.
      const published = [...pair.a.calls, ...pair.b.calls].filter((c) => c.method === "views.publish").sort((x, y) => x.at - y.at);
      return blockText(published.at(-1)?.params.view);
    };
    await pair.a.command("schedule weekly fri 15:00 payment-5xx Europe/Berlin", alice, "C0WEEKLY");
    const [schedule] = await pair.a.slack.deps.schedules.listSchedules({ active: true });
    assert.ok(schedule, "scheduled on A");
    await pair.advance(FOLLOW_MS);
    assert.match(await homeOfB(), new RegExp(`#${schedule.id}\\* in <#C0WEEKLY>`), "B armed it and lists it");
    await pair.a.command(`unschedule ${schedule.id}`, alice, "C0WEEKLY");
    await pair.advance(FOLLOW_MS);
    assert.doesNotMatch(await homeOfB(), new RegExp(`#${schedule.id}\\* in <#C0WEEKLY>`), "gone from B's too");
  });
});

/** A's last heartbeat may be up to one beat before it died. */
const HEARTBEAT_GAP = 2_000;

describe("a game day whose instance died mid-fire", () => {
  it("is started by another instance, once, when the claim was left without a drill", async () => {
    const pair = await twoInstances();
    const schedule = await pair.a.slack.deps.schedules.createSchedule({
      channel: "C0WEEKLY",
      cron: "0 11 * * *",
      timezone: "UTC",
      scenario: "payment-5xx",
      mode: "read",
      headsUp: false,
      createdBy: alice.id,
      createdAt: pair.a.clock.now(),
    });
    await pair.advance(FOLLOW_MS); // both instances have armed it
    // At 11:00 A claims the period and dies before it starts the drill; B's own timer for 11:00
    // finds the period claimed and stands down.
    const period = Date.UTC(2026, 10, 23, 11, 0, 0);
    await pair.advance(period - 1 - pair.a.clock.now());
    assert.ok(
      await pair.a.slack.deps.schedules.claimScheduleRun({
        scheduleId: schedule.id,
        period,
        kind: "drill",
        status: "fired",
        recordedAt: period,
      }),
    );
    await pair.crashA();
    await pair.advance(RETAKE_AFTER_MS - FOLLOW_MS);
    assert.equal((await pair.b.store.listDrills({ venue: "C0WEEKLY" })).length, 0, "B waits before it takes over");
    await pair.advance(3 * FOLLOW_MS);
    const drills = await pair.b.store.listDrills({ venue: "C0WEEKLY" });
    assert.equal(drills.length, 1, "B started the game day");
    const runs = await pair.b.slack.deps.schedules.listScheduleRuns(schedule.id);
    assert.deepEqual(
      runs.map((r) => [r.period, r.status, r.drillId]),
      [[period, "fired", drills[0]?.id]],
    );
    await pair.advance(MINUTE);
    assert.equal((await pair.b.store.listDrills({ venue: "C0WEEKLY" })).length, 1, "and only once");
  });
});

describe("Slack's budget for updating a trigger message", () => {
  it("is shared by the instances: one update per 1.5 s window between them, and the last one shows everyone", async () => {
    const pair = await twoInstances();
    await pair.a.command("payment-5xx", alice);
    await pair.advance(FOLLOW_MS);
    const before = [...pair.a.calls, ...pair.b.calls].filter((c) => c.method === "chat.update").length;
    const started = pair.a.clock.now();
    for (let i = 0; i < 20; i++) {
      await (i % 2 === 0 ? pair.a : pair.b).click(ACTIONS.ack, "1", { id: `U${String(i).padStart(4, "0")}`, name: `responder${i}` });
      await pair.advance(300);
    }
    await pair.advance(5_000);
    const updates = [...pair.a.calls, ...pair.b.calls].filter((c) => c.method === "chat.update").slice(before);
    const windows = Math.ceil((pair.a.clock.now() - started) / TRIGGER_UPDATE_INTERVAL_MS);
    assert.ok(updates.length <= windows, `${updates.length} updates in ${windows} windows of 1.5 s`);
    const times = updates.map((u) => u.at).sort((x, y) => x - y);
    assert.ok(
      times.every(
        (t, i) => i === 0 || Math.floor(t / TRIGGER_UPDATE_INTERVAL_MS) !== Math.floor((times[i - 1] ?? 0) / TRIGGER_UPDATE_INTERVAL_MS),
      ),
      "never two in one window",
    );
    // 15 names, then "and 5 more": all 20 people, whichever instance recorded them.
    assert.match(blockText(updates.at(-1)?.params.blocks), /and 5 more/, "the last update shows everyone");
  });
});

describe("a game day whose instance started the drill and died before recording it", () => {
  it("is not started twice, even once that drill is over", async () => {
    const pair = await twoInstances();
    const schedule = await pair.a.slack.deps.schedules.createSchedule({
      channel: "C0WEEKLY",
      cron: "0 11 * * *",
      timezone: "UTC",
      scenario: "payment-5xx",
      mode: "read",
      headsUp: false,
      createdBy: alice.id,
      createdAt: pair.a.clock.now(),
    });
    const period = Date.UTC(2026, 10, 23, 11, 0, 0);
    await pair.advance(period - 1 - pair.a.clock.now());
    assert.ok(
      await pair.a.slack.deps.schedules.claimScheduleRun({
        scheduleId: schedule.id,
        period,
        kind: "drill",
        status: "fired",
        recordedAt: period,
      }),
    );
    await pair.advance(1);
    const started = await pair.a.slack.deps.drills.start({
      scenarioId: "payment-5xx",
      mode: "read",
      user: GAME_DAY_STARTER,
      venue: "C0WEEKLY",
    });
    assert.ok(started.ok);
    await pair.a.slack.deps.drills.finish(started.drill.state.id, alice.id, "manual");
    await pair.crashA();
    await pair.advance(RETAKE_AFTER_MS + 3 * FOLLOW_MS);
    assert.equal((await pair.b.store.listDrills({ venue: "C0WEEKLY" })).length, 1);
    const runs = await pair.b.slack.deps.schedules.listScheduleRuns(schedule.id);
    assert.deepEqual(
      runs.map((r) => [r.status, r.drillId]),
      [["fired", started.drill.state.id]],
    );
  });
});
