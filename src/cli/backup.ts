import { existsSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { openDatabase } from "../store/sqlite.js";
import { dbPathFrom } from "./context.js";
import type { CliIO } from "./io.js";

/** `drillbot backup <file> [--db PATH]`: SQLite's online backup, safe while the app runs. */
export async function backupCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { db: { type: "string" }, force: { type: "boolean", default: false } },
  });
  const target = positionals[0];
  if (!target || positionals.length > 1) {
    io.err("usage: drillbot backup <file> [--db PATH] [--force]");
    return 2;
  }
  if (existsSync(target) && !values.force) {
    io.err(`${target} exists; choose another name or pass --force to overwrite it`);
    return 1;
  }
  if (values.db === undefined && process.env.DATABASE_URL?.trim()) {
    io.err(
      "drillbot backup copies a SQLite file, and DATABASE_URL says the data is in PostgreSQL: back it up with pg_dump (or pass --db PATH for a SQLite file)",
    );
    return 1;
  }
  const source = dbPathFrom(values.db);
  if (!existsSync(source)) {
    io.err(`no database at ${source} (set --db or DRILLBOT_DB)`);
    return 1;
  }
  const db = openDatabase(source);
  try {
    const progress = await db.backup(target);
    io.out(`backed up ${source} to ${target}: ${progress.totalPages} pages, ${statSync(target).size} bytes`);
    return 0;
  } catch (error) {
    io.err(`drillbot backup: ${(error as Error).message}`);
    return 1;
  } finally {
    db.close();
  }
}
