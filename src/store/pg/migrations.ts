import type pg from "pg";
import { DatabaseTooNewError, type Migration, readMigrations } from "../migrations.js";

// PostgreSQL's numbered migrations, applied like SQLite's (src/store/migrations.ts): each pending
// migrations/pg/NNN_*.sql in its own transaction, progress recorded in the database, a database
// newer than the code refused. Several app processes may start at once against one database:
// an advisory lock makes the first one migrate while the others wait and then find nothing to do.

export const PG_MIGRATIONS_DIR = new URL("../../../migrations/pg", import.meta.url).pathname;

/** Where progress is kept: one row per applied migration. */
export const MIGRATIONS_TABLE = "drillbot_migrations";

export class PgDatabaseTooNewError extends DatabaseTooNewError {
  constructor(dbVersion: number, codeVersion: number) {
    super(dbVersion, codeVersion);
    this.message =
      `the database is at schema version ${dbVersion}, but this drillbot knows only up to version ${codeVersion}; ` +
      "upgrade drillbot (or point DATABASE_URL at another database) instead of running an older version on it";
  }
}

export class PgMigrationError extends Error {
  constructor(
    readonly migration: string,
    cause: unknown,
  ) {
    super(`migration ${migration} failed and was rolled back: ${(cause as Error).message}`, { cause });
    this.name = "PgMigrationError";
  }
}

export function readPgMigrations(dir = PG_MIGRATIONS_DIR): Migration[] {
  return readMigrations(dir);
}

/** Applies each pending migration in its own transaction, under a session advisory lock held for
 * the whole run (released when the connection ends, so a process that dies mid-run frees it).
 * Works in the connection's current schema (its search_path), so tests can use one per run. */
export async function migratePg(pool: pg.Pool, migrations = readPgMigrations()): Promise<{ from: number; to: number }> {
  const client = await pool.connect();
  let locked = false;
  let broken: Error | undefined;
  try {
    const schema = (await client.query<{ schema: string | null }>("SELECT current_schema() AS schema")).rows[0]?.schema;
    if (!schema) throw new Error("the connection's search_path names no existing schema: create it, or fix DATABASE_URL's options");
    // One lock per schema: instances on the same schema queue here; other schemas are not held up.
    await client.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [`drillbot migrations ${schema}`]);
    locked = true;
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
         version    INTEGER PRIMARY KEY,
         name       TEXT NOT NULL,
         applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
       )`,
    );
    const from = Number((await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${MIGRATIONS_TABLE}`)).rows[0]?.v ?? 0);
    const latest = migrations.at(-1)?.version ?? 0;
    if (from > latest) throw new PgDatabaseTooNewError(from, latest);
    for (const migration of migrations.filter((m) => m.version > from)) {
      await client.query("BEGIN");
      try {
        // A file of several statements runs as one simple query (no parameters), inside BEGIN.
        await client.query(migration.sql);
        await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw new PgMigrationError(migration.name, error);
      }
    }
    return { from, to: Math.max(from, latest) };
  } finally {
    if (locked && !broken) {
      await client.query("SELECT pg_advisory_unlock_all()").catch((unlockError: Error) => {
        broken = unlockError;
      });
    }
    // A connection that failed mid-way is closed rather than handed back (its lock goes with it).
    client.release(broken);
  }
}
