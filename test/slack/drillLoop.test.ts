import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ACTIONS, FIRST_MOVE_BLOCK, FIRST_MOVE_INPUT, VIEWS } from "../../src/slack/blocks/drillBlocks.js";
import { blockText, SlackHarness } from "./harness.js";

const alice = { id: "U0ALICE", name: "alice" }; // facilitator, starts the drill
const bob = { id: "U0BOB", name: "bob" }; // correct first move, walks the tree
const carol = { id: "U0CAROL", name: "carol" }; // wrong first move
const dave = { id: "U0DAVE", name: "dave" }; // only acknowledges

const answer = (text: string) => ({ [FIRST_MOVE_BLOCK]: { [FIRST_MOVE_INPUT]: { type: "plain_text_input", value: text } } });

describe("a whole drill in a Slack channel", () => {
  const h = new SlackHarness({ facilitators: [alice.id] });
  let drillId = 0;
  let triggerTs = "";

  before(() => h.start());
  after(() => h.stop());

  it("/drill payment-5xx posts the trigger message, marked as a drill, with no broadcast", async () => {
    const res = await h.command("payment-5xx", alice);
    assert.equal(res.status, 200);
    const [post] = h.callsTo("chat.postMessage");
    assert.ok(post, "the trigger was posted");
    assert.equal(post.params.channel, "C0GAMEDAY");
    const text = blockText(post.params.blocks);
    assert.match(text, /DRILL · Payment/);
    assert.match(text, /This is a drill\* — practice only, nobody is paged/);
    assert.match(text, /<!date\^\d+\^\{time\}\|/, "times use Slack date formatting");
    assert.doesNotMatch(text, /<!here>|<!channel>|<!everyone>/);
    for (const id of Object.values(ACTIONS).slice(0, 4)) assert.match(text, new RegExp(id));
    const running = await h.store.listDrills({ status: "running" });
    drillId = running[0]?.id ?? 0;
    assert.equal(running.length, 1);
    triggerTs = (await h.store.loadDrill(drillId))?.venueRef ?? "";
    assert.ok(triggerTs);
  });

  it("records each I'm on it once and coalesces the trigger updates", async () => {
    h.clock.advance(5_000);
    await h.click(ACTIONS.ack, String(drillId), bob);
    await h.click(ACTIONS.ack, String(drillId), bob);
    await h.click(ACTIONS.ack, String(drillId), carol);
    await h.click(ACTIONS.ack, String(drillId), dave);
    assert.equal(h.callsTo("chat.update").length, 0, "no update per click");
    await h.advance(1_500);
    const updates = h.callsTo("chat.update");
    assert.equal(updates.length, 1, "three people, one update");
    assert.equal(updates[0]?.params.ts, triggerTs);
    assert.match(blockText(updates[0]?.params.blocks), /On it: bob, carol, dave/);
    const state = await h.store.loadDrill(drillId);
    assert.equal(state?.responders.filter((r) => r.ackAt !== null).length, 3);
  });

  it("opens the first-move modal and refuses an empty answer inline", async () => {
    await h.click(ACTIONS.firstMove, String(drillId), bob);
    const open = h.callsTo("views.open").at(-1)?.params.view as { callback_id: string; private_metadata: string } | undefined;
    assert.equal(open?.callback_id, VIEWS.firstMove);
    const meta = open?.private_metadata ?? "";
    const empty = await h.submitView(VIEWS.firstMove, meta, answer("   "), bob);
    assert.deepEqual(empty.json(), { response_action: "errors", errors: { [FIRST_MOVE_BLOCK]: "Write your first move in one sentence." } });
    const long = await h.submitView(VIEWS.firstMove, meta, answer("check ".repeat(200)), bob);
    assert.match(String((long.json().errors as Record<string, string>)[FIRST_MOVE_BLOCK]), /one sentence \(600 characters at most\)/);
  });

  it("records first moves blind: the thread says who and how fast, never what", async () => {
    const meta = JSON.stringify({ drillId });
    h.clock.advance(40_000);
    const ok = await h.submitView(
      VIEWS.firstMove,
      meta,
      answer("Check the payment-provider dashboard to see if the 5xx are confined to one provider, and check their status page"),
      bob,
    );
    assert.equal(ok.json().response_action, "update");
    h.clock.advance(20_000);
    await h.submitView(VIEWS.firstMove, meta, answer("Restart the checkout pods <!channel>"), carol);
    const again = await h.submitView(VIEWS.firstMove, meta, answer("second try"), bob);
    assert.match(String((again.json().errors as Record<string, string>)[FIRST_MOVE_BLOCK]), /already submitted your first move/);
    await h.advance(5_000);
    const notices = h.callsTo("chat.postMessage").filter((c) => c.params.thread_ts === triggerTs);
    const noticeText = notices.map((n) => String(n.params.text)).join("\n");
    assert.match(noticeText, /bob\* stated a first move at 0:47/);
    assert.match(noticeText, /carol\* stated a first move at 1:07/);
    assert.doesNotMatch(h.allText(), /confined to one provider/, "no answer reaches Slack before the debrief");
    assert.doesNotMatch(h.allText(), /Restart the checkout/);
    const stored = await h.store.loadDrill(drillId);
    assert.equal(stored?.responders.find((r) => r.user.id === bob.id)?.firstMove?.score.correct, true);
    assert.equal(stored?.responders.find((r) => r.user.id === carol.id)?.firstMove?.score.correct, false);
  });

  it("walks the decision tree in a modal, one node per step, showing what each step reveals", async () => {
    await h.click(ACTIONS.tree, String(drillId), bob);
    const opened = h.callsTo("views.open").at(-1)?.params.view as { blocks: unknown[] };
    assert.match(blockText(opened.blocks), /Step 1\./);
    const tree = h.slack.deps.scenarios.get("payment-5xx")?.tree;
    assert.ok(tree);
    const expected = tree.expected_path;
    for (let i = 0; i + 1 < expected.length; i++) {
      const node = tree.nodes[expected[i] ?? ""];
      const option = node?.options.find((o) => o.next === expected[i + 1]);
      assert.ok(option);
      h.clock.advance(7_000);
      await h.clickInView(ACTIONS.treeChoice, JSON.stringify({ d: drillId, n: expected[i], o: option.id }), bob);
      const update = h.callsTo("views.update").at(-1);
      assert.equal(update?.params.view_id, "V_TREE");
      if (option.reveals) assert.match(blockText(update?.params.view), /You chose/);
    }
    const last = h.callsTo("views.update").at(-1)?.params.view as { blocks: unknown[] };
    assert.match(blockText(last.blocks), /Outcome: /);
    const steps = (await h.store.loadDrill(drillId))?.responders.find((r) => r.user.id === bob.id)?.steps ?? [];
    assert.equal(steps.length, expected.length - 1);
    assert.ok(steps.every((s) => s.chosenAt - s.enteredAt === 7_000));
  });

  it("posts injects in the thread at their offsets", async () => {
    const scenario = h.slack.deps.scenarios.get("payment-5xx");
    const firstOffset = scenario?.injectOffsetsMs[0] ?? 0;
    const elapsed = h.clock.now() - ((await h.store.loadDrill(drillId))?.startedAt ?? 0);
    await h.advance(firstOffset - elapsed + 1);
    const injects = h.callsTo("chat.postMessage").filter((c) => c.params.thread_ts === triggerTs && String(c.params.text).startsWith("⏱"));
    assert.equal(injects.length, 1);
    assert.ok(
      String(injects[0]?.params.text).includes(
        String(scenario?.injects[0]?.text.trim().slice(0, 30)).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"),
      ),
    );
  });

  it("only the starter or a facilitator can end it; /drill end posts the debrief with the answers revealed", async () => {
    await h.command("end", carol);
    assert.match(String(h.responses.at(-1)?.body.text), /Only alice, who started this drill, or a facilitator can end it/);
    await h.command("end", alice);
    const thread = h.callsTo("chat.postMessage").filter((c) => c.params.thread_ts === triggerTs && c.params.blocks);
    const debrief = blockText(thread.map((c) => c.params.blocks));
    assert.match(debrief, /Debrief · Payment/);
    assert.match(debrief, /\*bob\* — ack 0:05 · first move 0:47 · ✅ correct, inside the read window/);
    assert.match(debrief, /confined to one provider/, "the answer is revealed now");
    assert.match(debrief, /\*carol\* — ack 0:05 · first move 1:07 · ❌ wrong, inside the read window/);
    assert.match(debrief, /Restart the checkout pods &lt;!channel&gt;/, "user text is escaped: no broadcast");
    assert.doesNotMatch(debrief, /<!channel>/);
    assert.match(debrief, /\*dave\* — ack 0:05 · first move — · no first move/);
    assert.match(debrief, /matches the expected path/);
    assert.match(debrief, /\*Team:\* 1 of 3 stated a correct first move inside the read window \(33%\)/);
    assert.match(debrief, /Runbook clarity:\* fails the two-minute test/);
    assert.match(debrief, /Expected first move:/);
    const summary = h.callsTo("chat.postMessage").at(-1);
    assert.equal(summary?.params.thread_ts, undefined, "a short summary goes to the channel");
    assert.match(String(summary?.params.text), /1 of 3 stated a correct first move/);
    const final = h.callsTo("chat.update").at(-1);
    assert.match(blockText(final?.params.blocks), /Ended — the debrief is in the thread/);
    assert.doesNotMatch(blockText(final?.params.blocks), new RegExp(ACTIONS.ack), "no buttons on an ended drill");
    assert.equal((await h.store.loadDrill(drillId))?.status, "ended");
  });

  it("refuses clicks after the end with an ephemeral note", async () => {
    await h.click(ACTIONS.ack, String(drillId), bob);
    assert.match(String(h.responses.at(-1)?.body.text), /not running any more/);
    assert.equal(h.responses.at(-1)?.body.response_type, "ephemeral");
  });
});
