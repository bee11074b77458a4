import assert from "node:assert/strict";
import { it } from "node:test";
import type { Team } from "../../src/domain/team.js";
import type { ScheduleStore } from "../../src/store/history.js";
import { describeStores } from "../stores.js";

// A game-day period claimed by an instance that died before starting its drill is taken over by
// one other instance, and only such a period: on SQLite and on PostgreSQL alike.

const PERIOD = Date.UTC(2026, 10, 23, 11, 0, 0);

/** A daily 11:00 game day in `channel`, created a minute before PERIOD. */
const dailyGameDay = (store: ScheduleStore, channel: string) =>
  store.createSchedule({
    channel,
    cron: "0 11 * * *",
    timezone: "UTC",
    scenario: "payment-5xx",
    mode: "read",
    headsUp: false,
    createdBy: "U0ALICE",
    createdAt: PERIOD - 60_000,
  });

describeStores("taking over an abandoned game-day run", (open) => {
  async function claimed() {
    const db = await open();
    const schedule = await dailyGameDay(db.stores.schedules, "C0WEEKLY");
    assert.equal(
      await db.stores.schedules.claimScheduleRun({
        scheduleId: schedule.id,
        period: PERIOD,
        kind: "drill",
        status: "fired",
        recordedAt: PERIOD,
      }),
      true,
    );
    return { db, schedule };
  }

  it("retakes a claim older than the cut-off once, whichever instance asks first", async () => {
    const { db, schedule } = await claimed();
    const other = await db.another();
    assert.equal(
      await db.stores.schedules.retakeScheduleRun(schedule.id, PERIOD, PERIOD, PERIOD + 1_000),
      false,
      "not older than the cut-off",
    );
    const tries = await Promise.all(
      [db.stores, other, db.stores, other].map((s) => s.schedules.retakeScheduleRun(schedule.id, PERIOD, PERIOD + 30_000, PERIOD + 31_000)),
    );
    assert.equal(tries.filter(Boolean).length, 1);
    const [run] = await other.schedules.listScheduleRuns(schedule.id);
    assert.equal(run?.recordedAt, PERIOD + 31_000, "claimed again, now");
  });

  it("leaves alone a run that recorded its drill, its failure, or a miss", async () => {
    const { db, schedule } = await claimed();
    await db.stores.schedules.completeScheduleRun(schedule.id, PERIOD, "drill", { status: "failed", detail: "Slack refused the post" });
    assert.equal(await db.stores.schedules.retakeScheduleRun(schedule.id, PERIOD, PERIOD + 60_000, PERIOD + 61_000), false);
    await db.stores.schedules.claimScheduleRun({
      scheduleId: schedule.id,
      period: PERIOD + 86_400_000,
      kind: "drill",
      status: "missed",
      recordedAt: PERIOD,
      detail: "the app was down",
    });
    assert.equal(await db.stores.schedules.retakeScheduleRun(schedule.id, PERIOD + 86_400_000, PERIOD + 60_000, PERIOD + 61_000), false);
  });

  it("lists, in one read across workspaces, the runs that look abandoned and only those", async () => {
    const { db, schedule } = await claimed();
    const BETA: Team = { id: "T0BETA", enterpriseId: null };
    const betaStores = db.stores.schedules.forTeam(BETA);
    const claim = (store: ScheduleStore, scheduleId: number, period: number, recordedAt = period) =>
      store.claimScheduleRun({ scheduleId, period, kind: "drill", status: "fired", recordedAt });
    // Another workspace's abandoned run is found too: the instances serve every workspace.
    const beta = await dailyGameDay(betaStores, "C0BETA");
    await claim(betaStores, beta.id, PERIOD);
    // Finished ones are not: a drill recorded, a failure recorded.
    const done = await dailyGameDay(db.stores.schedules, "C0DONE");
    await claim(db.stores.schedules, done.id, PERIOD);
    await db.stores.schedules.completeScheduleRun(done.id, PERIOD, "drill", { status: "failed", detail: "Slack refused the post" });
    // Nor one whose schedule has a later drill run (only the latest run is taken over).
    const moved = await dailyGameDay(db.stores.schedules, "C0MOVED");
    await claim(db.stores.schedules, moved.id, PERIOD - 86_400_000);
    await claim(db.stores.schedules, moved.id, PERIOD);
    await db.stores.schedules.completeScheduleRun(moved.id, PERIOD, "drill", { status: "missed", detail: "the app was down" });
    // Nor one claimed after the cut-off (its instance may still be starting the drill).
    const fresh = await dailyGameDay(db.stores.schedules, "C0FRESH");
    await claim(db.stores.schedules, fresh.id, PERIOD, PERIOD + 40_000);

    const window = { since: PERIOD - 3_600_000, until: PERIOD + 60_000, claimedBefore: PERIOD + 30_000 };
    const found = await (await db.another()).schedules.listUnfinishedDrillRuns(window);
    assert.deepEqual(
      found.map((r) => [r.scheduleId, r.period]).sort(),
      [
        [schedule.id, PERIOD],
        [beta.id, PERIOD],
      ].sort(),
    );
    assert.deepEqual(await db.stores.schedules.listUnfinishedDrillRuns({ ...window, since: PERIOD + 1 }), [], "before the window");
    assert.deepEqual(await db.stores.schedules.listUnfinishedDrillRuns({ ...window, until: PERIOD - 1 }), [], "a period still to come");
    // Once taken over, a run is claimed again now, so it no longer looks abandoned at that cut-off.
    assert.equal(await db.stores.schedules.retakeScheduleRun(schedule.id, PERIOD, PERIOD + 30_000, PERIOD + 31_000), true);
    const after = await db.stores.schedules.listUnfinishedDrillRuns(window);
    assert.deepEqual(
      after.map((r) => r.scheduleId),
      [beta.id],
    );
  });
});
