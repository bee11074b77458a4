import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { ACTIONS, FIRST_MOVE_BLOCK, FIRST_MOVE_INPUT, VIEWS } from "../../src/slack/blocks/drillBlocks.js";
import { blockText, SlackHarness, sign } from "./harness.js";

const alice = { id: "U0ALICE", name: "alice" };
const bob = { id: "U0BOB", name: "bob" };
const answer = (text: string) => ({ [FIRST_MOVE_BLOCK]: { [FIRST_MOVE_INPUT]: { type: "plain_text_input", value: text } } });

let h: SlackHarness;
afterEach(async () => {
  await h?.stop();
});

async function harness(options: ConstructorParameters<typeof SlackHarness>[0] = {}) {
  h = new SlackHarness(options);
  return h.start();
}

describe("signed requests", () => {
  it("rejects a bad, missing or stale signature with 401 and records nothing", async () => {
    await harness();
    const body = new URLSearchParams({
      command: "/drill",
      text: "payment-5xx",
      user_id: alice.id,
      user_name: "alice",
      channel_id: "C1",
      team_id: "T1",
      response_url: "https://hooks.slack.com/x",
      trigger_id: "t",
    }).toString();
    const now = Math.floor(Date.now() / 1000);
    const forged = await h.post(body, "application/x-www-form-urlencoded", {
      signature: sign(body, now, "0000000000000000000000000000beef"),
    });
    const stale = await h.post(body, "application/x-www-form-urlencoded", { timestamp: now - 6 * 60, signature: sign(body, now - 6 * 60) });
    const missing = await h.post(body, "application/x-www-form-urlencoded", { signature: "" });
    assert.deepEqual([forged.status, stale.status, missing.status], [401, 401, 401]);
    assert.equal(h.calls.length, 0);
    assert.deepEqual(await h.store.listDrills(), []);
    const good = await h.post(body, "application/x-www-form-urlencoded");
    assert.equal(good.status, 200, "the same body correctly signed is accepted");
  });
});

describe("/drill replies", () => {
  it("help lists usage and scenarios, ephemerally", async () => {
    await harness();
    await h.command("", alice);
    const reply = h.responses.at(-1)?.body;
    assert.equal(reply?.response_type, "ephemeral");
    assert.match(blockText(reply?.blocks), /\/drill &lt;scenario&gt; \[read\|blind\]/, "escaped, so Slack shows <scenario>");
    assert.match(blockText(reply?.blocks), /`payment-5xx`/);
  });

  it("list filters by tag", async () => {
    await harness();
    await h.command("list security", alice);
    const text = blockText(h.responses.at(-1)?.body.blocks);
    assert.match(text, /cwpp-shell/);
    assert.doesNotMatch(text, /`cache-miss`/);
  });

  it("names the closest match for an unknown scenario or subcommand", async () => {
    await harness();
    await h.command("payment-5x", alice);
    assert.match(String(h.responses.at(-1)?.body.text), /Did you mean `\/drill payment-5xx`\?/);
    await h.command("cancle", alice);
    assert.match(String(h.responses.at(-1)?.body.text), /Did you mean `\/drill cancel`\?/);
    await h.command("payment-5xx loud", alice);
    assert.match(String(h.responses.at(-1)?.body.text), /The mode is `read` or `blind`/);
    assert.equal(h.callsTo("chat.postMessage").length, 0);
  });

  it("allows one running drill per channel and says how to end it", async () => {
    await harness();
    await h.command("cache-miss", alice);
    await h.command("payment-5xx", bob);
    assert.match(String(h.responses.at(-1)?.body.text), /already running here: `cache-miss` \(#1\)\. End it with `\/drill end`/);
    await h.command("status", bob);
    assert.match(
      String(h.responses.at(-1)?.body.text),
      /\(`cache-miss`, drill #1, mode read\) — started 0:00 ago by alice; 0 on it, 0 first move/,
    );
  });

  it("random picks a scenario with the tag and says so", async () => {
    await harness();
    await h.command("random security blind", alice);
    assert.match(String(h.responses.at(-1)?.body.text), /Picked `[a-z0-9-]+` at random from the `security` scenarios/);
    const drill = (await h.store.listDrills())[0];
    assert.ok(drill && h.slack.deps.scenarios.get(drill.scenarioId)?.tags.includes("security"));
    assert.equal(drill.mode, "blind");
  });

  it("only facilitators start drills when DRILLBOT_FACILITATORS is set", async () => {
    await harness({ facilitators: [alice.id] });
    await h.command("payment-5xx", bob);
    assert.match(String(h.responses.at(-1)?.body.text), /Only facilitators can start drills/);
    assert.deepEqual(await h.store.listDrills(), []);
    await h.command("payment-5xx", alice);
    assert.equal((await h.store.listDrills()).length, 1);
  });

  it("cancels without a debrief, recorded as cancelled", async () => {
    await harness();
    const housekeeping = h.timers.size; // the heartbeat and the pruning
    await h.command("payment-5xx", alice);
    await h.command("cancel", alice);
    const drill = (await h.store.listDrills())[0];
    assert.equal(drill?.status, "cancelled");
    assert.match(String(h.callsTo("chat.postMessage").at(-1)?.params.text), /Drill cancelled by alice: no debrief/);
    assert.doesNotMatch(h.allText(), /Debrief ·/);
    assert.equal(h.timers.size, housekeeping, "its timers are disarmed");
  });

  it("cancels the drill and explains when the bot cannot post in the channel", async () => {
    await harness({ failing: { "chat.postMessage": "not_in_channel" } });
    await h.command("payment-5xx", alice);
    assert.match(String(h.responses.at(-1)?.body.text), /could not post the drill in this channel \(not_in_channel\)\. Invite me/);
    assert.equal((await h.store.listDrills())[0]?.status, "cancelled");
    await h.command("status", alice);
    assert.match(String(h.responses.at(-1)?.body.text), /No drill is running/);
  });
});

describe("blind mode", () => {
  it("shows the runbook only after the responder's first move", async () => {
    await harness();
    await h.command("cache-miss blind", alice);
    const id = String((await h.store.listDrills())[0]?.id);
    await h.click(ACTIONS.runbook, id, bob);
    assert.match(blockText(h.callsTo("views.open").at(-1)?.params.view), /Blind mode:\* the runbook opens after you state your first move/);
    await h.click(ACTIONS.tree, id, bob);
    assert.match(blockText(h.callsTo("views.open").at(-1)?.params.view), /State your first move before walking the decision tree/);
    const submitted = await h.submitView(VIEWS.firstMove, JSON.stringify({ drillId: Number(id) }), answer("check the hit ratio"), bob);
    const view = submitted.json().view;
    assert.match(blockText(view), /Recorded at/);
    assert.match(blockText(view), /Immediate verification/, "the runbook comes with the confirmation");
    await h.click(ACTIONS.runbook, id, bob);
    assert.match(blockText(h.callsTo("views.open").at(-1)?.params.view), /Immediate verification/);
    await h.click(ACTIONS.firstMove, id, bob);
    assert.match(blockText(h.callsTo("views.open").at(-1)?.params.view), /You already stated your first move/);
  });
});

describe("timers", () => {
  it("posts every inject in the thread and ends the drill at the time limit by itself", async () => {
    await harness();
    await h.command("silent-batch", alice);
    const drill = (await h.store.listDrills())[0];
    assert.ok(drill);
    const scenario = h.slack.deps.scenarios.get("silent-batch");
    assert.ok(scenario);
    await h.click(ACTIONS.ack, String(drill.id), bob);
    await h.advance(scenario.timeLimitMs + 1_000);
    const thread = h.callsTo("chat.postMessage").filter((c) => c.params.thread_ts === drill.venueRef);
    assert.equal(thread.filter((c) => String(c.params.text).startsWith("⏱")).length, scenario.injects.length);
    assert.match(blockText(thread.at(-1)?.params.blocks), /ended at the time limit/);
    const state = await h.store.loadDrill(drill.id);
    assert.equal(state?.status, "ended");
    assert.equal(state?.endReason, "time_limit");
    assert.equal(state?.endedAt, (state?.startedAt ?? 0) + scenario.timeLimitMs);
  });

  it("carries on after a restart: pending injects posted once (late ones marked), the limit still ends it", async () => {
    await harness();
    await h.command("payment-5xx", alice);
    const drill = (await h.store.listDrills())[0];
    assert.ok(drill);
    await h.click(ACTIONS.ack, String(drill.id), bob);
    const scenario = h.slack.deps.scenarios.get("payment-5xx");
    assert.ok(scenario);
    const first = scenario.injectOffsetsMs[0] ?? 0;
    await h.advance(first + 1_000);
    const before = h.callsTo("chat.postMessage").filter((c) => String(c.params.text).startsWith("⏱")).length;
    assert.equal(before, 1);
    // The process dies; a new one starts on the same database, three minutes later.
    await h.stop();
    const clock = h.clock;
    clock.advance((scenario.injectOffsetsMs[1] ?? 0) - first + 3 * 60_000);
    h = new SlackHarness({ dbPath: h.dbPath, clock });
    await h.start();
    await h.advance(0);
    const late = h.callsTo("chat.postMessage").filter((c) => String(c.params.text).startsWith("⏱"));
    assert.ok(late.length >= 1, "the missed inject is posted on start");
    assert.match(String(late[0]?.params.text), /late: the app was down/);
    assert.ok(
      !late.some((c) => String(c.params.text).includes(scenario.injects[0]?.text.trim().slice(0, 20) ?? "@@")),
      "the first inject is not posted again",
    );
    await h.advance(scenario.timeLimitMs);
    const state = await h.store.loadDrill(drill.id);
    assert.equal(state?.status, "ended");
    assert.equal(state?.responders[0]?.user.name, "bob", "the ack recorded before the restart is in the debrief");
    assert.equal(state?.injects.length, scenario.injects.length);
  });
});

describe("App Home", () => {
  it("publishes the home tab with the catalog and recent drills when opened", async () => {
    await harness();
    await h.command("payment-5xx", alice);
    await h.event({ type: "app_home_opened", user: alice.id, channel: "D1", tab: "home", event_ts: "1.1" });
    const publish = h.callsTo("views.publish").at(-1);
    assert.equal(publish?.params.user_id, alice.id);
    const text = blockText(publish?.params.view);
    assert.match(text, /Running now/);
    assert.match(
      text,
      /#1 `payment-5xx` — running, 0 responder\(s\), .* · <https:\/\/acme\.slack\.com\/archives\/C0GAMEDAY\/p\d+\|thread>/,
    );
    assert.match(text, /`cwpp-shell`/);
  });
});
