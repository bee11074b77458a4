import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { ACTIONS, FIRST_MOVE_BLOCK, FIRST_MOVE_INPUT, VIEWS } from "../../src/slack/blocks/drillBlocks.js";
import { blockText, SlackHarness } from "./harness.js";

const alice = { id: "U0ALICE", name: "alice" };
const bob = { id: "U0BOB", name: "bob" };
const answer = (text: string) => ({ [FIRST_MOVE_BLOCK]: { [FIRST_MOVE_INPUT]: { type: "plain_text_input", value: text } } });
const posts = (h: SlackHarness) => h.callsTo("chat.postMessage");

let h: SlackHarness;
let other: SlackHarness | undefined;
afterEach(async () => {
  await h?.stop();
  await other?.stop();
  other = undefined;
});

describe("Slack faults", () => {
  it("honours Retry-After on a 429 and posts the trigger once Slack takes it", async () => {
    h = await new SlackHarness().start();
    h.faults.push({ method: "chat.postMessage", status: 429, body: { ok: false, error: "ratelimited" }, headers: { "retry-after": "7" } });
    await h.command("payment-5xx", alice);
    assert.match(String(h.responses.at(-1)?.body.text), /Slack is slow to take messages right now/);
    const drill = (await h.store.listDrills())[0];
    assert.equal(drill?.status, "running", "the drill is recorded and runs");
    await h.advance(6_900);
    assert.equal(posts(h).length, 1, "no retry before Retry-After");
    await h.advance(200);
    assert.equal(posts(h).length, 2);
    assert.ok((posts(h)[1]?.at ?? 0) - (posts(h)[0]?.at ?? 0) >= 7_000);
    assert.ok((await h.store.loadDrill(drill?.id ?? 0))?.venueRef, "the thread is known once posted");
  });

  it("retries 5xx with backoff, gives up on errors retrying cannot fix", async () => {
    h = await new SlackHarness().start();
    await h.command("payment-5xx", alice);
    const drillId = (await h.store.listDrills())[0]?.id ?? 0;
    h.faults.push({ method: "chat.postMessage", status: 503 }, { method: "chat.postMessage", status: 502 });
    await h.command("end", alice);
    await h.advance(10_000);
    const debriefPosts = posts(h).filter((c) => blockText(c.params.blocks).includes("Debrief ·"));
    assert.equal(debriefPosts.length, 3, "two failures, then the debrief once");
    assert.ok((debriefPosts[2]?.at ?? 0) - (debriefPosts[0]?.at ?? 0) >= 3_000, "1 s then 2 s of backoff");
    const counts = await h.stores.outbox.counts();
    assert.equal(counts.pending, 0);
    assert.equal(counts.failed, 0);
    h.faults.push({ method: "chat.postMessage", status: 200, body: { ok: false, error: "channel_not_found" } });
    await h.command("debrief last", alice);
    await h.advance(60_000);
    assert.equal((await h.stores.outbox.counts()).failed, 1, "a permanent error is not retried forever");
    assert.ok(h.logLines.some((l) => /giving up on debrief-repost:\d+:C0GAMEDAY:\d+:0: channel_not_found/.test(l)));
    assert.ok(drillId > 0);
  });

  it("paces posts to about one a second per channel", async () => {
    h = await new SlackHarness({ channelPaceMs: 1_100 }).start();
    await h.command("payment-5xx", alice);
    await h.command("end", alice);
    await h.advance(30_000);
    const times = posts(h).map((c) => c.at);
    assert.ok(times.length >= 3);
    for (let i = 1; i < times.length; i++) assert.ok((times[i] ?? 0) - (times[i - 1] ?? 0) >= 1_100, `posts ${i - 1} and ${i} too close`);
  });

  it("never loses a recorded answer to a Slack outage, and delivers the debrief after a restart", async () => {
    h = await new SlackHarness().start();
    await h.command("payment-5xx", alice);
    const drillId = (await h.store.listDrills())[0]?.id ?? 0;
    // Slack goes down: every post fails from here on.
    for (let i = 0; i < 50; i++) h.faults.push({ method: "chat.postMessage", status: 503 });
    await h.click(ACTIONS.ack, String(drillId), bob);
    const submitted = await h.submitView(
      VIEWS.firstMove,
      JSON.stringify({ drillId }),
      answer("check the provider dashboard and status page"),
      bob,
    );
    assert.equal(submitted.json().response_action, "update");
    await h.command("end", alice);
    await h.advance(5_000);
    assert.equal((await h.store.loadDrill(drillId))?.responders[0]?.firstMove?.text, "check the provider dashboard and status page");
    assert.ok((await h.stores.outbox.counts()).pending >= 2, "debrief and summary wait in the outbox");
    // The process dies; it comes back with Slack healthy.
    const dbPath = h.dbPath;
    const clock = h.clock;
    await h.stop();
    h = await new SlackHarness({ dbPath, clock }).start();
    await h.advance(1_000);
    const debrief = posts(h).filter((c) => blockText(c.params.blocks).includes("Debrief ·"));
    assert.equal(debrief.length, 1);
    assert.match(blockText(debrief[0]?.params.blocks), /check the provider dashboard and status page/);
    assert.equal(posts(h).filter((c) => /is over: 1 of 1/.test(String(c.params.text))).length, 1, "the summary, once");
  });
});

describe("duplicates", () => {
  it("Slack retries, double clicks and replays inside the signature window change nothing", async () => {
    h = await new SlackHarness().start();
    await h.command("payment-5xx", alice);
    const drillId = (await h.store.listDrills())[0]?.id ?? 0;
    const clickBody = () => h.click(ACTIONS.ack, String(drillId), bob);
    await Promise.all([clickBody(), clickBody(), clickBody()]);
    const meta = JSON.stringify({ drillId });
    const first = await h.submitView(VIEWS.firstMove, meta, answer("check the dashboard and the status page"), bob);
    assert.equal(first.json().response_action, "update");
    const retried = await h.submitView(VIEWS.firstMove, meta, answer("check the dashboard and the status page"), bob);
    assert.equal(retried.json().response_action, "errors");
    await h.command("end", alice);
    await h.command("end", alice);
    await h.advance(5_000);
    const state = await h.store.loadDrill(drillId);
    assert.equal(state?.responders.length, 1);
    const debriefs = posts(h).filter((c) => blockText(c.params.blocks).includes("Debrief ·"));
    assert.equal(debriefs.length, 1, "one debrief");
  });

  it("a replayed signed request (same body, same signature, X-Slack-Retry-Num) records once", async () => {
    h = await new SlackHarness().start();
    await h.command("payment-5xx", alice);
    const drillId = (await h.store.listDrills())[0]?.id ?? 0;
    const payload = new URLSearchParams({
      payload: JSON.stringify({
        type: "view_submission",
        team: { id: "T0TEAM" },
        user: { id: bob.id, username: bob.name, name: bob.name, team_id: "T0TEAM" },
        api_app_id: "A0DRILL",
        view: {
          id: "V1",
          type: "modal",
          callback_id: VIEWS.firstMove,
          private_metadata: JSON.stringify({ drillId }),
          state: { values: answer("check the dashboard") },
          hash: "h",
        },
      }),
    }).toString();
    const ts = Math.floor(Date.now() / 1000);
    const { sign } = await import("./harness.js");
    const signature = sign(payload, ts);
    const once = await h.post(payload, "application/x-www-form-urlencoded", { timestamp: ts, signature });
    const replay = await h.post(payload, "application/x-www-form-urlencoded", {
      timestamp: ts,
      signature,
      headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" },
    });
    assert.equal(once.status, 200);
    assert.equal(replay.status, 200);
    assert.equal((h.stores.drills.db.prepare("SELECT count(*) AS n FROM first_moves").get() as { n: number }).n, 1);
  });

  it("two app instances on one database never double an ack, an inject or a debrief", async () => {
    h = await new SlackHarness().start();
    await h.command("payment-5xx", alice);
    const drillId = (await h.store.listDrills())[0]?.id ?? 0;
    other = await new SlackHarness({ dbPath: h.dbPath, clock: h.clock }).start();
    await Promise.all([h.click(ACTIONS.ack, String(drillId), bob), other.click(ACTIONS.ack, String(drillId), bob)]);
    // Both instances have the drill's timers armed (the second re-armed it on start).
    const scenario = h.slack.deps.scenarios.get("payment-5xx");
    await Promise.all([h.advance((scenario?.timeLimitMs ?? 0) + 5_000), other.advance(0)]);
    await other.advance(0);
    await h.advance(0);
    const all = [...posts(h), ...posts(other)];
    const injects = all.filter((c) => String(c.params.text).startsWith("⏱"));
    assert.equal(injects.length, scenario?.injects.length);
    assert.equal(new Set(injects.map((c) => c.params.text)).size, injects.length, "each inject once");
    assert.equal(all.filter((c) => blockText(c.params.blocks).includes("Debrief ·")).length, 1);
    const state = await h.store.loadDrill(drillId);
    assert.equal(state?.responders.filter((r) => r.ackAt !== null).length, 1);
    assert.equal(state?.status, "ended");
  });
});

describe("permissions", () => {
  it("only the starter or a facilitator can end or cancel, and others are told why", async () => {
    h = await new SlackHarness({ facilitators: [alice.id, "U0FACIL"] }).start();
    await h.command("payment-5xx", alice);
    await h.command("cancel", bob);
    assert.match(String(h.responses.at(-1)?.body.text), /Only alice, who started this drill, or a facilitator can cancel it/);
    await h.command("end", { id: "U0FACIL", name: "fran" });
    assert.equal((await h.store.listDrills())[0]?.status, "ended");
    const item = await h.stores.actions.addActionItem({
      drillId: 1,
      scenarioId: "payment-5xx",
      runbook: "runbooks/payment-5xx.md",
      part: "verify",
      kind: "unclear",
      text: "x",
      raisedBy: bob,
      raisedAt: 0,
    });
    await h.click("action_item_done", String(item.id), bob);
    assert.match(String(h.responses.at(-1)?.body.text), /Only facilitators can mark runbook action items done/);
    assert.equal((await h.stores.actions.listActionItems())[0]?.status, "open");
  });
});
