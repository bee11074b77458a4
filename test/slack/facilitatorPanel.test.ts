import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { ACTIONS, FIRST_MOVE_BLOCK, FIRST_MOVE_INPUT, panelValue, VIEWS } from "../../src/slack/blocks/drillBlocks.js";
import { blockText, SlackHarness } from "./harness.js";

// A facilitator's hand on a running drill: extend, pause and resume, an inject now, a hint — from
// /drill and from the ⋯ menu on the trigger message, for the starter or a facilitator only, and
// all of it in the thread, /drill status and the debrief's timeline.

const alice = { id: "U0ALICE", name: "alice" };
const bob = { id: "U0BOB", name: "bob" };
const MIN = 60_000;
const answer = (text: string) => ({ [FIRST_MOVE_BLOCK]: { [FIRST_MOVE_INPUT]: { type: "plain_text_input", value: text } } });
const GOOD = "check the provider errors dashboard: is it only paycore? then their status page";

let h: SlackHarness;
afterEach(async () => {
  await h?.stop();
});

const lastReply = () => String(h.responses.at(-1)?.body.text ?? "");
const threadTexts = () => h.callsTo("chat.postMessage").map((c) => String(c.params.text));
const status = async () => {
  await h.command("status", alice);
  return lastReply();
};

describe("facilitator controls", () => {
  it("extends the time limit: the drill runs past its old end, ends at the new one, and says so", async () => {
    h = await new SlackHarness().start();
    await h.command("payment-5xx", alice);
    await h.command("extend 10", bob);
    assert.match(lastReply(), /Only alice, who started this drill, can extend it/);
    await h.command("extend 0", alice);
    assert.match(lastReply(), /1 to 60/);
    await h.command("extend 10", alice);
    assert.match(lastReply(), /Extended by 10 min/);
    assert.ok(threadTexts().some((t) => /alice gave the drill 10 more minute\(s\): it now ends at/.test(t)));
    assert.match(await status(), /time limit now 25:00/);
    await h.advance(16 * MIN);
    assert.equal((await h.store.listDrills())[0]?.status, "running", "past the old 15:00 limit it still runs");
    await h.advance(10 * MIN);
    const drill = (await h.store.listDrills())[0];
    assert.equal(drill?.status, "ended");
    const state = await h.store.loadDrill(drill?.id ?? 0);
    assert.equal(state?.endReason, "time_limit");
    const debrief = h.callsTo("chat.postMessage").find((c) => blockText(c.params.blocks).includes("Debrief ·"));
    assert.match(blockText(debrief?.params.blocks), /time limit extended by 10 min by alice/);
  });

  it("an extension survives a restart and a second instance that armed the old limit", async () => {
    h = await new SlackHarness().start();
    const other = await new SlackHarness({ dbPath: h.dbPath, clock: h.clock }).start();
    try {
      await h.command("payment-5xx", alice);
      // The other instance knows the drill (it started after it, like a restart) with the old limit.
      await other.slack.deps.drills.rearm();
      await h.command("extend 5", alice);
      await h.crash();
      h = await new SlackHarness({ dbPath: other.dbPath, clock: other.clock }).start();
      for (const step of [15 * MIN + 30_000, 5 * MIN]) {
        await Promise.all([h.advance(step), other.advance(0)]);
        await other.timers.advance(0, () => other.idle());
        if (step === 15 * MIN + 30_000) assert.equal((await h.store.listDrills())[0]?.status, "running", "the old limit ends nothing");
      }
      await other.advance(MIN);
      await h.advance(MIN);
      assert.equal((await h.store.listDrills())[0]?.status, "ended");
      const summaries = [...h.callsTo("chat.postMessage"), ...other.callsTo("chat.postMessage")].filter((c) =>
        /is over:/.test(String(c.params.text)),
      );
      assert.equal(summaries.length, 1, "ended once, whichever instance did it");
    } finally {
      await other.stop();
    }
  });

  it("pauses every clock: answers wait, injects wait, the limit moves; times leave the pause out", async () => {
    h = await new SlackHarness().start();
    await h.command("payment-5xx", alice);
    await h.advance(MIN);
    await h.command("pause", alice);
    assert.ok(threadTexts().some((t) => /alice paused the drill/.test(t)));
    assert.match(await status(), /⏸ paused by alice/);
    const refused = await h.submitView(VIEWS.firstMove, JSON.stringify({ drillId: 1 }), answer(GOOD), bob);
    assert.match(JSON.stringify(refused.json().errors), /paused this drill/);
    await h.command("pause", alice);
    assert.match(lastReply(), /already paused/);
    // 10 minutes paused: the +3:00 inject does not come, the 15:00 limit does not end it.
    await h.advance(20 * MIN);
    assert.ok(!threadTexts().some((t) => t.startsWith("⏱")), "no inject while paused");
    assert.equal((await h.store.listDrills())[0]?.status, "running");
    await h.command("resume", alice);
    assert.ok(threadTexts().some((t) => /alice resumed the drill after 20:00/.test(t)));
    await h.submitView(VIEWS.firstMove, JSON.stringify({ drillId: 1 }), answer(GOOD), bob);
    await h.advance(2 * MIN + 10_000);
    assert.ok(
      threadTexts().some((t) => /^⏱ \*\+3:00\*/.test(t)),
      "the inject came at drill time 3:00",
    );
    await h.command("end", alice);
    const state = await h.store.loadDrill(1);
    assert.equal(state?.status, "ended");
    const debrief = blockText(h.callsTo("chat.postMessage").find((c) => blockText(c.params.blocks).includes("Debrief ·"))?.params.blocks);
    assert.match(debrief, /\*bob\* — ack — · first move 1:00/, "bob answered at drill time 1:00, not 21:00");
    assert.match(debrief, /paused by alice for 20:00/);
  });

  it("extends a paused drill: the time limit grows, the thread says when it will end, nothing breaks", async () => {
    h = await new SlackHarness().start();
    await h.command("payment-5xx", alice);
    await h.advance(MIN);
    await h.command("pause", alice);
    await h.command("extend 10", alice);
    assert.match(lastReply(), /Extended by 10 min/);
    assert.ok(
      threadTexts().some((t) =>
        /alice gave the drill 10 more minute\(s\): its clock is stopped; it has 24:00 left when it resumes/.test(t),
      ),
      threadTexts().join("\n"),
    );
    await h.choose(ACTIONS.panel, panelValue("extend5", 1), alice, "overflow");
    assert.ok(
      threadTexts().some((t) => /5 more minute\(s\): its clock is stopped; it has 29:00 left/.test(t)),
      threadTexts().join("\n"),
    );
    await h.advance(40 * MIN);
    assert.equal((await h.store.listDrills())[0]?.status, "running", "paused: the limit waits");
    await h.command("resume", alice);
    assert.match(await status(), /time limit now 30:00/);
    await h.advance(29 * MIN + 30_000);
    assert.equal((await h.store.listDrills())[0]?.status, "ended");
  });

  it("posts the next inject now, once, marked early", async () => {
    h = await new SlackHarness().start();
    await h.command("payment-5xx", alice);
    await h.command("inject now", alice);
    assert.match(lastReply(), /Inject 1 posted/);
    await h.command("inject now 1", alice);
    assert.match(lastReply(), /already posted/);
    await h.command("inject now 9", alice);
    assert.match(lastReply(), /no inject with that number/);
    await h.advance(4 * MIN);
    const injects = threadTexts().filter((t) => t.startsWith("⏱"));
    assert.equal(injects.filter((t) => t.includes("+3:00")).length, 1, "not again at its time");
    assert.match(injects[0] ?? "", /early: alice sent it now/);
    assert.match(await status(), /Facilitator: inject 1 sent early by alice/);
    await h.command("end", alice);
    const debrief = blockText(h.callsTo("chat.postMessage").find((c) => blockText(c.params.blocks).includes("Debrief ·"))?.params.blocks);
    assert.match(debrief, /0:00 ⏱ inject 1[^\n]*, sent early by alice/, "the timeline says it came early, and when");
  });

  it("posts a hint once, and the debrief says who answered after it", async () => {
    h = await new SlackHarness().start();
    await h.command("payment-5xx", alice);
    await h.submitView(VIEWS.firstMove, JSON.stringify({ drillId: 1 }), answer("restart the pods"), alice);
    await h.advance(5_000);
    await h.command("hint", alice);
    assert.ok(threadTexts().some((t) => /💡 \*Hint\* from alice:/.test(t) && /Provider errors|provider/i.test(t)));
    await h.command("hint", alice);
    assert.match(lastReply(), /already been posted/);
    await h.advance(5_000);
    await h.submitView(VIEWS.firstMove, JSON.stringify({ drillId: 1 }), answer(GOOD), bob);
    await h.command("end", alice);
    const debrief = blockText(h.callsTo("chat.postMessage").find((c) => blockText(c.params.blocks).includes("Debrief ·"))?.params.blocks);
    assert.match(debrief, /\*bob\* — ack — · first move 0:10 \(after the hint\)/);
    assert.match(debrief, /\*alice\* — ack — · first move 0:00 · ❌/, "alice answered before it");
    assert.match(debrief, /hint posted by alice/);
  });

  it("runs the same controls from the ⋯ menu on the trigger message, for the starter only", async () => {
    h = await new SlackHarness().start();
    await h.command("payment-5xx", alice);
    const trigger = h.callsTo("chat.postMessage")[0];
    assert.match(blockText(trigger?.params.blocks), /"type":"overflow"/);
    await h.choose(ACTIONS.panel, panelValue("pause", 1), bob, "overflow");
    assert.match(lastReply(), /Only alice, who started this drill, can pause it/);
    await h.choose(ACTIONS.panel, panelValue("pause", 1), alice, "overflow");
    assert.match(lastReply(), /Paused/);
    await h.advance(2_000);
    const updated = h.callsTo("chat.update").at(-1);
    assert.match(blockText(updated?.params.blocks), /▶️ Resume/, "the menu now offers Resume");
    assert.match(blockText(updated?.params.blocks), /paused by alice/);
    await h.choose(ACTIONS.panel, panelValue("resume", 1), alice, "overflow");
    await h.choose(ACTIONS.panel, panelValue("extend5", 7), alice, "overflow");
    assert.match(lastReply(), /That drill is over/, "a menu of another drill does nothing");
    await h.choose(ACTIONS.panel, panelValue("end", 1), alice, "overflow");
    assert.equal((await h.store.listDrills())[0]?.status, "ended");
  });
});
