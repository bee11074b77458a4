import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type Database from "better-sqlite3";

export const MIGRATIONS_DIR = new URL("../../migrations", import.meta.url).pathname;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export class DatabaseTooNewError extends Error {
  constructor(
    readonly dbVersion: number,
    readonly codeVersion: number,
  ) {
    super(
      `the database is at schema version ${dbVersion}, but this drillbot knows only up to version ${codeVersion}; ` +
        "upgrade drillbot (or point DRILLBOT_DB at another file) instead of running an older version on it",
    );
    this.name = "DatabaseTooNewError";
  }
}

/** migrations/NNN_name.sql, in order; the numbers must run 1, 2, 3… with no gap. */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((file) => ({ version: Number(file.slice(0, 3)), name: file.replace(/\.sql$/, ""), sql: readFileSync(join(dir, file), "utf8") }));
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migration ${m.name}: expected number ${String(i + 1).padStart(3, "0")} (no gaps, no repeats)`);
  });
  return migrations;
}

/** Applies each pending migration in its own transaction; PRAGMA user_version tracks progress. */
export function migrate(db: Database.Database, migrations = readMigrations()): { from: number; to: number } {
  const from = Number(db.pragma("user_version", { simple: true }));
  const latest = migrations.at(-1)?.version ?? 0;
  if (from > latest) throw new DatabaseTooNewError(from, latest);
  for (const migration of migrations.filter((m) => m.version > from)) {
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return { from, to: Math.max(from, latest) };
}
