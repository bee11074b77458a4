import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isStoreError } from "../../src/store/errors.js";
import { DatabaseTooNewError, readMigrations } from "../../src/store/migrations.js";
import { MIGRATIONS_TABLE, migratePg, PgMigrationError, readPgMigrations } from "../../src/store/pg/migrations.js";
import { openDatabase } from "../../src/store/sqlite.js";
import { createTestSchema, PG_SKIP, type TestSchema } from "../pgServer.js";

const latest = readPgMigrations().length;

describe("PostgreSQL migrations", { skip: PG_SKIP }, () => {
  const schemas: TestSchema[] = [];
  const fresh = async () => {
    const s = await createTestSchema();
    schemas.push(s);
    return s;
  };
  after(async () => {
    await Promise.all(schemas.map((s) => s.drop()));
  });

  it("applies every migration in order, records each in the database, and a second run changes nothing", async () => {
    const db = await fresh();
    assert.deepEqual(await migratePg(db.pool), { from: 0, to: latest });
    const applied = await db.pool.query(`SELECT version, name, applied_at FROM ${MIGRATIONS_TABLE} ORDER BY version`);
    assert.deepEqual(
      applied.rows.map((r) => [r.version, r.name]),
      readPgMigrations().map((m) => [m.version, m.name]),
    );
    assert.deepEqual(await migratePg(db.pool), { from: latest, to: latest });
    const again = await db.pool.query(`SELECT version, name, applied_at FROM ${MIGRATIONS_TABLE} ORDER BY version`);
    assert.deepEqual(again.rows, applied.rows, "nothing re-applied");
  });

  it("migrates once when several instances start at the same moment", async () => {
    const db = await fresh();
    const instances = [db.pool, db.connect(), db.connect(), db.connect()];
    const results = await Promise.all(instances.map((pool) => migratePg(pool)));
    assert.deepEqual(results.map((r) => r.from).sort(), [0, latest, latest, latest], "one migrated, the others found it done");
    const count = await db.pool.query(`SELECT count(*) AS n FROM ${MIGRATIONS_TABLE}`);
    assert.equal(count.rows[0]?.n, latest);
  });

  it("refuses a database newer than the code, with the same message as SQLite's", async () => {
    const db = await fresh();
    await migratePg(db.pool);
    await db.pool.query(`INSERT INTO ${MIGRATIONS_TABLE} (version, name) VALUES ($1, 'from_the_future')`, [latest + 1]);
    await assert.rejects(migratePg(db.pool), (error: Error) => {
      assert.ok(error instanceof DatabaseTooNewError, "the CLI reports it like SQLite's");
      assert.ok(isStoreError(error, "database_too_new"), "with the code callers act on");
      assert.equal(
        error.message,
        `the database is at schema version ${latest + 1}, but this drillbot knows only up to version ${latest}; ` +
          "upgrade drillbot (or point DATABASE_URL at another database) instead of running an older version on it",
      );
      return true;
    });
    const tables = await db.pool.query("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1", [db.schema]);
    const before = tables.rows[0]?.n;
    await assert.rejects(migratePg(db.pool));
    const after = await db.pool.query("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1", [db.schema]);
    assert.equal(after.rows[0]?.n, before, "and changes nothing");
  });

  it("rolls back a migration that fails, leaving the database at the previous version", async () => {
    const db = await fresh();
    const migrations = [
      { version: 1, name: "001_one", sql: "CREATE TABLE one (id INTEGER PRIMARY KEY);" },
      { version: 2, name: "002_broken", sql: "CREATE TABLE two (id INTEGER PRIMARY KEY); INSERT INTO nowhere VALUES (1);" },
    ];
    await assert.rejects(migratePg(db.pool, migrations), (error: Error) => {
      assert.ok(error instanceof PgMigrationError);
      assert.match(error.message, /^migration 002_broken failed and was rolled back: relation "nowhere" does not exist/);
      return true;
    });
    const versions = await db.pool.query(`SELECT version FROM ${MIGRATIONS_TABLE}`);
    assert.deepEqual(versions.rows, [{ version: 1 }]);
    assert.equal((await db.pool.query("SELECT to_regclass('two') AS t")).rows[0]?.t, null, "002's table is not there");
    assert.deepEqual(await migratePg(db.pool, migrations.slice(0, 1)), { from: 1, to: 1 }, "and the lock was released");
  });
});

// What SQLite's schema has, read from a database migrated with migrations/*.sql.
function sqliteSchema() {
  const db = openDatabase(":memory:");
  const tables = (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as {
      name: string;
    }[]
  ).map((t) => t.name);
  const columns = new Map<string, { name: string; type: string; notnull: number; pk: number }[]>();
  for (const table of tables) columns.set(table, db.prepare(`PRAGMA table_info(${table})`).all() as never);
  const indexes = db
    .prepare("SELECT name, tbl_name AS tableName, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
    .all() as { name: string; tableName: string; sql: string }[];
  db.close();
  return { tables, columns, indexes };
}

// Columns PostgreSQL adds to SQLite's tables, each for a reason given in migrations/pg/001_initial.sql.
const SCOPED = { team_id: true, enterprise_id: true };
const ALLOWED_EXTRA: Record<string, Record<string, boolean>> = {
  drills: SCOPED,
  schedules: SCOPED,
  outbox: SCOPED,
  action_items: { team_id: true },
  drill_results: { team_id: true },
  responder_results: { team_id: true },
  responders: { rowid: true },
  first_moves: { rowid: true },
};
const TYPES: Record<string, string[]> = { INTEGER: ["bigint", "integer", "boolean"], TEXT: ["text", "jsonb"] };

describe("migrations/pg translate migrations/*.sql", { skip: PG_SKIP }, () => {
  let db: TestSchema;
  before(async () => {
    db = await createTestSchema();
    await migratePg(db.pool);
  });
  after(async () => {
    await db?.drop();
  });

  it("has one PostgreSQL migration for every SQLite migration, with the same name", () => {
    assert.deepEqual(
      readPgMigrations().map((m) => m.name),
      readMigrations().map((m) => m.name),
      "a new migrations/NNN_*.sql needs its translation in migrations/pg/",
    );
  });

  it("has the same tables and columns, with compatible types and the same NOT NULLs", async () => {
    const sqlite = sqliteSchema();
    const pgTables = await db.pool.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name <> $2 ORDER BY table_name",
      [db.schema, MIGRATIONS_TABLE],
    );
    assert.deepEqual(
      pgTables.rows.map((r) => r.table_name),
      sqlite.tables,
    );
    const pgColumns = await db.pool.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
      "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = $1",
      [db.schema],
    );
    for (const table of sqlite.tables) {
      const mine = pgColumns.rows.filter((c) => c.table_name === table);
      for (const column of sqlite.columns.get(table) ?? []) {
        const pg = mine.find((c) => c.column_name === column.name);
        assert.ok(pg, `${table}.${column.name} is missing in PostgreSQL`);
        assert.ok(TYPES[column.type]?.includes(pg.data_type), `${table}.${column.name}: ${column.type} became ${pg.data_type}`);
        const notNull = column.notnull === 1 || column.pk > 0;
        assert.equal(pg.is_nullable === "NO", notNull, `${table}.${column.name}: NOT NULL differs`);
      }
      const extra = mine.map((c) => c.column_name).filter((name) => !sqlite.columns.get(table)?.some((c) => c.name === name));
      assert.deepEqual(
        extra.filter((name) => !ALLOWED_EXTRA[table]?.[name]),
        [],
        `${table} has columns SQLite does not`,
      );
    }
  });

  it("has the same indexes, unique and partial where SQLite's are", async () => {
    const sqlite = sqliteSchema();
    const pgIndexes = await db.pool.query<{ name: string; table_name: string; unique: boolean; partial: boolean }>(
      `SELECT c.relname AS name, t.relname AS table_name, i.indisunique AS unique, i.indpred IS NOT NULL AS partial
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND NOT i.indisprimary AND c.relname NOT LIKE '%_key'`,
      [db.schema],
    );
    const byName = new Map(pgIndexes.rows.map((r) => [r.name, r]));
    for (const index of sqlite.indexes) {
      const pg = byName.get(index.name);
      assert.ok(pg, `index ${index.name} is missing in PostgreSQL`);
      assert.equal(pg.table_name, index.tableName);
      assert.equal(pg.unique, /^CREATE UNIQUE/i.test(index.sql), `${index.name}: uniqueness differs`);
      assert.equal(pg.partial, /\bWHERE\b/i.test(index.sql), `${index.name}: partial or not differs`);
    }
    assert.deepEqual(
      [...byName.keys()].filter((name) => !sqlite.indexes.some((i) => i.name === name)),
      [],
      "no index SQLite lacks",
    );
  });
});

describe("the PostgreSQL schema keeps workspaces apart", { skip: PG_SKIP }, () => {
  let db: TestSchema;
  const drill = (team: string | null, venue: string, surface = "slack") =>
    db.pool.query(
      `INSERT INTO drills (team_id, scenario_id, scenario_hash, mode, surface, venue, started_by_id, started_by_name,
                           started_at, read_window_ms, time_limit_ms, status)
       VALUES ($1, 'payment-5xx', 'h1', 'read', $2, $3, 'U1', 'ali', 1750000000000, 120000, 900000, 'running') RETURNING id`,
      [team, surface, venue],
    );
  before(async () => {
    db = await createTestSchema();
    await migratePg(db.pool);
    await db.pool.query(
      `INSERT INTO scenario_versions (hash, scenario_id, content, runbook, first_seen_at) VALUES ('h1', 'payment-5xx', $1, '# runbook', 1)`,
      [JSON.stringify({ id: "payment-5xx", title: "Payments" })],
    );
  });
  after(async () => {
    await db?.drop();
  });

  it("requires every drill to name its workspace ('local' for the terminal and a single-workspace install, since 010)", async () => {
    await assert.rejects(drill(null, "C1"), /team_id/);
    await assert.rejects(drill(null, "terminal", "terminal"), /team_id/);
    await drill("local", "terminal", "terminal");
  });

  it("allows one running drill per channel of a workspace; a channel shared with another workspace is its own venue there", async () => {
    await drill("T1", "C1");
    await assert.rejects(drill("T1", "C1"), /drills_one_running_per_channel/);
    await drill("T2", "C1");
  });

  it("stores JSON as JSONB and returns it parsed", async () => {
    const row = await db.pool.query("SELECT content FROM scenario_versions WHERE hash = 'h1'");
    assert.deepEqual(row.rows[0]?.content, { id: "payment-5xx", title: "Payments" });
  });
});
