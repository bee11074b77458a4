import type pg from "pg";
import { LOCAL_TEAM, type Team } from "../../domain/team.js";
import { PgWorkspaceData } from "../workspaces.js";
import { PgActionItemStore } from "./actionItems.js";
import { PgDrillStore } from "./drills.js";
import { PgHistoryStore } from "./history.js";
import { PgInstallationRows, PgOAuthStateRows } from "./installations.js";
import { PgInstanceRegistry } from "./instances.js";
import { migratePg } from "./migrations.js";
import { PgOutboxStore } from "./outbox.js";
import { createPgPool, type PgPoolOptions } from "./pool.js";
import { PgRequestLog } from "./requestLog.js";
import { PgScheduleStore } from "./schedules.js";

// Every PostgreSQL store on one connection pool (each store is a file of its own), bound to one
// workspace (forTeam gives another's); the outbox, instances and installations serve them all.

export function pgStoresOn(pool: pg.Pool, team: Team = LOCAL_TEAM) {
  return {
    drills: new PgDrillStore(pool, team),
    schedules: new PgScheduleStore(pool, team),
    actions: new PgActionItemStore(pool, team),
    history: new PgHistoryStore(pool, team),
    outbox: new PgOutboxStore(pool, { teamId: team.id }),
    instances: new PgInstanceRegistry(pool),
    requests: new PgRequestLog(pool),
    installations: new PgInstallationRows(pool),
    oauthStates: new PgOAuthStateRows(pool),
    workspaces: new PgWorkspaceData(pool),
  };
}

/** Connects, applies pending migrations (refusing a newer schema) and returns the stores and
 * their pool. The pool is closed again if the database cannot be reached or migrated. */
export async function openPgStores(
  url: string,
  options: { team?: Team; pool?: PgPoolOptions } = {},
): Promise<{ pool: pg.Pool; stores: ReturnType<typeof pgStoresOn> }> {
  const pool = createPgPool(url, options.pool);
  try {
    await migratePg(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return { pool, stores: pgStoresOn(pool, options.team) };
}
