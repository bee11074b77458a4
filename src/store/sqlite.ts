import { LOCAL_TEAM, type Team } from "../domain/team.js";
import { SqliteInstanceRegistry } from "./instances.js";
import { SqliteOutboxStore } from "./outbox.js";
import { SqliteRequestLog } from "./requestLog.js";
import { SqliteActionItemStore } from "./sqliteActionItems.js";
import { SqliteDrillStore } from "./sqliteDrills.js";
import { SqliteHistoryStore } from "./sqliteHistory.js";
import { SqliteScheduleStore } from "./sqliteSchedules.js";
import { SqliteWorkspaceData } from "./workspaces.js";

// Every SQLite store on one database file (each store is a file of its own).

export { DatabaseDamagedError } from "./errors.js";
export { DEFAULT_DB_PATH, openDatabase } from "./sqliteDatabase.js";
export { SqliteDrillStore } from "./sqliteDrills.js";

/** Every SQLite-backed store on one database file. */
export interface SqliteStores {
  drills: SqliteDrillStore;
  schedules: SqliteScheduleStore;
  actions: SqliteActionItemStore;
  history: SqliteHistoryStore;
  outbox: SqliteOutboxStore;
  instances: SqliteInstanceRegistry;
  requests: SqliteRequestLog;
  /** Every workspace's data as a whole (counts, adopt, forget). */
  workspaces: SqliteWorkspaceData;
  /** Resolves when the database answers (the file is open and readable). */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Every SQLite store on one database file, bound to one workspace (default LOCAL_TEAM: the
 * terminal and a single-workspace install); forTeam gives another's. */
export function openSqliteStores(path: string, team: Team = LOCAL_TEAM): SqliteStores {
  const drills = new SqliteDrillStore(path, team);
  return {
    drills,
    schedules: new SqliteScheduleStore(drills.db, team),
    actions: new SqliteActionItemStore(drills.db, team),
    history: new SqliteHistoryStore(drills.db, team),
    outbox: new SqliteOutboxStore(drills.db),
    instances: new SqliteInstanceRegistry(drills.db),
    requests: new SqliteRequestLog(drills.db),
    workspaces: new SqliteWorkspaceData(drills.db),
    async ping() {
      drills.db.prepare("SELECT 1").get();
    },
    close: () => drills.close(),
  };
}
