import type { Scenario } from "../../domain/scenario.js";
import type { DrillSummary } from "../../store/store.js";
import { type Block, capBlocks, LIMITS } from "./limits.js";
import { escapeMrkdwn, truncate } from "./text.js";

export function scenarioLines(scenarios: Scenario[]): string[] {
  return scenarios.map(
    (s) =>
      `• \`${s.id}\` — ${escapeMrkdwn(s.title)} _(${s.severity}; ${s.tags.map(escapeMrkdwn).join(", ")}${s.quick ? "; quick drill" : ""})_`,
  );
}

/** Lines packed into sections of at most 3000 characters. */
export function packLines(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let current = "";
  for (const line of lines) {
    const safe = truncate(line, LIMITS.sectionText);
    if (current.length + safe.length + 1 > LIMITS.sectionText) {
      blocks.push({ type: "section", text: { type: "mrkdwn", text: current } });
      current = "";
    }
    current = current ? `${current}\n${safe}` : safe;
  }
  if (current) blocks.push({ type: "section", text: { type: "mrkdwn", text: current } });
  return blocks;
}

export function helpBlocks(scenarios: Scenario[], usage: readonly string[], lead?: string): Block[] {
  const blocks: Block[] = [];
  if (lead) blocks.push({ type: "section", text: { type: "mrkdwn", text: truncate(lead, LIMITS.sectionText) } });
  blocks.push({
    type: "section",
    text: { type: "mrkdwn", text: `*drillbot runs tabletop incident drills.*\n${usage.map(escapeMrkdwn).join("\n")}` },
  });
  blocks.push({ type: "section", text: { type: "mrkdwn", text: "*Scenarios*" } });
  blocks.push(...packLines(scenarioLines(scenarios)));
  return capBlocks(blocks, LIMITS.messageBlocks, "scenario sections");
}

export function listBlocks(scenarios: Scenario[], tag?: string): Block[] {
  const title = tag ? `*Scenarios tagged \`${escapeMrkdwn(tag)}\`* (${scenarios.length})` : `*Scenarios* (${scenarios.length})`;
  return capBlocks(
    [{ type: "section", text: { type: "mrkdwn", text: title } }, ...packLines(scenarioLines(scenarios))],
    LIMITS.messageBlocks,
    "scenario sections",
  );
}

export function recentDrillLines(drills: DrillSummary[]): string[] {
  return drills.map(
    (d) =>
      `• #${d.id} \`${d.scenarioId}\` — ${d.status}, ${d.responders} responder(s), <!date^${Math.floor(d.startedAt / 1000)}^{date_short_pretty} {time}|${new Date(d.startedAt).toISOString()}>`,
  );
}
