import type pg from "pg";
import { PgActionItemStore } from "./actionItems.js";
import { LOCAL_WORKSPACE, type PgWorkspace } from "./db.js";
import { PgDrillStore } from "./drills.js";
import { PgHistoryStore } from "./history.js";
import { PgInstallationRows, PgOAuthStateRows } from "./installations.js";
import { PgInstanceRegistry } from "./instances.js";
import { migratePg } from "./migrations.js";
import { PgOutboxStore } from "./outbox.js";
import { createPgPool, type PgPoolOptions } from "./pool.js";
import { PgRequestLog } from "./requestLog.js";
import { PgScheduleStore } from "./schedules.js";

// Every PostgreSQL store on one connection pool (each store is a file of its own).

export function pgStoresOn(pool: pg.Pool, workspace: PgWorkspace = LOCAL_WORKSPACE) {
  return {
    drills: new PgDrillStore(pool, workspace),
    schedules: new PgScheduleStore(pool, workspace),
    actions: new PgActionItemStore(pool, workspace),
    history: new PgHistoryStore(pool, workspace),
    outbox: new PgOutboxStore(pool, { teamId: workspace.teamId }),
    instances: new PgInstanceRegistry(pool),
    requests: new PgRequestLog(pool),
    installations: new PgInstallationRows(pool),
    oauthStates: new PgOAuthStateRows(pool),
  };
}

/** Connects, applies pending migrations (refusing a newer schema) and returns the stores and
 * their pool. The pool is closed again if the database cannot be reached or migrated. */
export async function openPgStores(
  url: string,
  options: { workspace?: PgWorkspace; pool?: PgPoolOptions } = {},
): Promise<{ pool: pg.Pool; stores: ReturnType<typeof pgStoresOn> }> {
  const pool = createPgPool(url, options.pool);
  try {
    await migratePg(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return { pool, stores: pgStoresOn(pool, options.workspace) };
}
