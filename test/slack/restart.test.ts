import assert from "node:assert/strict";
import { hostname } from "node:os";
import { afterEach, describe, it } from "node:test";
import nock from "nock";
import { SHUTDOWN_GRACE_MS } from "../../src/slack/app.js";
import { ACTIONS, FIRST_MOVE_BLOCK, FIRST_MOVE_INPUT, VIEWS } from "../../src/slack/blocks/drillBlocks.js";
import { blockText, SlackHarness } from "./harness.js";

// A process can die at any instant and be stopped at any instant: what it owed the channel is
// still owed after it, nothing waits on a dead process, and a stop never hangs on Slack.

const alice = { id: "U0ALICE", name: "alice" };
const bob = { id: "U0BOB", name: "bob" };
const answer = (text: string) => ({ [FIRST_MOVE_BLOCK]: { [FIRST_MOVE_INPUT]: { type: "plain_text_input", value: text } } });
/** A pid far above Linux's default pid_max: no process has it. */
const DEAD_PID = 4_194_304 + 17;

let h: SlackHarness;
let stoppedByTest = false;
afterEach(async () => {
  if (!stoppedByTest) await h?.stop();
  stoppedByTest = false;
});

const posts = () => h.callsTo("chat.postMessage");

describe("restarts and shutdown", () => {
  it("posts a first-move notice owed by a process that died before sending it", async () => {
    h = await new SlackHarness().start();
    await h.command("payment-5xx", alice);
    await h.submitView(VIEWS.firstMove, JSON.stringify({ drillId: 1 }), answer("check the provider dashboard"), alice);
    await h.advance(1_000);
    // Notices are batched (one thread post per 5 s): bob's waits for the next batch, and the
    // process dies inside that window.
    await h.click(ACTIONS.ack, "1", bob);
    await h.submitView(VIEWS.firstMove, JSON.stringify({ drillId: 1 }), answer("check the status page"), bob);
    await h.advance(1_000);
    assert.ok(!posts().some((c) => /bob\* stated a first move/.test(String(c.params.text))), "not posted yet");
    const { dbPath, clock } = h;
    await h.crash();
    h = await new SlackHarness({ dbPath, clock }).start();
    await h.advance(1_000);
    const notices = posts().filter((c) => /bob\* stated a first move at 0:01/.test(String(c.params.text)));
    assert.equal(notices.length, 1, "the notice, once, after the restart");
    assert.ok(notices[0]?.params.thread_ts, "in the drill's thread");
    await h.advance(10_000);
    assert.equal(posts().filter((c) => /bob\* stated a first move/.test(String(c.params.text))).length, 1, "and never twice");
  });

  it("takes over at once a send that a dead process on this host had started", async () => {
    h = await new SlackHarness({ instance: { id: "worker-a", host: hostname(), pid: DEAD_PID }, channelPaceMs: 1_100 }).start();
    await h.command("payment-5xx", alice);
    // The drill ends at once; its debrief waits for the channel's pace, next in the queue…
    await h.command("end", alice);
    const { dbPath, clock } = h;
    const debrief = await h.stores.outbox.byKey("drill:1:debrief:0");
    assert.equal(debrief?.status, "pending");
    // …and this process dies in the middle of sending it: it holds the send lease for 15 s.
    assert.ok(await h.stores.outbox.claim(debrief?.id ?? 0, clock.now(), 15_000, "worker-a"));
    await h.crash();
    h = await new SlackHarness({ dbPath, clock }).start();
    await h.advance(1_000);
    const sent = posts().filter((c) => blockText(c.params.blocks).includes("Debrief ·"));
    assert.equal(sent.length, 1, "sent within a second of the restart, not after the dead lease");
  });

  it("answers health checks while game days missed during downtime are still starting, then starts each once", async () => {
    h = new SlackHarness(); // 10:00 UTC: the app was down at 09:00
    const schedule = await h.stores.schedules.createSchedule({
      channel: "C0DAILY",
      cron: "0 9 * * *",
      timezone: "UTC",
      scenario: "payment-5xx",
      mode: "read",
      headsUp: false,
      createdBy: alice.id,
      createdAt: h.clock.now() - 2 * 60 * 60_000,
    });
    // The catch-up's claim of the missed 09:00 run is held until the test lets it go, as a
    // catch-up of hundreds of schedules is still busy long after the process started.
    const schedules = h.stores.schedules;
    const claim = schedules.claimScheduleRun.bind(schedules);
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reached = () => {};
    const catchingUp = new Promise<void>((resolve) => {
      reached = resolve;
    });
    schedules.claimScheduleRun = async (run) => {
      reached();
      await held;
      return claim(run);
    };
    let listening = false;
    const started = h.start().then(() => {
      listening = true;
    });
    try {
      await catchingUp;
      await new Promise(setImmediate); // start() has nothing else to wait for
      assert.equal(listening, true, "the app listens without waiting for missed game days");
      const url = (path: string) => h.eventsUrl.replace("/slack/events", path);
      assert.equal((await fetch(url("/healthz"))).status, 200);
      assert.equal((await fetch(url("/readyz"))).status, 200, "and is ready for the load balancer");
      assert.equal((await h.store.listDrills({ venue: "C0DAILY" })).length, 0, "the missed drill has not started yet");
    } finally {
      release();
      await started;
    }
    await h.idle();
    assert.equal((await h.store.listDrills({ venue: "C0DAILY" })).length, 1, "then it starts, once");
    const runs = await h.stores.schedules.listScheduleRuns(schedule.id);
    assert.deepEqual(
      runs.map((r) => [r.period, r.status]),
      [[Date.UTC(2026, 10, 23, 9), "fired"]],
    );
    assert.equal(posts().filter((c) => c.params.channel === "C0DAILY" && !c.params.thread_ts).length, 1, "one trigger message");
  });

  it("stops within its grace period even when work is stuck on Slack, and keeps what is unsent", async () => {
    h = await new SlackHarness().start();
    await h.command("payment-5xx", alice);
    for (let i = 0; i < 50; i++) h.faults.push({ method: "chat.postMessage", status: 503 });
    await h.command("end", alice);
    // Work that never finishes (a Web API call to a Slack that never answers).
    void h.slack.deps.work.run(new Promise(() => {}));
    let stopped = false;
    const stopping = h.slack.stop().then(() => {
      stopped = true;
    });
    await h.timers.advance(SHUTDOWN_GRACE_MS - 1, async () => {});
    assert.equal(stopped, false, "it waits for work in flight…");
    await h.timers.advance(2, async () => {});
    await stopping;
    assert.equal(stopped, true, "…but not beyond the grace period");
    assert.ok(SHUTDOWN_GRACE_MS < 10_000);
    assert.ok((await h.stores.outbox.counts()).pending >= 2, "the debrief stays in the outbox for the next start");
    // (A send Slack answered with a 503 keeps its holder as the mark of an unresolved send, with no lease.)
    const leased = h.stores.drills.db
      .prepare("SELECT count(*) AS n FROM outbox WHERE status = 'pending' AND lease_until IS NOT NULL")
      .get() as { n: number };
    assert.equal(leased.n, 0, "no lease is left held");
    // What is left of the harness: its database and the fake Web API.
    await h.store.close();
    nock.cleanAll();
    nock.enableNetConnect();
    stoppedByTest = true;
  });
});
