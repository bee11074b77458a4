import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { DatabaseDamagedError } from "./errors.js";
import { migrate } from "./migrations.js";

// Opening the SQLite file: pragmas, an integrity check before anything writes, migrations.

export const DEFAULT_DB_PATH = "./data/drillbot.db";

/** Opens (creating if needed) the SQLite file with drillbot's pragmas and migrations applied. */
export function openDatabase(path: string): Database.Database {
  const isNew = path !== ":memory:" && !existsSync(path);
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new Database(path);
  // Blind answers live here: a new file is readable by its owner only (SQLite gives its WAL the same mode).
  if (isNew) chmodSync(path, 0o600);
  try {
    db.pragma("busy_timeout = 5000");
    // Before anything writes (even the switch to WAL): a damaged file is left exactly as it is.
    checkIntegrity(db, path);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** PRAGMA quick_check at start: a damaged file is refused before anything writes to it. */
function checkIntegrity(db: Database.Database, path: string): void {
  const rows = db.pragma("quick_check") as { quick_check: string }[];
  const problems = rows.map((r) => r.quick_check.replace(/\s+/g, " ").trim()).filter((r) => r !== "ok");
  if (problems.length > 0) throw new DatabaseDamagedError(path, problems.slice(0, 3).join("; "));
}
