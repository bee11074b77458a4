import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Installation } from "@slack/bolt";
import type Database from "better-sqlite3";
import { DecryptionError, EncryptionKey, TokenCipher } from "../../src/store/crypto.js";
import {
  DatabaseStateStore,
  EncryptedInstallationStore,
  InstallationNotFoundError,
  type InstallationRows,
  InvalidOAuthStateError,
  type OAuthStateRows,
} from "../../src/store/installations.js";
import { PgInstallationRows, PgOAuthStateRows } from "../../src/store/pg/installations.js";
import { migratePg } from "../../src/store/pg/migrations.js";
import { openDatabase } from "../../src/store/sqlite.js";
import { SqliteInstallationRows, SqliteOAuthStateRows } from "../../src/store/sqliteInstallations.js";
import { tempDir } from "../helpers.js";
import { createTestSchema, PG_SKIP, type TestSchema } from "../pgServer.js";

/** One database under test: its row stores, a second instance on the same data, and raw SQL. */
interface Backend {
  rows: InstallationRows;
  states: OAuthStateRows;
  /** Another app process on the same database. */
  second(): { rows: InstallationRows; states: OAuthStateRows };
  /** Raw SQL with $1, $2… placeholders. */
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Every byte the database keeps on disk (SQLite) or every row as text (PostgreSQL). */
  dump(): Promise<string>;
  close(): Promise<void>;
}

function sqliteBackend(): Backend {
  const path = join(tempDir(), "drillbot.db");
  const dbs: Database.Database[] = [];
  const open = () => {
    const db = openDatabase(path);
    dbs.push(db);
    return db;
  };
  const db = open();
  return {
    rows: new SqliteInstallationRows(db),
    states: new SqliteOAuthStateRows(db),
    second() {
      const other = open();
      return { rows: new SqliteInstallationRows(other), states: new SqliteOAuthStateRows(other) };
    },
    async query(sql, params = []) {
      const statement = db.prepare(sql.replace(/\$\d+/g, "?"));
      if (statement.reader) return statement.all(...params) as Record<string, unknown>[];
      statement.run(...params);
      return [];
    },
    async dump() {
      db.pragma("wal_checkpoint(TRUNCATE)");
      return readFileSync(path).toString("latin1");
    },
    async close() {
      for (const d of dbs) d.close();
    },
  };
}

async function pgBackend(): Promise<Backend> {
  const schema: TestSchema = await createTestSchema();
  await migratePg(schema.pool);
  return {
    rows: new PgInstallationRows(schema.pool),
    states: new PgOAuthStateRows(schema.pool),
    second() {
      const other = schema.connect();
      return { rows: new PgInstallationRows(other), states: new PgOAuthStateRows(other) };
    },
    async query(sql, params = []) {
      return (await schema.pool.query(sql, params)).rows;
    },
    async dump() {
      const tables = ["slack_installations", "slack_oauth_states"];
      const texts = await Promise.all(tables.map(async (t) => (await schema.pool.query(`SELECT t::text AS row FROM ${t} t`)).rows));
      return texts
        .flat()
        .map((r) => String(r.row))
        .join("\n");
    },
    close: () => schema.drop(),
  };
}

const newCipher = (previous: EncryptionKey[] = []) => new TokenCipher(new EncryptionKey(randomBytes(32)), previous);

function workspaceInstall(team: string, user: string, botToken: string, userToken?: string): Installation<"v2", false> {
  return {
    team: { id: team, name: `Team ${team}` },
    enterprise: undefined,
    user: { id: user, token: userToken, scopes: userToken ? ["identity.basic"] : undefined },
    bot: { token: botToken, scopes: ["commands", "chat:write"], id: `B${team}`, userId: `U${team}BOT` },
    appId: "A0DRILLBOT",
    tokenType: "bot",
    isEnterpriseInstall: false,
    authVersion: "v2",
  };
}

function orgInstall(enterprise: string, user: string, botToken: string): Installation<"v2", true> {
  return {
    team: undefined,
    enterprise: { id: enterprise, name: "Grid" },
    user: { id: user, token: undefined, scopes: undefined },
    bot: { token: botToken, scopes: ["commands", "chat:write"], id: "BORG", userId: "UORGBOT" },
    appId: "A0DRILLBOT",
    enterpriseUrl: "https://grid.enterprise.slack.com/",
    tokenType: "bot",
    isEnterpriseInstall: true,
    authVersion: "v2",
  };
}

const team = (teamId: string) => ({ teamId, enterpriseId: undefined, isEnterpriseInstall: false as const });
const token = (prefix: string) => `${prefix}-${randomBytes(12).toString("hex")}`;

function contract(name: string, makeBackend: () => Promise<Backend> | Backend, skip: string | false = false) {
  describe(`installation store on ${name}`, { skip }, () => {
    let backend: Backend;
    before(async () => {
      backend = await makeBackend();
    });
    after(async () => {
      await backend?.close();
    });

    it("round-trips a workspace installation, with no token readable in the database", async () => {
      const cipher = newCipher();
      const store = new EncryptedInstallationStore(backend.rows, cipher, () => 1_000);
      const bot = token("xoxb");
      const user = token("xoxp");
      const installation = workspaceInstall("T1", "U1", bot, user);
      await store.storeInstallation(installation);
      // (as JSON: keys Bolt leaves undefined are not kept)
      assert.deepEqual(await store.fetchInstallation({ ...team("T1"), userId: "U1" }), JSON.parse(JSON.stringify(installation)));
      const dump = await backend.dump();
      assert.ok(dump.includes("T:T1"), "the dump does show the rows");
      assert.ok(!dump.includes(bot) && !dump.includes(user) && !dump.includes("Team T1"), "but neither token nor names");
    });

    it("keeps org-wide installs apart from workspace installs, and serves a workspace of the org from its org's install", async () => {
      const store = new EncryptedInstallationStore(backend.rows, newCipher());
      const bot = token("xoxb");
      await store.storeInstallation(orgInstall("E1", "W1", bot));
      const fetched = await store.fetchInstallation({ teamId: undefined, enterpriseId: "E1", isEnterpriseInstall: true });
      assert.equal(fetched.bot?.token, bot);
      await assert.rejects(
        store.fetchInstallation({ teamId: "T7", enterpriseId: "E1", isEnterpriseInstall: false }),
        InstallationNotFoundError,
      );
      assert.equal((await store.findForWorkspace("T7", "E1"))?.bot?.token, bot, "background work in T7 posts with the org's token");
      assert.equal(await store.findForWorkspace("T7", null), null);
    });

    it("serves the latest install's bot token, each installer their own user token, and nobody else's", async () => {
      let now = 10_000;
      const store = new EncryptedInstallationStore(backend.rows, newCipher(), () => now);
      const [firstBot, secondBot, aliToken, boToken] = [token("xoxb"), token("xoxb"), token("xoxp"), token("xoxp")];
      await store.storeInstallation(workspaceInstall("T2", "U-ali", firstBot, aliToken));
      now += 1;
      await store.storeInstallation(workspaceInstall("T2", "U-bo", secondBot, boToken));
      const forAli = await store.fetchInstallation({ ...team("T2"), userId: "U-ali" });
      assert.equal(forAli.bot?.token, secondBot);
      assert.equal(forAli.user.token, aliToken);
      assert.equal((await store.fetchInstallation({ ...team("T2"), userId: "U-bo" })).user.token, boToken);
      const forStranger = await store.fetchInstallation({ ...team("T2"), userId: "U-cy" });
      assert.deepEqual([forStranger.bot?.token, forStranger.user.id, forStranger.user.token], [secondBot, "U-cy", undefined]);
    });

    it("refuses a sealed value that was altered or copied into another workspace's row, without revealing a token", async () => {
      const store = new EncryptedInstallationStore(backend.rows, newCipher());
      const tokens = { T3: token("xoxb"), T4: token("xoxb") };
      await store.storeInstallation(workspaceInstall("T3", "U1", tokens.T3));
      await store.storeInstallation(workspaceInstall("T4", "U1", tokens.T4));
      await backend.query(
        "UPDATE slack_installations SET installation = (SELECT installation FROM slack_installations WHERE scope = 'T:T3') WHERE scope = 'T:T4'",
      );
      await assert.rejects(store.fetchInstallation(team("T4")), (error: Error) => {
        assert.ok(error instanceof DecryptionError);
        assert.match(error.message, /^the installation of T:T4 \(user U1\) cannot be read: failed its integrity check/);
        assert.ok(!error.message.includes(tokens.T3));
        return true;
      });
      const [row] = await backend.query("SELECT installation FROM slack_installations WHERE scope = 'T:T3'");
      const sealed = String(row?.installation);
      const altered = `${sealed.slice(0, -6)}${sealed.slice(-6) === "AAAAAA" ? "BBBBBB" : "AAAAAA"}`;
      await backend.query("UPDATE slack_installations SET installation = $1 WHERE scope = 'T:T3'", [altered]);
      await assert.rejects(store.fetchInstallation(team("T3")), DecryptionError);
    });

    it("rotates keys: the previous key still reads, a rotation re-seals every row once, then the old key can go", async () => {
      const oldCipher = newCipher();
      await backend.query("DELETE FROM slack_installations");
      const before = new EncryptedInstallationStore(backend.rows, oldCipher);
      const bots = [token("xoxb"), token("xoxb"), token("xoxb")];
      await before.storeInstallation(workspaceInstall("T5", "U1", bots[0] as string));
      await before.storeInstallation(workspaceInstall("T6", "U1", bots[1] as string));
      await before.storeInstallation(orgInstall("E5", "W1", bots[2] as string));

      const newKeyOnly = new EncryptedInstallationStore(backend.rows, newCipher());
      await assert.rejects(
        newKeyOnly.fetchInstallation(team("T5")),
        /neither DRILLBOT_ENCRYPTION_KEY .* nor listed in DRILLBOT_ENCRYPTION_KEY_PREVIOUS/,
      );
      const failed = await newKeyOnly.rotateKeys();
      assert.deepEqual([failed.resealed, failed.current, failed.failed.map((f) => f.scope)], [0, 0, ["T:T5", "T:T6", "E:E5"]]);

      const rotating = newCipher([oldCipher.current]);
      const during = new EncryptedInstallationStore(backend.rows, rotating);
      assert.equal((await during.fetchInstallation(team("T5"))).bot?.token, bots[0], "the previous key still reads");
      assert.deepEqual(await during.rotateKeys(), { resealed: 3, current: 0, failed: [] });
      assert.deepEqual(await during.rotateKeys(), { resealed: 0, current: 3, failed: [] }, "a second run has nothing to do");
      const keyIds = await backend.query("SELECT installation FROM slack_installations");
      assert.deepEqual(new Set(keyIds.map((r) => String(r.installation).split(".")[1])), new Set([rotating.current.id]));

      const after = new EncryptedInstallationStore(backend.rows, new TokenCipher(rotating.current));
      assert.equal((await after.fetchInstallation(team("T6"))).bot?.token, bots[1]);
      const org = await after.fetchInstallation({ teamId: undefined, enterpriseId: "E5", isEnterpriseInstall: true });
      assert.equal(org.bot?.token, bots[2]);
    });

    it("deletes a workspace's tokens when the app is uninstalled, and only that user's when their tokens are revoked", async () => {
      const store = new EncryptedInstallationStore(backend.rows, newCipher());
      const [bot, userToken, other] = [token("xoxb"), token("xoxp"), token("xoxb")];
      await store.storeInstallation(workspaceInstall("T8", "U1", bot, userToken));
      await store.storeInstallation(workspaceInstall("T9", "U1", other));

      await store.deleteInstallation({ ...team("T8"), userId: "U1" });
      const revoked = await store.fetchInstallation({ ...team("T8"), userId: "U1" });
      assert.deepEqual([revoked.bot?.token, revoked.user.token], [bot, undefined], "the bot keeps working");
      assert.ok(!(await backend.dump()).includes(userToken));

      await store.deleteInstallation(team("T8"));
      await assert.rejects(store.fetchInstallation(team("T8")), /drillbot is not installed in workspace T8/);
      assert.deepEqual(await backend.query("SELECT count(*) AS n FROM slack_installations WHERE scope = 'T:T8'"), [{ n: 0 }]);
      assert.equal((await store.fetchInstallation(team("T9"))).bot?.token, other, "another workspace is untouched");

      await store.storeInstallation(orgInstall("E9", "W1", token("xoxb")));
      await store.deleteInstallation({ teamId: undefined, enterpriseId: "E9", isEnterpriseInstall: true });
      assert.equal(await store.findForWorkspace("T1", "E9"), null);
    });

    it("takes an OAuth state once, on any instance, within ten minutes", async () => {
      const here = new DatabaseStateStore(backend.states);
      const there = new DatabaseStateStore(backend.second().states);
      const options = { scopes: ["commands", "chat:write"], redirectUri: "https://drillbot.example/slack/oauth_redirect" };
      const at = new Date("2026-05-01T10:00:00Z");
      const state = await here.generateStateParam(options, at);
      assert.match(state, /^[\w-]{43}$/);
      assert.ok(!(await backend.dump()).includes(state), "only its hash is stored");
      assert.deepEqual(
        await there.verifyStateParam(new Date(at.getTime() + 60_000), state),
        options,
        "the redirect may reach another instance",
      );
      await assert.rejects(there.verifyStateParam(new Date(at.getTime() + 61_000), state), (error: Error) => {
        assert.ok(error instanceof InvalidOAuthStateError);
        assert.equal(error.code, "slack_oauth_invalid_state");
        assert.match(error.message, /unknown or was used already/);
        return true;
      });
      const late = await here.generateStateParam(options, at);
      await assert.rejects(here.verifyStateParam(new Date(at.getTime() + 10 * 60_000 + 1), late), /expired/);
      await assert.rejects(here.verifyStateParam(at, "forged"), /unknown/);
    });

    it("sees installs made by another instance at once", async () => {
      const cipher = newCipher();
      const a = new EncryptedInstallationStore(backend.rows, cipher);
      const b = new EncryptedInstallationStore(backend.second().rows, cipher);
      const bot = token("xoxb");
      await a.storeInstallation(workspaceInstall("T10", "U1", bot));
      assert.equal((await b.fetchInstallation(team("T10"))).bot?.token, bot);
      await b.deleteInstallation(team("T10"));
      await assert.rejects(a.fetchInstallation(team("T10")), InstallationNotFoundError);
    });
  });
}

contract("SQLite", sqliteBackend);
contract("PostgreSQL", pgBackend, PG_SKIP);
