import { existsSync } from "node:fs";
import type Database from "better-sqlite3";
import type pg from "pg";
import { LOCAL_TEAM, type Team } from "../../domain/team.js";
import { openDatabase } from "../sqliteDatabase.js";
import { inTransaction } from "./db.js";
import { MIGRATIONS_TABLE, migratePg } from "./migrations.js";

// `drillbot migrate --from sqlite:<file> --to postgres://…`: a team's whole SQLite database
// copied into an empty PostgreSQL one, in one transaction. Ids are kept (drill numbers people
// have seen stay the same), identity sequences are moved past them, and every table's row count
// is compared before the transaction commits: a copy is whole or it is not there at all.

/** Rows read from SQLite and written to PostgreSQL at a time (one statement each). */
const BATCH_ROWS = 2_000;

export interface CopiedTable {
  table: string;
  rows: number;
}

export interface CopyReport {
  schemaVersion: number;
  tables: CopiedTable[];
}

/** Refused before anything was written (the message says what to do). */
export class CopyRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CopyRefusedError";
  }
}

interface PgColumn {
  name: string;
  type: string;
  identity: boolean;
}

async function pgTables(client: pg.PoolClient): Promise<Map<string, PgColumn[]>> {
  const { rows } = await client.query<{ table_name: string; column_name: string; data_type: string; is_identity: string }>(
    `SELECT c.table_name, c.column_name, c.data_type, c.is_identity
       FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.table_name <> $1
      ORDER BY c.table_name, c.ordinal_position`,
    [MIGRATIONS_TABLE],
  );
  const tables = new Map<string, PgColumn[]>();
  for (const r of rows) {
    const columns = tables.get(r.table_name) ?? [];
    columns.push({ name: r.column_name, type: r.data_type, identity: r.is_identity === "YES" });
    tables.set(r.table_name, columns);
  }
  return tables;
}

/** Tables in an order where each comes after the tables its foreign keys point at. */
async function parentsFirst(client: pg.PoolClient, tables: string[]): Promise<string[]> {
  const { rows } = await client.query<{ child: string; parent: string }>(
    `SELECT c.relname AS child, p.relname AS parent
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
      WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace`,
  );
  const ordered: string[] = [];
  const placing = new Set<string>();
  const visit = (table: string) => {
    if (ordered.includes(table) || placing.has(table)) return;
    placing.add(table);
    for (const { parent } of rows.filter((r) => r.child === table && r.parent !== table)) visit(parent);
    ordered.push(table);
  };
  for (const table of [...tables].sort()) visit(table);
  return ordered.filter((t) => tables.includes(t));
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** One SQLite value as its PostgreSQL column takes it. */
function convert(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  if (type === "boolean") return value !== 0 && value !== "0";
  if (type === "jsonb" || type === "json") return typeof value === "string" ? JSON.parse(value) : value;
  return value;
}

/** Copies every table of the SQLite file at `sqlitePath` into the database behind `pool`,
 * migrating both to the latest schema first. Refuses a target that holds any row. Rows of
 * tables that have no workspace column in SQLite take `team` ("local" by default: the
 * single-workspace install the SQLite file served). */
export async function copySqliteToPostgres(
  sqlitePath: string,
  pool: pg.Pool,
  options: { team?: Team; onTable?: (copied: CopiedTable) => void } = {},
): Promise<CopyReport> {
  if (!existsSync(sqlitePath)) throw new CopyRefusedError(`there is no SQLite database at ${sqlitePath}`);
  const workspace = options.team ?? LOCAL_TEAM;
  const sqlite = openDatabase(sqlitePath);
  try {
    const { to: pgVersion } = await migratePg(pool);
    const sqliteVersion = Number(sqlite.pragma("user_version", { simple: true }));
    if (sqliteVersion !== pgVersion) {
      throw new CopyRefusedError(
        `the SQLite file is at schema version ${sqliteVersion} and PostgreSQL at ${pgVersion}; run the same drillbot version on both`,
      );
    }
    // One read transaction: a consistent snapshot even while the app still writes the file.
    sqlite.exec("BEGIN");
    try {
      const tables = await inTransaction(pool, async (client) => {
        // Committed durably whatever the server's default: the copy is reported done only once
        // it is on disk.
        await client.query("SET LOCAL synchronous_commit = on");
        return copyTables(sqlite, client, workspace, options.onTable);
      });
      await vacuumAfterCopy(pool);
      return { schemaVersion: pgVersion, tables };
    } finally {
      sqlite.exec("COMMIT");
    }
  } finally {
    sqlite.close();
  }
}

/** Fresh statistics for the planner and a visibility map, rather than waiting for autovacuum to
 * notice a whole history arriving at once: until then history queries could pick poor plans and
 * could not answer from their indexes alone (counting 100,000 drills' results read ~17,700 heap
 * pages instead of the index).
 *
 * Run with synchronous_commit on: VACUUM marks a page all-visible only once it may set its rows'
 * "committed" hint bits, and PostgreSQL does not set them while the commit LSN it has on record
 * for their transaction is unflushed. That LSN is kept per group of 32 transaction ids, so with
 * synchronous_commit = off (a server's choice, or a test server's) the ANALYZE of one table,
 * committing asynchronously, made VACUUM skip the next tables: the map stayed empty on
 * drill_results after every copy of the history benchmark. */
async function vacuumAfterCopy(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("SET synchronous_commit = on");
    await client.query("VACUUM (ANALYZE)");
    await client.query("RESET synchronous_commit");
  } catch (error) {
    broken = error as Error;
    throw error;
  } finally {
    client.release(broken);
  }
}

async function copyTables(
  sqlite: Database.Database,
  client: pg.PoolClient,
  workspace: Team,
  onTable: ((copied: CopiedTable) => void) | undefined,
): Promise<CopiedTable[]> {
  const target = await pgTables(client);
  const sourceTables = (
    sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as {
      name: string;
    }[]
  ).map((t) => t.name);
  const unknown = sourceTables.filter((t) => !target.has(t));
  if (unknown.length > 0) throw new CopyRefusedError(`PostgreSQL has no table for ${unknown.join(", ")}; nothing was copied`);
  const order = await parentsFirst(client, [...target.keys()]);

  // Nobody writes while the copy runs; then the target must be empty.
  await client.query(`LOCK TABLE ${order.map(quote).join(", ")} IN SHARE ROW EXCLUSIVE MODE`);
  const occupied: string[] = [];
  for (const table of order) {
    const n = Number((await client.query<{ n: number }>(`SELECT count(*) AS n FROM ${quote(table)}`)).rows[0]?.n ?? 0);
    if (n > 0) occupied.push(`${table}: ${n}`);
  }
  if (occupied.length > 0) {
    throw new CopyRefusedError(
      `the PostgreSQL database already holds data (${occupied.join(", ")} rows); the copy goes into an empty database only, so nothing was copied`,
    );
  }

  const copied: CopiedTable[] = [];
  for (const table of order) {
    if (!sourceTables.includes(table)) {
      copied.push({ table, rows: 0 });
      continue;
    }
    const columns = target.get(table) ?? [];
    const sourceColumns = new Set((sqlite.pragma(`table_info(${quote(table)})`) as { name: string }[]).map((c) => c.name));
    const lost = [...sourceColumns].filter((c) => !columns.some((p) => p.name === c));
    if (lost.length > 0) throw new CopyRefusedError(`PostgreSQL's ${table} has no column ${lost.join(", ")}; nothing was copied`);
    // What each PostgreSQL column is filled from: its SQLite column, SQLite's implicit rowid,
    // or the workspace for the team columns SQLite did not have.
    const filled = columns.filter(
      (c) => sourceColumns.has(c.name) || c.name === "rowid" || c.name === "team_id" || c.name === "enterprise_id",
    );
    const select = filled
      .map((c) => (sourceColumns.has(c.name) ? quote(c.name) : c.name === "rowid" ? "rowid AS rowid" : `NULL AS ${quote(c.name)}`))
      .join(", ");
    const list = filled.map((c) => quote(c.name)).join(", ");
    const insert = `INSERT INTO ${quote(table)} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${quote(table)}, $1::json)`;
    let batch: Record<string, unknown>[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await client.query(insert, [JSON.stringify(batch)]);
      batch = [];
    };
    for (const row of sqlite.prepare(`SELECT ${select} FROM ${quote(table)}`).iterate() as IterableIterator<Record<string, unknown>>) {
      const out: Record<string, unknown> = {};
      for (const c of filled) {
        if (sourceColumns.has(c.name) || c.name === "rowid") out[c.name] = convert(row[c.name], c.type);
        else out[c.name] = c.name === "team_id" ? workspace.id : workspace.enterpriseId;
      }
      batch.push(out);
      if (batch.length >= BATCH_ROWS) await flush();
    }
    await flush();
    // Ids were copied as they were: new rows continue after the highest.
    for (const c of columns.filter((col) => col.identity)) {
      await client.query(
        `SELECT setval(pg_get_serial_sequence($1, $2), max_id) FROM (SELECT max(${quote(c.name)}) AS max_id FROM ${quote(table)}) m WHERE max_id IS NOT NULL`,
        [table, c.name],
      );
    }
    const expected = (sqlite.prepare(`SELECT count(*) AS n FROM ${quote(table)}`).get() as { n: number }).n;
    const rows = Number((await client.query<{ n: number }>(`SELECT count(*) AS n FROM ${quote(table)}`)).rows[0]?.n ?? -1);
    if (rows !== expected) throw new Error(`${table}: ${expected} rows in SQLite but ${rows} in PostgreSQL; the copy was rolled back`);
    const result = { table, rows };
    copied.push(result);
    onTable?.(result);
  }
  return copied;
}
