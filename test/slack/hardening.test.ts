import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { ACTIONS, FIRST_MOVE_BLOCK, FIRST_MOVE_INPUT, VIEWS } from "../../src/slack/blocks/drillBlocks.js";
import { FLAG_BLOCKS, HISTORY_ACTIONS, HISTORY_VIEWS } from "../../src/slack/blocks/historyBlocks.js";
import { GAME_DAY_STARTER } from "../../src/slack/gameDaySlack.js";
import { BUSY_TEXT } from "../../src/slack/middleware/shedLoad.js";
import { blockText, SlackHarness, sign } from "./harness.js";

// Holes a workspace member (or a replayed request) could use against a running drillbot: each
// test here was written against a black-box attack that worked, and checks it no longer does.

const alice = { id: "U0ALICE", name: "alice" };
const bob = { id: "U0BOB", name: "bob" };
const carol = { id: "U0CAROL", name: "carol" };
const answer = (text: string) => ({ [FIRST_MOVE_BLOCK]: { [FIRST_MOVE_INPUT]: { type: "plain_text_input", value: text } } });
const flagValues = (text: string) => ({
  [FLAG_BLOCKS.part]: { value: { type: "static_select", selected_option: { value: "verify" } } as never },
  [FLAG_BLOCKS.kind]: { value: { type: "radio_buttons", selected_option: { value: "unclear" } } as never },
  [FLAG_BLOCKS.text]: { value: { type: "plain_text_input", value: text } },
});

let h: SlackHarness;
afterEach(async () => {
  await h?.stop();
});

async function harness(options: ConstructorParameters<typeof SlackHarness>[0] = {}) {
  h = new SlackHarness(options);
  return h.start();
}

const lastReply = () => String(h.responses.at(-1)?.body.text ?? "");
const posts = () => h.callsTo("chat.postMessage");

describe("cron schedules from a slash command", () => {
  it("checks permission before reading the expression", async () => {
    await harness({ facilitators: [alice.id] });
    await h.command('schedule cron "1-9999999 * * * *" random', bob);
    assert.match(lastReply(), /Only facilitators can change game-day schedules/);
    await h.command("unschedule 1", bob);
    assert.match(lastReply(), /Only facilitators/);
  });

  it("refuses out-of-range fields by name, without expanding them", async () => {
    await harness();
    for (const [expression, field] of [
      ["1-9999999 * * * *", /minute: 9999999 is out of range \(0–59\)/],
      ["* 0-9999999 * * *", /hour: 9999999 is out of range \(0–23\)/],
      ["* * 0 * *", /day of month: 0 is out of range \(1–31\)/],
      ["* * * 13 *", /month: 13 is out of range/],
      ["* * * * 8", /day of week: 8 is out of range/],
      ["*/0 * * * *", /minute: the step \/0 is out of range/],
      ["0 0 30 2 *", /day of month: 30 never falls/],
    ] as const) {
      await h.command(`schedule cron "${expression}" random`, alice);
      assert.match(lastReply(), field, expression);
    }
    assert.deepEqual(await h.stores.schedules.listSchedules(), [], "nothing was stored");
  });
});

describe("who may end or cancel a drill", () => {
  it("with no facilitators configured: only the starter; a game day: anyone in the channel", async () => {
    await harness();
    await h.command("payment-5xx", alice);
    await h.command("cancel", bob);
    assert.match(lastReply(), /Only alice, who started this drill, can cancel it/);
    await h.command("end", bob);
    assert.match(lastReply(), /Only alice, who started this drill, can end it/);
    assert.equal((await h.store.listDrills())[0]?.status, "running");
    await h.command("end", alice);
    assert.equal((await h.store.listDrills())[0]?.status, "ended");

    const gameDay = await h.slack.deps.drills.start({
      scenarioId: "cache-miss",
      mode: "read",
      user: GAME_DAY_STARTER,
      venue: "C0GAMEDAY",
    });
    assert.ok(gameDay.ok);
    await h.command("end", bob);
    assert.equal((await h.store.loadDrill(gameDay.drill.state.id))?.status, "ended", "a game day has no human starter");
  });

  it("with facilitators configured: the starter or a facilitator", async () => {
    await harness({ facilitators: [alice.id, carol.id] });
    await h.command("payment-5xx", alice);
    await h.command("end", bob);
    assert.match(lastReply(), /Only alice, who started this drill, or a facilitator can end it/);
    await h.command("cancel", carol);
    assert.equal((await h.store.listDrills())[0]?.status, "cancelled");
  });
});

describe("blind drills stay blind", () => {
  it("refuses to re-post a debrief of the scenario being drilled, and says why", async () => {
    await harness();
    await h.command("token-replay", alice);
    await h.click(ACTIONS.ack, "1", bob);
    await h.submitView(VIEWS.firstMove, JSON.stringify({ drillId: 1 }), answer("check the session store for both IPs first"), bob);
    await h.command("end", alice);
    await h.advance(10_000);
    const before = posts().length;
    await h.command("token-replay blind", alice);
    const id = (await h.store.listDrills({ status: "running" }))[0]?.id;
    await h.advance(1_000);
    const afterStart = posts().length;
    await h.command("debrief last", bob);
    assert.match(lastReply(), /is running in this channel: its debrief would give the answer away/);
    await h.command("debrief 1", carol);
    assert.match(lastReply(), /give the answer away/);
    // Nor from another channel while it runs blind here.
    await h.command("debrief 1", carol, "C0OTHER");
    assert.match(lastReply(), /ran in another channel/);
    await h.advance(5_000);
    assert.equal(posts().length, afterStart, "nothing was posted");
    assert.ok(afterStart > before);
    assert.ok(id);
    await h.command("end", alice);
    await h.advance(10_000);
    await h.command("debrief 1", bob);
    await h.advance(5_000);
    assert.ok(posts().some((c) => c.params.channel === "C0GAMEDAY" && blockText(c.params.blocks).includes("check the session store")));
  });
});

describe("blind drills elsewhere", () => {
  it("refuses a debrief whose scenario is running blind in another channel, and posts it once that drill ends", async () => {
    await harness();
    await h.command("token-replay", alice);
    await h.submitView(VIEWS.firstMove, JSON.stringify({ drillId: 1 }), answer("check the session store for both IPs first"), bob);
    await h.command("end", alice);
    await h.advance(10_000);
    await h.command("token-replay blind", alice, "C0OTHER");
    await h.advance(1_000);
    const before = posts().length;
    await h.command("debrief 1", carol);
    assert.match(lastReply(), /A blind `token-replay` drill is running in another channel: this debrief would give its answer away/);
    await h.advance(5_000);
    assert.equal(posts().length, before, "nothing was posted");
    await h.command("end", alice, "C0OTHER");
    await h.advance(10_000);
    await h.command("debrief 1", carol);
    await h.advance(5_000);
    assert.ok(posts().some((c) => c.params.channel === "C0GAMEDAY" && blockText(c.params.blocks).includes("check the session store")));
  });
});

describe("re-posts cannot starve a channel", () => {
  it("coalesces identical re-posts, limits each person, and never delays a drill's own messages", async () => {
    await harness({ channelPaceMs: 1_100 });
    await h.command("cache-miss", alice);
    await h.command("end", alice);
    await h.advance(30_000);
    const debriefParts = posts().filter((c) => blockText(c.params.blocks).includes("Debrief ·")).length;
    assert.ok(debriefParts >= 1);
    const before = posts().length;

    // Slack fails the first attempt, so the re-post waits in the outbox (backoff)…
    h.faults.push({ method: "chat.postMessage", status: 503 });
    for (let i = 0; i < 60; i++) await h.command("debrief last", i % 2 ? bob : carol);
    assert.match(lastReply(), /was just queued here a moment ago/);
    // …when a new drill starts: its trigger goes first, not behind the re-post.
    await h.command("payment-5xx", alice);
    assert.doesNotMatch(lastReply(), /Slack is slow/);
    await h.advance(30_000);
    const sent = posts().slice(before);
    const trigger = sent.findIndex((c) => /Payment provider/.test(String(c.params.text)) && !c.params.thread_ts);
    const reposts = sent.map((c, i) => ({ c, i })).filter(({ c }) => blockText(c.params.blocks).includes("Debrief · Product cache"));
    assert.ok(trigger >= 0 && trigger < (reposts.at(-1)?.i ?? -1), "the trigger went out before the re-post");
    assert.equal(reposts.length, debriefParts + 1, "60 requests, one re-post (after one failed attempt)");

    // Each person has a budget of re-posts: three in ten minutes, whichever debriefs they are.
    await h.command("end", alice);
    await h.advance(6 * 60_000);
    await h.command("debrief 1", bob);
    await h.command("debrief 2", bob);
    await h.advance(5 * 60_000);
    await h.command("debrief 1", bob);
    const repliesBefore = h.responses.length;
    await h.command("debrief 2", bob);
    assert.equal(h.responses.length, repliesBefore + 1);
    assert.match(lastReply(), /You have asked for several debriefs in a short time: try again in \d+ min/);
    await h.command("debrief 2", carol);
    assert.equal(h.responses.length, repliesBefore + 1, "someone else may still ask");
  });

  it("prunes sent outbox rows after the retention period", async () => {
    await harness();
    await h.command("payment-5xx", alice);
    await h.command("end", alice);
    await h.advance(10_000);
    const sent = (await h.stores.outbox.counts()).sent;
    assert.ok(sent > 0);
    await h.advance(8 * 24 * 60 * 60_000);
    assert.equal((await h.stores.outbox.counts()).sent, 0, "gone after a week");
  });
});

describe("bounded work under bursts", () => {
  it("answers a burst beyond the limits with a polite busy reply and keeps every answer", async () => {
    await harness({ loadLimits: { commands: 0, interactions: 0 } });
    const reply = await h.command("payment-5xx", alice);
    assert.equal(reply.json().text, BUSY_TEXT, "the slash command is answered at once");
    assert.equal(reply.json().response_type, "ephemeral");
    const form = await h.submitView(VIEWS.firstMove, JSON.stringify({ drillId: 1 }), answer("check the dashboard"), bob);
    assert.equal(form.json().response_action, "errors", "a form keeps its text and says busy");
    assert.match(JSON.stringify(form.json().errors), /busy/);
    assert.equal(h.slack.shedder.shed, 2);
    assert.deepEqual(await h.store.listDrills(), []);
  });
});

describe("one channel's data stays in its channel", () => {
  it("scopes action items and schedules to the channel, with `all` for configured facilitators", async () => {
    await harness({ facilitators: [alice.id] });
    await h.command("payment-5xx", alice, "C0PRIVATE");
    const drillId = (await h.store.listDrills())[0]?.id ?? 0;
    await h.submitView(
      HISTORY_VIEWS.flag,
      JSON.stringify({ drillId, channel: "C0PRIVATE" }),
      flagValues("secret host name in step 2"),
      alice,
    );
    await h.command("schedule weekly mon 10:00 random", alice, "C0PRIVATE");
    await h.command("actions", bob, "C0GAMEDAY");
    assert.doesNotMatch(JSON.stringify(h.responses.at(-1)?.body), /secret host name/);
    await h.command("actions all", bob, "C0GAMEDAY");
    assert.match(lastReply(), /for the facilitators named in DRILLBOT_FACILITATORS/);
    await h.command("schedules", bob, "C0GAMEDAY");
    assert.match(JSON.stringify(h.responses.at(-1)?.body), /No game days are scheduled in this channel/);
    await h.command("schedules all", alice, "C0GAMEDAY");
    assert.match(JSON.stringify(h.responses.at(-1)?.body), /C0PRIVATE/);
    await h.command("actions all", alice, "C0GAMEDAY");
    assert.match(JSON.stringify(h.responses.at(-1)?.body), /secret host name/);
    // Mark done on another channel's item, by a non-configured facilitator: refused.
    await h.stop();
    h = await new SlackHarness({ dbPath: h.dbPath, facilitators: [] }).start();
    await h.click(HISTORY_ACTIONS.actionDone, "1", bob);
    assert.match(lastReply(), /no action item #1 from this channel's drills/);
    assert.equal((await h.stores.actions.listActionItems())[0]?.status, "open");
  });

  it("checks a button's drill against the channel it was clicked in", async () => {
    await harness();
    await h.command("payment-5xx", alice, "C0PRIVATE");
    const drillId = String((await h.store.listDrills())[0]?.id ?? 0);
    // The harness clicks from C0GAMEDAY: a drill of C0PRIVATE is not this channel's.
    await h.click(ACTIONS.ack, drillId, bob);
    assert.match(lastReply(), /belongs to a drill in another channel/);
    const form = await h.submitView(
      VIEWS.firstMove,
      JSON.stringify({ drillId: Number(drillId), channel: "C0GAMEDAY" }),
      answer("check it"),
      bob,
    );
    assert.equal(form.json().response_action, "errors");
    const drill = await h.store.loadDrill(Number(drillId));
    assert.deepEqual(drill?.responders, [], "nothing was recorded");
  });
});

describe("smaller holes", () => {
  it("refuses runbook flags once the drill is over", async () => {
    await harness();
    await h.command("payment-5xx", alice);
    await h.command("end", alice);
    const submitted = await h.submitView(HISTORY_VIEWS.flag, JSON.stringify({ drillId: 1, channel: "C0GAMEDAY" }), flagValues("late"), bob);
    assert.equal(submitted.json().response_action, "errors");
    assert.match(JSON.stringify(submitted.json()), /This drill is over/);
    assert.deepEqual(await h.stores.actions.listActionItems(), []);
  });

  it("refuses an answer made only of invisible characters", async () => {
    await harness();
    await h.command("payment-5xx", alice);
    const submitted = await h.submitView(VIEWS.firstMove, JSON.stringify({ drillId: 1 }), answer("\u200B\u200C\u2060\uFEFF\u00AD"), bob);
    assert.equal(submitted.json().response_action, "errors");
    assert.equal((await h.store.loadDrill(1))?.responders[0]?.firstMove ?? null, null);
  });

  it("shows an answer's formatting characters as text in the debrief", async () => {
    await harness();
    await h.command("payment-5xx", alice);
    await h.submitView(
      VIEWS.firstMove,
      JSON.stringify({ drillId: 1 }),
      answer("*✅ correct* ```restart``` _it_ ~all~ \u061Cx\u2028y"),
      bob,
    );
    await h.command("end", alice);
    await h.advance(10_000);
    const debrief = posts()
      .map((c) => blockText(c.params.blocks))
      .find((t) => t.includes("Debrief ·"));
    assert.ok(debrief);
    assert.match(debrief, /∗✅ correct∗ ˋˋˋrestartˋˋˋ ˍitˍ ∼all∼ x y/, "look-alikes; the line separator is a space");
    assert.doesNotMatch(debrief, /\*✅ correct\*|```restart/);
  });

  it("does nothing twice for a replayed slash command", async () => {
    await harness();
    const body = new URLSearchParams({
      team_id: "T0TEAM",
      channel_id: "C0GAMEDAY",
      user_id: alice.id,
      user_name: alice.name,
      command: "/drill",
      text: "schedule weekly mon 10:00 random",
      response_url: "https://hooks.slack.com/commands/T0TEAM/900/secret",
      trigger_id: "trigger-900",
    }).toString();
    const ts = Math.floor(Date.now() / 1000);
    const headers = { timestamp: ts, signature: sign(body, ts) };
    await h.post(body, "application/x-www-form-urlencoded", headers);
    await h.post(body, "application/x-www-form-urlencoded", headers);
    await h.post(body, "application/x-www-form-urlencoded", {
      ...headers,
      headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" },
    });
    assert.equal((await h.stores.schedules.listSchedules()).length, 1);

    const start = body
      .replace("schedule+weekly+mon+10%3A00+random", "payment-5xx")
      .replace("900", "901")
      .replace("trigger-900", "trigger-901");
    const startHeaders = { timestamp: ts, signature: sign(start, ts) };
    await h.post(start, "application/x-www-form-urlencoded", startHeaders);
    await h.command("cancel", alice);
    await h.post(start, "application/x-www-form-urlencoded", startHeaders);
    assert.equal((await h.store.listDrills()).length, 1, "the replay after the cancel started nothing");
  });
});
