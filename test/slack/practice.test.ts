import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { ACTIONS, FIRST_MOVE_BLOCK, FIRST_MOVE_INPUT, VIEWS } from "../../src/slack/blocks/drillBlocks.js";
import { FLAG_BLOCKS, HISTORY_ACTIONS, HISTORY_VIEWS } from "../../src/slack/blocks/historyBlocks.js";
import { blockText, SlackHarness } from "./harness.js";

const alice = { id: "U0ALICE", name: "alice" };
const bob = { id: "U0BOB", name: "bob" };
const answer = (text: string) => ({ [FIRST_MOVE_BLOCK]: { [FIRST_MOVE_INPUT]: { type: "plain_text_input", value: text } } });
const GOOD = "Open the payment provider errors dashboard to confirm the 5xx are confined to one provider and check its status page";

let h: SlackHarness;
afterEach(async () => {
  await h?.stop();
});

/** One whole drill in C0GAMEDAY: bob answers (well or not), alice ends it. */
async function drill(goodAnswer: boolean): Promise<number> {
  await h.command("payment-5xx", alice);
  const id = (await h.store.listDrills({ status: "running" }))[0]?.id ?? 0;
  await h.click(ACTIONS.ack, String(id), bob);
  h.clock.advance(30_000);
  await h.submitView(VIEWS.firstMove, JSON.stringify({ drillId: id }), answer(goodAnswer ? GOOD : "restart the pods"), bob);
  await h.command("end", alice);
  return id;
}

describe("game days in Slack", () => {
  it("facilitators schedule, list and unschedule; a scheduled drill starts itself and says why it picked", async () => {
    h = new SlackHarness({ facilitators: [alice.id], clock: undefined });
    await h.start();
    h.clock.set(Date.UTC(2026, 5, 3, 12)); // a Wednesday
    await h.command("schedule weekly mon 10:00 random Europe/Berlin", bob);
    assert.match(String(h.responses.at(-1)?.body.text), /Only facilitators can change game-day schedules/);
    await h.command("schedule weekly mon 10:00 random Europe/Berlin heads-up", alice);
    assert.match(
      String(h.responses.at(-1)?.body.text),
      /Scheduled: \*#1\* in <#C0GAMEDAY> — `0 10 \* \* 1` \(Europe\/Berlin\), random scenario, read, heads-up the day before · next <!date\^1780905600\^/,
    );
    await h.command("schedule cron \u201C0 9 * * 1-5\u201D cache-miss UTC blind", alice);
    assert.match(String(h.responses.at(-1)?.body.text), /#2\* .* `0 9 \* \* 1-5` \(UTC\), `cache-miss`, blind/);
    await h.command("schedules", bob);
    const listed = blockText(h.responses.at(-1)?.body.blocks);
    assert.match(listed, /#1\*/);
    assert.match(listed, /#2\*/);
    await h.command("unschedule 2", alice);
    assert.match(String(h.responses.at(-1)?.body.text), /Game day #2 is unscheduled/);
    // Sunday 10:00 Berlin: the heads-up; Monday 10:00 Berlin: the drill.
    await h.advance(Date.UTC(2026, 5, 8, 8, 1) - h.clock.now());
    assert.ok(h.callsTo("chat.postMessage").some((c) => /Heads-up: a game-day drill runs here tomorrow/.test(String(c.params.text))));
    const running = await h.store.listDrills({ status: "running" });
    assert.equal(running.length, 1);
    assert.equal(running[0]?.startedBy.name, "game day");
    assert.equal(new Date(running[0]?.startedAt ?? 0).toISOString(), "2026-06-08T08:00:00.000Z");
    const why = h.callsTo("chat.postMessage").find((c) => String(c.params.text).startsWith("🎲"));
    assert.match(String(why?.params.text), /Game day #1 picked `[a-z0-9-]+`: never practised in this channel/);
    assert.equal(
      h.callsTo("chat.postMessage").filter((c) => String(c.params.text).startsWith("Drill (practice only)")).length,
      1,
      "cache-miss (unscheduled) never ran",
    );
  });

  it("explains a bad schedule", async () => {
    h = await new SlackHarness().start();
    for (const [text, pattern] of [
      ["schedule weekly someday 10:00", /"someday" is not a day/],
      ["schedule weekly mon 9am", /"9am" is not a time: use 24-hour HH:MM/],
      ['schedule cron "0 10 * *" random', /five fields/],
      ["schedule weekly mon 10:00 Mars/Olympus", /`Mars\/Olympus` is not a scenario, `random`.*a time zone/],
      ["unschedule x", /Say which schedule/],
    ] as const) {
      await h.command(text, alice);
      assert.match(String(h.responses.at(-1)?.body.text), pattern, text);
    }
  });
});

describe("action items", () => {
  it("a flag during a drill becomes an action item in the debrief, /drill actions, and can be marked done", async () => {
    h = await new SlackHarness().start();
    await h.command("payment-5xx", alice);
    const id = (await h.store.listDrills())[0]?.id ?? 0;
    await h.click(ACTIONS.flag, String(id), bob);
    const flagView = h.callsTo("views.open").at(-1)?.params.view as { callback_id: string } | undefined;
    assert.equal(flagView?.callback_id, HISTORY_VIEWS.flag);
    const values = (part: string | null, text: string) => ({
      [FLAG_BLOCKS.part]: { value: { type: "static_select", selected_option: part ? { value: part } : null } },
      [FLAG_BLOCKS.kind]: { value: { type: "radio_buttons", selected_option: { value: "wrong" } } },
      [FLAG_BLOCKS.text]: { value: { type: "plain_text_input", value: text } },
    });
    const missing = await h.submitView(HISTORY_VIEWS.flag, JSON.stringify({ drillId: id }), values("verify", "  ") as never, bob);
    assert.equal(missing.json().response_action, "errors");
    const ok = await h.submitView(
      HISTORY_VIEWS.flag,
      JSON.stringify({ drillId: id }),
      values("verify", "The dashboard link is dead <!here>") as never,
      bob,
    );
    assert.match(blockText(ok.json().view), /action item \*#1\* is recorded/);
    await h.command("end", alice);
    const debrief = blockText(h.callsTo("chat.postMessage").map((c) => c.params.blocks));
    assert.match(debrief, /Action items flagged in this drill\* \(1\)/);
    assert.match(
      debrief,
      /#1\* `runbooks\/payment-5xx.md` › Immediate verification \(under 60 seconds\) — wrong: “The dashboard link is dead &lt;!here&gt;” — raised by bob/,
    );
    await h.command("actions", alice);
    assert.match(blockText(h.responses.at(-1)?.body.blocks), new RegExp(HISTORY_ACTIONS.actionDone));
    await h.click(HISTORY_ACTIONS.actionDone, "1", alice);
    assert.match(String(h.responses.at(-1)?.body.text), /Action item #1 marked done/);
    assert.match(blockText(h.responses.at(-1)?.body.blocks), /No open action items/);
    const [item] = await h.stores.actions.listActionItems();
    assert.equal(item?.status, "done");
    assert.equal(item?.doneBy, "alice");
  });
});

describe("history: debriefs, trends, mastery, stats", () => {
  it("tracks mastery to three in a row, shows the trend, and answers /drill stats and /drill debrief", async () => {
    h = await new SlackHarness().start();
    await drill(false);
    const second = await drill(true);
    let debrief = blockText(
      h
        .callsTo("chat.postMessage")
        .filter((c) => c.params.blocks)
        .at(-1)?.params.blocks,
    );
    assert.match(debrief, /Trend for this scenario:\* correct ▁█ 0% → 100%/);
    assert.doesNotMatch(debrief, /Reached mastery/);
    await drill(true);
    await drill(true);
    debrief = blockText(
      h
        .callsTo("chat.postMessage")
        .filter((c) => c.params.blocks)
        .map((c) => c.params.blocks)
        .slice(-2),
    );
    assert.match(debrief, /Reached mastery today\* \(3 in a row\): bob/);
    await drill(false);
    debrief = blockText(
      h
        .callsTo("chat.postMessage")
        .filter((c) => c.params.blocks)
        .map((c) => c.params.blocks)
        .slice(-2),
    );
    assert.match(debrief, /Slipping\* \(mastered, missed today\): bob/);

    await h.command("stats <@U0BOB|bob>", alice);
    const person = blockText(h.responses.at(-1)?.body.blocks);
    assert.match(person, /\*bob\* — 5 drill\(s\), 3 correct inside the read window \(60%\), median time to first move 0:30/);
    assert.match(person, /`payment-5xx` — ↘️ slipping · 5 drill\(s\)/);
    await h.command("stats", alice);
    const coverage = blockText(h.responses.at(-1)?.body.blocks);
    assert.match(coverage, /`payment-5xx` — last <!date\^\d+\^\{date_short_pretty\} \{time\}\|[^>]+> · 5 drill\(s\)/);
    assert.match(coverage, /`cwpp-shell` — _never practised_/);
    await h.command("stats payment-5xx", alice);
    assert.match(blockText(h.responses.at(-1)?.body.blocks), /5 recent drill\(s\)/);

    const posts = h.callsTo("chat.postMessage").length;
    await h.command(`debrief ${second}`, bob);
    const reposted = h.callsTo("chat.postMessage").slice(posts);
    assert.ok(reposted.length >= 1);
    assert.equal(reposted[0]?.params.thread_ts, undefined, "posted in the channel");
    assert.match(blockText(reposted.map((c) => c.params.blocks)), /Debrief · Payment/);
    await h.command("debrief 999", bob);
    assert.match(String(h.responses.at(-1)?.body.text), /There is no finished drill #999/);
  });

  it("App Home shows your progress, upcoming game days, recent drills with links and the catalog", async () => {
    h = await new SlackHarness().start();
    await drill(true);
    await h.command("schedule weekly fri 15:00 payment-5xx America/New_York", alice);
    await h.event({ type: "app_home_opened", user: bob.id, channel: "D1", tab: "home", event_ts: "1.1" });
    const home = blockText(h.callsTo("views.publish").at(-1)?.params.view);
    assert.match(home, /\*bob\* — 1 drill\(s\), 1 correct inside the read window \(100%\)/);
    assert.match(home, /learning \(1\/3 in a row\)/);
    assert.match(home, /#1\* in <#C0GAMEDAY> — `0 15 \* \* 5` \(America\/New_York\)/);
    assert.match(home, /#1 `payment-5xx` — ended, 1 responder\(s\), .*<https:\/\/acme\.slack\.com\/archives\/C0GAMEDAY\/p\d+\|thread>/);
    assert.match(home, /`token-replay` — _never practised_/);
  });
});

describe("debriefs and game days across channels", () => {
  it("does not re-post another channel's debrief, and anyone may end a game-day drill when no facilitators are set", async () => {
    h = await new SlackHarness().start();
    const { GAME_DAY_STARTER } = await import("../../src/slack/gameDaySlack.js");
    const started = await h.slack.deps.drills.start({
      scenarioId: "payment-5xx",
      mode: "read",
      user: GAME_DAY_STARTER,
      venue: "C0PRIVATE",
    });
    assert.ok(started.ok);
    await h.command("end", bob, "C0PRIVATE");
    assert.equal((await h.store.listDrills())[0]?.status, "ended", "a scheduled drill is not stuck until its time limit");
    await h.command(`debrief ${started.ok ? started.drill.state.id : 0}`, bob, "C0PUBLIC");
    assert.match(String(h.responses.at(-1)?.body.text), /ran in another channel: ask for its debrief there/);
    assert.equal(h.callsTo("chat.postMessage").filter((c) => c.params.channel === "C0PUBLIC").length, 0);
  });
});
