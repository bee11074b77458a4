import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, it } from "node:test";
import { LogLevel } from "@slack/bolt";
import { FakeSlack } from "../../bench/fakeSlack.js";
import type { EnvelopeType } from "../../bench/fakeSocketMode.js";
import { FakeClock } from "../../src/domain/clock.js";
import { REFUSAL_TEXT } from "../../src/domain/refusals.js";
import { timerCronArmer } from "../../src/scheduler/gameDays.js";
import { DrillService } from "../../src/service/drillService.js";
import { createSlackApp } from "../../src/slack/app.js";
import { ACTIONS } from "../../src/slack/blocks/drillBlocks.js";
import { createLogger } from "../../src/slack/logger.js";
import { EncryptionKey, TokenCipher } from "../../src/store/crypto.js";
import { DatabaseStateStore, EncryptedInstallationStore } from "../../src/store/installations.js";
import { baseScenario } from "../helpers.js";
import { describeStores } from "../stores.js";
import { FakeTimers, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET } from "./harness.js";

// Socket Mode with many workspaces: one app-level token, one WebSocket, envelopes from every
// installed workspace on it. Bolt authorises each envelope from the installation store by the
// team it names; every Web API call must then carry that team's own bot token (the fake Slack
// records the token of each call), and a team's commands and clicks must never reach a drill of
// the other team, even in a channel both share (Slack Connect). The HTTP receiver's side of the
// same rules is in workspaces.test.ts.

const APP_TOKEN = "xapp-1-A0DRILL-1-sockets";
const ACME = "T0ACME";
const BETA = "T0BETA";
const BOT_TOKENS: Record<string, string> = { [ACME]: "xoxb-acme-socket-1111", [BETA]: "xoxb-beta-socket-2222" };
const SHARED = "C0SHARED";

describeStores("Socket Mode with two installed workspaces", (open) => {
  const fake = new FakeSlack();
  after(() => fake.stop());

  it("authorises each team's envelopes with its own bot token, and a team's command never reaches the other's drill", async () => {
    await fake.start();
    const db = await open();
    const clock = new FakeClock(Date.UTC(2026, 10, 23, 10, 0, 0));
    const timers = new FakeTimers(clock);
    const scenario = baseScenario();
    const scenarios = new Map([[scenario.id, scenario]]);
    const installations = new EncryptedInstallationStore(db.stores.installations, new TokenCipher(new EncryptionKey(randomBytes(32))), () =>
      clock.now(),
    );
    for (const team of [ACME, BETA]) {
      await installations.storeInstallation({
        team: { id: team, name: `workspace ${team}` },
        enterprise: undefined,
        isEnterpriseInstall: false,
        user: { id: `U0INSTALLER${team}`, token: undefined, scopes: undefined },
        bot: { token: BOT_TOKENS[team] as string, scopes: ["commands", "chat:write"], id: `B0${team}`, userId: `U0BOT${team}` },
        tokenType: "bot",
        appId: "A0DRILL",
        authVersion: "v2",
      });
    }
    const logs: string[] = [];
    const slack = createSlackApp({
      oauth: {
        clientId: OAUTH_CLIENT_ID,
        clientSecret: OAUTH_CLIENT_SECRET,
        installationStore: installations,
        stateStore: new DatabaseStateStore(db.stores.oauthStates),
        installerPort: 0, // Bolt's install pages, on a free port
      },
      appToken: APP_TOKEN,
      apiUrl: fake.apiUrl,
      service: new DrillService(db.stores.drills, scenarios, clock, { actions: db.stores.actions }),
      stores: db.stores,
      scenarios,
      facilitators: new Set(),
      clock,
      timers,
      armer: timerCronArmer(timers, clock),
      logger: createLogger({ level: LogLevel.WARN, secrets: [APP_TOKEN, ...Object.values(BOT_TOKENS)], write: (line) => logs.push(line) }),
      retries: 0,
      channelPaceMs: 0,
      shutdownGraceMs: 0,
    });
    await slack.start(0);
    try {
      assert.deepEqual(fake.socketMode.connections(APP_TOKEN), [""], "one Socket Mode connection, opened with the app-level token");
      const opened = fake.calls.filter((c) => c.method === "apps.connections.open");
      assert.deepEqual(
        opened.map((c) => c.token),
        [APP_TOKEN],
      );

      let replyId = 0;
      /** An envelope from `team`; resolves once acknowledged and the work it started is done. */
      const envelope = async (type: EnvelopeType, payload: object) => {
        const delivered = await fake.socketMode.deliver(APP_TOKEN, type, payload, 5_000);
        assert.equal(delivered.error, null, "acknowledged");
        await slack.deps.work.idle();
        return delivered;
      };
      /** `/drill …` from a person of `team`; returns what the app replied to that person. */
      const command = async (team: string, user: string, text: string) => {
        const id = `${team}-${++replyId}`;
        await envelope("slash_commands", {
          command: "/drill",
          text,
          team_id: team,
          team_domain: team.toLowerCase(),
          channel_id: SHARED,
          channel_name: "shared",
          user_id: user,
          user_name: user.toLowerCase(),
          api_app_id: "A0DRILL",
          response_url: fake.responseUrl(id),
          trigger_id: `trigger-${id}`,
        });
        return fake.responses
          .filter((r) => r.id === id)
          .map((r) => String((JSON.parse(r.body) as { text?: string }).text ?? ""))
          .join("\n");
      };
      const click = async (team: string, user: string, drillId: number) => {
        const id = `${team}-${++replyId}`;
        await envelope("interactive", {
          type: "block_actions",
          team: { id: team, domain: team.toLowerCase() },
          user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: team },
          api_app_id: "A0DRILL",
          channel: { id: SHARED, name: "shared" },
          trigger_id: `trigger-${id}`,
          response_url: fake.responseUrl(id),
          actions: [{ type: "button", action_id: ACTIONS.ack, block_id: "drill_actions", value: String(drillId), action_ts: `${replyId}` }],
        });
        return fake.responses
          .filter((r) => r.id === id)
          .map((r) => String((JSON.parse(r.body) as { text?: string }).text ?? ""))
          .join("\n");
      };
      const running = async (team: string) =>
        (await db.stores.drills.forTeam({ id: team, enterpriseId: null }).listDrills({ status: "running" })).map((d) => d.id);

      // Acme starts a drill in the shared channel: its trigger goes out with Acme's token.
      const since = performance.now();
      await command(ACME, "U0ALI", scenario.id);
      const [acmeDrill] = await running(ACME);
      assert.ok(acmeDrill, "Acme's drill is running");
      const acmeTrigger = await fake.waitForPost(SHARED, since);
      assert.equal(acmeTrigger.ackValue, String(acmeDrill));
      assert.equal(acmeTrigger.token, BOT_TOKENS[ACME], "Acme's trigger was posted with Acme's bot token");

      // Beta, in the same channel, sees no drill there: status, end and a click on Acme's
      // drill are all refused, and Acme's drill carries on untouched.
      assert.match(await command(BETA, "U0YUI", "status"), /No drill is running in this channel/);
      assert.match(await command(BETA, "U0YUI", "end"), /No drill is running in this channel, so there is nothing to end/);
      assert.equal(await click(BETA, "U0YUI", acmeDrill), REFUSAL_TEXT.not_running);
      assert.deepEqual(await running(ACME), [acmeDrill], "Acme's drill still runs");
      const acme = await db.stores.drills.forTeam({ id: ACME, enterpriseId: null }).loadDrill(acmeDrill);
      assert.deepEqual(acme?.responders ?? [], [], "nobody from Beta joined Acme's drill");

      // Beta runs a drill of its own in that channel (Acme's is not Beta's to block it), posted
      // with Beta's token; Acme's people reach only Acme's drill.
      const betaSince = performance.now();
      await command(BETA, "U0XAN", scenario.id);
      const [betaDrill] = await running(BETA);
      assert.ok(betaDrill && betaDrill !== acmeDrill, "Beta's own drill is running");
      const betaTrigger = await fake.waitForPost(SHARED, betaSince);
      assert.equal(betaTrigger.ackValue, String(betaDrill));
      assert.equal(betaTrigger.token, BOT_TOKENS[BETA], "Beta's trigger was posted with Beta's bot token");
      assert.equal(await click(ACME, "U0BO", betaDrill), REFUSAL_TEXT.not_running);
      assert.equal(await click(ACME, "U0BO", acmeDrill), "", "Acme's own click is taken without a complaint");
      const after = await db.stores.drills.forTeam({ id: ACME, enterpriseId: null }).loadDrill(acmeDrill);
      assert.deepEqual(
        after?.responders.map((r) => r.user.id),
        ["U0BO"],
      );

      // Every Web API call went out with one of the two bot tokens, the one of the team whose
      // drill it was about; only apps.connections.open used the app-level token.
      const webApi = fake.calls.filter((c) => c.method !== "apps.connections.open" && c.method !== "response_url");
      assert.ok(webApi.length > 0);
      assert.deepEqual(
        [...new Set(webApi.map((c) => c.token))].sort(),
        Object.values(BOT_TOKENS).sort(),
        "both bot tokens, and nothing else",
      );
      for (const post of fake.posts.filter((p) => p.ackValue !== null)) {
        assert.equal(post.token, BOT_TOKENS[post.ackValue === String(acmeDrill) ? ACME : BETA], `drill #${post.ackValue}'s message`);
      }
      assert.doesNotMatch(logs.join("\n"), /xoxb-|xapp-/, "no token in the logs");
    } finally {
      await slack.stop();
      // Bolt's stop() starts the WebSocket's close handshake without waiting for it: let it finish
      // before the fake Slack goes away, or the client keeps a 30 s timer for a handshake cut off.
      await fake.socketMode.nextDisconnect(APP_TOKEN, 5_000);
    }
  });
});
