import assert from "node:assert/strict";
import { it } from "node:test";
import { FakeClock } from "../../src/domain/clock.js";
import type { DrillChange } from "../../src/domain/drillChanges.js";
import { DrillService } from "../../src/service/drillService.js";
import { isStoreError } from "../../src/store/errors.js";
import { OWNER_STALE_MS } from "../../src/store/outbox.js";
import { FINGERPRINT_TTL_MS } from "../../src/store/requestLog.js";
import type { Stores } from "../../src/store/stores.js";
import { baseScenario } from "../helpers.js";
import { describeStores } from "../stores.js";

// What every store promises, asserted the same way on SQLite and on PostgreSQL: several app
// processes on one database, idempotent records, and the history the debriefs and stats read.

const alice = { id: "U1", name: "alice" };
const bob = { id: "U2", name: "bob" };
const cleo = { id: "U3", name: "cleo" };
const MINUTE = 60_000;

function serviceOn(stores: Stores, clock: FakeClock) {
  const scenario = baseScenario();
  return new DrillService(stores.drills, new Map([[scenario.id, scenario]]), clock, { actions: stores.actions });
}

/** A drill in `venue` where each person answers (right or wrong), ended by alice. */
async function playedDrill(service: DrillService, clock: FakeClock, venue: string, answers: [typeof bob, string][]): Promise<number> {
  const started = await service.start({
    scenarioId: "base",
    startedBy: alice,
    venue,
    surface: venue === "terminal" ? "terminal" : "slack",
  });
  assert.ok(started.ok);
  const id = started.drill.state.id;
  for (const [person, text] of answers) {
    clock.advance(20_000);
    assert.ok((await service.submitFirstMove(id, person, text)).ok);
  }
  clock.advance(MINUTE);
  assert.ok((await service.end(id, "alice", "manual")).ok);
  clock.advance(MINUTE);
  return id;
}

describeStores("drills on one database, several app processes", (open) => {
  it("starts one drill in a channel when several processes try at once", async () => {
    const db = await open();
    const clock = new FakeClock();
    const services = [serviceOn(db.stores, clock)];
    for (let i = 0; i < 4; i++) services.push(serviceOn(await db.another(), clock));
    const starts = await Promise.all(
      services.map((s, i) => s.start({ scenarioId: "base", startedBy: { id: `U${i}`, name: `u${i}` }, venue: "C1", surface: "slack" })),
    );
    const won = starts.filter((s) => s.ok);
    assert.equal(won.length, 1);
    const winner = won[0]?.ok ? won[0].drill.state.id : -1;
    for (const lost of starts.filter((s) => !s.ok)) {
      assert.ok(!lost.ok && lost.reason === "already_running" && lost.runningDrillId === winner);
    }
    const running = await db.stores.drills.listDrills({ status: "running" });
    assert.deepEqual(
      running.map((d) => d.id),
      [winner],
    );
  });

  it("refuses a second running drill with a store error callers can act on", async () => {
    const db = await open();
    const clock = new FakeClock();
    const service = serviceOn(db.stores, clock);
    const first = await service.start({ scenarioId: "base", startedBy: alice, venue: "C1", surface: "slack" });
    assert.ok(first.ok);
    await assert.rejects(db.stores.drills.createDrill({ ...first.drill.state, id: 0 }, "slack"), (error) =>
      isStoreError(error, "drill_already_running"),
    );
    // Terminal drills are not one per venue.
    assert.ok((await service.start({ scenarioId: "base", startedBy: alice, venue: "terminal", surface: "terminal" })).ok);
    assert.ok((await service.start({ scenarioId: "base", startedBy: bob, venue: "terminal", surface: "terminal" })).ok);
  });

  it("gives a role to one person when two claim it from two processes at once", async () => {
    const db = await open();
    const clock = new FakeClock();
    const service = serviceOn(db.stores, clock);
    const started = await service.start({ scenarioId: "base", startedBy: alice, venue: "C1", surface: "slack" });
    assert.ok(started.ok);
    const id = started.drill.state.id;
    const claim = (user: typeof bob): DrillChange => ({ type: "role", user, joinedAt: clock.now(), role: "ic" });
    const other = await db.another();
    const results = await Promise.all([db.stores.drills.apply(id, [claim(bob)]), other.drills.apply(id, [claim(cleo)])]);
    assert.deepEqual(results.map((r) => r[0]).sort(), [false, true]);
    const holders = (await db.stores.drills.loadDrill(id))?.responders.filter((r) => r.role === "ic") ?? [];
    assert.equal(holders.length, 1);
    // Giving it up and taking it back each take effect once.
    const holder = holders[0]?.user ?? bob;
    assert.deepEqual(await db.stores.drills.apply(id, [{ type: "role", user: holder, joinedAt: 0, role: null }]), [true]);
    assert.deepEqual(await db.stores.drills.apply(id, [{ type: "role", user: holder, joinedAt: 0, role: null }]), [false]);
  });

  it("keeps answers, steps, injects and the timeline as they were recorded", async () => {
    const db = await open();
    const clock = new FakeClock(Date.UTC(2026, 2, 1, 9));
    const service = serviceOn(db.stores, clock);
    const started = await service.start({ scenarioId: "base", startedBy: alice, venue: "C9", surface: "slack" });
    assert.ok(started.ok);
    const id = started.drill.state.id;
    await db.stores.drills.setVenueRef(id, "1700000000.000100");
    await db.stores.drills.setVenueLink(id, "https://example.slack.com/archives/C9/p1700000000000100");
    clock.advance(10_000);
    await service.ack(id, bob);
    clock.advance(10_000);
    assert.ok((await service.submitFirstMove(id, bob, "check the grafana dashboard to confirm")).ok);
    assert.ok((await service.choose(id, bob, "a", "yes")).ok);
    clock.advance(3 * MINUTE);
    assert.ok((await service.markInjectPosted(id, 0)).ok);
    assert.equal((await service.markInjectPosted(id, 0)).ok, false, "an inject is posted once");
    const event: DrillChange = {
      type: "event",
      event: { kind: "hint", by: alice, at: clock.now(), text: "look at the provider" } as never,
    };
    assert.deepEqual(await db.stores.drills.apply(id, [event]), [true]);

    const state = await (await db.another()).drills.loadDrill(id);
    assert.equal(state?.venueRef, "1700000000.000100");
    const bobs = state?.responders.find((r) => r.user.id === bob.id);
    assert.equal(bobs?.ackAt, Date.UTC(2026, 2, 1, 9) + 10_000);
    assert.equal(bobs?.firstMove?.text, "check the grafana dashboard to confirm");
    assert.equal(bobs?.firstMove?.score.correct, true);
    assert.deepEqual(
      bobs?.steps.map((s) => [s.nodeId, s.optionId, s.nextId]),
      [["a", "yes", "b"]],
    );
    assert.deepEqual(
      state?.injects.map((i) => i.index),
      [0],
    );
    assert.deepEqual(
      state?.events.map((e) => [e.kind, e.by.name, (e as { text?: string }).text]),
      [["hint", "alice", "look at the provider"]],
    );
    const [summary] = await db.stores.drills.listDrills({ venue: "C9" });
    assert.equal(summary?.venueLink, "https://example.slack.com/archives/C9/p1700000000000100");
    assert.equal(summary?.responders, 1);
    // One person's view of a click: only their records.
    assert.deepEqual((await db.stores.drills.loadDrill(id, alice.id))?.responders, []);
  });

  it("lists drills by status, venue, responder and time, newest first", async () => {
    const db = await open();
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const service = serviceOn(db.stores, clock);
    const first = await playedDrill(service, clock, "C1", [[bob, "dashboard confirm"]]);
    const second = await playedDrill(service, clock, "C2", [[cleo, "restart it"]]);
    const since = clock.now();
    const running = await service.start({ scenarioId: "base", startedBy: alice, venue: "C1", surface: "slack" });
    assert.ok(running.ok);
    const ids = async (filter: Parameters<Stores["drills"]["listDrills"]>[0]) =>
      (await db.stores.drills.listDrills(filter)).map((d) => d.id);
    assert.deepEqual(await ids({}), [running.drill.state.id, second, first]);
    assert.deepEqual(await ids({ status: "ended" }), [second, first]);
    assert.deepEqual(await ids({ venue: "C1" }), [running.drill.state.id, first]);
    assert.deepEqual(await ids({ responder: cleo.id }), [second]);
    assert.deepEqual(await ids({ since }), [running.drill.state.id]);
    assert.deepEqual(await ids({ limit: 1 }), [running.drill.state.id]);
    assert.deepEqual(await ids({ surface: "terminal" }), []);
  });

  it("keeps every decision on an answer, and the reviewed answers of a scenario", async () => {
    const db = await open();
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const service = serviceOn(db.stores, clock);
    const id = await playedDrill(service, clock, "C1", [[bob, "restart the pods"]]);
    assert.ok((await service.overrideScore(id, bob.id, true, alice, "slack")).ok);
    clock.advance(MINUTE);
    assert.ok((await service.overrideScore(id, bob.id, false, cleo, "terminal")).ok);
    const reviews = await db.stores.drills.listReviews(id);
    assert.deepEqual(
      reviews.map((r) => [r.by.name, r.before, r.correct, r.via]),
      [
        ["alice", false, true, "slack"],
        ["cleo", true, false, "terminal"],
      ],
    );
    const reviewed = await db.stores.drills.reviewedAnswers("base");
    assert.deepEqual(
      reviewed.map((r) => [r.userId, r.text, r.correct, r.rubricCorrect, r.decidedBy]),
      [[bob.id, "restart the pods", false, false, "cleo"]],
    );
    // The results stats read follow the decision that counts.
    assert.deepEqual(
      (await db.stores.history.personResults(bob.id)).map((r) => r.correct),
      [false],
    );
  });

  it("stores a scenario version once and returns it as it was", async () => {
    const db = await open();
    const scenario = baseScenario();
    await db.stores.drills.saveScenarioVersion(scenario);
    await (await db.another()).drills.saveScenarioVersion(scenario);
    const stored = await db.stores.drills.getScenarioVersion(scenario.hash);
    assert.equal(stored?.scenarioId, "base");
    assert.equal(stored?.content.first_move.expected, scenario.first_move.expected);
    assert.equal(stored?.runbook, scenario.runbookDoc.source);
    assert.equal(await db.stores.drills.getScenarioVersion("nope"), null);
  });
});

describeStores("history", (open) => {
  it("answers trends, stats, mastery, coverage and regulars from ended drills", async () => {
    const db = await open();
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 9));
    const service = serviceOn(db.stores, clock);
    const d1 = await playedDrill(service, clock, "C1", [
      [bob, "check the dashboard to confirm"],
      [cleo, "restart everything"],
    ]);
    const d2 = await playedDrill(service, clock, "C1", [[bob, "grafana dashboard, verify the rate"]]);
    const d3 = await playedDrill(service, clock, "C2", [[cleo, "check the dashboard to confirm"]]);
    const cancelled = await service.start({ scenarioId: "base", startedBy: alice, venue: "C2", surface: "slack" });
    assert.ok(cancelled.ok);
    assert.ok((await service.cancel(cancelled.drill.state.id, "alice")).ok);
    const history = (await db.another()).history;

    assert.deepEqual(
      (await history.scenarioResults("base", 2)).map((r) => r.drillId),
      [d2, d3],
    );
    const all = await history.recentResults(10);
    assert.deepEqual(
      all.map((r) => [r.drillId, r.venue, r.responders, r.correctInWindow]),
      [
        [d1, "C1", 2, 1],
        [d2, "C1", 1, 1],
        [d3, "C2", 1, 1],
      ],
    );
    assert.deepEqual(
      (await history.recentResults(10, "C2")).map((r) => r.drillId),
      [d3],
    );
    assert.deepEqual(
      (await history.personResults(cleo.id)).map((r) => [r.drillId, r.correct, r.answered]),
      [
        [d1, false, true],
        [d3, true, true],
      ],
    );
    assert.deepEqual(
      (await history.personResults(bob.id, "base", 1)).map((r) => r.drillId),
      [d2],
    );
    assert.deepEqual(
      (await history.resultsFor("base", [cleo.id, bob.id])).map((r) => [r.userId, r.drillId]),
      [
        [cleo.id, d1],
        [cleo.id, d3],
        [bob.id, d1],
        [bob.id, d2],
      ],
    );
    assert.deepEqual(await history.resultsFor("base", []), []);
    const [coverage] = await history.coverage();
    assert.equal(coverage?.scenarioId, "base");
    assert.equal(coverage?.drills, 3);
    assert.equal(coverage?.lastShare, 1);
    assert.equal(coverage?.clarity, 3 / 4);
    const [inC1] = await history.coverage("C1");
    assert.equal(inC1?.drills, 2);
    assert.deepEqual(await history.coverage("C7"), []);
    assert.deepEqual(await history.regulars("C1"), [bob.id]);
    assert.equal(await history.lastScenarioIn("C2"), "base", "a cancelled drill is not the last one practised");
    assert.equal(await history.lastScenarioIn("C7"), null);
  });
});

describeStores("game-day schedules", (open) => {
  it("creates, lists and deactivates schedules, and fires each period once across processes", async () => {
    const db = await open();
    const schedules = db.stores.schedules;
    const weekly = await schedules.createSchedule({
      channel: "C1",
      cron: "0 10 * * 1",
      timezone: "Europe/Berlin",
      scenario: "random:sre",
      mode: "blind",
      headsUp: true,
      createdBy: alice.id,
      createdAt: 1_000,
    });
    const other = await schedules.createSchedule({
      channel: "C2",
      cron: "0 9 * * 5",
      timezone: "UTC",
      scenario: "base",
      mode: "read",
      headsUp: false,
      createdBy: bob.id,
      createdAt: 2_000,
    });
    assert.deepEqual(await schedules.getSchedule(weekly.id), weekly);
    assert.equal(weekly.headsUp, true);
    assert.deepEqual(
      (await schedules.listSchedules({ channel: "C2" })).map((s) => s.id),
      [other.id],
    );
    assert.equal(await schedules.deactivateSchedule(other.id), true);
    assert.equal(await schedules.deactivateSchedule(other.id), false, "once");
    assert.deepEqual(
      (await schedules.listSchedules({ active: true })).map((s) => s.id),
      [weekly.id],
    );
    assert.deepEqual(
      (await schedules.listSchedules({ active: false })).map((s) => s.active),
      [false],
    );
    assert.equal(await schedules.getSchedule(9999), null);

    const run = { scheduleId: weekly.id, period: 5_000, kind: "drill" as const, status: "fired" as const, recordedAt: 5_001 };
    const others = await Promise.all([db.another(), db.another()]);
    const claims = await Promise.all([schedules.claimScheduleRun(run), ...others.map((o) => o.schedules.claimScheduleRun(run))]);
    assert.deepEqual(claims.sort(), [false, false, true]);
    assert.equal(await schedules.claimScheduleRun({ ...run, kind: "heads_up" }), true, "the heads-up of a period is its own run");
    await schedules.completeScheduleRun(weekly.id, 5_000, "drill", { status: "failed", detail: "no scenario tagged sre" });
    assert.ok(await schedules.claimScheduleRun({ ...run, period: 9_000 }));
    const runs = await schedules.listScheduleRuns(weekly.id);
    // Newest period first (the order of two kinds of one period is not part of the contract).
    assert.deepEqual(
      runs.map((r) => r.period),
      [9_000, 5_000, 5_000],
    );
    assert.deepEqual(runs.map((r) => [r.period, r.kind, r.status, r.detail]).sort(), [
      [5_000, "drill", "failed", "no scenario tagged sre"],
      [5_000, "heads_up", "fired", null],
      [9_000, "drill", "fired", null],
    ]);
    assert.equal((await schedules.listScheduleRuns(weekly.id, 1)).length, 1);
  });
});

describeStores("action items", (open) => {
  it("adds a finding once per channel, even from two processes at once, and closes it once", async () => {
    const db = await open();
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const service = serviceOn(db.stores, clock);
    const inC1 = await playedDrill(service, clock, "C1", []);
    const againInC1 = await playedDrill(service, clock, "C1", []);
    const inC2 = await playedDrill(service, clock, "C2", []);
    const finding = (drillId: number) => ({
      drillId,
      scenarioId: "base",
      runbook: "runbooks/base.md",
      part: "verify" as const,
      kind: "unclear" as const,
      text: "which dashboard?",
      raisedBy: { id: "drillbot", name: "drillbot" },
      raisedAt: clock.now(),
    });
    const other = await db.another();
    const added = await Promise.all([
      db.stores.actions.addActionItemUnlessOpen(finding(inC1)),
      other.actions.addActionItemUnlessOpen(finding(againInC1)),
    ]);
    assert.equal(added.filter((a) => a !== null).length, 1);
    const inTwo = await db.stores.actions.addActionItemUnlessOpen(finding(inC2));
    assert.equal(inTwo?.venue, "C2", "another channel gets its own");
    const flag = await db.stores.actions.addActionItem({ ...finding(inC1), kind: "wrong", text: "step 2 is wrong", raisedBy: bob });
    assert.equal(flag.venue, "C1");
    assert.equal(flag.status, "open");
    assert.deepEqual(await db.stores.actions.getActionItem(flag.id), flag);

    assert.deepEqual(
      (await db.stores.actions.listActionItems({ venue: "C1" })).map((a) => a.text),
      ["which dashboard?", "step 2 is wrong"],
    );
    assert.deepEqual(
      (await db.stores.actions.listActionItems({ drillId: inC2 })).map((a) => a.id),
      [inTwo?.id],
    );
    assert.equal(await db.stores.actions.markActionItemDone(flag.id, "alice", clock.now()), true);
    assert.equal(await other.actions.markActionItemDone(flag.id, "bob", clock.now()), false, "once");
    const done = await db.stores.actions.getActionItem(flag.id);
    assert.deepEqual([done?.status, done?.doneBy], ["done", "alice"]);
    assert.deepEqual((await db.stores.actions.listActionItems({ status: "open", scenarioId: "base", limit: 5 })).length, 2);
    // Once the C1 finding is done, C1 may raise it again.
    const open1 = (await db.stores.actions.listActionItems({ venue: "C1", status: "open" }))[0];
    assert.ok(open1 && (await db.stores.actions.markActionItemDone(open1.id, "alice", clock.now())));
    assert.notEqual(await db.stores.actions.addActionItemUnlessOpen(finding(inC1)), null);
  });
});

describeStores("request log", (open) => {
  it("sees a request fingerprint once across processes and forgets it after the TTL", async () => {
    const db = await open();
    const other = await db.another();
    const now = 1_000_000;
    const seen = await Promise.all([db.stores.requests.firstSeen("abc", now), other.requests.firstSeen("abc", now)]);
    assert.deepEqual(seen.sort(), [false, true]);
    assert.equal(await db.stores.requests.firstSeen("def", now + 1), true);
    assert.equal(await db.stores.requests.prune(now + FINGERPRINT_TTL_MS), 0, "nothing is older than the TTL yet");
    assert.equal(await db.stores.requests.prune(now + FINGERPRINT_TTL_MS + 1), 1);
    assert.equal(await other.requests.firstSeen("abc", now + FINGERPRINT_TTL_MS + 2), true);
    assert.equal(await other.requests.firstSeen("def", now + FINGERPRINT_TTL_MS + 2), false);
  });
});

describeStores("the database itself", (open) => {
  it("answers a ping while open and refuses it once closed", async () => {
    const db = await open();
    const other = await db.another();
    await other.ping(1_000);
    await other.close();
    await assert.rejects(other.ping(1_000));
    await db.stores.ping(1_000);
  });
});

describeStores("outbox leases", (open) => {
  const NOW = 1_800_000_000_000;
  const text = (t: string) => ({ text: t });
  /** Two processes on one database, A and B, both beating at NOW; the entry A claimed. */
  async function claimedByA(db: Awaited<ReturnType<typeof open>>) {
    const other = await db.another();
    await db.stores.instances.register({ id: "A", host: "host-a", pid: 1 }, NOW, () => true);
    await other.instances.register({ id: "B", host: "host-b", pid: 2 }, NOW, () => true);
    const entry = await db.stores.outbox.enqueue({ dedupeKey: "k", channel: "C1", kind: "inject", payload: text("x"), now: NOW });
    assert.ok(await db.stores.outbox.claim(entry.id, NOW, 15_000, "A"));
    return { a: db.stores, b: other, entry };
  }
  /** A stalls past OWNER_STALE_MS (B keeps beating), so B takes A's lease over. */
  async function takenOverByB(b: Stores, id: number): Promise<number> {
    const later = NOW + OWNER_STALE_MS + 1;
    await b.instances.heartbeat({ id: "B", host: "host-b", pid: 2 }, later);
    assert.ok(await b.outbox.claim(id, later, 15_000, "B"));
    return later;
  }

  it("a sender whose lease was taken over cannot back it off or give it up: the new holder keeps it", async () => {
    const db = await open();
    const { a, b, entry } = await claimedByA(db);
    const later = await takenOverByB(b, entry.id);
    // A wakes up, its send having failed, and tries to back off, then to give up.
    assert.equal(await a.outbox.retryLater(entry.id, later + 60_000, "HTTP 503", "A"), false);
    assert.equal(await a.outbox.markFailed(entry.id, "not_in_channel", "A"), false);
    const now = await b.outbox.get(entry.id);
    assert.equal(now?.status, "pending", "not failed by a sender that no longer holds it");
    assert.equal(now?.dueAt, NOW, "not pushed back by a sender that no longer holds it");
    assert.equal(now?.attempts, 0);
    assert.equal(now?.leaseUntil, later + 15_000, "B's lease stands");
    // Another process (A again, B still alive) may not take it while B holds it...
    await a.instances.heartbeat({ id: "A", host: "host-a", pid: 1 }, later);
    assert.equal(await a.outbox.claim(entry.id, later + 1, 15_000, "A"), null, "B still sends it");
    // ... and B, the holder, can back it off.
    assert.equal(await b.outbox.retryLater(entry.id, later + 4_000, "HTTP 503", "B"), true);
    const backedOff = await a.outbox.get(entry.id);
    assert.deepEqual([backedOff?.dueAt, backedOff?.attempts, backedOff?.leaseUntil], [later + 4_000, 1, null]);
  });

  it("only the holder gives an entry up", async () => {
    const db = await open();
    const { a, b, entry } = await claimedByA(db);
    assert.equal(await b.outbox.markFailed(entry.id, "not_in_channel", "B"), false, "B never held it");
    assert.equal((await a.outbox.get(entry.id))?.status, "pending");
    assert.equal(await a.outbox.markFailed(entry.id, "not_in_channel", "A"), true);
    const failed = await b.outbox.get(entry.id);
    assert.deepEqual([failed?.status, failed?.lastError], ["failed", "not_in_channel"]);
  });

  it("a taken-over sender's late success is still recorded, so the new holder's retry does not post it again", async () => {
    const db = await open();
    const { a, b, entry } = await claimedByA(db);
    const later = await takenOverByB(b, entry.id);
    // A's post did reach Slack after all: that is a fact, whoever holds the lease now.
    assert.equal(await a.outbox.markSent(entry.id, later + 10, "1.1"), true);
    // B's own attempt failed: it may not put the sent message back in the queue.
    assert.equal(await b.outbox.retryLater(entry.id, later + 4_000, "HTTP 503", "B"), false);
    const sent = await b.outbox.get(entry.id);
    assert.deepEqual([sent?.status, sent?.messageTs], ["sent", "1.1"]);
  });
});
