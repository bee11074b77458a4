import type { types } from "@slack/bolt";
import type { Scenario } from "../../domain/scenario.js";
import type { DrillSummary } from "../../store/store.js";
import { packLines, recentDrillLines, scenarioLines } from "./helpBlocks.js";
import { type Block, capBlocks, LIMITS } from "./limits.js";

/** The App Home tab: how to start, drills running now, recent drills, the scenario catalog. */
export function homeView(options: {
  scenarios: Scenario[];
  running: DrillSummary[];
  recent: DrillSummary[];
  yours: DrillSummary[];
}): types.HomeView {
  const blocks: Block[] = [
    { type: "header", text: { type: "plain_text", text: "drillbot" } },
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: "Tabletop incident drills: `/drill <scenario>` in a channel posts a practice alert; everyone states their first move in one sentence; the debrief shows who knew, and whether the runbook made it clear.",
      },
    },
    { type: "header", text: { type: "plain_text", text: "Your recent drills" } },
    ...(options.yours.length
      ? packLines(recentDrillLines(options.yours))
      : [{ type: "section", text: { type: "mrkdwn", text: "_None yet: join the next drill with *I'm on it*._" } } as Block]),
    { type: "header", text: { type: "plain_text", text: "Running now" } },
    ...(options.running.length
      ? packLines(options.running.map((d) => `• \`${d.scenarioId}\` in <#${d.venue}> — ${d.responders} responder(s)`))
      : [{ type: "section", text: { type: "mrkdwn", text: "_No drill is running._" } } as Block]),
    { type: "header", text: { type: "plain_text", text: "Recent drills" } },
    ...(options.recent.length
      ? packLines(recentDrillLines(options.recent))
      : [{ type: "section", text: { type: "mrkdwn", text: "_No drills yet._" } } as Block]),
    { type: "header", text: { type: "plain_text", text: "Scenarios" } },
    ...packLines(scenarioLines(options.scenarios)),
  ];
  return { type: "home", blocks: capBlocks(blocks, LIMITS.viewBlocks, "sections") };
}
