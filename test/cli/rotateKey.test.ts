import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { EncryptionKey, TokenCipher } from "../../src/store/crypto.js";
import { EncryptedInstallationStore, type InstallationRows } from "../../src/store/installations.js";
import { PgInstallationRows } from "../../src/store/pg/installations.js";
import { migratePg } from "../../src/store/pg/migrations.js";
import { openDatabase } from "../../src/store/sqlite.js";
import { SqliteInstallationRows } from "../../src/store/sqliteInstallations.js";
import { REPO_ROOT, tempDir } from "../helpers.js";
import { createTestSchema, PG_SKIP, type TestSchema } from "../pgServer.js";

function drillbot(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const { DATABASE_URL: _u, DRILLBOT_ENCRYPTION_KEY: _k, DRILLBOT_ENCRYPTION_KEY_PREVIOUS: _p, ...base } = process.env;
    const child = spawn(process.execPath, [join(REPO_ROOT, "bin/drillbot.js"), ...args], { env: { ...base, ...env }, cwd: REPO_ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const install = (team: string, token: string) => ({
  team: { id: team, name: team },
  enterprise: undefined,
  user: { id: "U1", token: undefined, scopes: undefined },
  bot: { token, scopes: ["commands"], id: "B1", userId: "U0BOT" },
  isEnterpriseInstall: false,
  authVersion: "v2" as const,
});

/** Two installs sealed with an old key; the keys as the environment would hold them. */
async function sealedWithOldKey(rows: InstallationRows) {
  const old = randomBytes(32).toString("base64");
  const next = randomBytes(32).toString("hex");
  const tokens = { T1: `xoxb-${randomBytes(8).toString("hex")}`, T2: `xoxb-${randomBytes(8).toString("hex")}` };
  const store = new EncryptedInstallationStore(rows, new TokenCipher(EncryptionKey.parse(old)));
  for (const [team, token] of Object.entries(tokens)) await store.storeInstallation(install(team, token));
  return { old, next, tokens };
}

async function rotationScenario(args: string[], env: Record<string, string>, rows: InstallationRows) {
  const { old, next, tokens } = await sealedWithOldKey(rows);
  const nextId = EncryptionKey.parse(next).id;

  const missing = await drillbot(["rotate-key", ...args], env);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /DRILLBOT_ENCRYPTION_KEY is required/);

  const lost = await drillbot(["rotate-key", ...args], { ...env, DRILLBOT_ENCRYPTION_KEY: next });
  assert.equal(lost.code, 1, "without the old key nothing can be re-sealed");
  assert.match(
    lost.stderr,
    /2 installation\(s\) could not be read, and were left as they are:\n {2}T:T1 \(installed by U1\): sealed with key/,
  );
  assert.match(lost.stderr, /add the key they were sealed with to DRILLBOT_ENCRYPTION_KEY_PREVIOUS/);

  const rotated = await drillbot(["rotate-key", ...args], { ...env, DRILLBOT_ENCRYPTION_KEY: next, DRILLBOT_ENCRYPTION_KEY_PREVIOUS: old });
  assert.equal(rotated.code, 0, rotated.stderr);
  assert.match(rotated.stdout, new RegExp(`re-sealed 2 installation\\(s\\) with key ${nextId}; 0 already used it`));
  assert.match(rotated.stdout, /DRILLBOT_ENCRYPTION_KEY_PREVIOUS can be removed/);

  const again = await drillbot(["rotate-key", ...args], { ...env, DRILLBOT_ENCRYPTION_KEY: next });
  assert.equal(again.code, 0);
  assert.match(again.stdout, /re-sealed 0 installation\(s\) with key .*; 2 already used it/);

  const store = new EncryptedInstallationStore(rows, new TokenCipher(EncryptionKey.parse(next)));
  for (const [team, token] of Object.entries(tokens)) {
    assert.equal((await store.fetchInstallation({ teamId: team, enterpriseId: undefined, isEnterpriseInstall: false })).bot?.token, token);
  }
  const printed = [missing, lost, rotated, again].map((r) => r.stdout + r.stderr).join("\n");
  for (const secret of [old, next, ...Object.values(tokens)]) assert.ok(!printed.includes(secret), "no key or token is printed");
}

describe("drillbot rotate-key", () => {
  it("re-seals every token of the SQLite file with the new key, and says what it could not read", async () => {
    const path = join(tempDir(), "drillbot.db");
    const db = openDatabase(path);
    try {
      await rotationScenario(["--db", path], {}, new SqliteInstallationRows(db));
    } finally {
      db.close();
    }
  });

  describe("on PostgreSQL", { skip: PG_SKIP }, () => {
    let schema: TestSchema | undefined;
    after(async () => {
      await schema?.drop();
    });

    it("re-seals every token in the database DATABASE_URL names", async () => {
      schema = await createTestSchema();
      await migratePg(schema.pool);
      await rotationScenario([], { DATABASE_URL: schema.url }, new PgInstallationRows(schema.pool));
    });
  });

  it("refuses a DATABASE_URL that is not PostgreSQL's", async () => {
    const result = await drillbot(["rotate-key"], { DATABASE_URL: "mysql://x", DRILLBOT_ENCRYPTION_KEY: randomBytes(32).toString("hex") });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /DATABASE_URL must be a PostgreSQL URL such as postgres:\/\//);
  });
});
