import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import nock from "nock";
import { main } from "../../src/cli/main.js";
import { REFUSAL_TEXT } from "../../src/domain/refusals.js";
import type { Team } from "../../src/domain/team.js";
import { ACTIONS, FIRST_MOVE_BLOCK, FIRST_MOVE_INPUT, VIEWS } from "../../src/slack/blocks/drillBlocks.js";
import { FLAG_BLOCKS, HISTORY_ACTIONS, HISTORY_VIEWS } from "../../src/slack/blocks/historyBlocks.js";
import { loadConfig } from "../../src/slack/config.js";
import { blockText, type SlackHarness as Harness, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, SlackHarness } from "./harness.js";

// Two workspaces installed through OAuth on one drillbot (one database, one process), driven as
// Slack drives them: signed requests carrying each workspace's team id, a fake Web API that
// records which bot token every call used. Both run drills in the same channel id (a Slack
// Connect channel both workspaces share), so only the workspace tells them apart. Every attempt
// to reach the other workspace's data (a drill id in a button or a form, a debrief, stats, App
// Home, schedules, action items, exports) must be refused or come back empty.

const ACME: Team = { id: "T0ACME", enterpriseId: null };
const BETA: Team = { id: "T0BETA", enterpriseId: null };
const TOKEN_ACME = "xoxb-acme-1111-secret";
const TOKEN_BETA = "xoxb-beta-2222-secret";
const SHARED = "C0SHARED";

const ali = { id: "U0ALI", name: "ali" }; // Acme: starts Acme's drill
const bo = { id: "U0BO", name: "bo" }; // Acme: answers
const xan = { id: "U0XAN", name: "xan" }; // Beta: starts Beta's drill
const yui = { id: "U0YUI", name: "yui" }; // Beta: tries Acme's drill ids

const ACME_ANSWER = "Check the payment-provider dashboard to see if the 5xx are confined to one provider";
const BETA_ANSWER = "Look at the cache hit ratio dashboard first";

const answer = (text: string) => ({ [FIRST_MOVE_BLOCK]: { [FIRST_MOVE_INPUT]: { type: "plain_text_input", value: text } } });
const flag = (text: string) =>
  ({
    [FLAG_BLOCKS.part]: { value: { type: "static_select", selected_option: { value: "verify" } } },
    [FLAG_BLOCKS.kind]: { value: { type: "static_select", selected_option: { value: "unclear" } } },
    [FLAG_BLOCKS.text]: { value: { type: "plain_text_input", value: text } },
  }) as unknown as Parameters<Harness["submitView"]>[2];

/** The last ephemeral reply (response_url) of a workspace. */
const lastReply = (h: Harness, team: Team) => String(h.responses.filter((r) => r.url.includes(`/${team.id}/`)).at(-1)?.body.text ?? "");

function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (line: string) => out.push(line), err: (line: string) => err.push(line) };
  return main(args, io as never, {}).then((code) => ({ code, out: out.join("\n"), err: err.join("\n") }));
}

describe("two workspaces on one drillbot stay apart", () => {
  const h = new SlackHarness({
    workspaces: [
      { teamId: ACME.id, token: TOKEN_ACME },
      { teamId: BETA.id, token: TOKEN_BETA },
    ],
  });
  let acmeDrill = 0;
  let betaDrill = 0;
  let acmeTrigger = "";

  before(() => h.start());
  after(() => h.stop());

  it("each workspace runs its own drill in the same channel id, posted with its own bot token", async () => {
    await h.from(ACME.id).command("payment-5xx", ali, SHARED);
    await h.from(BETA.id).command("cache-miss", xan, SHARED);
    const acme = await h.store.forTeam(ACME).listDrills({ status: "running" });
    const beta = await h.store.forTeam(BETA).listDrills({ status: "running" });
    assert.deepEqual(
      acme.map((d) => d.scenarioId),
      ["payment-5xx"],
    );
    assert.deepEqual(
      beta.map((d) => d.scenarioId),
      ["cache-miss"],
    );
    acmeDrill = acme[0]?.id ?? 0;
    betaDrill = beta[0]?.id ?? 0;
    acmeTrigger = (await h.store.forTeam(ACME).loadDrill(acmeDrill))?.venueRef ?? "";
    assert.ok(acmeTrigger);
    const triggers = h.callsTo("chat.postMessage");
    assert.deepEqual(
      triggers.map((c) => [c.token, c.params.channel]),
      [
        [TOKEN_ACME, SHARED],
        [TOKEN_BETA, SHARED],
      ],
    );
    assert.equal((await h.store.listDrills()).length, 0, "nothing landed in the single-workspace ('local') rows");
  });

  it("a button or form carrying the other workspace's drill id is refused like an unknown drill and changes nothing", async () => {
    const viewsBefore = h.callsTo("views.open").length;
    await h.from(BETA.id).click(ACTIONS.ack, String(acmeDrill), yui, { channel: { id: SHARED, name: "shared" } });
    assert.equal(lastReply(h, BETA), REFUSAL_TEXT.not_running);
    await h.from(BETA.id).click(ACTIONS.firstMove, String(acmeDrill), yui, { channel: { id: SHARED, name: "shared" } });
    await h.from(BETA.id).click(ACTIONS.runbook, String(acmeDrill), yui, { channel: { id: SHARED, name: "shared" } });
    await h.from(BETA.id).click(ACTIONS.tree, String(acmeDrill), yui, { channel: { id: SHARED, name: "shared" } });
    const opened = h.callsTo("views.open").slice(viewsBefore);
    assert.doesNotMatch(JSON.stringify(opened), /Payment|payment-5xx/, "no modal of Acme's drill opened in Beta");

    const submitted = await h.from(BETA.id).submitView(VIEWS.firstMove, JSON.stringify({ drillId: acmeDrill }), answer("steal it"), yui);
    assert.equal(submitted.json().response_action, "errors");
    const flagged = await h
      .from(BETA.id)
      .submitView(HISTORY_VIEWS.flag, JSON.stringify({ drillId: acmeDrill, channel: SHARED }), flag("from the wrong workspace"), yui);
    assert.equal(flagged.json().response_action, "errors");

    // Beta's own facilitator controls and end reach Beta's drill only.
    await h.from(BETA.id).command(`debrief ${acmeDrill}`, yui, SHARED);
    assert.equal(lastReply(h, BETA), `There is no finished drill #${acmeDrill}.`);

    const acme = await h.store.forTeam(ACME).loadDrill(acmeDrill);
    assert.equal(acme?.responders.length, 0, "nobody from Beta joined Acme's drill");
    assert.equal((await h.stores.actions.forTeam(ACME).listActionItems()).length, 0);
    assert.equal((await h.stores.actions.forTeam(BETA).listActionItems()).length, 0);
  });

  it("answers, flags and /drill end act in the workspace the request came from", async () => {
    await h.from(ACME.id).click(ACTIONS.ack, String(acmeDrill), bo, { channel: { id: SHARED, name: "shared" } });
    h.clock.advance(30_000);
    await h.from(ACME.id).submitView(VIEWS.firstMove, JSON.stringify({ drillId: acmeDrill }), answer(ACME_ANSWER), bo);
    await h
      .from(ACME.id)
      .submitView(HISTORY_VIEWS.flag, JSON.stringify({ drillId: acmeDrill, channel: SHARED }), flag("the dashboard link is dead"), bo);
    await h.from(BETA.id).submitView(VIEWS.firstMove, JSON.stringify({ drillId: betaDrill }), answer(BETA_ANSWER), yui);
    await h.advance(5_000);

    // Beta ends its drill in the shared channel: Acme's keeps running.
    await h.from(BETA.id).command("end", xan, SHARED);
    assert.equal((await h.store.forTeam(BETA).loadDrill(betaDrill))?.status, "ended");
    assert.equal((await h.store.forTeam(ACME).loadDrill(acmeDrill))?.status, "running");
    await h.from(ACME.id).command("end", ali, SHARED);
    assert.equal((await h.store.forTeam(ACME).loadDrill(acmeDrill))?.status, "ended");
    await h.advance(5_000);
  });

  it("every message about a drill goes out with its own workspace's token, and each debrief holds only its own answers", async () => {
    const posts = h.callsTo("chat.postMessage");
    const acmePosts = posts.filter((c) => c.params.thread_ts === acmeTrigger || JSON.stringify(c.params).includes(ACME_ANSWER));
    assert.ok(
      acmePosts.some((c) => blockText(c.params.blocks).includes(ACME_ANSWER)),
      "Acme's debrief reveals bo's answer",
    );
    assert.ok(
      acmePosts.every((c) => c.token === TOKEN_ACME),
      "Acme's thread is written with Acme's token only",
    );
    for (const post of posts) {
      const text = JSON.stringify(post.params);
      if (text.includes(ACME_ANSWER) || text.includes("bo*")) assert.equal(post.token, TOKEN_ACME);
      if (text.includes(BETA_ANSWER) || text.includes("yui*")) assert.equal(post.token, TOKEN_BETA);
    }
    for (const update of h.callsTo("chat.update")) {
      const drill = update.params.ts === acmeTrigger ? ACME : BETA;
      assert.equal(update.token, drill === ACME ? TOKEN_ACME : TOKEN_BETA);
    }
  });

  it("debrief, stats, trends and mastery count only the workspace's own drills", async () => {
    await h.from(BETA.id).command("debrief last", yui, SHARED);
    const repost = h.callsTo("chat.postMessage").at(-1);
    assert.equal(repost?.token, TOKEN_BETA);
    assert.match(blockText(repost?.params.blocks), /Cache/);
    assert.doesNotMatch(JSON.stringify(repost?.params), /payment|bo\b/i);

    await h.from(BETA.id).command(`stats <@${bo.id}|bo>`, yui, SHARED);
    assert.equal(lastReply(h, BETA), "That person has not finished a drill yet.");
    await h.from(BETA.id).command("stats payment-5xx", yui, SHARED);
    assert.match(JSON.stringify(h.responses.at(-1)?.body), /0 recent drill\(s\)/);
    await h.from(BETA.id).command("stats", yui, SHARED);
    const betaStats = JSON.stringify(h.responses.at(-1)?.body);
    assert.doesNotMatch(betaStats, new RegExp(`#${acmeDrill}\\b`));

    await h.from(ACME.id).command(`stats <@${bo.id}|bo>`, ali, SHARED);
    assert.match(JSON.stringify(h.responses.at(-1)?.body), /bo/);
    const acmeHistory = await h.stores.history.forTeam(ACME).personResults(bo.id);
    assert.equal(acmeHistory.length, 1);
    assert.deepEqual(await h.stores.history.forTeam(BETA).personResults(bo.id), []);
    assert.deepEqual(
      (await h.stores.history.forTeam(BETA).recentResults(10)).map((r) => r.drillId),
      [betaDrill],
    );
  });

  it("App Home is published with the workspace's token and lists only its drills and game days", async () => {
    await h.from(ACME.id).command("schedule weekly fri 15:00 Europe/Berlin payment-5xx", ali, SHARED);
    const [acmeSchedule] = await h.stores.schedules.forTeam(ACME).listSchedules({ active: true });
    assert.ok(acmeSchedule, `Acme's game day was scheduled: ${lastReply(h, ACME)}`);
    const gameDayLine = new RegExp(`#${acmeSchedule.id}\\* in <#${SHARED}>`);
    await h.from(BETA.id).event({ type: "app_home_opened", user: yui.id, channel: "D0YUI", tab: "home" });
    const published = h.callsTo("views.publish").at(-1);
    assert.equal(published?.token, TOKEN_BETA);
    const home = blockText(published?.params.view);
    assert.match(home, new RegExp(`#${betaDrill} \`cache-miss\``));
    assert.doesNotMatch(home, new RegExp(`#${acmeDrill} \``));
    assert.doesNotMatch(home, gameDayLine, "Acme's game day is not Beta's");
    await h.from(ACME.id).event({ type: "app_home_opened", user: bo.id, channel: "D0BO", tab: "home" });
    const acmeHome = h.callsTo("views.publish").at(-1);
    assert.equal(acmeHome?.token, TOKEN_ACME);
    assert.match(blockText(acmeHome?.params.view), new RegExp(`#${acmeDrill} \`payment-5xx\``));
    assert.doesNotMatch(blockText(acmeHome?.params.view), new RegExp(`#${betaDrill} \``));
    assert.match(blockText(acmeHome?.params.view), gameDayLine);
  });

  it("action items and schedules of one workspace cannot be listed, closed or removed from the other", async () => {
    const [item] = await h.stores.actions.forTeam(ACME).listActionItems({ status: "open" });
    assert.ok(item, "bo's flag is an open action item of Acme");
    await h.from(BETA.id).command("actions", xan, SHARED);
    assert.doesNotMatch(JSON.stringify(h.responses.at(-1)?.body), /dashboard link is dead/);
    await h.from(BETA.id).click(HISTORY_ACTIONS.actionDone, String(item.id), xan, { channel: { id: SHARED, name: "shared" } });
    assert.equal(lastReply(h, BETA), `There is no action item #${item.id} from this channel's drills.`);
    assert.equal((await h.stores.actions.forTeam(ACME).getActionItem(item.id))?.status, "open");

    await h.from(ACME.id).command("schedule weekly mon 10:00 Europe/Berlin payment-5xx", ali, SHARED);
    const [schedule] = await h.stores.schedules.forTeam(ACME).listSchedules({ active: true });
    assert.ok(schedule, `Acme's schedule was created: ${lastReply(h, ACME)}`);
    await h.from(BETA.id).command("schedules", xan, SHARED);
    assert.doesNotMatch(JSON.stringify(h.responses.at(-1)?.body), new RegExp(`#${schedule.id}\\b`));
    await h.from(BETA.id).command(`unschedule ${schedule.id}`, xan, SHARED);
    assert.equal((await h.stores.schedules.forTeam(ACME).getSchedule(schedule.id))?.active, true, "Beta cannot remove Acme's game day");
    assert.equal(schedule.team.id, ACME.id);
  });

  it("drillbot export --workspace gives one workspace's responses", async () => {
    const acme = await cli(["export", "--workspace", ACME.id, "--format", "json", "--db", h.dbPath]);
    assert.equal(acme.code, 0, acme.err);
    const rows = JSON.parse(acme.out) as { drill_id: number; answer: string | null }[];
    assert.deepEqual([...new Set(rows.map((r) => r.drill_id))], [acmeDrill]);
    assert.ok(rows.some((r) => r.answer === ACME_ANSWER));
    assert.doesNotMatch(acme.out, new RegExp(BETA_ANSWER));
    const local = await cli(["export", "--format", "json", "--db", h.dbPath]);
    assert.deepEqual(JSON.parse(local.out), [], "the terminal's own export holds neither workspace");
  });

  it("app_uninstalled deletes the workspace's tokens: its requests are refused and nothing more is sent for it", async () => {
    await h.from(BETA.id).event({ type: "app_uninstalled" });
    assert.equal(await h.installations?.findForWorkspace(BETA.id, null), null);
    assert.ok(await h.installations?.findForWorkspace(ACME.id, null), "Acme stays installed");
    const before = h.calls.length;
    const replies = h.responses.length;
    // Bolt finds no installation: it acknowledges (so Slack does not retry) and runs no listener.
    await h.from(BETA.id).command("list", xan, SHARED);
    assert.equal(h.responses.length, replies, "no listener answered Beta");
    assert.ok(h.logLines.some((l) => l.includes("drillbot is not installed in workspace T0BETA")));
    await h.slack.deps.delivery.postInChannel(BETA, SHARED, "test:after-uninstall", "hello");
    await h.idle();
    assert.equal(h.calls.slice(before).length, 0, "no call to Slack for an uninstalled workspace");
    assert.equal((await h.slack.deps.delivery.queued("test:after-uninstall"))?.status, "failed");
    const ok = await h.from(ACME.id).command("list", ali, SHARED);
    assert.equal(ok.status, 200);
  });

  it("drillbot forget-workspace deletes one workspace's data on request and keeps the other's", async () => {
    const dry = await cli(["forget-workspace", BETA.id, "--db", h.dbPath]);
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, /1 drills/);
    assert.match(dry.out, /nothing deleted/);
    assert.equal((await h.store.forTeam(BETA).listDrills()).length, 1);

    const done = await cli(["forget-workspace", BETA.id, "--yes", "--db", h.dbPath]);
    assert.equal(done.code, 0, done.err);
    assert.match(done.out, /deleted workspace T0BETA: .*1 drills/);
    assert.equal((await h.store.forTeam(BETA).listDrills()).length, 0);
    assert.equal((await h.store.forTeam(BETA).loadDrill(betaDrill)) ?? null, null);
    assert.deepEqual(await h.stores.history.forTeam(BETA).personResults(yui.id), []);
    const responders = h.store.db.prepare("SELECT count(*) AS n FROM responders WHERE drill_id = ?").get(betaDrill) as { n: number };
    assert.equal(responders.n, 0, "answers went with their drill");
    assert.equal((await h.store.forTeam(ACME).listDrills()).length, 1, "Acme's history is untouched");
    assert.equal((await h.stores.history.forTeam(ACME).personResults(bo.id)).length, 1);

    const bad = await cli(["forget-workspace", "acme", "--db", h.dbPath]);
    assert.equal(bad.code, 2);

    // Acme has a history of its own: handing it the single-workspace rows would mix two.
    const adopt = await cli(["adopt-workspace", ACME.id, "--db", h.dbPath]);
    assert.equal(adopt.code, 1);
    assert.match(adopt.err, /already has 1 drills.*nothing was changed/);
  });
});

describe("installing into a new workspace through the app's own /slack/install", () => {
  const h = new SlackHarness({ workspaces: [] });
  const GAMMA = "T0GAMMA";
  const TOKEN_GAMMA = "xoxb-gamma-3333-secret";
  let base = "";

  before(async () => {
    // Slack's side of the install: the code the redirect carries becomes Gamma's bot token.
    nock("https://slack.com")
      .post("/api/oauth.v2.access")
      .reply((_uri, body) => {
        const params = new URLSearchParams(String(body));
        if (params.get("code") !== "code-gamma" || params.get("client_secret") !== OAUTH_CLIENT_SECRET) {
          return [200, { ok: false, error: "invalid_code" }];
        }
        return [
          200,
          {
            ok: true,
            app_id: "A0DRILL",
            authed_user: { id: "U0GAMMA" },
            scope: "commands,chat:write,chat:write.public",
            token_type: "bot",
            access_token: TOKEN_GAMMA,
            bot_user_id: "U0DRILLBOT",
            team: { id: GAMMA, name: "Gamma" },
            enterprise: null,
            is_enterprise_install: false,
          },
        ];
      });
    await h.start();
    base = h.eventsUrl.replace(/\/slack\/events$/, "");
  });
  after(() => h.stop());

  it("sends the browser to Slack with a state, stores the workspace's token sealed, and serves it at once", async () => {
    const started = await fetch(`${base}/slack/install`, { redirect: "manual" });
    assert.equal(started.status, 302);
    const location = new URL(started.headers.get("location") ?? "about:blank");
    assert.equal(location.origin + location.pathname, "https://slack.com/oauth/v2/authorize");
    assert.equal(location.searchParams.get("client_id"), OAUTH_CLIENT_ID);
    const state = location.searchParams.get("state") ?? "";
    assert.ok(state.length > 20);

    const forged = await fetch(`${base}/slack/oauth_redirect?code=code-gamma&state=forged`, {
      headers: { cookie: (started.headers.get("set-cookie") ?? "").split(";")[0] ?? "" },
    });
    assert.equal(forged.status, 400);
    assert.equal(await h.installations?.findForWorkspace(GAMMA, null), null, "a forged state installs nothing");

    const back = await fetch(`${base}/slack/oauth_redirect?code=code-gamma&state=${encodeURIComponent(state)}`, {
      headers: { cookie: (started.headers.get("set-cookie") ?? "").split(";")[0] ?? "" },
    });
    assert.equal(back.status, 200, await back.text());
    assert.equal((await h.installations?.findForWorkspace(GAMMA, null))?.bot?.token, TOKEN_GAMMA);
    const stored = h.store.db.prepare("SELECT installation FROM slack_installations").all() as { installation: string }[];
    assert.ok(stored.length === 1 && !stored[0]?.installation.includes(TOKEN_GAMMA), "the token is sealed at rest");

    await h.from(GAMMA).command("payment-5xx", { id: "U0GAMMA", name: "gus" }, "C0GAMMA");
    const trigger = h.callsTo("chat.postMessage").at(-1);
    assert.equal(trigger?.token, TOKEN_GAMMA);
    assert.equal((await h.store.forTeam({ id: GAMMA, enterpriseId: null }).listDrills({ status: "running" })).length, 1);
  });

  it("deletes the workspace's installation when its bot token is revoked (tokens_revoked)", async () => {
    await h.from(GAMMA).event({ type: "tokens_revoked", tokens: { bot: ["U0DRILLBOT"] } });
    assert.equal(await h.installations?.findForWorkspace(GAMMA, null), null);
    assert.ok(h.logLines.some((l) => l.includes("tokens revoked in workspace T0GAMMA: 1 bot, 0 user; deleted")));
  });
});

describe("configuration of many workspaces", () => {
  const KEY = Buffer.alloc(32, 7).toString("base64");

  it("is OAuth mode with a client id and secret and no bot token, and needs DRILLBOT_ENCRYPTION_KEY", () => {
    const missingKey = loadConfig({
      SLACK_CLIENT_ID: "1111.2222",
      SLACK_CLIENT_SECRET: "c0ffeec0ffeec0ffeec0ffee",
      SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99aaaaaa85a5",
    });
    assert.ok(!missingKey.ok);
    assert.match(missingKey.problems.join("\n"), /DRILLBOT_ENCRYPTION_KEY is required/);
    assert.doesNotMatch(missingKey.problems.join("\n"), /SLACK_BOT_TOKEN/);

    const oauth = loadConfig({
      SLACK_CLIENT_ID: "1111.2222",
      SLACK_CLIENT_SECRET: "c0ffeec0ffeec0ffeec0ffee",
      SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99aaaaaa85a5",
      DRILLBOT_ENCRYPTION_KEY: KEY,
    });
    assert.ok(oauth.ok);
    assert.equal(oauth.config.botToken, undefined);
    assert.equal(oauth.config.oauth?.clientId, "1111.2222");
  });

  it("says which half of the client credentials is missing, and never prints a value", () => {
    const half = loadConfig({ SLACK_CLIENT_ID: "1111.2222", SLACK_APP_TOKEN: "xapp-1", DRILLBOT_ENCRYPTION_KEY: "not-a-key-secret" });
    assert.ok(!half.ok);
    const text = half.problems.join("\n");
    assert.match(text, /^SLACK_CLIENT_SECRET is required/m);
    assert.match(text, /DRILLBOT_ENCRYPTION_KEY must be 32 random bytes/);
    assert.doesNotMatch(text, /not-a-key-secret/);
  });

  it("keeps single-workspace mode when SLACK_BOT_TOKEN is set, ignoring the OAuth variables", () => {
    const both = loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1", SLACK_CLIENT_ID: "1111.2222" });
    assert.ok(both.ok);
    assert.equal(both.config.botToken, "xoxb-1");
    assert.equal(both.config.oauth, undefined);
    assert.equal(both.config.ignoredOAuth, true);
  });
});
