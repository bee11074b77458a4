import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FakeClock } from "../../src/domain/clock.js";
import { computeDebrief } from "../../src/domain/debrief.js";
import { Drill } from "../../src/domain/drill.js";
import type { Scenario } from "../../src/domain/scenario.js";
import { LOCAL_TEAM } from "../../src/domain/team.js";
import { MAX_DEBRIEF_MESSAGES, renderDebriefMessages } from "../../src/slack/blocks/debriefBlocks.js";
import { firstMoveModal, noticeModal, runbookModal, treeView, triggerBlocks } from "../../src/slack/blocks/drillBlocks.js";
import { helpBlocks, listBlocks } from "../../src/slack/blocks/helpBlocks.js";
import { homeView } from "../../src/slack/blocks/homeView.js";
import { type Block, blockLimitProblems, viewLimitProblems } from "../../src/slack/blocks/limits.js";
import { usageLines } from "../../src/slack/listeners/commands/subcommands/index.js";
import type { DrillSummary } from "../../src/store/store.js";
import { repoScenarios } from "./harness.js";

// Every message and view the app builds, for the largest scenario and for hostile sizes,
// must stay inside Slack's limits (50 blocks a message, 100 a view, 3000 characters a text).

const scenarios = [...repoScenarios().values()];
const size = (s: Scenario) => JSON.stringify(s).length + s.runbookDoc.source.length;
const largest = scenarios.reduce((a, b) => (size(b) > size(a) ? b : a));

/** The largest scenario blown up further: a huge runbook, many fields, long labels. */
function oversized(base: Scenario): Scenario {
  const longLine = "x".repeat(5000);
  const source = `# ${"Very long title ".repeat(20)}\n\n${["Trigger", "Verify", "Impact", "Diagnosis", "Mitigation and rollback"]
    .map(
      (h) =>
        `## ${h}\n\n${Array.from({ length: 120 }, (_, i) => `${i}. step with \`kubectl get pods -n $NS\` and **bold** text ${"y".repeat(80)}`).join("\n")}\n\n\`\`\`\n${longLine}\n\`\`\``,
    )
    .join("\n\n")}`;
  const fields = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`field-${i}`, "v".repeat(2500)]));
  return {
    ...base,
    title: "T".repeat(300),
    trigger: { ...base.trigger, text: "alert ".repeat(1000), fields },
    runbookDoc: {
      ...base.runbookDoc,
      source,
      title: "R".repeat(300),
      sections: Object.fromEntries(
        Object.entries(base.runbookDoc.sections).map(([k, v]) => [k, { ...v, heading: "H".repeat(200), body: source }]),
      ),
    },
  };
}

function drillWith(scenario: Scenario, responders: number): Drill {
  const clock = new FakeClock();
  const drill = Drill.start({ scenario, mode: "read", startedBy: { id: "U0", name: "n".repeat(200) }, venue: "C1", clock, id: 42 });
  for (let i = 0; i < responders; i++) {
    const user = { id: `U${i}`, name: `responder-${i}-${"<@U999>".repeat(20)}` };
    clock.advance(100);
    drill.ack(user);
    drill.submitFirstMove(user, `${"check the dashboard and status page <!channel> ".repeat(12)}`.slice(0, 600));
    let position = drill.position(user.id);
    while (position.ok && position.position.kind === "node") {
      const here = position.position;
      const option = here.node.options[0];
      if (!option) break;
      const chosen = drill.choose(user.id, here.id, option.id);
      if (!chosen.ok) break;
      position = { ...position, position: chosen.position };
    }
  }
  return drill;
}

const assertWithin = (what: string, problems: string[]) => assert.deepEqual(problems, [], what);

describe("Block Kit limits", () => {
  for (const [label, scenario] of [
    ["largest scenario", largest],
    ["oversized scenario", oversized(largest)],
  ] as const) {
    it(`every message and view for the ${label} (${scenario.id})`, () => {
      const drill = drillWith(scenario, 500);
      assertWithin("trigger", blockLimitProblems(triggerBlocks(drill), "message"));
      assertWithin("first move modal", viewLimitProblems(firstMoveModal(drill)));
      assertWithin("runbook modal", viewLimitProblems(runbookModal(scenario, "lead ".repeat(100))));
      assertWithin("notice", viewLimitProblems(noticeModal("First move", "n".repeat(5000))));
      for (const [nodeId, node] of Object.entries(scenario.tree?.nodes ?? {})) {
        const view = treeView(drill, { kind: "node", id: nodeId, node, enteredAt: 0 }, 3, node.options[0]);
        assertWithin(`tree node ${nodeId}`, viewLimitProblems(view));
      }
      for (const [outcomeId, outcome] of Object.entries(scenario.tree?.outcomes ?? {})) {
        assertWithin(`outcome ${outcomeId}`, viewLimitProblems(treeView(drill, { kind: "outcome", id: outcomeId, outcome }, 5)));
      }
      drill.end("alice", "manual");
      const messages = renderDebriefMessages(computeDebrief(drill.state, scenario), scenario);
      assert.ok(messages.length >= 2, "a 500-person debrief is split across messages");
      for (const blocks of messages) assertWithin("debrief message", blockLimitProblems(blocks, "message"));
      const withControls = renderDebriefMessages(computeDebrief(drill.state, scenario), scenario, [], { reviewControls: true });
      assert.ok(withControls.length <= MAX_DEBRIEF_MESSAGES);
      for (const blocks of withControls) {
        assertWithin("debrief message with review controls", blockLimitProblems(blocks, "message"));
        // An answer's Accept / Reject never lands in another message than the answer.
        assert.notEqual(blocks[0]?.type, "actions");
      }
      assertWithin("ended trigger", blockLimitProblems(triggerBlocks(drill), "message"));
    });
  }

  it("help, list and App Home with a large catalog and history", () => {
    const many = Array.from({ length: 400 }, (_, i) => ({ ...largest, id: `${largest.id}-${i}`, title: "T".repeat(200) }));
    assertWithin("help", blockLimitProblems(helpBlocks(many, usageLines(), "lead"), "message"));
    assertWithin("list", blockLimitProblems(listBlocks(many, "security"), "message"));
    const drills: DrillSummary[] = Array.from({ length: 1000 }, (_, i) => ({
      id: i,
      team: LOCAL_TEAM,
      scenarioId: largest.id,
      mode: "read",
      surface: "slack",
      venue: "C1",
      venueRef: "1.1",
      venueLink: "https://acme.slack.com/archives/C1/p1",
      status: "ended",
      startedBy: { id: "U1", name: "a" },
      startedAt: i * 1000,
      endedAt: i * 1000 + 1,
      responders: 40,
    }));
    const you = {
      userId: "U1",
      name: "n".repeat(300),
      drills: 5000,
      correctInWindow: 2500,
      medianFirstMoveMs: 61_000,
      recent: Array.from({ length: 20 }, (_, i) => i % 2),
      mastery: many.map((s) => ({ scenarioId: s.id, mastery: { status: "learning" as const, streak: 2, drills: 40, reachedNow: false } })),
    };
    const schedule = {
      id: 1,
      team: LOCAL_TEAM,
      channel: "C1",
      cron: "0 10 * * 1",
      timezone: "Europe/Berlin",
      scenario: "random",
      mode: "read" as const,
      headsUp: true,
      createdBy: "U1",
      createdAt: 0,
      active: true,
    };
    const upcoming = Array.from({ length: 300 }, (_, i) => ({ schedule: { ...schedule, id: i }, nextRun: i * 1000 }));
    const coverage = many.map((s) => ({
      scenarioId: s.id,
      title: s.title,
      drills: 9000,
      lastPractisedAt: 1,
      lastShare: 0.5,
      clarity: 0.4,
    }));
    assertWithin("home", viewLimitProblems(homeView({ you, upcoming, running: drills, recent: drills, coverage })));
  });

  it("the checker itself catches an over-limit payload", () => {
    const tooMany: Block[] = Array.from({ length: 51 }, () => ({ type: "divider" }));
    assert.match(blockLimitProblems(tooMany, "message")[0] ?? "", /51 blocks, more than 50/);
    assert.match(
      blockLimitProblems([{ type: "section", text: { type: "mrkdwn", text: "x".repeat(3001) } }], "message")[0] ?? "",
      /3001 characters, limit 3000/,
    );
  });
});
