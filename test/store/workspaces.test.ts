import assert from "node:assert/strict";
import { it } from "node:test";
import Database from "better-sqlite3";
import { FakeClock } from "../../src/domain/clock.js";
import { LOCAL_TEAM, type Team } from "../../src/domain/team.js";
import { DrillService } from "../../src/service/drillService.js";
import { createPgPool } from "../../src/store/pg/pool.js";
import type { Stores } from "../../src/store/stores.js";
import { PgWorkspaceData, SqliteWorkspaceData, type WorkspaceData } from "../../src/store/workspaces.js";
import { baseScenario } from "../helpers.js";
import { describeStores, type TestDatabase } from "../stores.js";

// Workspaces on one database, the same on SQLite and PostgreSQL: every store bound to one
// workspace reads and writes its rows only; a drill id, schedule id or action item id of another
// workspace is unknown there; work no request started can list every workspace, each row with
// its own; a workspace's data can be deleted, or the single-workspace rows handed to a team.

const ACME: Team = { id: "T0ACME", enterpriseId: null };
const BETA: Team = { id: "T0BETA", enterpriseId: "E0GRID" };
const alice = { id: "U1", name: "alice" };
const bob = { id: "U2", name: "bob" };

function serviceOn(stores: Stores, clock: FakeClock, team: Team) {
  const scenario = baseScenario();
  return new DrillService(stores.drills, new Map([[scenario.id, scenario]]), clock, { actions: stores.actions }).forTeam(team);
}

async function endedDrill(service: DrillService, clock: FakeClock, venue: string, who: typeof bob, answer: string): Promise<number> {
  const started = await service.start({ scenarioId: "base", startedBy: alice, venue, surface: "slack" });
  assert.ok(started.ok, JSON.stringify(started));
  const id = started.drill.state.id;
  clock.advance(20_000);
  assert.ok((await service.submitFirstMove(id, who, answer)).ok);
  clock.advance(60_000);
  assert.ok((await service.end(id, "alice", "manual")).ok);
  return id;
}

/** Runs `work` with the database's WorkspaceData (SQLite file or PostgreSQL pool). */
async function withWorkspaceData<T>(db: TestDatabase, work: (data: WorkspaceData) => Promise<T>): Promise<T> {
  if (db.location.kind === "sqlite") {
    const raw = new Database(db.location.path);
    try {
      return await work(new SqliteWorkspaceData(raw));
    } finally {
      raw.close();
    }
  }
  const pool = createPgPool(db.location.url, { max: 2 });
  try {
    return await work(new PgWorkspaceData(pool));
  } finally {
    await pool.end();
  }
}

describeStores("workspaces on one database", (open) => {
  it("keeps each workspace's drills, answers and results apart, even in one channel id", async () => {
    const db = await open();
    const clock = new FakeClock();
    const acme = serviceOn(db.stores, clock, ACME);
    const beta = serviceOn(db.stores, clock, BETA);
    const acmeDrill = await endedDrill(acme, clock, "C1", bob, "check the dashboard");
    // One running drill per channel of a workspace: the same channel id runs in both at once.
    const a = await acme.start({ scenarioId: "base", startedBy: alice, venue: "C2", surface: "slack" });
    const b = await beta.start({ scenarioId: "base", startedBy: alice, venue: "C2", surface: "slack" });
    assert.ok(a.ok && b.ok);
    assert.equal(b.drill.state.team.id, BETA.id);

    assert.equal(await beta.load(acmeDrill), null, "another workspace's drill is unknown");
    assert.equal((await beta.submitFirstMove(a.drill.state.id, bob, "sneak in")).ok, false);
    assert.equal((await beta.end(a.drill.state.id, "alice", "manual")).ok, false);
    assert.deepEqual(
      await db.stores.drills
        .forTeam(BETA)
        .apply(acmeDrill, [{ type: "finished", status: "cancelled", endedAt: 1, reason: "cancelled", by: "x" }]),
      [false],
    );
    assert.equal((await acme.load(a.drill.state.id))?.state.status, "running");
    assert.equal((await acme.load(a.drill.state.id))?.state.responders.length, 0);
    assert.deepEqual(
      (await beta.listDrills()).map((d) => d.id),
      [b.drill.state.id],
    );
    assert.deepEqual(await db.stores.drills.listDrills(), [], "the 'local' workspace sees neither");
    assert.equal((await db.stores.drills.forTeam(BETA).findRunningDrill("C2"))?.id, b.drill.state.id);

    const every = await db.stores.drills.listDrillsOfEveryTeam({ status: "running" });
    assert.deepEqual(
      every.map((d) => [d.id, d.team.id, d.team.enterpriseId]).sort(),
      [
        [a.drill.state.id, ACME.id, null],
        [b.drill.state.id, BETA.id, "E0GRID"],
      ].sort(),
    );

    const history = db.stores.history;
    assert.equal((await history.forTeam(ACME).personResults(bob.id)).length, 1);
    assert.deepEqual(await history.forTeam(BETA).personResults(bob.id), []);
    assert.deepEqual(await history.forTeam(BETA).scenarioResults("base", 10), []);
    assert.deepEqual(await history.forTeam(BETA).coverage(), []);
    assert.equal(await history.forTeam(BETA).lastScenarioIn("C1"), null);
    assert.deepEqual(
      (await history.forTeam(ACME).recentResults(10)).map((r) => r.drillId),
      [acmeDrill],
    );
    assert.deepEqual(await db.stores.drills.forTeam(BETA).listReviews(acmeDrill), []);
  });

  it("keeps schedules, their runs and action items in their workspace", async () => {
    const db = await open();
    const clock = new FakeClock();
    const acme = serviceOn(db.stores, clock, ACME);
    const drill = await endedDrill(acme, clock, "C1", bob, "check the dashboard");
    const schedules = db.stores.schedules;
    const schedule = await schedules.forTeam(ACME).createSchedule({
      channel: "C1",
      cron: "0 10 * * 1",
      timezone: "UTC",
      scenario: "base",
      mode: "read",
      headsUp: false,
      createdBy: "U1",
      createdAt: 0,
    });
    assert.equal(schedule.team.id, ACME.id);
    assert.equal(await schedules.forTeam(BETA).getSchedule(schedule.id), null);
    assert.equal(await schedules.forTeam(BETA).deactivateSchedule(schedule.id), false);
    assert.deepEqual(await schedules.forTeam(BETA).listSchedules(), []);
    const run = { scheduleId: schedule.id, period: 1, kind: "drill" as const, status: "fired" as const, recordedAt: 0 };
    assert.equal(await schedules.forTeam(BETA).claimScheduleRun(run), false, "another workspace cannot claim its run");
    assert.equal(await schedules.forTeam(ACME).claimScheduleRun(run), true);
    assert.deepEqual(await schedules.forTeam(BETA).listScheduleRuns(schedule.id), []);
    assert.deepEqual(
      (await schedules.listActiveSchedulesOfEveryTeam()).map((s) => [s.id, s.team.id]),
      [[schedule.id, ACME.id]],
    );

    const actions = db.stores.actions;
    const item = await actions.forTeam(ACME).addActionItem({
      drillId: drill,
      scenarioId: "base",
      runbook: "runbooks/base.md",
      part: "verify",
      kind: "unclear",
      text: "dead link",
      raisedBy: bob,
      raisedAt: 0,
    });
    await assert.rejects(actions.forTeam(BETA).addActionItem({ ...item, text: "into another workspace's drill" }));
    assert.equal(await actions.forTeam(BETA).getActionItem(item.id), null);
    assert.equal(await actions.forTeam(BETA).markActionItemDone(item.id, "bob", 1), false);
    assert.deepEqual(await actions.forTeam(BETA).listActionItems(), []);
    assert.equal((await actions.forTeam(ACME).getActionItem(item.id))?.status, "open");
  });

  it("files each outbox message under its workspace and keeps a channel's order per workspace", async () => {
    const db = await open();
    const now = 1_750_000_000_000;
    const text = (t: string) => ({ text: t });
    const acme = await db.stores.outbox.enqueue({
      dedupeKey: "a1",
      channel: "C1",
      kind: "game_day",
      payload: text("a"),
      now,
      teamId: ACME.id,
    });
    const beta = await db.stores.outbox.enqueue({
      dedupeKey: "b1",
      channel: "C1",
      kind: "game_day",
      payload: text("b"),
      now,
      teamId: BETA.id,
      enterpriseId: BETA.enterpriseId,
    });
    assert.deepEqual(acme.team, ACME);
    assert.deepEqual(beta.team, BETA);
    // One channel id in two workspaces is two channels: each has its own head, neither waits.
    const heads = await db.stores.outbox.heads(now);
    assert.deepEqual(
      heads.map((h) => [h.id, h.team.id]).sort(),
      [
        [acme.id, ACME.id],
        [beta.id, BETA.id],
      ].sort(),
    );
    assert.ok(await db.stores.outbox.claim(beta.id, now, 15_000, "me"));
  });

  it("forgets one workspace on request and hands the single-workspace rows to a team", async () => {
    const db = await open();
    const clock = new FakeClock();
    const acmeDrill = await endedDrill(serviceOn(db.stores, clock, ACME), clock, "C1", bob, "check the dashboard");
    const betaDrill = await endedDrill(serviceOn(db.stores, clock, BETA), clock, "C1", bob, "look at the graphs");
    const localDrill = await endedDrill(serviceOn(db.stores, clock, LOCAL_TEAM), clock, "C9", alice, "page the owner");
    await db.stores.outbox.enqueue({
      dedupeKey: `drill:${betaDrill}:x`,
      channel: "C1",
      drillId: betaDrill,
      kind: "inject",
      payload: { text: "x" },
      now: 0,
    });

    const deleted = await withWorkspaceData(db, (data) => data.forget(BETA.id));
    assert.equal(deleted.drills, 1);
    assert.equal(deleted.outbox, 1);
    assert.equal(await db.stores.drills.forTeam(BETA).loadDrill(betaDrill), null);
    assert.deepEqual(await db.stores.history.forTeam(BETA).personResults(bob.id), []);
    assert.deepEqual(await db.query("SELECT user_id FROM responders WHERE drill_id = $1", [betaDrill]), []);
    assert.ok(await db.stores.drills.forTeam(ACME).loadDrill(acmeDrill), "the other workspace keeps its drills");

    await serviceOn(db.stores, clock, LOCAL_TEAM).start({ scenarioId: "base", startedBy: alice, venue: "C8", surface: "slack" });
    await db.stores.schedules.createSchedule({
      channel: "C8",
      cron: "0 11 * * 1",
      timezone: "UTC",
      scenario: "base",
      mode: "read",
      headsUp: false,
      createdBy: alice.id,
      createdAt: 0,
    });
    await db.stores.outbox.enqueue({ dedupeKey: "local:x", channel: "C8", kind: "game_day", payload: { text: "x" }, now: 0 });
    // What OAuth mode warns about at start: the 'local' workspace's drills, schedules and queue.
    assert.deepEqual(await db.stores.workspaces.waiting(LOCAL_TEAM.id), { drills: 2, running: 1, schedules: 1, queued: 1 });
    assert.deepEqual(await db.stores.workspaces.waiting(ACME.id), { drills: 1, running: 0, schedules: 0, queued: 0 });

    const moved = await withWorkspaceData(db, (data) => data.adopt("T0HOME", null));
    assert.deepEqual(await db.stores.workspaces.waiting(LOCAL_TEAM.id), { drills: 0, running: 0, schedules: 0, queued: 0 });
    assert.equal(moved.drills, 2);
    assert.equal(await db.stores.drills.loadDrill(localDrill), null);
    assert.equal((await db.stores.drills.forTeam({ id: "T0HOME", enterpriseId: null }).loadDrill(localDrill))?.id, localDrill);
    assert.equal((await db.stores.history.forTeam({ id: "T0HOME", enterpriseId: null }).personResults(alice.id)).length, 1);
  });
});
