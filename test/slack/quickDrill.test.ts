import assert from "node:assert/strict";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadCatalog } from "../../src/catalog/catalog.js";
import { resolveConfig } from "../../src/catalog/config.js";
import { skippedReasons } from "../../src/cli/context.js";
import { main } from "../../src/cli/main.js";
import { ACTIONS, FIRST_MOVE_BLOCK, FIRST_MOVE_INPUT, VIEWS } from "../../src/slack/blocks/drillBlocks.js";
import { REPO_ROOT, tempDir } from "../helpers.js";
import { blockText, SlackHarness } from "./harness.js";

// An alert imported with `drillbot import` runs in Slack at once, as a quick drill: the same
// signed requests and faked Web API as every Slack test, on the team's imported catalog.

const alice = { id: "U0ALICE", name: "alice" };
const bob = { id: "U0BOB", name: "bob" };
const answer = (text: string) => ({ [FIRST_MOVE_BLOCK]: { [FIRST_MOVE_INPUT]: { type: "plain_text_input", value: text } } });

async function importedCatalog() {
  const repo = tempDir("drillbot-slack-team-");
  cpSync(join(REPO_ROOT, "test/fixtures/import/rules"), join(repo, "rules"), { recursive: true });
  cpSync(join(REPO_ROOT, "test/fixtures/import/runbooks"), join(repo, "runbooks"), { recursive: true });
  assert.equal(await main(["import", "--rules", "rules", "--runbooks", "runbooks"], { out: () => {}, err: () => {} }, {}, repo), 0);
  // One draft broken on purpose: /drill must say why it cannot run.
  const broken = join(repo, "drills/watchdog.yml");
  writeFileSync(
    broken,
    readFileSync(broken, "utf8").replace("runbook: ../runbooks/general/Watchdog.md", "runbook: ../runbooks/general/watchdog.md"),
  );
  // Another with a rubric that rejects its own expected first move (lint's error, checked at the
  // drill's start): the first id of the catalog, which a random pick with random() = 0 would take.
  const rejecting = join(repo, "drills/alertmanager-failed-to-send-alerts.yml");
  const text = readFileSync(rejecting, "utf8");
  const edited = text.replace(/^( {2}expected: ).*$/m, "$1Wait and see.");
  assert.notEqual(edited, text);
  writeFileSync(rejecting, edited);
  return loadCatalog(resolveConfig(repo, {}));
}

describe("an imported alert as a quick drill in Slack", () => {
  let h: SlackHarness;
  let drillId = 0;

  before(async () => {
    const catalog = await importedCatalog();
    h = new SlackHarness({ facilitators: [alice.id], scenarios: catalog.scenarios, skipped: skippedReasons(catalog) });
    await h.start();
  });
  after(() => h.stop());

  it("posts the alert as Alertmanager words it, marked as a quick drill, without a decision tree button", async () => {
    await h.command("kube-cpu-overcommit", alice);
    const [post] = h.callsTo("chat.postMessage");
    const text = blockText(post?.params.blocks);
    assert.match(text, /\[FIRING:1\] KubeCPUOvercommit/);
    assert.match(text, /Quick drill: first move only, no decision tree/);
    assert.match(text, new RegExp(ACTIONS.firstMove));
    assert.doesNotMatch(text, new RegExp(`"${ACTIONS.tree}"`));
    drillId = (await h.store.listDrills({ status: "running" }))[0]?.id ?? 0;
    assert.ok(drillId > 0);
  });

  it("takes a first move and says the debrief comes next, with no tree to walk", async () => {
    await h.click(ACTIONS.ack, String(drillId), bob);
    h.clock.advance(30_000);
    const res = await h.submitView(
      VIEWS.firstMove,
      JSON.stringify({ drillId }),
      answer("run the cpu requests query in prometheus first"),
      bob,
    );
    const view = res.json().view as { blocks: unknown[] };
    assert.match(blockText(view.blocks), /This is a quick drill: the debrief follows when the drill ends/);
    await h.click(ACTIONS.tree, String(drillId), bob);
    assert.match(blockText(h.callsTo("views.open").at(-1)?.params.view), /This is a quick drill: it has no decision tree/);
  });

  it("ends with a debrief that says it was a quick drill and lists the runbook's findings, which become action items", async () => {
    await h.command("end", alice);
    const debrief = h
      .callsTo("chat.postMessage")
      .filter((c) => c.params.thread_ts)
      .map((c) => blockText(c.params.blocks))
      .join("\n");
    assert.match(debrief, /Quick drill: first move only — no decision tree or injects/);
    assert.doesNotMatch(debrief, /Expected path/);
    assert.match(debrief, /\*bob\* — ack 0:00 · first move 0:30 · ✅ correct/);
    assert.match(debrief, /\*Runbook findings\* in `runbooks\/kubernetes\/KubeCPUOvercommit.md`/);
    assert.match(debrief, /\\"Mitigation\\" is a placeholder/);
    assert.doesNotMatch(debrief, /Action items flagged in this drill/, "findings are listed once, as findings");
    const items = await h.stores.actions.listActionItems({ drillId });
    assert.deepEqual(
      items.map((i) => [i.part, i.raisedBy.name]),
      [
        ["verify", "drillbot"],
        ["mitigate", "drillbot"],
      ],
    );
  });

  it("/drill for a draft that cannot load says exactly why, ephemerally", async () => {
    await h.command("watchdog", alice);
    const reply = h.responses.at(-1)?.body;
    assert.equal(reply?.response_type, "ephemeral");
    assert.match(String(reply?.text), /Scenario `watchdog` is in the catalog but cannot run until this is fixed:/);
    assert.match(
      String(reply?.text),
      /watchdog\.yml:\d+: runbook: runbook \.\.\/runbooks\/general\/watchdog\.md does not exist .*did you mean Watchdog\.md\?/,
    );
  });

  it("/drill for a draft whose rubric rejects its own expected first move says why; /drill random never picks it", async () => {
    await h.command("alertmanager-failed-to-send-alerts", alice, "C0REJECT");
    const reply = h.responses.at(-1)?.body;
    assert.equal(reply?.response_type, "ephemeral");
    assert.match(
      String(reply?.text),
      /alertmanager-failed-to-send-alerts\.yml:\d+: first_move\.expected: the rubric rejects its own expected first move/,
    );
    assert.equal((await h.store.listDrills({ venue: "C0REJECT" })).length, 0, "nothing started");
    await h.command("random", alice, "C0RANDOM");
    const started = await h.store.listDrills({ venue: "C0RANDOM" });
    assert.equal(started.length, 1, JSON.stringify(h.responses.at(-1)?.body));
    assert.notEqual(started[0]?.scenarioId, "alertmanager-failed-to-send-alerts");
  });
});
