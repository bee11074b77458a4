import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { LOCAL_TEAM } from "../../src/domain/team.js";
import { migrate, readMigrations } from "../../src/store/migrations.js";
import { MIGRATIONS_TABLE, migratePg, readPgMigrations } from "../../src/store/pg/migrations.js";
import { openSqliteStores } from "../../src/store/sqlite.js";
import { openStores } from "../../src/store/stores.js";
import { tempDir } from "../helpers.js";
import { createTestSchema, PG_SKIP } from "../pgServer.js";

// Migration 010 (workspace scoping) on a database a single-workspace install has used for a
// while: every row of every table is kept as it was, each workspace-scoped row belongs to
// 'local' (so it shows where it showed before), and the foreign keys still hold. PostgreSQL's
// 010 differs (its schema carried team_id from the start, NULL for a terminal drill): there a
// NULL becomes 'local' and a Slack team id stays.

/** Every table a database at 009 has, each with at least one row: a drill of each kind with
 * everything recorded in it, a schedule and its runs, the outbox, action items, results… */
function populateAt009(db: Database.Database): void {
  db.exec(`
    INSERT INTO scenario_versions (hash, scenario_id, content, runbook, first_seen_at)
      VALUES ('h1', 'payment-5xx', '{"id":"payment-5xx"}', '# runbook', 1000),
             ('h2', 'cache-miss', '{"id":"cache-miss"}', '# cache', 1000);

    INSERT INTO drills (id, scenario_id, scenario_hash, mode, surface, venue, started_by_id, started_by_name, started_at,
                        read_window_ms, time_limit_ms, status, ended_at, end_reason, ended_by, venue_ref, venue_link)
      VALUES (1, 'payment-5xx', 'h1', 'read', 'slack', 'C1', 'U1', 'alice', 10000, 60000, 900000, 'ended', 500000, 'manual', 'alice',
              '1700000000.000100', 'https://acme.slack.com/archives/C1/p1700000000000100'),
             (2, 'cache-miss', 'h2', 'blind', 'terminal', 'terminal', 'bob', 'bob', 20000, 60000, 900000, 'ended', 600000, 'time_limit', NULL, NULL, NULL),
             (3, 'payment-5xx', 'h1', 'read', 'slack', 'C2', 'U2', 'bob', 30000, 60000, 900000, 'running', NULL, NULL, NULL, '1700000001.000100', NULL),
             (4, 'cache-miss', 'h2', 'read', 'slack', 'C1', 'U1', 'alice', 40000, 60000, 900000, 'cancelled', 41000, 'cancelled', 'alice', NULL, NULL);

    INSERT INTO responders (drill_id, user_id, user_name, joined_at, acked_at, walk_started_at, role)
      VALUES (1, 'U1', 'alice', 11000, 11000, 12000, 'ic'), (1, 'U2', 'bob', 11500, 11600, NULL, NULL),
             (2, 'bob', 'bob', 20000, 20000, NULL, NULL), (3, 'U3', 'cleo', 31000, 31000, NULL, 'comms');

    INSERT INTO first_moves (drill_id, user_id, text, answered_at, correct, score, override_correct, override_by, override_at, noticed, override_by_id)
      VALUES (1, 'U1', 'check the provider dashboard', 70000, 1, '{"terms":["dashboard"]}', NULL, NULL, NULL, 1, NULL),
             (1, 'U2', 'restart everything', 80000, 0, '{"terms":[]}', 1, 'alice', 90000, 1, 'U1'),
             (2, 'bob', 'look at the hit ratio', 30000, 1, '{}', NULL, NULL, NULL, 1, NULL),
             (3, 'U3', 'page the owner', 40000, 1, '{}', NULL, NULL, NULL, 0, NULL);

    INSERT INTO first_move_reviews (drill_id, user_id, decided_by_id, decided_by_name, decided_at, via, before_correct, after_correct)
      VALUES (1, 'U2', 'U1', 'alice', 90000, 'slack', 0, 1);

    INSERT INTO decision_steps (drill_id, user_id, seq, node_id, option_id, next_id, entered_at, chosen_at)
      VALUES (1, 'U1', 0, 'start', 'a', 'n2', 12000, 13000), (1, 'U1', 1, 'n2', 'b', 'end', 13000, 14000);

    INSERT INTO inject_posts (drill_id, inject_index, due_at, posted_at) VALUES (1, 0, 130000, 130500), (3, 0, 150000, 150200);

    INSERT INTO drill_events (drill_id, kind, by_id, by_name, at, data)
      VALUES (1, 'extend', 'U1', 'alice', 200000, '{"byMs":300000}'), (3, 'pause', 'U2', 'bob', 32000, '{}');

    INSERT INTO drill_results (drill_id, scenario_id, venue, mode, ended_at, responders, answered, correct_in_window, median_first_move_ms)
      VALUES (1, 'payment-5xx', 'C1', 'read', 500000, 2, 2, 1, 65000), (2, 'cache-miss', 'terminal', 'blind', 600000, 1, 1, 1, 10000);

    INSERT INTO responder_results (drill_id, user_id, user_name, scenario_id, venue, ended_at, answered, correct, correct_in_window, time_to_first_move_ms, role)
      VALUES (1, 'U1', 'alice', 'payment-5xx', 'C1', 500000, 1, 1, 1, 60000, 'ic'),
             (1, 'U2', 'bob', 'payment-5xx', 'C1', 500000, 1, 1, 0, 70000, NULL),
             (2, 'bob', 'bob', 'cache-miss', 'terminal', 600000, 1, 1, 1, 10000, NULL);

    INSERT INTO action_items (drill_id, scenario_id, runbook, part, kind, text, raised_by_id, raised_by_name, raised_at, status, done_by, done_at)
      VALUES (1, 'payment-5xx', 'runbooks/payment-5xx.md', 'verify', 'unclear', 'which dashboard?', 'U2', 'bob', 510000, 'open', NULL, NULL),
             (2, 'cache-miss', 'runbooks/cache-miss.md', 'mitigate', 'wrong', 'step 3 is stale', 'bob', 'bob', 610000, 'done', 'bob', 700000);

    INSERT INTO schedules (id, channel, cron, timezone, scenario, mode, heads_up, created_by, created_at, active)
      VALUES (1, 'C1', '0 11 * * 1', 'Europe/Berlin', 'random', 'read', 1, 'U1', 1000, 1),
             (2, 'C2', '30 9 * * 5', 'UTC', 'cache-miss', 'blind', 0, 'U2', 2000, 0);

    INSERT INTO schedule_runs (schedule_id, period, kind, status, drill_id, detail, recorded_at)
      VALUES (1, 3600000, 'heads_up', 'fired', NULL, NULL, 3600000), (1, 7200000, 'drill', 'fired', 3, NULL, 7200100),
             (2, 7200000, 'drill', 'missed', NULL, 'drillbot was down', 9000000);

    INSERT INTO outbox (dedupe_key, channel, drill_id, in_thread, kind, payload, created_at, due_at, attempts, lease_until, status,
                        last_error, sent_at, message_ts, priority, lease_owner)
      VALUES ('drill:1:trigger', 'C1', 1, 0, 'trigger', '{"text":"payments are failing"}', 10000, 10000, 1, NULL, 'sent', NULL, 10100, '1700000000.000100', 0, NULL),
             ('drill:3:inject:0', 'C2', 3, 1, 'inject', '{"text":"error rate doubles"}', 150000, 150000, 0, NULL, 'pending', NULL, NULL, NULL, 0, NULL),
             ('drill:3:repost', 'C2', 3, 1, 'repost', '{"text":"again"}', 160000, 190000, 2, 175000, 'pending', 'HTTP 503', NULL, NULL, 1, 'i-1'),
             ('game_day:2:7200000', 'C2', NULL, 0, 'game_day', '{"text":"missed"}', 9000000, 9000000, 40, NULL, 'failed', 'not_in_channel', NULL, NULL, 0, NULL);

    INSERT INTO instances (id, host, pid, started_at, heartbeat_at) VALUES ('i-1', 'host-a', 4242, 1000, 170000);
    INSERT INTO request_fingerprints (fingerprint, seen_at) VALUES ('abc123', 170000);
    INSERT INTO slack_installations (scope, enterprise_id, team_id, is_enterprise_install, user_id, installation, installed_at, updated_at)
      VALUES ('T:T0ACME', NULL, 'T0ACME', 0, 'U0INSTALLER', 'v1.k1.iv.ct.tag', 1000, 2000);
    INSERT INTO slack_oauth_states (state_hash, install_options, created_at, expires_at) VALUES ('s1', '{"scopes":["commands"]}', 1000, 601000);
  `);
}

const tablesOf = (db: Database.Database) =>
  (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'sqlite_sequence' ORDER BY name").all() as {
      name: string;
    }[]
  ).map((r) => r.name);
const columnsOf = (db: Database.Database, table: string) =>
  (db.prepare(`SELECT name FROM pragma_table_info('${table}') ORDER BY cid`).all() as { name: string }[]).map((r) => r.name);
/** Every row of `table`, those columns only, in rowid (or primary key) order. */
const rowsOf = (db: Database.Database, table: string, columns: string[]) =>
  db.prepare(`SELECT ${columns.map((c) => `"${c}"`).join(", ")} FROM ${table} ORDER BY ${columns.map((_c, i) => i + 1).join(", ")}`).all();

describe("migration 010 on a SQLite database a single-workspace install filled at 009", () => {
  it("keeps every row of every table, gives the workspace-scoped ones to 'local' and leaves no dangling foreign key", async () => {
    const path = join(tempDir(), "drillbot.db");
    const db = new Database(path);
    db.pragma("foreign_keys = ON");
    const migrations = readMigrations();
    assert.equal(migrations[9]?.name, "010_workspace_scoping");
    migrate(db, migrations.slice(0, 9));
    assert.equal(db.pragma("user_version", { simple: true }), 9);
    populateAt009(db);

    const tables = tablesOf(db);
    const before = new Map(
      tables.map((table) => {
        const columns = columnsOf(db, table);
        return [table, { columns, rows: rowsOf(db, table, columns) }];
      }),
    );
    for (const [table, { rows }] of before) assert.ok(rows.length > 0, `the fixture fills ${table}`);

    assert.deepEqual(migrate(db, migrations.slice(0, 10)), { from: 9, to: 10 });

    assert.deepEqual(tablesOf(db), tables, "no table gone, none added");
    for (const [table, { columns, rows }] of before) {
      assert.deepEqual(rowsOf(db, table, columns), rows, `${table}: every row kept, every value as it was`);
    }
    for (const table of ["drills", "schedules", "outbox", "action_items", "drill_results", "responder_results"]) {
      const teams = db.prepare(`SELECT DISTINCT team_id FROM ${table}`).all() as { team_id: string }[];
      assert.deepEqual(
        teams.map((t) => t.team_id),
        [LOCAL_TEAM.id],
        `${table}: every row is the single-workspace install's`,
      );
    }
    for (const table of ["drills", "schedules", "outbox"]) {
      assert.equal((db.prepare(`SELECT count(*) AS n FROM ${table} WHERE enterprise_id IS NOT NULL`).get() as { n: number }).n, 0);
    }
    assert.deepEqual(db.pragma("foreign_key_check"), [], "no row points at a missing one");
    assert.equal(db.pragma("integrity_check", { simple: true }), "ok");
    // One running drill per channel still holds, now per workspace.
    assert.throws(
      () =>
        db
          .prepare(
            `INSERT INTO drills (scenario_id, scenario_hash, mode, surface, venue, started_by_id, started_by_name, started_at, read_window_ms, time_limit_ms, status)
             VALUES ('payment-5xx', 'h1', 'read', 'slack', 'C2', 'U9', 'x', 1, 1, 1, 'running')`,
          )
          .run(),
      /UNIQUE/,
    );
    db.close();

    // The app, bound to 'local' as a single-workspace install is, sees it all as before.
    const stores = openSqliteStores(path);
    try {
      assert.deepEqual((await stores.drills.listDrills({ limit: 10 })).map((d) => d.id).sort(), [1, 2, 3, 4]);
      const drill = await stores.drills.loadDrill(1);
      assert.equal(drill?.responders.length, 2);
      assert.equal(drill?.venueRef, "1700000000.000100");
      assert.deepEqual(
        (await stores.schedules.listSchedules({ active: true })).map((s) => [s.id, s.team.id]),
        [[1, LOCAL_TEAM.id]],
      );
      assert.equal((await stores.actions.listActionItems({ status: "open" })).length, 1);
      assert.equal((await stores.outbox.byKey("drill:3:inject:0"))?.team.id, LOCAL_TEAM.id);
      assert.deepEqual(await stores.workspaces.waiting(LOCAL_TEAM.id), { drills: 4, running: 1, schedules: 1, queued: 2 });
    } finally {
      await stores.close();
    }
  });
});

/** PostgreSQL at 009: a Slack drill of workspace T0ACME with everything recorded in it, a
 * terminal drill (team NULL, as 001 allowed), schedules and runs, the outbox, results. */
const PG_FIXTURE_AT_009 = `
  INSERT INTO scenario_versions (hash, scenario_id, content, runbook, first_seen_at)
    VALUES ('h1', 'payment-5xx', '{"id":"payment-5xx"}', '# runbook', 1000), ('h2', 'cache-miss', '{"id":"cache-miss"}', '# cache', 1000);
  INSERT INTO drills (id, team_id, enterprise_id, scenario_id, scenario_hash, mode, surface, venue, started_by_id, started_by_name,
                      started_at, read_window_ms, time_limit_ms, status, ended_at, end_reason, ended_by, venue_ref, venue_link)
    VALUES (1, 'T0ACME', 'E0GRID', 'payment-5xx', 'h1', 'read', 'slack', 'C1', 'U1', 'alice', 10000, 60000, 900000, 'ended', 500000,
            'manual', 'alice', '1700000000.000100', 'https://acme.slack.com/archives/C1/p1700000000000100'),
           (2, NULL, NULL, 'cache-miss', 'h2', 'blind', 'terminal', 'terminal', 'bob', 'bob', 20000, 60000, 900000, 'ended', 600000,
            'time_limit', NULL, NULL, NULL),
           (3, 'T0ACME', NULL, 'payment-5xx', 'h1', 'read', 'slack', 'C2', 'U2', 'bob', 30000, 60000, 900000, 'running', NULL, NULL, NULL,
            '1700000001.000100', NULL);
  INSERT INTO responders (drill_id, user_id, user_name, joined_at, acked_at, walk_started_at, role)
    VALUES (1, 'U1', 'alice', 11000, 11000, 12000, 'ic'), (1, 'U2', 'bob', 11500, 11600, NULL, NULL), (2, 'bob', 'bob', 20000, 20000, NULL, NULL),
           (3, 'U3', 'cleo', 31000, 31000, NULL, 'comms');
  INSERT INTO first_moves (drill_id, user_id, text, answered_at, correct, score, override_correct, override_by, override_at, noticed, override_by_id)
    VALUES (1, 'U1', 'check the provider dashboard', 70000, true, '{"terms":["dashboard"]}', NULL, NULL, NULL, true, NULL),
           (1, 'U2', 'restart everything', 80000, false, '{"terms":[]}', true, 'alice', 90000, true, 'U1'),
           (2, 'bob', 'look at the hit ratio', 30000, true, '{}', NULL, NULL, NULL, true, NULL),
           (3, 'U3', 'page the owner', 40000, true, '{}', NULL, NULL, NULL, false, NULL);
  INSERT INTO first_move_reviews (drill_id, user_id, decided_by_id, decided_by_name, decided_at, via, before_correct, after_correct)
    VALUES (1, 'U2', 'U1', 'alice', 90000, 'slack', false, true);
  INSERT INTO decision_steps (drill_id, user_id, seq, node_id, option_id, next_id, entered_at, chosen_at)
    VALUES (1, 'U1', 0, 'start', 'a', 'n2', 12000, 13000), (1, 'U1', 1, 'n2', 'b', 'end', 13000, 14000);
  INSERT INTO inject_posts (drill_id, inject_index, due_at, posted_at) VALUES (1, 0, 130000, 130500), (3, 0, 150000, 150200);
  INSERT INTO drill_events (drill_id, kind, by_id, by_name, at, data)
    VALUES (1, 'extend', 'U1', 'alice', 200000, '{"byMs":300000}'), (3, 'pause', 'U2', 'bob', 32000, '{}');
  INSERT INTO drill_results (drill_id, team_id, scenario_id, venue, mode, ended_at, responders, answered, correct_in_window, median_first_move_ms)
    VALUES (1, 'T0ACME', 'payment-5xx', 'C1', 'read', 500000, 2, 2, 1, 65000), (2, NULL, 'cache-miss', 'terminal', 'blind', 600000, 1, 1, 1, 10000);
  INSERT INTO responder_results (drill_id, team_id, user_id, user_name, scenario_id, venue, ended_at, answered, correct, correct_in_window,
                                 time_to_first_move_ms, role)
    VALUES (1, 'T0ACME', 'U1', 'alice', 'payment-5xx', 'C1', 500000, true, true, true, 60000, 'ic'),
           (1, 'T0ACME', 'U2', 'bob', 'payment-5xx', 'C1', 500000, true, true, false, 70000, NULL),
           (2, NULL, 'bob', 'bob', 'cache-miss', 'terminal', 600000, true, true, true, 10000, NULL);
  INSERT INTO action_items (team_id, drill_id, scenario_id, runbook, part, kind, text, raised_by_id, raised_by_name, raised_at, status, done_by, done_at)
    VALUES ('T0ACME', 1, 'payment-5xx', 'runbooks/payment-5xx.md', 'verify', 'unclear', 'which dashboard?', 'U2', 'bob', 510000, 'open', NULL, NULL),
           (NULL, 2, 'cache-miss', 'runbooks/cache-miss.md', 'mitigate', 'wrong', 'step 3 is stale', 'bob', 'bob', 610000, 'done', 'bob', 700000);
  INSERT INTO schedules (id, team_id, enterprise_id, channel, cron, timezone, scenario, mode, heads_up, created_by, created_at, active)
    VALUES (1, 'T0ACME', 'E0GRID', 'C1', '0 11 * * 1', 'Europe/Berlin', 'random', 'read', true, 'U1', 1000, true),
           (2, 'T0ACME', NULL, 'C2', '30 9 * * 5', 'UTC', 'cache-miss', 'blind', false, 'U2', 2000, false);
  INSERT INTO schedule_runs (schedule_id, period, kind, status, drill_id, detail, recorded_at)
    VALUES (1, 3600000, 'heads_up', 'fired', NULL, NULL, 3600000), (1, 7200000, 'drill', 'fired', 3, NULL, 7200100),
           (2, 7200000, 'drill', 'missed', NULL, 'drillbot was down', 9000000);
  INSERT INTO outbox (team_id, enterprise_id, dedupe_key, channel, drill_id, in_thread, kind, payload, created_at, due_at, attempts, lease_until,
                      status, last_error, sent_at, message_ts, priority, lease_owner)
    VALUES ('T0ACME', 'E0GRID', 'drill:1:trigger', 'C1', 1, false, 'trigger', '{"text":"payments are failing"}', 10000, 10000, 1, NULL, 'sent',
            NULL, 10100, '1700000000.000100', 0, NULL),
           ('T0ACME', NULL, 'drill:3:inject:0', 'C2', 3, true, 'inject', '{"text":"error rate doubles"}', 150000, 150000, 0, NULL, 'pending',
            NULL, NULL, NULL, 0, NULL),
           ('T0ACME', NULL, 'drill:3:repost', 'C2', 3, true, 'repost', '{"text":"again"}', 160000, 190000, 2, 175000, 'pending', 'HTTP 503',
            NULL, NULL, 1, 'i-1');
  INSERT INTO instances (id, host, pid, started_at, heartbeat_at) VALUES ('i-1', 'host-a', 4242, 1000, 170000);
  INSERT INTO request_fingerprints (fingerprint, seen_at) VALUES ('abc123', 170000);
  INSERT INTO slack_installations (scope, enterprise_id, team_id, is_enterprise_install, user_id, installation, installed_at, updated_at)
    VALUES ('T:T0ACME', NULL, 'T0ACME', false, 'U0INSTALLER', 'v1.k1.iv.ct.tag', 1000, 2000);
  INSERT INTO slack_oauth_states (state_hash, install_options, created_at, expires_at) VALUES ('s1', '{"scopes":["commands"]}', 1000, 601000);
`;

describe("migration 010 on a PostgreSQL database filled at 009", { skip: PG_SKIP }, () => {
  it("keeps every row of every table, gives the terminal's rows (team NULL) to 'local', keeps each Slack team id and leaves the foreign keys whole", async () => {
    const schema = await createTestSchema();
    try {
      const migrations = readPgMigrations();
      assert.equal(migrations[9]?.name, "010_workspace_scoping");
      await migratePg(schema.pool, migrations.slice(0, 9));
      await schema.pool.query(PG_FIXTURE_AT_009);

      const tablesNow = async () =>
        (
          await schema.pool.query<{ table_name: string }>(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name <> $2 ORDER BY table_name",
            [schema.schema, MIGRATIONS_TABLE],
          )
        ).rows.map((r) => r.table_name);
      /** Every row as JSON, in a stable order (by all of it). */
      const rowsOf = async (table: string) =>
        (
          await schema.pool.query<{ row: Record<string, unknown> }>(`SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY to_jsonb(t)::text`)
        ).rows.map((r) => r.row);
      const tables = await tablesNow();
      const before = new Map<string, Record<string, unknown>[]>();
      for (const table of tables) {
        const rows = await rowsOf(table);
        assert.ok(rows.length > 0, `the fixture fills ${table}`);
        before.set(table, rows);
      }

      assert.deepEqual(await migratePg(schema.pool, migrations.slice(0, 10)), { from: 9, to: 10 });

      assert.deepEqual(await tablesNow(), tables, "no table gone, none added");
      for (const [table, rows] of before) {
        // What 010 changes: a NULL workspace is 'local' now. Everything else is as it was.
        const expected = rows.map((row) => ("team_id" in row && row.team_id === null ? { ...row, team_id: LOCAL_TEAM.id } : row));
        const key = (row: Record<string, unknown>) => JSON.stringify(row, Object.keys(row).sort());
        assert.deepEqual((await rowsOf(table)).map(key).sort(), expected.map(key).sort(), `${table}: every row kept`);
      }
      const teams = await schema.pool.query<{ id: number; team_id: string }>("SELECT id, team_id FROM drills ORDER BY id");
      assert.deepEqual(
        teams.rows.map((r) => [r.id, r.team_id]),
        [
          [1, "T0ACME"],
          [2, LOCAL_TEAM.id],
          [3, "T0ACME"],
        ],
      );
      // Every foreign key still finds its row (PostgreSQL enforced them throughout; checked
      // again here by joining each child to its parent).
      const orphans = await schema.pool.query<{ n: number }>(`
        SELECT (SELECT count(*) FROM responders c LEFT JOIN drills p ON p.id = c.drill_id WHERE p.id IS NULL)
             + (SELECT count(*) FROM first_moves c LEFT JOIN responders p USING (drill_id, user_id) WHERE p.drill_id IS NULL)
             + (SELECT count(*) FROM schedule_runs c LEFT JOIN schedules p ON p.id = c.schedule_id WHERE p.id IS NULL)
             + (SELECT count(*) FROM outbox c LEFT JOIN drills p ON p.id = c.drill_id WHERE c.drill_id IS NOT NULL AND p.id IS NULL)
             + (SELECT count(*) FROM action_items c LEFT JOIN drills p ON p.id = c.drill_id WHERE p.id IS NULL) AS n`);
      assert.equal(Number(orphans.rows[0]?.n), 0);

      // The app reads it as before: the terminal's drill in 'local', Acme's in Acme.
      const stores = await openStores({ kind: "postgres", url: schema.url });
      try {
        assert.deepEqual(
          (await stores.drills.listDrills({ limit: 10 })).map((d) => d.id),
          [2],
        );
        const acme = stores.drills.forTeam({ id: "T0ACME", enterpriseId: "E0GRID" });
        assert.equal((await acme.loadDrill(1))?.responders.length, 2);
        assert.equal((await stores.actions.listActionItems({ status: "done" })).length, 1);
      } finally {
        await stores.close();
      }
    } finally {
      await schema.drop();
    }
  });
});
