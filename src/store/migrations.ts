import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type Database from "better-sqlite3";
import { DatabaseTooNewError } from "./errors.js";

export { DatabaseTooNewError } from "./errors.js";

export const MIGRATIONS_DIR = new URL("../../migrations", import.meta.url).pathname;

export interface Migration {
  version: number;
  name: string;
  sql: string;
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
