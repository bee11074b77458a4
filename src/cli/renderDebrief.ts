import { type Debrief, findingPartName, pathVerdict, QUICK_DRILL_NOTE, type ResponderDebrief, reviewOrder } from "../domain/debrief.js";
import { clarityPhrase, clockOrDash, endPhrase, responderName, teamPhrase, timelinePhrase, verdictPhrase } from "../domain/debriefWords.js";
import { formatClock } from "../domain/duration.js";
import { PART_TITLES } from "../domain/runbook.js";
import type { Scenario } from "../domain/scenario.js";
import type { ActionItem } from "../store/history.js";

// The debrief for people at a terminal (text), for a postmortem document (md) and for tools (json).

/** Control characters (escape sequences among them) removed from what people typed, so a
 * debrief printed in a terminal shows text and cannot move the cursor or change the colours. */
export function terminalSafe(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, "");
}

const TERMINAL = { countNoun: "responder(s)" };
const clock = clockOrDash;
const verdict = (r: ResponderDebrief) => verdictPhrase(r);

function verdictMark(r: ResponderDebrief): string {
  return r.needsReview && !r.override ? " · needs review" : "";
}

function pathLine(r: ResponderDebrief, quick: boolean): string {
  if (quick) return "quick drill: no decision tree";
  if (r.path.length === 0) return "did not walk the decision tree";
  const steps = r.path.map((p) => `${p.nodeId} → ${p.optionLabel} (${formatClock(p.timeMs)})${p.onExpectedPath ? "" : " ✗"}`);
  const end = r.outcome ? `outcome: ${r.outcome.title}` : "stopped before an outcome";
  return `${steps.join("\n        ")}\n        ${end} — ${pathVerdict(r)}`;
}

function clarityLine(d: Debrief): string {
  return `Runbook clarity: ${clarityPhrase(d, TERMINAL)}`;
}

export function renderDebriefText(d: Debrief, _scenario?: Scenario): string {
  const lines: string[] = [];
  const how = endPhrase(d);
  lines.push(`━━ Debrief · drill #${d.drillId} · ${d.scenarioId} — ${d.scenarioTitle}`);
  lines.push(
    `mode ${d.mode} · ran ${clock(d.durationMs)} · ${how} · ${d.quick ? "quick drill (first move only)" : `injects posted ${d.injectsPosted} of ${d.injectsTotal}`}`,
  );
  lines.push("");
  for (const r of reviewOrder(d.responders)) {
    lines.push(
      `  ${terminalSafe(responderName(r))}: ack ${clock(r.timeToAckMs)} · first move ${clock(r.timeToFirstMoveMs)}${r.afterHint ? " (after the hint)" : ""} · ${terminalSafe(verdict(r))}${verdictMark(r)}`,
    );
    if (r.answer !== null) lines.push(`        “${terminalSafe(r.answer)}”`);
    if (r.reason) lines.push(`        why: ${terminalSafe(r.reason)}`);
    lines.push(`        ${pathLine(r, d.quick)}`);
  }
  if (d.responders.length === 0) lines.push("  nobody responded");
  lines.push("");
  lines.push(`Team: ${teamPhrase(d, TERMINAL)}`);
  lines.push(clarityLine(d));
  lines.push(`Expected first move: ${d.expectedFirstMove}`);
  for (const e of d.roleExpectations) lines.push(`Expected of ${e.name}: ${e.expected}`);
  if (d.quick) lines.push(QUICK_DRILL_NOTE);
  else lines.push(`Expected path: ${d.expectedPath.join(" → ")}`);
  if (d.timeline.some((e) => e.kind !== "inject" || e.early)) {
    lines.push("Timeline:");
    for (const entry of d.timeline) lines.push(`  ${terminalSafe(timelinePhrase(entry))}`);
  }
  if (d.hiddenFacts.length) {
    lines.push("What was really going on:");
    for (const fact of d.hiddenFacts) lines.push(`  - ${fact}`);
  }
  if (d.runbookFindings.length) {
    lines.push(`Runbook findings in ${d.runbook} (kept as action items: drillbot actions):`);
    for (const f of d.runbookFindings) lines.push(`  - line ${f.line}, ${findingPartName(f)}: ${f.message}`);
  }
  return lines.join("\n");
}

const mdEscape = (text: string) => text.replace(/([\\`*_[\]<>|])/g, "\\$1").replace(/\n/g, " ");

/** Ready to paste into a postmortem document. */
export function renderDebriefMarkdown(d: Debrief, scenario?: Scenario, actionItems: ActionItem[] = []): string {
  const out: string[] = [];
  out.push(`# Drill #${d.drillId}: ${mdEscape(d.scenarioTitle)}`);
  out.push("");
  out.push(`- Scenario: \`${d.scenarioId}\` (version \`${d.scenarioHash.slice(0, 12)}\`), mode **${d.mode}**`);
  out.push(
    `- Started ${new Date(d.startedAt).toISOString()} by ${mdEscape(d.startedBy.name)}; ran ${clock(d.durationMs)}; status ${d.status}`,
  );
  out.push(`- Injects posted: ${d.injectsPosted} of ${d.injectsTotal}`);
  out.push("");
  out.push("## Responders");
  out.push("");
  out.push("| Responder | Ack | First move | Answer | Verdict | Why | Path |");
  out.push("| --- | --- | --- | --- | --- | --- | --- |");
  for (const r of reviewOrder(d.responders)) {
    const path =
      r.path.length === 0 ? "—" : `${r.path.map((p) => mdEscape(p.optionLabel)).join(" → ")}${r.pathMatchesExpected ? " (expected)" : ""}`;
    out.push(
      `| ${mdEscape(responderName(r))} | ${clock(r.timeToAckMs)} | ${clock(r.timeToFirstMoveMs)}${r.afterHint ? " (after the hint)" : ""} | ${r.answer === null ? "—" : mdEscape(r.answer)} | ${mdEscape(verdict(r))}${verdictMark(r)} | ${r.reason === null ? "—" : mdEscape(r.reason)} | ${path} |`,
    );
  }
  out.push("");
  out.push("## Findings");
  out.push("");
  out.push(`- Team: ${teamPhrase(d)}.`);
  out.push(`- ${clarityLine(d)}.`);
  out.push(`- Expected first move: ${mdEscape(d.expectedFirstMove)}`);
  for (const e of d.roleExpectations) out.push(`- Expected of ${mdEscape(e.name)}: ${mdEscape(e.expected)}`);
  if (d.quick) out.push(`- ${QUICK_DRILL_NOTE}`);
  else out.push(`- Expected path: ${d.expectedPath.map((p) => `\`${p}\``).join(" → ")}`);
  for (const fact of d.hiddenFacts) out.push(`- Hidden fact: ${mdEscape(fact)}`);
  if (d.timeline.some((e) => e.kind !== "inject" || e.early)) {
    out.push("");
    out.push("## Timeline");
    out.push("");
    for (const entry of d.timeline) out.push(`- ${mdEscape(timelinePhrase(entry))}`);
  }
  if (d.runbookFindings.length) {
    out.push("");
    out.push(`## Runbook findings (\`${mdEscape(d.runbook)}\`)`);
    out.push("");
    for (const f of d.runbookFindings) out.push(`- Line ${f.line}, ${findingPartName(f)}: ${mdEscape(f.message)}`);
  }
  out.push("");
  out.push("## Action items");
  out.push("");
  if (actionItems.length === 0) out.push("- None flagged during the drill.");
  for (const item of actionItems) {
    out.push(
      `- [${item.status === "done" ? "x" : " "}] #${item.id} \`${item.runbook}\` (${PART_TITLES[item.part]}) — ${item.kind}: ${mdEscape(item.text)} (raised by ${mdEscape(item.raisedBy.name)})`,
    );
  }
  if (scenario) {
    out.push("");
    out.push(`## Runbook: ${mdEscape(scenario.runbookDoc.title)}`);
    for (const section of Object.values(scenario.runbookDoc.sections)) {
      out.push("");
      out.push(`### ${section.heading}`);
      out.push("");
      out.push(section.body);
    }
  }
  return `${out.join("\n")}\n`;
}

export function renderDebriefJson(d: Debrief): string {
  return JSON.stringify(d, null, 2);
}
