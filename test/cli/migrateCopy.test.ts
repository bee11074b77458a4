import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { migrateCommand } from "../../src/cli/migrate.js";
import { FakeClock } from "../../src/domain/clock.js";
import { DrillService } from "../../src/service/drillService.js";
import { openStores, type Stores } from "../../src/store/stores.js";
import { baseScenario, tempDir } from "../helpers.js";
import { createTestSchema, PG_SKIP, type TestSchema } from "../pgServer.js";

// `drillbot migrate --from sqlite:<file> --to postgres://…` against a real PostgreSQL server: a
// team's history arrives whole, reads the same through the stores, and new rows carry on after it.

const alice = { id: "U1", name: "alice" };
const bob = { id: "U2", name: "bob" };
const cleo = { id: "U3", name: "cleo" };

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

/** A SQLite database with some of everything: drills (ended, cancelled, running), answers,
 * steps, decisions, roles, injects, results, action items, a schedule and its runs, outbox
 * messages and request fingerprints. */
async function teamHistory(path: string): Promise<void> {
  const stores = await openStores({ kind: "sqlite", path });
  const clock = new FakeClock(Date.UTC(2026, 0, 5, 9));
  const scenario = baseScenario();
  const service = new DrillService(stores.drills, new Map([[scenario.id, scenario]]), clock, { actions: stores.actions });
  for (const venue of ["C1", "C2", "C1"]) {
    const started = await service.start({ scenarioId: "base", startedBy: alice, venue, surface: "slack" });
    assert.ok(started.ok);
    const id = started.drill.state.id;
    await stores.drills.setVenueRef(id, `17000000${id}.000100`);
    clock.advance(15_000);
    await service.ack(id, bob);
    await service.takeRole(id, cleo, "ic");
    await service.submitFirstMove(id, bob, "check the grafana dashboard to confirm");
    await service.submitFirstMove(id, cleo, "restart it");
    await service.choose(id, bob, "a", "yes");
    clock.advance(3 * 60_000);
    await service.markInjectPosted(id, 0);
    await stores.outbox.enqueue({
      dedupeKey: `drill:${id}:inject:0`,
      channel: venue,
      drillId: id,
      kind: "inject",
      payload: { text: "support calls" },
      now: clock.now(),
    });
    await service.end(id, "alice", "manual");
    await service.overrideScore(id, cleo.id, true, alice, "slack");
    await stores.actions.addActionItem({
      drillId: id,
      scenarioId: "base",
      runbook: "runbooks/base.md",
      part: "verify",
      kind: "unclear",
      text: `which dashboard? (${venue})`,
      raisedBy: bob,
      raisedAt: clock.now(),
    });
    clock.advance(86_400_000);
  }
  const cancelled = await service.start({ scenarioId: "base", startedBy: alice, venue: "terminal", surface: "terminal" });
  assert.ok(cancelled.ok);
  await service.cancel(cancelled.drill.state.id, "alice");
  assert.ok((await service.start({ scenarioId: "base", startedBy: alice, venue: "C3", surface: "slack" })).ok);
  const schedule = await stores.schedules.createSchedule({
    channel: "C1",
    cron: "0 10 * * 1",
    timezone: "Europe/Berlin",
    scenario: "random",
    mode: "read",
    headsUp: true,
    createdBy: alice.id,
    createdAt: clock.now(),
  });
  await stores.schedules.claimScheduleRun({
    scheduleId: schedule.id,
    period: 1,
    kind: "drill",
    status: "fired",
    drillId: 1,
    recordedAt: 2,
  });
  await stores.requests.firstSeen("f1", clock.now());
  await stores.close();
}

/** Everything the app reads, through the stores: equal on both databases after a copy. */
async function whatTheAppSees(stores: Stores) {
  const drills = await stores.drills.listDrills({ limit: 100 });
  return {
    drills,
    states: await Promise.all(drills.map((d) => stores.drills.loadDrill(d.id))),
    reviews: await Promise.all(drills.map((d) => stores.drills.listReviews(d.id))),
    reviewed: await stores.drills.reviewedAnswers("base"),
    results: await stores.history.recentResults(100),
    bob: await stores.history.personResults(bob.id),
    cleo: await stores.history.resultsFor("base", [cleo.id]),
    coverage: await stores.history.coverage(),
    regulars: await stores.history.regulars("C1"),
    actions: await stores.actions.listActionItems(),
    schedules: await stores.schedules.listSchedules(),
    runs: await stores.schedules.listScheduleRuns(1),
    outbox: await stores.outbox.counts(),
  };
}

describe("drillbot migrate --from sqlite: --to postgres:", { skip: PG_SKIP }, () => {
  const schemas: TestSchema[] = [];
  after(async () => {
    for (const s of schemas) await s.drop();
  });

  it("copies every table in one go, prints the row counts, and the app reads the same history", async () => {
    const path = join(tempDir(), "drillbot.db");
    await teamHistory(path);
    const schema = await createTestSchema();
    schemas.push(schema);
    const { io, out, err } = capture();
    assert.equal(await migrateCommand(["--from", `sqlite:${path}`, "--to", schema.url], io, {}), 0, err.join("\n"));
    const text = out.join("\n");
    assert.match(text, /^ {2}drills +5 rows$/m);
    assert.match(text, /^ {2}responders +6 rows$/m);
    assert.match(text, /^ {2}first_move_reviews +3 rows$/m);
    assert.match(text, /^ {2}request_fingerprints +1 rows$/m);
    assert.match(text, /every table's row count matches the SQLite file/);
    assert.doesNotMatch(text, new RegExp(new URL(schema.url).password), "the password is never printed");

    const sqlite = await openStores({ kind: "sqlite", path });
    const pg = await openStores({ kind: "postgres", url: schema.url });
    try {
      const seen = await whatTheAppSees(sqlite);
      assert.deepEqual([seen.drills.length, seen.results.length, seen.actions.length, seen.reviewed.length], [5, 3, 3, 3]);
      assert.deepEqual(await whatTheAppSees(pg), seen);
      // New rows continue after the copied ids: a drill number is never handed out twice.
      const clock = new FakeClock(Date.UTC(2026, 2, 1));
      const scenario = baseScenario();
      const service = new DrillService(pg.drills, new Map([[scenario.id, scenario]]), clock);
      const next = await service.start({ scenarioId: "base", startedBy: alice, venue: "C9", surface: "slack" });
      assert.ok(next.ok);
      assert.equal(next.drill.state.id, 6);
      assert.equal(
        (await service.start({ scenarioId: "base", startedBy: alice, venue: "C3", surface: "slack" })).ok,
        false,
        "C3's drill still runs",
      );
    } finally {
      await sqlite.close();
      await pg.close();
    }
  });

  it("refuses a database that already holds data, and changes nothing in it", async () => {
    const path = join(tempDir(), "drillbot.db");
    await teamHistory(path);
    const schema = await createTestSchema();
    schemas.push(schema);
    assert.equal(await migrateCommand(["--from", `sqlite:${path}`, "--to", schema.url], capture().io, {}), 0);
    const before = (await schema.pool.query("SELECT count(*) AS n FROM drills")).rows[0];
    const { io, err } = capture();
    assert.equal(await migrateCommand(["--from", `sqlite:${path}`, "--to", schema.url], io, {}), 1);
    assert.match(err.join("\n"), /already holds data \(.*drills: 5.*\); the copy goes into an empty database only, so nothing was copied/);
    assert.deepEqual((await schema.pool.query("SELECT count(*) AS n FROM drills")).rows[0], before);
  });

  it("says what is wrong with the source or the target, before touching either", async () => {
    const schema = await createTestSchema();
    schemas.push(schema);
    const missing = capture();
    assert.equal(await migrateCommand(["--from", `sqlite:${join(tempDir(), "nope.db")}`, "--to", schema.url], missing.io, {}), 1);
    assert.match(missing.err.join("\n"), /there is no SQLite database at .*nope\.db/);
    const noPrefix = capture();
    assert.equal(await migrateCommand(["--from", "./data/drillbot.db", "--to", schema.url], noPrefix.io, {}), 2);
    assert.match(noPrefix.err.join("\n"), /--from must name the SQLite file, as sqlite:<file>/);
    const badTarget = capture();
    assert.equal(await migrateCommand(["--from", "sqlite:x.db", "--to", "mysql://u:pw@h/db"], badTarget.io, {}), 2);
    assert.match(badTarget.err.join("\n"), /--to must be a PostgreSQL URL/);
    const down = capture();
    const path = join(tempDir(), "drillbot.db");
    await teamHistory(path);
    assert.equal(await migrateCommand(["--from", `sqlite:${path}`, "--to", "postgres://u:pw@127.0.0.1:1/db"], down.io, {}), 1);
    assert.match(down.err.join("\n"), /PostgreSQL at 127\.0\.0\.1:1\/db: cannot reach the server \(ECONNREFUSED\)/);
  });

  it("applies PostgreSQL's migrations when DATABASE_URL is set, as it does for the SQLite file", async () => {
    const schema = await createTestSchema();
    schemas.push(schema);
    const first = capture();
    assert.equal(await migrateCommand([], first.io, { DATABASE_URL: schema.url }), 0);
    assert.match(first.out.join("\n"), /^PostgreSQL at .*: migrated schema from version 0 to \d+$/);
    const again = capture();
    assert.equal(await migrateCommand([], again.io, { DATABASE_URL: schema.url }), 0);
    assert.match(again.out.join("\n"), /schema is current \(version \d+\)/);
    const file = capture();
    const path = join(tempDir(), "x.db");
    assert.equal(await migrateCommand(["--db", path], file.io, { DATABASE_URL: schema.url }), 0, "--db still picks a file");
    assert.match(file.out.join("\n"), /x\.db: migrated schema from version 0/);
  });
});

describe("drillbot backup with DATABASE_URL set", () => {
  it("says to use pg_dump instead of copying an unrelated SQLite file", async () => {
    const { backupCommand } = await import("../../src/cli/backup.js");
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = "postgres://u:pw@127.0.0.1:1/db";
    try {
      const { io, err } = capture();
      assert.equal(await backupCommand([join(tempDir(), "copy.db")], io), 1);
      assert.match(err.join("\n"), /DATABASE_URL says the data is in PostgreSQL: back it up with pg_dump/);
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  });
});
