import assert from "node:assert/strict";
import { it } from "node:test";
import { describeStores } from "../stores.js";

// A game-day period claimed by an instance that died before starting its drill is taken over by
// one other instance, and only such a period: on SQLite and on PostgreSQL alike.

const PERIOD = Date.UTC(2026, 10, 23, 11, 0, 0);

describeStores("taking over an abandoned game-day run", (open) => {
  async function claimed() {
    const db = await open();
    const schedule = await db.stores.schedules.createSchedule({
      channel: "C0WEEKLY",
      cron: "0 11 * * *",
      timezone: "UTC",
      scenario: "payment-5xx",
      mode: "read",
      headsUp: false,
      createdBy: "U0ALICE",
      createdAt: PERIOD - 60_000,
    });
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
});
