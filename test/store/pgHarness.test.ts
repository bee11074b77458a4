import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createPgPool } from "../../src/store/pg/pool.js";
import { REPO_ROOT } from "../helpers.js";
import { createTestSchema, PG_BINARIES_SKIP, PG_SKIP, type TestSchema } from "../pgServer.js";

describe("PostgreSQL test harness", { skip: PG_SKIP }, () => {
  let db: TestSchema;
  before(async () => {
    db = await createTestSchema();
  });
  after(async () => {
    await db?.drop();
  });

  it("gives each test run its own schema on a real server, and drops it afterwards", async () => {
    const version = await db.pool.query<{ server_version_num: string }>("SHOW server_version_num");
    assert.ok(Number(version.rows[0]?.server_version_num) >= 150000, "PostgreSQL 15 or newer");
    await db.pool.query("CREATE TABLE probe (id BIGINT PRIMARY KEY, at BIGINT NOT NULL)");
    const where = await db.pool.query("SELECT table_schema FROM information_schema.tables WHERE table_name = 'probe'");
    assert.deepEqual(where.rows, [{ table_schema: db.schema }], "created in the run's schema, not in public");

    const other = await createTestSchema();
    const seen = await other.pool.query("SELECT to_regclass('probe') AS t");
    assert.equal(seen.rows[0]?.t, null, "another run's schema does not see it");
    await other.drop();
    const gone = await db.pool.query("SELECT count(*) AS n FROM pg_namespace WHERE nspname = $1", [other.schema]);
    assert.equal(gone.rows[0]?.n, 0, "drop() removes the schema");
  });

  it("reads BIGINT milliseconds as numbers", async () => {
    const at = 1_750_000_000_123;
    await db.pool.query("INSERT INTO probe (id, at) VALUES ($1, $2)", [1, at]);
    const row = await db.pool.query("SELECT id, at, count(*) OVER () AS n FROM probe");
    assert.deepEqual(row.rows, [{ id: 1, at, n: 1 }]);
  });
});

describe("scripts/pg-test-server.sh", { skip: PG_BINARIES_SKIP }, () => {
  it("serves until its stdin closes, then stops the server and deletes its folder", async () => {
    const child = spawn("bash", [join(REPO_ROOT, "scripts/pg-test-server.sh")], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stderr.on("data", (c: Buffer) => {
      err += c.toString();
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        const match = /^DATABASE_URL=(\S+)$/m.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
      child.on("exit", (code) => reject(new Error(`exited ${code}: ${err}`)));
    });
    const folder = /data in (\S+)/.exec(err)?.[1];
    assert.ok(folder && existsSync(folder), "the server's folder exists while it runs");
    assert.match(url, /^postgres:\/\/drillbot:[0-9a-f]{36}@127\.0\.0\.1:\d+\/drillbot_test$/, "loopback only, with a password");

    const pool = createPgPool(url, { max: 1 });
    assert.equal((await pool.query("SELECT current_user AS u")).rows[0]?.u, "drillbot");
    await pool.end();

    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    child.stdin.end();
    assert.equal(await exited, 0);
    assert.equal(existsSync(folder), false, "its folder is gone");
    const late = createPgPool(url, { max: 1 });
    await assert.rejects(late.query("SELECT 1"), /ECONNREFUSED/, "and nothing listens on its port");
    await late.end();
  });
});
