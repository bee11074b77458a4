import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { App, HTTPReceiver } from "@slack/bolt";
import { LogLevel } from "@slack/logger";
import type Database from "better-sqlite3";
import nock from "nock";
import { parse } from "yaml";
import { createLogger } from "../../src/slack/logger.js";
import { BOT_SCOPES, INSTALL_PATH, oauthReceiverOptions, REDIRECT_PATH, registerInstallationEvents } from "../../src/slack/oauth.js";
import { EncryptionKey, TokenCipher } from "../../src/store/crypto.js";
import { DatabaseStateStore, EncryptedInstallationStore, InstallationNotFoundError } from "../../src/store/installations.js";
import { openDatabase } from "../../src/store/sqlite.js";
import { SqliteInstallationRows, SqliteOAuthStateRows } from "../../src/store/sqliteInstallations.js";
import { REPO_ROOT, tempDir } from "../helpers.js";
import { SIGNING_SECRET, sign } from "./harness.js";

// The OAuth pieces plugged into Bolt's HTTPReceiver exactly as createSlackApp will plug them,
// driven as a browser and Slack drive them: the install link, Slack's redirect back, signed
// requests from installed and uninstalled workspaces, and the uninstall events.

const CLIENT_ID = "1111.2222";
const CLIENT_SECRET = "c0ffeec0ffeec0ffeec0ffeec0ffee00";
const REDIRECT_URI = "https://drillbot.example/slack/oauth_redirect";

interface Grant {
  team?: { id: string; name: string };
  enterprise?: { id: string; name: string };
  user: string;
}

describe("installing drillbot with Slack OAuth", () => {
  let db: Database.Database;
  let dbPath: string;
  let store: EncryptedInstallationStore;
  let server: Server;
  let base: string;
  const logLines: string[] = [];
  /** code → what oauth.v2.access grants for it, with a fresh bot token per grant. */
  const grants = new Map<string, Grant & { token: string }>();
  /** Each chat.postMessage: which token it was sent with, and where. */
  const posts: { token: string; channel: string }[] = [];
  let exchanges = 0;

  before(async () => {
    dbPath = join(tempDir(), "drillbot.db");
    db = openDatabase(dbPath);
    const cipher = new TokenCipher(new EncryptionKey(randomBytes(32)));
    store = new EncryptedInstallationStore(new SqliteInstallationRows(db), cipher);
    const logger = createLogger({ level: LogLevel.DEBUG, secrets: [SIGNING_SECRET, CLIENT_SECRET], write: (line) => logLines.push(line) });
    const receiver = new HTTPReceiver({
      signingSecret: SIGNING_SECRET,
      endpoints: "/slack/events",
      logger,
      unhandledRequestTimeoutMillis: 250,
      ...oauthReceiverOptions({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUri: REDIRECT_URI,
        installationStore: store,
        stateStore: new DatabaseStateStore(new SqliteOAuthStateRows(db)),
        logger,
      }),
    });
    const app = new App({ receiver, logger, convoStore: false });
    registerInstallationEvents(app, store, logger);
    app.command("/drill", async ({ ack, client, command }) => {
      await ack();
      await client.chat.postMessage({ channel: command.channel_id, text: "drill time" });
    });

    nock.disableNetConnect();
    nock.enableNetConnect((host) => host.startsWith("127.0.0.1"));
    nock("https://slack.com")
      .persist()
      .post("/api/oauth.v2.access")
      .reply((_uri, body) => {
        exchanges++;
        const params = new URLSearchParams(String(body));
        const grant = grants.get(params.get("code") ?? "");
        if (!grant || params.get("client_secret") !== CLIENT_SECRET || params.get("redirect_uri") !== REDIRECT_URI) {
          return [200, { ok: false, error: "invalid_code" }];
        }
        return [
          200,
          {
            ok: true,
            app_id: "A0DRILL",
            authed_user: { id: grant.user },
            scope: BOT_SCOPES.join(","),
            token_type: "bot",
            access_token: grant.token,
            bot_user_id: "U0BOT",
            team: grant.team ?? null,
            enterprise: grant.enterprise ?? null,
            is_enterprise_install: !grant.team,
          },
        ];
      })
      .post("/api/auth.test")
      .reply(200, { ok: true, bot_id: "B0DRILL", user_id: "U0BOT", url: "https://grid.enterprise.slack.com/" })
      .post("/api/chat.postMessage")
      .reply(function (_uri, body) {
        const channel = new URLSearchParams(String(body)).get("channel") ?? "";
        posts.push({ token: String(this.req.headers.authorization).replace(/^Bearer /, ""), channel });
        return [200, { ok: true, channel, ts: "1.000100" }];
      });
    server = await receiver.start(0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server?.close();
    nock.cleanAll();
    nock.enableNetConnect();
    db?.close();
  });

  afterEach(() => {
    posts.length = 0;
  });

  /** /slack/install as a browser opens it: where it is sent, and the state cookie it gets. */
  async function startInstall() {
    const response = await fetch(`${base}${INSTALL_PATH}`, { redirect: "manual" });
    const location = new URL(response.headers.get("location") ?? "about:blank");
    const cookie = response.headers.get("set-cookie") ?? "";
    return { status: response.status, location, cookie, state: location.searchParams.get("state") ?? "" };
  }

  /** Slack sending the browser back with a code; `cookie` is what that browser holds. */
  async function redirectBack(code: string, state: string, cookie?: string) {
    const response = await fetch(`${base}${REDIRECT_PATH}?code=${code}&state=${encodeURIComponent(state)}`, {
      headers: cookie ? { cookie: cookie.split(";")[0] ?? "" } : {},
      redirect: "manual",
    });
    return { status: response.status, html: await response.text() };
  }

  async function install(grant: Grant): Promise<string> {
    const code = `code-${randomBytes(4).toString("hex")}`;
    const token = `xoxb-${randomBytes(12).toString("hex")}`;
    grants.set(code, { ...grant, token });
    const started = await startInstall();
    const done = await redirectBack(code, started.state, started.cookie);
    assert.equal(done.status, 200, done.html);
    return token;
  }

  /** A signed request to /slack/events, as Slack sends it. */
  async function signed(body: string, contentType: string) {
    const timestamp = Math.floor(Date.now() / 1000);
    return fetch(`${base}/slack/events`, {
      method: "POST",
      headers: { "content-type": contentType, "x-slack-request-timestamp": String(timestamp), "x-slack-signature": sign(body, timestamp) },
      body,
    });
  }

  async function slashCommand(team: string, channel: string, enterprise?: string) {
    const body = new URLSearchParams({
      command: "/drill",
      text: "",
      team_id: team,
      channel_id: channel,
      user_id: "U1",
      user_name: "ali",
      api_app_id: "A0DRILL",
      trigger_id: "1.2.3",
      response_url: "https://hooks.slack.com/commands/1",
      ...(enterprise ? { enterprise_id: enterprise, is_enterprise_install: "true" } : {}),
    }).toString();
    const response = await signed(body, "application/x-www-form-urlencoded");
    await response.text();
    return response.status;
  }

  async function event(team: string, payload: Record<string, unknown>) {
    const body = JSON.stringify({
      type: "event_callback",
      team_id: team,
      api_app_id: "A0DRILL",
      event_id: `Ev${randomBytes(4).toString("hex")}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ enterprise_id: null, team_id: team, user_id: "U0BOT", is_bot: true, is_enterprise_install: false }],
      event: payload,
    });
    const response = await signed(body, "application/json");
    await response.text();
    return response.status;
  }

  it("asks Slack for the scopes manifest.yml lists", () => {
    const manifest = parse(readFileSync(join(REPO_ROOT, "manifest.yml"), "utf8")) as { oauth_config: { scopes: { bot: string[] } } };
    assert.deepEqual([...BOT_SCOPES].sort(), [...manifest.oauth_config.scopes.bot].sort());
  });

  it("sends /slack/install to Slack with a state bound to the browser, and installs on the way back with the token sealed", async () => {
    const started = await startInstall();
    assert.equal(started.status, 302);
    assert.equal(`${started.location.origin}${started.location.pathname}`, "https://slack.com/oauth/v2/authorize");
    assert.equal(started.location.searchParams.get("client_id"), CLIENT_ID);
    assert.equal(started.location.searchParams.get("scope"), BOT_SCOPES.join(","));
    assert.equal(started.location.searchParams.get("redirect_uri"), REDIRECT_URI);
    assert.match(started.cookie, new RegExp(`^slack-app-oauth-state=${started.state};.*HttpOnly`, "i"));

    const token = `xoxb-${randomBytes(12).toString("hex")}`;
    grants.set("code-acme", { team: { id: "T1", name: "Acme <script>" }, user: "U1", token });
    const done = await redirectBack("code-acme", started.state, started.cookie);
    assert.equal(done.status, 200);
    assert.match(done.html, /drillbot is installed in Acme &lt;script&gt;\./, "the team name is escaped");

    assert.equal((await store.fetchInstallation({ teamId: "T1", enterpriseId: undefined, isEnterpriseInstall: false })).bot?.token, token);
    db.pragma("wal_checkpoint(TRUNCATE)");
    assert.ok(!readFileSync(dbPath).toString("latin1").includes(token), "no token in the database file");
    assert.ok(!logLines.join("\n").includes(token), "nor in the log");
    assert.ok(logLines.some((l) => l.includes("installed in workspace T1 by U1")));
  });

  it("refuses a callback whose state is forged, used already, or back in another browser, and installs nothing", async () => {
    const before = exchanges;
    grants.set("code-evil", { team: { id: "T666", name: "Evil" }, user: "U6", token: "xoxb-evil" });
    const started = await startInstall();

    const otherBrowser = await redirectBack("code-evil", started.state);
    assert.equal(otherBrowser.status, 400);
    assert.match(otherBrowser.html, /not valid here: it was used already, expired, or was opened in another browser/);
    const forged = await redirectBack("code-evil", "forged-state", "slack-app-oauth-state=forged-state");
    assert.equal(forged.status, 400);
    assert.equal(exchanges, before, "no code was exchanged for a token");

    grants.set("code-ok", { team: { id: "T7", name: "Seven" }, user: "U7", token: "xoxb-seven" });
    assert.equal((await redirectBack("code-ok", started.state, started.cookie)).status, 200, "the real browser still can");
    const replay = await redirectBack("code-evil", started.state, started.cookie);
    assert.equal(replay.status, 400, "but only once");
    await assert.rejects(
      store.fetchInstallation({ teamId: "T666", enterpriseId: undefined, isEnterpriseInstall: false }),
      InstallationNotFoundError,
    );
  });

  it("answers each workspace with its own bot token, and a workspace that never installed with nothing", async () => {
    const acme = await install({ team: { id: "T2", name: "Two" }, user: "U1" });
    const globex = await install({ team: { id: "T3", name: "Three" }, user: "U1" });
    assert.equal(await slashCommand("T2", "C2"), 200);
    assert.equal(await slashCommand("T3", "C3"), 200);
    assert.deepEqual(posts, [
      { token: acme, channel: "C2" },
      { token: globex, channel: "C3" },
    ]);
    posts.length = 0;
    await slashCommand("T404", "C4");
    assert.deepEqual(posts, [], "no listener runs for an unknown workspace");
  });

  it("serves every workspace of an Enterprise Grid org from one org-wide install", async () => {
    const org = await install({ enterprise: { id: "E1", name: "Grid" }, user: "W1" });
    await slashCommand("T21", "C21", "E1");
    await slashCommand("T22", "C22", "E1");
    assert.deepEqual(
      posts.map((p) => p.token),
      [org, org],
    );
  });

  it("deletes a workspace's tokens when it uninstalls drillbot or revokes its bot token", async () => {
    const doomed = await install({ team: { id: "T4", name: "Four" }, user: "U1" });
    const kept = await install({ team: { id: "T5", name: "Five" }, user: "U1" });
    assert.equal(await event("T4", { type: "app_uninstalled", event_ts: "1.0" }), 200);
    await assert.rejects(
      store.fetchInstallation({ teamId: "T4", enterpriseId: undefined, isEnterpriseInstall: false }),
      InstallationNotFoundError,
    );
    await slashCommand("T4", "C4");
    await slashCommand("T5", "C5");
    assert.deepEqual(posts, [{ token: kept, channel: "C5" }], "the uninstalled workspace is not served; the other one is");
    assert.ok(!logLines.join("\n").includes(doomed));

    assert.equal(await event("T5", { type: "tokens_revoked", tokens: { bot: ["U0BOT"] }, event_ts: "2.0" }), 200);
    await assert.rejects(
      store.fetchInstallation({ teamId: "T5", enterpriseId: undefined, isEnterpriseInstall: false }),
      InstallationNotFoundError,
    );
    assert.ok(logLines.some((l) => l.includes("tokens revoked in workspace T5: 1 bot, 0 user; deleted")));
  });
});
