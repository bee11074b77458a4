import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { FakeClock } from "../../src/domain/clock.js";
import { DrillService } from "../../src/service/drillService.js";
import { DatabaseTooNewError, migrate, readMigrations } from "../../src/store/migrations.js";
import { openDatabase, SqliteDrillStore } from "../../src/store/sqlite.js";
import { baseScenario, tempDir } from "../helpers.js";
import { describeStores } from "../stores.js";

const alice = { id: "U1", name: "alice" };
const bob = { id: "U2", name: "bob" };

describe("migrations", () => {
  it("creates a new database at the latest version with drillbot's pragmas", () => {
    const path = join(tempDir(), "nested/dir/drillbot.db");
    const db = openDatabase(path);
    assert.equal(db.pragma("user_version", { simple: true }), readMigrations().length);
    assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    assert.equal(db.pragma("foreign_keys", { simple: true }), 1);
    assert.equal(db.pragma("synchronous", { simple: true }), 1, "NORMAL");
    assert.equal(Number(db.pragma("busy_timeout", { simple: true })), 5000);
    db.close();
    const again = new Database(path);
    assert.deepEqual(migrate(again), { from: readMigrations().length, to: readMigrations().length }, "re-running changes nothing");
    again.close();
  });

  it("refuses a database newer than the code, with a clear message", () => {
    const path = join(tempDir(), "new.db");
    const db = new Database(path);
    db.pragma("user_version = 999");
    db.close();
    assert.throws(
      () => openDatabase(path),
      (error: Error) => error instanceof DatabaseTooNewError && /version 999.*upgrade drillbot/.test(error.message),
    );
  });

  it("leaves the database at its previous version when a migration fails", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "m"));
    writeFileSync(join(dir, "m/001_one.sql"), "CREATE TABLE one (x INTEGER);");
    writeFileSync(join(dir, "m/002_broken.sql"), "CREATE TABLE two (x INTEGER); INSERT INTO nope VALUES (1);");
    const db = new Database(join(dir, "x.db"));
    assert.throws(() => migrate(db, readMigrations(join(dir, "m"))), /no such table: nope/);
    assert.equal(db.pragma("user_version", { simple: true }), 1);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    assert.deepEqual(
      tables.map((t) => t.name),
      ["one"],
      "the failed migration's table was rolled back",
    );
    db.close();
  });

  it("refuses numbering gaps", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "001_a.sql"), "");
    writeFileSync(join(dir, "003_c.sql"), "");
    assert.throws(() => readMigrations(dir), /expected number 002/);
  });
});

describeStores("drill store", (open) => {
  async function setup() {
    const clock = new FakeClock();
    const db = await open();
    const store = db.stores.drills;
    const scenario = baseScenario();
    const service = new DrillService(store, new Map([[scenario.id, scenario]]), clock);
    return { clock, db, store, service, scenario };
  }

  it("records each ack, answer and step once, however often it is sent", async () => {
    const { clock, db, store, service } = await setup();
    const started = await service.start({ scenarioId: "base", startedBy: alice, venue: "C1", surface: "slack" });
    assert.ok(started.ok);
    const id = started.drill.state.id;
    clock.advance(1_000);
    const acks = await Promise.all([service.ack(id, bob), service.ack(id, bob), service.ack(id, bob)]);
    assert.equal(acks.filter((a) => a.ok && a.first).length, 1);
    const answers = await Promise.all([service.submitFirstMove(id, bob, "check the dashboard"), service.submitFirstMove(id, bob, "other")]);
    assert.equal(answers.filter((a) => a.ok).length, 1);
    // Which of two answers sent at once arrives first is up to the network; the first one counts.
    const kept = answers[0]?.ok ? "check the dashboard" : "other";
    await service.choose(id, bob, "a", "yes");
    assert.equal((await service.choose(id, bob, "a", "yes")).ok, false);
    const state = await store.loadDrill(id);
    assert.equal(state?.responders.length, 1);
    assert.equal(state?.responders[0]?.ackAt, clock.now());
    assert.equal(state?.responders[0]?.firstMove?.text, kept);
    assert.equal(state?.responders[0]?.steps.length, 1);
    assert.deepEqual(await db.query("SELECT count(*) AS n FROM first_moves"), [{ n: 1 }]);
  });

  it("allows one running drill per Slack channel", async () => {
    const { service } = await setup();
    const first = await service.start({ scenarioId: "base", startedBy: alice, venue: "C1", surface: "slack" });
    const second = await service.start({ scenarioId: "base", startedBy: bob, venue: "C1", surface: "slack" });
    const elsewhere = await service.start({ scenarioId: "base", startedBy: bob, venue: "C2", surface: "slack" });
    assert.ok(first.ok && elsewhere.ok);
    assert.ok(!second.ok && second.reason === "already_running" && second.runningDrillId === first.drill.state.id);
    assert.ok((await service.end(first.drill.state.id, "alice", "manual")).ok);
    assert.ok((await service.start({ scenarioId: "base", startedBy: bob, venue: "C1", surface: "slack" })).ok);
  });

  it("keeps an old debrief true after the scenario is edited", async () => {
    const { store, clock, scenario } = await setup();
    const before = new DrillService(store, new Map([[scenario.id, scenario]]), clock);
    const started = await before.start({ scenarioId: "base", startedBy: alice, venue: "terminal", surface: "terminal" });
    assert.ok(started.ok);
    await before.submitFirstMove(started.drill.state.id, bob, "check the dashboard");
    await before.end(started.drill.state.id, "alice", "manual");
    const edited = { ...scenario, hash: "edited", first_move: { ...scenario.first_move, expected: "Something new." } };
    const after = new DrillService(store, new Map([[scenario.id, edited]]), clock);
    const debrief = await after.debrief(started.drill.state.id);
    assert.equal(debrief?.expectedFirstMove, scenario.first_move.expected);
    assert.equal(debrief?.scenarioHash, scenario.hash);
    assert.equal(debrief?.responders[0]?.correct, true);
  });
});

describe("integrity and backups", () => {
  it("refuses a damaged database at start with a clear message and changes nothing", async () => {
    const { openSync, writeSync, closeSync, readFileSync } = await import("node:fs");
    const path = join(tempDir(), "damaged.db");
    const db = openDatabase(path);
    db.pragma("journal_mode = DELETE"); // one file, so the damage below is all there is
    db.exec("CREATE TABLE filler (x TEXT); CREATE INDEX filler_x ON filler (x);");
    const insert = db.prepare("INSERT INTO filler VALUES (?)");
    for (let i = 0; i < 2000; i++) insert.run(`row ${i} ${"x".repeat(50)}`);
    db.close();
    const fd = openSync(path, "r+");
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 4096 * 20); // scribble over an index page
    closeSync(fd);
    const before = readFileSync(path);
    assert.throws(() => openDatabase(path), /failed SQLite's integrity check .*Restore a backup made with "drillbot backup"/);
    assert.deepEqual(readFileSync(path), before, "the damaged file is left as it was");
  });

  it("drillbot backup copies a live database with SQLite's online backup", async () => {
    const { spawnSync } = await import("node:child_process");
    const dir = tempDir();
    const { service, store } = (() => {
      const clock = new FakeClock();
      const s = new SqliteDrillStore(join(dir, "live.db"));
      const scenario = baseScenario();
      return { service: new DrillService(s, new Map([[scenario.id, scenario]]), clock), store: s };
    })();
    const started = await service.start({ scenarioId: "base", startedBy: alice, venue: "terminal", surface: "terminal" });
    assert.ok(started.ok);
    await service.submitFirstMove(started.drill.state.id, bob, "check the dashboard");
    const run = spawnSync(
      process.execPath,
      [join(process.cwd(), "bin/drillbot.js"), "backup", join(dir, "copy.db"), "--db", join(dir, "live.db")],
      { encoding: "utf8" },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /backed up .*live\.db to .*copy\.db: \d+ pages/);
    const copy = new SqliteDrillStore(join(dir, "copy.db"));
    assert.equal((await copy.loadDrill(started.drill.state.id))?.responders[0]?.firstMove?.text, "check the dashboard");
    await copy.close();
    await store.close();
    const again = spawnSync(
      process.execPath,
      [join(process.cwd(), "bin/drillbot.js"), "backup", join(dir, "copy.db"), "--db", join(dir, "live.db")],
      { encoding: "utf8" },
    );
    assert.equal(again.status, 1);
    assert.match(again.stderr, /exists; choose another name or pass --force/);
  });
});

describe("file permissions", () => {
  it("creates the database readable by its owner only", async () => {
    const { statSync } = await import("node:fs");
    const path = join(tempDir(), "sub", "perm.db");
    openDatabase(path).close();
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });
});

describeStores("writes after the end", (open) => {
  it("refuses an answer that arrives after another instance ended the drill", async () => {
    const clock = new FakeClock();
    const db = await open();
    const scenario = baseScenario();
    const a = new DrillService(db.stores.drills, new Map([[scenario.id, scenario]]), clock);
    const b = new DrillService((await db.another()).drills, new Map([[scenario.id, scenario]]), clock);
    const started = await a.start({ scenarioId: "base", startedBy: alice, venue: "C1", surface: "slack" });
    assert.ok(started.ok);
    const id = started.drill.state.id;
    const stale = await b.load(id); // b read the drill while it was running
    assert.equal(stale?.state.status, "running");
    await a.end(id, "alice", "manual");
    const late = {
      type: "first_move" as const,
      user: bob,
      joinedAt: clock.now(),
      move: { text: "late", at: clock.now(), score: { correct: true, matched: [], missingGroups: [], forbidden: [] }, override: null },
    };
    assert.deepEqual(await (await db.another()).drills.apply(id, [late]), [false]);
    assert.deepEqual(await b.submitFirstMove(id, bob, "check the dashboard"), { ok: false, reason: "not_running" });
    assert.equal((await a.debrief(id))?.responders.length, 0);
  });
});
