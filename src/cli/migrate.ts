import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { migrate } from "../store/migrations.js";
import { CopyRefusedError, copySqliteToPostgres } from "../store/pg/copyFromSqlite.js";
import { migratePg } from "../store/pg/migrations.js";
import { createPgPool } from "../store/pg/pool.js";
import { DatabaseOpenError, databaseFromEnv, databaseUrlSchema, describePostgresUrl } from "../store/stores.js";
import type { CliIO } from "./io.js";

const USAGE = "usage: drillbot migrate [--db PATH]   ·   drillbot migrate --from sqlite:<file> --to postgres://…";

/** `drillbot migrate [--db PATH]`: creates or upgrades the database (the SQLite file, or
 * PostgreSQL when DATABASE_URL is set and no --db is given) and says what it did.
 * `drillbot migrate --from sqlite:<file> --to postgres://…`: copies a SQLite database into an
 * empty PostgreSQL one (--to defaults to DATABASE_URL) and prints each table's row count. */
export async function migrateCommand(args: string[], io: CliIO, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values: { db?: string; from?: string; to?: string };
  try {
    ({ values } = parseArgs({ args, options: { db: { type: "string" }, from: { type: "string" }, to: { type: "string" } } }));
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.from !== undefined || values.to !== undefined) return copyCommand(values.from, values.to ?? env.DATABASE_URL?.trim(), io);
  const chosen = databaseFromEnv(env, values.db);
  if (!chosen.ok) {
    io.err(`drillbot migrate: ${chosen.problem}`);
    return 1;
  }
  return chosen.database.kind === "postgres" ? migratePostgres(chosen.database.url, io) : migrateSqlite(chosen.database.path, io);
}

function migrateSqlite(path: string, io: CliIO): number {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    const { from, to } = migrate(db);
    io.out(from === to ? `${path}: schema is current (version ${to})` : `${path}: migrated schema from version ${from} to ${to}`);
    return 0;
  } catch (error) {
    io.err(`drillbot migrate: ${(error as Error).message}`);
    return 1;
  } finally {
    db.close();
  }
}

async function migratePostgres(url: string, io: CliIO): Promise<number> {
  const where = describePostgresUrl(url);
  const pool = createPgPool(url, { max: 1, applicationName: "drillbot migrate", connectionTimeoutMs: 10_000 });
  try {
    const { from, to } = await migratePg(pool);
    io.out(from === to ? `${where}: schema is current (version ${to})` : `${where}: migrated schema from version ${from} to ${to}`);
    return 0;
  } catch (error) {
    io.err(`drillbot migrate: ${where}: ${messageOf(error)}`);
    return 1;
  } finally {
    await pool.end();
  }
}

async function copyCommand(from: string | undefined, to: string | undefined, io: CliIO): Promise<number> {
  if (!from?.startsWith("sqlite:") || from.length === "sqlite:".length) {
    io.err(`drillbot migrate: --from must name the SQLite file, as sqlite:<file> (e.g. sqlite:./data/drillbot.db)\n${USAGE}`);
    return 2;
  }
  if (!to || !databaseUrlSchema().safeParse(to).success) {
    io.err(
      `drillbot migrate: --to must be a PostgreSQL URL such as postgres://user:password@host:5432/drillbot (or set DATABASE_URL)\n${USAGE}`,
    );
    return 2;
  }
  const path = from.slice("sqlite:".length);
  const where = describePostgresUrl(to);
  const pool = createPgPool(to, { max: 1, applicationName: "drillbot migrate", connectionTimeoutMs: 10_000 });
  try {
    io.out(`copying ${path} to ${where}, in one transaction`);
    const report = await copySqliteToPostgres(path, pool, {
      onTable: ({ table, rows }) => io.out(`  ${table.padEnd(24)} ${String(rows).padStart(9)} rows`),
    });
    const total = report.tables.reduce((n, t) => n + t.rows, 0);
    io.out(
      `copied ${total} rows in ${report.tables.length} tables (schema version ${report.schemaVersion}); every table's row count matches the SQLite file`,
    );
    io.out(`next: set DATABASE_URL to this database and start drillbot; keep ${path} as a backup`);
    return 0;
  } catch (error) {
    io.err(`drillbot migrate: ${error instanceof CopyRefusedError ? error.message : `${where}: ${messageOf(error)}`}`);
    return 1;
  } finally {
    await pool.end();
  }
}

const messageOf = (error: unknown) => new DatabaseOpenError(error).message;
