import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FakeClock } from "../../src/domain/clock.js";
import type { Team } from "../../src/domain/team.js";
import { cronMatcher, nextOccurrence, previousOccurrence, weeklyCron } from "../../src/scheduler/cronTime.js";
import { type GameDayHandlers, GameDays, nodeCronArmer, RETAKE_AFTER_MS, timerCronArmer } from "../../src/scheduler/gameDays.js";
import { DrillService } from "../../src/service/drillService.js";
import type { Schedule } from "../../src/store/history.js";
import type { Stores } from "../../src/store/stores.js";
import { baseScenario } from "../helpers.js";
import { FakeTimers } from "../slack/harness.js";
import { describeStores, type TestDatabase } from "../stores.js";

const HOUR = 3_600_000;

/** One app process's game days; with `db`, another process on that test database. */
async function setup(clock: FakeClock, open: () => Promise<TestDatabase>, db?: TestDatabase, graceMs?: number) {
  const database = db ?? (await open());
  const stores = db ? await db.another() : database.stores;
  const scenario = baseScenario();
  const service = new DrillService(stores.drills, new Map([[scenario.id, scenario]]), clock);
  const timers = new FakeTimers(clock);
  const fired: { scheduleId: number; period: string; late: boolean }[] = [];
  const headsUps: string[] = [];
  const pending: Promise<unknown>[] = [];
  const handlers: GameDayHandlers = {
    async startDrill(schedule, period, late) {
      fired.push({ scheduleId: schedule.id, period: new Date(period).toISOString(), late });
      // A real drill row, as the Slack handler would create.
      const started = await service.start({
        scenarioId: "base",
        startedBy: { id: "drillbot", name: "game day" },
        venue: `C${fired.length}`,
        surface: "slack",
      });
      return started.ok ? { drillId: started.drill.state.id } : { problem: started.reason };
    },
    async headsUp(_schedule, period) {
      headsUps.push(new Date(period).toISOString());
    },
  };
  const gameDays = new GameDays({
    store: stores.schedules,
    clock,
    timers,
    armer: timerCronArmer(timers, clock),
    handlers,
    ...(graceMs !== undefined ? { graceMs } : {}),
    track: (p) => pending.push(p),
  });
  const settle = async () => {
    while (pending.length) await pending.shift();
  };
  return { stores, timers, gameDays, fired, headsUps, db: database, advance: (ms: number) => timers.advance(ms, settle) };
}

/** A Monday 10:00 game day in the stores' workspace, or in `team`'s. */
async function weekly(stores: Stores, clock: FakeClock, extra: Partial<Schedule> = {}, team?: Team): Promise<Schedule> {
  const cron = weeklyCron("mon", "10:00");
  assert.ok("cron" in cron);
  return (team ? stores.schedules.forTeam(team) : stores.schedules).createSchedule({
    channel: "C1",
    cron: cron.cron,
    timezone: "Europe/Berlin",
    scenario: "random",
    mode: "read",
    headsUp: false,
    createdBy: "U1",
    createdAt: clock.now(),
    ...extra,
  });
}

describe("cron time", () => {
  it("follows the schedule's zone across a daylight-saving change", () => {
    const m = cronMatcher("0 10 * * 1", "Europe/Berlin");
    const first = nextOccurrence(m, Date.UTC(2026, 2, 20));
    const second = nextOccurrence(m, first ?? 0);
    assert.equal(new Date(first ?? 0).toISOString(), "2026-03-23T09:00:00.000Z", "10:00 CET");
    assert.equal(new Date(second ?? 0).toISOString(), "2026-03-30T08:00:00.000Z", "10:00 CEST");
    assert.equal(previousOccurrence(m, Date.UTC(2026, 2, 29)), first);
    const india = cronMatcher("30 9 * * *", "Asia/Kolkata");
    assert.equal(new Date(nextOccurrence(india, Date.UTC(2026, 0, 1)) ?? 0).toISOString(), "2026-01-01T04:00:00.000Z", "half-hour zones");
  });

  it("reads weekly specs and refuses bad ones", () => {
    assert.deepEqual(weeklyCron("Monday", "9:05"), { cron: "5 9 * * 1" });
    assert.deepEqual(weeklyCron("sun", "23:59"), { cron: "59 23 * * 0" });
    assert.ok("problem" in weeklyCron("someday", "10:00"));
    assert.ok("problem" in weeklyCron("mon", "25:00"));
  });

  it("node-cron arms the same expression in the zone (and can be stopped)", () => {
    const task = nodeCronArmer.arm("0 10 * * 1", "Europe/Berlin", () => {});
    task.stop();
  });
});

describeStores("game days", (open) => {
  it("fires at 10:00 local time each week across the daylight-saving change", async () => {
    const clock = new FakeClock(Date.UTC(2026, 2, 20, 12));
    const { stores, gameDays, fired, advance } = await setup(clock, open);
    await weekly(stores, clock);
    await gameDays.start();
    await advance(11 * 24 * HOUR);
    assert.deepEqual(
      fired.map((f) => f.period),
      ["2026-03-23T09:00:00.000Z", "2026-03-30T08:00:00.000Z"],
    );
    assert.ok(fired.every((f) => !f.late));
    const runs = await stores.schedules.listScheduleRuns(1);
    assert.deepEqual(
      runs.map((r) => [r.status, r.drillId]),
      [
        ["fired", 2],
        ["fired", 1],
      ],
    );
  });

  it("after downtime fires the missed run once, and a restart never fires it again", async () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 1, 7)); // Monday 09:00 Berlin
    const first = await setup(clock, open);
    await weekly(first.stores, clock);
    // Down from before 10:00 until 12:00 Berlin: the app starts two hours late.
    clock.set(Date.UTC(2026, 5, 1, 10));
    await first.gameDays.start();
    assert.deepEqual(first.fired, [], "start() only arms: the app listens before missed runs start");
    await first.gameDays.catchUpMissed();
    assert.deepEqual(first.fired, [{ scheduleId: 1, period: "2026-06-01T08:00:00.000Z", late: true }]);
    first.gameDays.stop();
    // Restart again a minute later, and a second instance on the same database.
    clock.advance(60_000);
    const again = await setup(clock, open, first.db);
    const other = await setup(clock, open, first.db);
    await Promise.all([again.gameDays.start(), other.gameDays.start()]);
    await Promise.all([again.gameDays.catchUpMissed(), other.gameDays.catchUpMissed()]);
    assert.equal(again.fired.length + other.fired.length, 0);
    const runs = await again.stores.schedules.listScheduleRuns(1);
    assert.equal(runs.length, 1);
  });

  it("records a run missed beyond the grace window as missed and does not fire it", async () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 1, 7));
    const { stores, fired, db } = await setup(clock, open);
    await weekly(stores, clock);
    clock.set(Date.UTC(2026, 5, 1, 16)); // 8 h after 10:00 Berlin
    const later = await setup(clock, open, db);
    await later.gameDays.start();
    await later.gameDays.catchUpMissed();
    assert.equal(fired.length + later.fired.length, 0);
    const [run] = await later.stores.schedules.listScheduleRuns(1);
    assert.equal(run?.status, "missed");
    assert.match(run?.detail ?? "", /past the 6 h grace window/);
  });

  it("two instances claiming the same period fire it once", async () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 1, 7));
    const a = await setup(clock, open);
    const schedule = await weekly(a.stores, clock);
    const b = await setup(clock, open, a.db);
    const period = Date.UTC(2026, 5, 1, 8);
    const results = await Promise.all([a.gameDays.fire(schedule, period, false), b.gameDays.fire(schedule, period, false)]);
    assert.deepEqual(results.sort(), [false, true]);
    assert.equal(a.fired.length + b.fired.length, 1);
  });

  it("catching up after downtime starts each missed run once across instances, and skips what was unscheduled or stopped", async () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 1, 7)); // Monday 09:00 Berlin
    const a = await setup(clock, open);
    const kept = await weekly(a.stores, clock, { channel: "C1" });
    const dropped = await weekly(a.stores, clock, { channel: "C2" });
    const third = await weekly(a.stores, clock, { channel: "C3" });
    clock.set(Date.UTC(2026, 5, 1, 10)); // back at 12:00 Berlin, two hours after 10:00
    const b = await setup(clock, open, a.db);
    await Promise.all([a.gameDays.start(), b.gameDays.start()]);
    // Unscheduled on one instance after start: that instance leaves it; the other still starts it.
    await a.stores.schedules.deactivateSchedule(dropped.id);
    a.gameDays.disarm(dropped.id);
    await Promise.all([a.gameDays.catchUpMissed(), b.gameDays.catchUpMissed()]);
    const fired = [...a.fired, ...b.fired];
    assert.deepEqual(
      fired.map((f) => f.scheduleId).sort(),
      [kept.id, dropped.id, third.id].sort(),
      "each missed run started once, by one of the two instances",
    );
    assert.ok(!a.fired.some((f) => f.scheduleId === dropped.id), "not by the instance where it was unscheduled");
    assert.ok(fired.every((f) => f.late && f.period === "2026-06-01T08:00:00.000Z"));

    // An instance that is stopping starts nothing more.
    clock.advance(60_000);
    const c = await setup(clock, open, a.db);
    const d = await weekly(c.stores, clock, { channel: "C4", createdAt: Date.UTC(2026, 5, 1, 7) });
    await c.gameDays.start();
    c.gameDays.stop();
    await c.gameDays.catchUpMissed();
    assert.deepEqual(c.fired, []);
    assert.deepEqual(await c.stores.schedules.listScheduleRuns(d.id), []);
  });

  it("sends the optional heads-up the day before, once", async () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 3, 12)); // a Wednesday
    const { stores, gameDays, headsUps, fired, advance } = await setup(clock, open);
    await weekly(stores, clock, { headsUp: true });
    await gameDays.start();
    await advance(5 * 24 * HOUR); // to Monday 12:00 UTC
    assert.deepEqual(headsUps, ["2026-06-08T08:00:00.000Z"]);
    assert.equal(fired.length, 1);
  });

  it("keeps another workspace's schedule armed when it follows other instances, and fires it", async () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 3, 12));
    const { stores, gameDays, fired, advance } = await setup(clock, open);
    const schedule = await weekly(stores, clock, {}, { id: "T0ACME", enterpriseId: null });
    await gameDays.start();
    await gameDays.follow();
    await advance(7 * 24 * HOUR);
    assert.deepEqual(
      fired.map((f) => f.scheduleId),
      [schedule.id],
      "an OAuth workspace's game day still fires after the 2 s follow loop",
    );
  });

  it("records another workspace's game day as started in that workspace, so no instance takes it over again", async () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 3, 12));
    const { stores, gameDays, fired, advance } = await setup(clock, open);
    const acme: Team = { id: "T0ACME", enterpriseId: null };
    const schedule = await weekly(stores, clock, {}, acme);
    await gameDays.start();
    await advance(5 * 24 * HOUR); // past Monday 10:00 Berlin
    assert.equal(fired.length, 1);
    const [run] = await stores.schedules.forTeam(acme).listScheduleRuns(schedule.id);
    assert.equal(run?.status, "fired");
    assert.ok(run?.drillId, "the drill is recorded on the run");
    // Well past the 30 s after which a run left without a drill is taken over, with follow cycles.
    for (let i = 0; i < 5; i++) {
      await advance(RETAKE_AFTER_MS);
      await gameDays.follow();
    }
    assert.equal(fired.length, 1, "started once, not again every 30 s");
  });

  it("still lists the workspace's game days as upcoming while the app is stopping", async () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 3, 12));
    const { stores, gameDays, advance } = await setup(clock, open);
    const acme: Team = { id: "T0ACME", enterpriseId: null };
    const ours = await weekly(stores, clock, {}, acme);
    await weekly(stores, clock, { channel: "C2" }, { id: "T0BETA", enterpriseId: null });
    await gameDays.start();
    const before = gameDays.upcoming(acme).map((u) => [u.schedule.id, u.nextRun]);
    assert.deepEqual(before, [[ours.id, Date.UTC(2026, 5, 8, 8)]]);
    gameDays.stop();
    assert.deepEqual(
      gameDays.upcoming(acme).map((u) => [u.schedule.id, u.nextRun]),
      before,
      "an App Home opened during shutdown is not published empty",
    );
    await advance(7 * 24 * HOUR);
    await gameDays.start();
    assert.deepEqual(gameDays.upcoming(acme).length, 1);
  });

  it("stops firing once unscheduled", async () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 3, 12));
    const { stores, gameDays, fired, advance } = await setup(clock, open);
    const schedule = await weekly(stores, clock);
    await gameDays.start();
    await stores.schedules.deactivateSchedule(schedule.id);
    gameDays.disarm(schedule.id);
    await advance(14 * 24 * HOUR);
    assert.equal(fired.length, 0);
  });
});

describe("cron matchers", () => {
  it("do not pile up in node-cron's task registry (App Home computes next runs on every open)", async () => {
    const cron = (await import("node-cron")).default;
    const before = cron.getTasks().size;
    for (let i = 0; i < 200; i++) cronMatcher("0 10 * * 1", "Europe/Berlin");
    assert.equal(cron.getTasks().size, before);
  });
});
