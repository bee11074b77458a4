import { join } from "node:path";
import { after, describe } from "node:test";
import Database from "better-sqlite3";
import type { Team } from "../src/domain/team.js";
import { openStores, type Stores } from "../src/store/stores.js";
import { tempDir } from "./helpers.js";
import { createTestSchema, PG_SKIP, type TestSchema } from "./pgServer.js";

// One contract suite, two stores: `describeStores(title, body)` declares the body's tests twice,
// once on a SQLite file and once on a real PostgreSQL server (test/pgServer.ts; skipped, with
// the reason, only where no PostgreSQL server programs exist). Each test opens a fresh database.

export type Dialect = Stores["dialect"];

export interface TestDatabase {
  dialect: Dialect;
  /** The stores of one app process on this database. */
  stores: Stores;
  /** The stores of another app process on the same database (closed with the test database). */
  another(options?: { team?: Team }): Promise<Stores>;
  /** Raw SQL with $1, $2… placeholders (SQLite gets them as ?), returning rows. */
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** How to reach it: the SQLite path or the PostgreSQL URL (with a search_path to its schema). */
  location: { kind: "sqlite"; path: string } | { kind: "postgres"; url: string };
}

async function sqliteDatabase(cleanups: (() => Promise<void>)[]): Promise<TestDatabase> {
  const path = join(tempDir(), "drillbot.db");
  const opened: Stores[] = [];
  const open = async () => {
    const stores = await openStores({ kind: "sqlite", path });
    opened.push(stores);
    return stores;
  };
  const stores = await open();
  const raw = new Database(path);
  cleanups.push(async () => {
    raw.close();
    for (const s of opened) await s.close();
  });
  return {
    dialect: "sqlite",
    stores,
    another: open,
    async query(sql, params = []) {
      const statement = raw.prepare(sql.replace(/\$\d+/g, "?"));
      if (statement.reader) return statement.all(...params) as Record<string, unknown>[];
      statement.run(...params);
      return [];
    },
    location: { kind: "sqlite", path },
  };
}

async function postgresDatabase(cleanups: (() => Promise<void>)[]): Promise<TestDatabase> {
  const schema: TestSchema = await createTestSchema();
  const opened: Stores[] = [];
  const open = async (options: { team?: Team } = {}) => {
    const stores = await openStores({ kind: "postgres", url: schema.url }, options);
    opened.push(stores);
    return stores;
  };
  const stores = await open();
  cleanups.push(async () => {
    for (const s of opened) await s.close();
    await schema.drop();
  });
  return {
    dialect: "postgres",
    stores,
    another: open,
    async query(sql, params = []) {
      return (await schema.pool.query(sql, params)).rows;
    },
    location: { kind: "postgres", url: schema.url },
  };
}

/** Declares `body`'s tests for SQLite and for PostgreSQL. `open()` gives each test a fresh
 * database, closed (and for PostgreSQL dropped) when the suite ends. */
export function describeStores(title: string, body: (open: () => Promise<TestDatabase>, dialect: Dialect) => void): void {
  for (const dialect of ["sqlite", "postgres"] as const) {
    describe(`${title} (${dialect})`, { skip: dialect === "postgres" ? PG_SKIP : false }, () => {
      const cleanups: (() => Promise<void>)[] = [];
      after(async () => {
        for (const cleanup of cleanups.splice(0)) await cleanup();
      });
      body(() => (dialect === "sqlite" ? sqliteDatabase(cleanups) : postgresDatabase(cleanups)), dialect);
    });
  }
}
