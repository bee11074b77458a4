import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ACTIONS, FIRST_MOVE_BLOCK, FIRST_MOVE_INPUT, VIEWS } from "../../src/slack/blocks/drillBlocks.js";
import { FLAG_BLOCKS, HISTORY_VIEWS } from "../../src/slack/blocks/historyBlocks.js";
import { BOT_TOKEN, SIGNING_SECRET, SlackHarness } from "./harness.js";

// What people type is stored as typed and echoed so that it can never mention anyone,
// broadcast to a channel, or disguise a link. Tokens never reach a log line.

const HOSTILE =
  "<!channel> <!here> <@U0BOSS> <https://evil.example|bank.example> a&b \u202Egnp.exe\u200B check the dashboard and status page";
const PINGS = /<!channel>|<!here>|<!everyone>|<@U0BOSS>|<https:\/\/evil\.example|\u202E|\u200B/;
const answer = (text: string) => ({ [FIRST_MOVE_BLOCK]: { [FIRST_MOVE_INPUT]: { type: "plain_text_input", value: text } } });
const alice = { id: "U0ALICE", name: "alice" };
const mallory = { id: "U0MAL", name: "<!channel> mallory\u202E" };

describe("hostile and odd input", () => {
  const h = new SlackHarness();
  before(() => h.start());
  after(() => h.stop());

  it("is stored verbatim and echoed with no mention, broadcast or disguised link", async () => {
    await h.command(`payment-5xx ${HOSTILE}`, alice);
    await h.command(`stats ${HOSTILE}`, alice);
    await h.command(`<!here> ${"x".repeat(10_000)}`, alice);
    await h.command("payment-5xx", alice);
    const drillId = (await h.store.listDrills())[0]?.id ?? 0;
    await h.click(ACTIONS.ack, String(drillId), mallory);
    const huge = await h.submitView(VIEWS.firstMove, JSON.stringify({ drillId }), answer("y".repeat(10_000)), mallory);
    assert.equal(huge.json().response_action, "errors", "10,000 characters is refused inline");
    await h.submitView(VIEWS.firstMove, JSON.stringify({ drillId }), answer(HOSTILE), mallory);
    await h.submitView(
      HISTORY_VIEWS.flag,
      JSON.stringify({ drillId }),
      {
        [FLAG_BLOCKS.part]: { value: { type: "static_select", selected_option: { value: "verify" } } as never },
        [FLAG_BLOCKS.kind]: { value: { type: "radio_buttons", selected_option: { value: "unclear" } } as never },
        [FLAG_BLOCKS.text]: { value: { type: "plain_text_input", value: HOSTILE } },
      },
      mallory,
    );
    await h.advance(6_000);
    await h.command("end", alice);
    await h.command("actions", alice);
    await h.event({ type: "app_home_opened", user: mallory.id, channel: "D1", tab: "home", event_ts: "1.1" });
    await h.command("stats <@U0MAL|mallory>", alice);
    await h.advance(10_000);

    const state = await h.store.loadDrill(drillId);
    assert.equal(state?.responders[0]?.firstMove?.text, HOSTILE, "stored verbatim");
    assert.equal(state?.responders[0]?.user.name, mallory.name);
    assert.equal((await h.stores.actions.listActionItems())[0]?.text, HOSTILE);

    const sent = h.allText();
    assert.match(
      sent,
      /&lt;!channel&gt; &lt;!here&gt; &lt;@U0BOSS&gt; &lt;https:\/\/evil.example\|bank.example&gt; a&amp;b gnp.exe/,
      "the debrief shows it, escaped",
    );
    assert.doesNotMatch(sent, PINGS);
  });

  it("never writes the bot token or the signing secret to a log line", () => {
    assert.ok(h.logLines.length > 10, "debug logging was on");
    for (const line of h.logLines) {
      assert.ok(!line.includes(BOT_TOKEN) && !line.includes(SIGNING_SECRET) && !/xoxb-/.test(line), line.slice(0, 200));
    }
  });
});
