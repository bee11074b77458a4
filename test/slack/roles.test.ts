import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { ACTIONS, FIRST_MOVE_BLOCK, FIRST_MOVE_INPUT, roleValue, VIEWS } from "../../src/slack/blocks/drillBlocks.js";
import { blockText, SlackHarness } from "./harness.js";

// Incident roles: responders claim one from the trigger message (one person per role, changeable
// until their first move), the message shows who holds which, a role may have its own expected
// first move and rubric, and the debrief, stats and mastery keep them apart.

const alice = { id: "U0ALICE", name: "alice" };
const bob = { id: "U0BOB", name: "bob" };
const carol = { id: "U0CAROL", name: "carol" };
const answer = (text: string) => ({ [FIRST_MOVE_BLOCK]: { [FIRST_MOVE_INPUT]: { type: "plain_text_input", value: text } } });
const COMMS_ANSWER =
  "post a first update in #incident-payments: ~10% of card payments failing, scoping it with the provider, next update in 15 min";

let h: SlackHarness;
afterEach(async () => {
  await h?.stop();
});

const lastReply = () => String(h.responses.at(-1)?.body.text ?? "");

describe("incident roles", () => {
  it("one person per role, changeable until the first move, shown on the trigger message", async () => {
    h = await new SlackHarness().start();
    await h.command("payment-5xx", alice);
    const trigger = blockText(h.callsTo("chat.postMessage")[0]?.params.blocks);
    assert.match(trigger, /Roles: Incident Commander — _open_ · Communications — _open_ · Scribe — _open_/);
    assert.match(trigger, /Take a role/);

    await h.choose(ACTIONS.role, roleValue("comms", 1), bob);
    assert.match(lastReply(), /You are \*Communications\*/);
    await h.choose(ACTIONS.role, roleValue("comms", 1), carol);
    assert.match(lastReply(), /Someone else holds that role/);
    await h.choose(ACTIONS.role, roleValue("ic", 1), carol);
    await h.choose(ACTIONS.role, roleValue("scribe", 1), carol);
    await h.choose(ACTIONS.role, roleValue("ic", 1), alice);
    await h.advance(2_000);
    assert.match(
      blockText(h.callsTo("chat.update").at(-1)?.params.blocks),
      /Incident Commander — alice · Communications — bob · Scribe — carol/,
    );

    await h.click(ACTIONS.firstMove, "1", bob);
    assert.match(blockText(h.callsTo("views.open").at(-1)?.params.view), /You answer as \*Communications\*/);
    await h.submitView(VIEWS.firstMove, JSON.stringify({ drillId: 1 }), answer(COMMS_ANSWER), bob);
    await h.choose(ACTIONS.role, roleValue(null, 1), bob);
    assert.match(lastReply(), /your role stays as it was/);
    await h.command("status", alice);
    assert.match(lastReply(), /Roles: Incident Commander: alice, Communications: bob, Scribe: carol/);
  });

  it("gives a scenario that declares no roles the three default ones, judged by the scenario's own rubric", async () => {
    h = await new SlackHarness().start();
    await h.command("cache-miss", alice);
    const trigger = blockText(h.callsTo("chat.postMessage")[0]?.params.blocks);
    assert.match(trigger, /Roles: Incident Commander — _open_ · Communications — _open_ · Scribe — _open_/);
    await h.choose(ACTIONS.role, roleValue("scribe", 1), bob);
    assert.match(lastReply(), /You are \*Scribe\*/);
    await h.submitView(VIEWS.firstMove, JSON.stringify({ drillId: 1 }), answer("restart the redis pods"), bob);
    await h.command("end", alice);
    const debrief = blockText(h.callsTo("chat.postMessage").find((c) => blockText(c.params.blocks).includes("Debrief ·"))?.params.blocks);
    assert.match(debrief, /\*bob \(Scribe\)\*[^\n]*❌/, "a Scribe's wrong first move is judged like anyone's");
  });

  it("judges a role's first move by that role's rubric, and the debrief says who was what", async () => {
    h = await new SlackHarness().start();
    await h.command("payment-5xx", alice);
    await h.choose(ACTIONS.role, roleValue("comms", 1), bob);
    await h.submitView(VIEWS.firstMove, JSON.stringify({ drillId: 1 }), answer(COMMS_ANSWER), bob);
    // The same words from someone with no role miss the scenario's own first move.
    await h.submitView(VIEWS.firstMove, JSON.stringify({ drillId: 1 }), answer(COMMS_ANSWER), carol);
    await h.command("end", alice);
    const debrief = blockText(h.callsTo("chat.postMessage").find((c) => blockText(c.params.blocks).includes("Debrief ·"))?.params.blocks);
    assert.match(debrief, /\*bob \(Communications\)\* — [^*]*✅ correct/);
    assert.match(debrief, /\*carol\* — [^*]*❌ wrong/);
    assert.match(debrief, /\*Expected of Communications:\* Post a first update in #incident-payments/);
    const results = await h.stores.history.personResults(bob.id);
    assert.equal(results[0]?.role, "comms", "stats keep the role");
  });

  it("keeps mastery per role", async () => {
    h = await new SlackHarness().start();
    for (let i = 1; i <= 3; i++) {
      await h.command("payment-5xx", alice);
      await h.choose(ACTIONS.role, roleValue("comms", i), bob);
      await h.submitView(VIEWS.firstMove, JSON.stringify({ drillId: i }), answer(COMMS_ANSWER), bob);
      await h.command("end", alice);
      await h.advance(10_000);
    }
    const stats = await h.slack.deps.insights.personStats(bob.id);
    const mastery = stats.mastery.find((m) => m.scenarioId === "payment-5xx (comms)");
    assert.equal(mastery?.mastery.status, "mastered");
    assert.equal(
      stats.mastery.some((m) => m.scenarioId === "payment-5xx"),
      false,
      "three drills as Communications master the Communications role, not the scenario's first move",
    );
  });
});
