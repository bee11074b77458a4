import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import { join } from "node:path";
import type pg from "pg";
import { createPgPool } from "../src/store/pg/pool.js";
import { REPO_ROOT } from "./helpers.js";

// PostgreSQL for tests. DRILLBOT_TEST_DATABASE_URL (set by .ci/run through
// scripts/pg-test-server.sh) is used when present; otherwise a test file that needs PostgreSQL
// starts its own throwaway server with the same script, so `npm test` covers PostgreSQL wherever
// its server binaries are installed. Only on a machine without them are these tests skipped,
// with the reason (docs/postgres.md says how to install them).

const SCRIPT = join(REPO_ROOT, "scripts/pg-test-server.sh");

const binariesFound = spawnSync("bash", [SCRIPT, "--check"], { encoding: "utf8" }).status === 0;
const NO_BINARIES =
  "no PostgreSQL server binaries on this machine, so the PostgreSQL tests are skipped: install PostgreSQL " +
  "(Debian/Ubuntu: apt-get install postgresql) or set DRILLBOT_TEST_DATABASE_URL; see docs/postgres.md";

/** false when PostgreSQL tests can run here, else why not: `describe(name, { skip: PG_SKIP }, …)`. */
export const PG_SKIP: string | false = process.env.DRILLBOT_TEST_DATABASE_URL || binariesFound ? false : NO_BINARIES;
/** Likewise for tests of the script itself, which need the server binaries on this machine. */
export const PG_BINARIES_SKIP: string | false = binariesFound ? false : NO_BINARIES;

let server: Promise<string> | undefined;

/** The URL of a server for this test process: the CI one, or one started on first use. */
export function testDatabaseUrl(): Promise<string> {
  const fromEnv = process.env.DRILLBOT_TEST_DATABASE_URL;
  if (fromEnv) return Promise.resolve(fromEnv);
  server ??= startServer();
  return server;
}

function startServer(): Promise<string> {
  return new Promise((resolve, reject) => {
    // stdin stays open as long as this process lives; when it exits the pipe closes and the
    // script stops and deletes the server.
    const child: ChildProcess = spawn("bash", [SCRIPT], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const release = () => {
      child.unref();
      for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as Socket | null)?.unref();
    };
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^DATABASE_URL=(\S+)$/m.exec(out);
      if (match?.[1]) {
        release();
        resolve(match[1]);
      }
    });
    child.on("exit", (code) => reject(new Error(`scripts/pg-test-server.sh exited with ${code} before the server was ready:\n${err}`)));
  });
}

export interface TestSchema {
  pool: pg.Pool;
  schema: string;
  url: string;
  /** Another pool on the same schema (a second app instance). */
  connect(): pg.Pool;
  /** Drops the schema and closes every pool made for it. */
  drop(): Promise<void>;
}

/** A new, empty schema for one test run, and pools whose search_path is that schema. */
export async function createTestSchema(): Promise<TestSchema> {
  const url = await testDatabaseUrl();
  const schema = `test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = createPgPool(url, { max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  const pools: pg.Pool[] = [];
  const connect = () => {
    const pool = createPgPool(withSearchPath(url, schema));
    pools.push(pool);
    return pool;
  };
  return {
    pool: connect(),
    schema,
    url: withSearchPath(url, schema),
    connect,
    async drop() {
      await Promise.all(pools.map((p) => p.end()));
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

/** The URL with `-c search_path=<schema>` among its connection options. */
export function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set("options", `-c search_path=${schema}`);
  return parsed.toString();
}
