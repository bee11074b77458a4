import type pg from "pg";
import type { Team } from "../domain/team.js";
import { onFirstUse, zod } from "../domain/zodOnDemand.js";
import type { ActionItemStore, HistoryStore, ScheduleStore } from "./history.js";
import type { InstallationRows, OAuthStateRows } from "./installations.js";
import type { InstanceRegistry } from "./instances.js";
import type { OutboxStore } from "./outbox.js";
import type { openPgStores } from "./pg/stores.js";
import type { RequestLog } from "./requestLog.js";
import { DEFAULT_DB_PATH, openSqliteStores } from "./sqlite.js";
import { SqliteInstallationRows, SqliteOAuthStateRows } from "./sqliteInstallations.js";
import type { DrillStore } from "./store.js";
import type { WorkspaceData } from "./workspaces.js";

// Every store drillbot uses, on whichever database the configuration names: the SQLite file
// (DRILLBOT_DB, the default) or PostgreSQL (DATABASE_URL). Nothing outside src/store needs to
// know which.

export interface Stores {
  readonly dialect: "sqlite" | "postgres";
  /** Where the data is, for messages: the file, or the server and database (never a password). */
  readonly location: string;
  drills: DrillStore;
  schedules: ScheduleStore;
  actions: ActionItemStore;
  history: HistoryStore;
  outbox: OutboxStore;
  instances: InstanceRegistry;
  requests: RequestLog;
  installations: InstallationRows;
  oauthStates: OAuthStateRows;
  /** Every workspace's data as a whole: what one has waiting, adopt-workspace, forget-workspace. */
  workspaces: WorkspaceData;
  /** Resolves when the database answers a trivial query within `timeoutMs`; rejects otherwise. */
  ping(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export type DatabaseConfig = { kind: "sqlite"; path: string } | { kind: "postgres"; url: string };

const POSTGRES_URL_PROBLEM =
  "must be a PostgreSQL URL such as postgres://user:password@host:5432/drillbot (or unset, to use the SQLite file DRILLBOT_DB)";

function isPostgresUrl(value: string): boolean {
  if (!/^postgres(ql)?:\/\//i.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/** DATABASE_URL as the configuration schemas check it. The message never repeats the value: it
 * usually holds a password. */
export const databaseUrlSchema = onFirstUse(() => zod().z.string().refine(isPostgresUrl, POSTGRES_URL_PROBLEM));

/** Which database a command uses: `--db PATH` when given (an explicit file wins), else
 * DATABASE_URL when set, else DRILLBOT_DB or ./data/drillbot.db. */
export function databaseFromEnv(
  env: NodeJS.ProcessEnv,
  dbFlag?: string,
): { ok: true; database: DatabaseConfig } | { ok: false; problem: string } {
  if (dbFlag !== undefined) return { ok: true, database: { kind: "sqlite", path: dbFlag } };
  const url = env.DATABASE_URL?.trim();
  if (url) {
    return isPostgresUrl(url)
      ? { ok: true, database: { kind: "postgres", url } }
      : { ok: false, problem: `DATABASE_URL ${POSTGRES_URL_PROBLEM}` };
  }
  return { ok: true, database: { kind: "sqlite", path: env.DRILLBOT_DB || DEFAULT_DB_PATH } };
}

/** host:port/database of a PostgreSQL URL, for messages (no user, no password). */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    return `PostgreSQL at ${u.hostname || "localhost"}${u.port ? `:${u.port}` : ""}${u.pathname.length > 1 ? u.pathname : ""}`;
  } catch {
    return "PostgreSQL (DATABASE_URL)";
  }
}

/** Which database, for messages: the SQLite path, or PostgreSQL's server and database. */
export function describeDatabase(database: DatabaseConfig): string {
  return database.kind === "sqlite" ? database.path : describePostgresUrl(database.url);
}

/** A PostgreSQL server that could not be used: the message says why (never a password). */
export class DatabaseOpenError extends Error {
  constructor(cause: unknown) {
    super(reason(cause), { cause });
    this.name = "DatabaseOpenError";
  }
}

function reason(cause: unknown): string {
  const e = cause as { code?: string; message?: string };
  if (e.code === "ECONNREFUSED" || e.code === "ENOTFOUND" || e.code === "EHOSTUNREACH" || e.code === "ETIMEDOUT") {
    return `cannot reach the server (${e.code}); is it running, and are DATABASE_URL's host and port right?`;
  }
  if (e.code === "28P01" || e.code === "28000") return "the server refused the login; check DATABASE_URL's user and password";
  if (e.code === "3D000") return "that database does not exist on the server; create it first (createdb)";
  return e.message ?? String(cause);
}

export interface OpenStoresOptions {
  /** The workspace the stores are bound to (default LOCAL_TEAM: the terminal and a
   * single-workspace install); forTeam gives another's. */
  team?: Team;
  /** PostgreSQL only: shown in pg_stat_activity (default "drillbot"). */
  applicationName?: string;
}

/** Opens every store on the configured database, creating and migrating it as needed. A file
 * or server that cannot be used is a DatabaseOpenError (or the schema error saying the
 * database is newer than this drillbot); nothing is left open then. */
export async function openStores(database: DatabaseConfig, options: OpenStoresOptions = {}): Promise<Stores> {
  return database.kind === "postgres" ? openPostgres(database.url, options) : openSqlite(database.path, options.team);
}

function openSqlite(path: string, team?: Team): Stores {
  const stores = openSqliteStores(path, team);
  return {
    dialect: "sqlite",
    location: path,
    ...stores,
    installations: new SqliteInstallationRows(stores.drills.db),
    oauthStates: new SqliteOAuthStateRows(stores.drills.db),
  };
}

async function openPostgres(url: string, options: OpenStoresOptions): Promise<Stores> {
  const location = describePostgresUrl(url);
  let opened: Awaited<ReturnType<typeof openPgStores>>;
  try {
    // The PostgreSQL stores and the pg driver load only for a PostgreSQL database: the SQLite
    // app and CLI never pay for them.
    const { openPgStores } = await import("./pg/stores.js");
    opened = await openPgStores(url, {
      ...(options.team ? { team: options.team } : {}),
      pool: { applicationName: options.applicationName ?? "drillbot", connectionTimeoutMs: 10_000 },
    });
  } catch (error) {
    if ((error as { code?: string }).code === "database_too_new") throw error;
    throw new DatabaseOpenError(error);
  }
  const { pool, stores } = opened;
  let closed = false;
  return {
    dialect: "postgres",
    location,
    ...stores,
    ping: (timeoutMs) => pingPostgres(pool, timeoutMs),
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/** SELECT 1 within the time given. A pool that cannot connect (server down) fails at once; one
 * that hangs (a network partition) fails when the time is up. */
async function pingPostgres(pool: pg.Pool, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the database did not answer within ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
  });
  try {
    await Promise.race([pool.query("SELECT 1"), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
