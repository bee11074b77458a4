import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { migrate } from "../store/migrations.js";
import { dbPathFrom } from "./context.js";
import type { CliIO } from "./io.js";

/** `drillbot migrate [--db PATH]`: creates or upgrades the database and says what it did. */
export function migrateCommand(args: string[], io: CliIO): number {
  const { values } = parseArgs({ args, options: { db: { type: "string" } } });
  const path = dbPathFrom(values.db);
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
