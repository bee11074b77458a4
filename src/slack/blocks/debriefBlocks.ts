import { type Debrief, missedPhraseGroups, pathVerdict, type ResponderDebrief } from "../../domain/debrief.js";
import { formatClock } from "../../domain/duration.js";
import type { Scenario } from "../../domain/scenario.js";
import { type Block, chunkBlocks, LIMITS } from "./limits.js";
import { cleanPlain, escapeMrkdwn, escapeUserText, truncate } from "./text.js";

// The debrief in Slack: answers are revealed here for the first time. Answers and names are
// user text and are escaped; long debriefs are split across messages of at most 50 blocks.

const pct = (share: number | null) => (share === null ? "—" : `${Math.round(share * 100)}%`);
const clock = (ms: number | null) => (ms === null ? "—" : formatClock(ms));
const CLARITY = { clear: "clear ✅", "needs-work": "needs work ⚠️", fails: "fails the two-minute test ❌" } as const;

/** At most this many messages; beyond it the debrief points at the full export. */
export const MAX_DEBRIEF_MESSAGES = 6;

export function clarityText(d: Debrief): string {
  if (!d.clarity) return "not measured in blind mode (it tests recall, not the runbook)";
  return `${CLARITY[d.clarity.verdict]} — ${pct(d.clarity.share)} of ${d.clarity.sample} stated the right first move within ${formatClock(d.readWindowMs)}`;
}

export function responderLine(r: ResponderDebrief, scenario?: Scenario): string {
  const verdict =
    r.correct === null
      ? "no first move"
      : `${r.correct ? "✅ correct" : "❌ wrong"}${r.scoredBy === "facilitator" ? " (facilitator)" : ""}${r.withinReadWindow ? ", inside the read window" : ", after the read window"}`;
  const lines = [`*${escapeUserText(r.user.name)}* — ack ${clock(r.timeToAckMs)} · first move ${clock(r.timeToFirstMoveMs)} · ${verdict}`];
  if (r.answer !== null) lines.push(`> ${escapeUserText(truncate(r.answer, 600).replace(/\s+/g, " "))}`);
  if (r.correct === false && r.score && r.scoredBy === "rubric") {
    const missing = missedPhraseGroups(r, scenario).map((phrases) => phrases.join(" / "));
    const why = [
      missing.length ? `missing ${missing.map((m) => `“${escapeMrkdwn(m)}”`).join(", ")}` : "",
      r.score.forbidden.length ? `risky: ${r.score.forbidden.map(escapeMrkdwn).join(", ")}` : "",
    ].filter(Boolean);
    if (why.length) lines.push(`_${why.join("; ")}_`);
  }
  if (r.path.length > 0) {
    const path = r.path.map((p) => `${escapeMrkdwn(p.optionLabel)} (${formatClock(p.timeMs)})${p.onExpectedPath ? "" : " ✗"}`).join(" → ");
    lines.push(`Path: ${path}${r.outcome ? ` ⇒ *${escapeMrkdwn(r.outcome.title)}*` : ""} — ${pathVerdict(r)}`);
  }
  return lines.join("\n");
}

/** The full debrief as a list of messages, each within Slack's block limits. */
export function renderDebriefMessages(d: Debrief, scenario?: Scenario, extra: Block[] = []): Block[][] {
  const how = d.endReason === "time_limit" ? "ended at the time limit" : "ended by hand";
  const blocks: Block[] = [
    { type: "header", text: { type: "plain_text", text: truncate(cleanPlain(`Debrief · ${d.scenarioTitle}`), LIMITS.headerText, "…") } },
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: truncate(
          [
            `*Team:* ${d.team.correctInReadWindow} of ${d.team.responders} stated a correct first move inside the read window (${pct(d.team.shareCorrectInReadWindow)})`,
            `*Runbook clarity:* ${clarityText(d)}`,
            `*Median time to first move:* ${clock(d.team.medianTimeToFirstMoveMs)} · ${d.team.acked} acked · ${d.team.answered} answered · ran ${clock(d.durationMs)}, ${how} · injects ${d.injectsPosted}/${d.injectsTotal}`,
          ].join("\n"),
          LIMITS.sectionText,
        ),
      },
    },
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: truncate(
          `*Expected first move:* ${escapeMrkdwn(d.expectedFirstMove)}\n*Expected path:* ${d.expectedPath.map(escapeMrkdwn).join(" → ")}`,
          LIMITS.sectionText,
        ),
      },
    },
    { type: "divider" },
  ];
  // Several responders per section, each section under 3000 characters.
  let current = "";
  const flush = () => {
    if (current) blocks.push({ type: "section", text: { type: "mrkdwn", text: current } });
    current = "";
  };
  for (const r of d.responders) {
    const line = truncate(responderLine(r, scenario), LIMITS.sectionText - 10);
    if (current.length + line.length + 2 > LIMITS.sectionText) flush();
    current = current ? `${current}\n\n${line}` : line;
  }
  flush();
  if (d.responders.length === 0) blocks.push({ type: "section", text: { type: "mrkdwn", text: "_Nobody responded._" } });
  if (d.hiddenFacts.length) {
    blocks.push({ type: "divider" });
    blocks.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: truncate(`*What was really going on*\n${d.hiddenFacts.map((f) => `• ${escapeMrkdwn(f)}`).join("\n")}`, LIMITS.sectionText),
      },
    });
  }
  if (extra.length) blocks.push({ type: "divider" }, ...extra);
  blocks.push({
    type: "context",
    elements: [{ type: "mrkdwn", text: `Drill #${d.drillId} · full export: \`drillbot debrief ${d.drillId} --format md\`` }],
  });

  const messages = chunkBlocks(blocks);
  if (messages.length > MAX_DEBRIEF_MESSAGES) {
    const kept = messages.slice(0, MAX_DEBRIEF_MESSAGES);
    const last = kept[kept.length - 1] ?? [];
    last.splice(last.length - 1, 1, {
      type: "context",
      elements: [
        { type: "mrkdwn", text: `_${d.responders.length} responders: the rest is in \`drillbot debrief ${d.drillId} --format md\`._` },
      ],
    });
    return kept;
  }
  return messages;
}

/** One line for the channel when a drill ends. */
export function debriefSummaryText(d: Debrief): string {
  return `Drill *${escapeMrkdwn(d.scenarioTitle)}* is over: ${d.team.correctInReadWindow} of ${d.team.responders} stated a correct first move inside the read window (${pct(d.team.shareCorrectInReadWindow)}). Runbook clarity: ${clarityText(d)}. The debrief is in the thread.`;
}
