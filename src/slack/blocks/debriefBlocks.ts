import { type Debrief, findingPartName, pathVerdict, QUICK_DRILL_NOTE, type ResponderDebrief, reviewOrder } from "../../domain/debrief.js";
import {
  clarityPhrase,
  clockOrDash,
  endPhrase,
  responderName,
  teamPhrase,
  timelinePhrase,
  verdictPhrase,
} from "../../domain/debriefWords.js";
import { formatClock } from "../../domain/duration.js";
import type { Scenario } from "../../domain/scenario.js";
import { type Block, LIMITS } from "./limits.js";
import { cleanPlain, escapeMrkdwn, escapeUserText, truncate } from "./text.js";

// The debrief in Slack: answers are revealed here for the first time. Answers and names are
// user text and are escaped; long debriefs are split across messages of at most 50 blocks.

const clock = clockOrDash;
const CLARITY_MARK = { clear: " ✅", "needs-work": " ⚠️", fails: " ❌" } as const;

/** At most this many messages; beyond it the debrief points at the full export. */
export const MAX_DEBRIEF_MESSAGES = 6;

/** Facilitators' Accept / Reject buttons on each answer (value: "<drill id>:<user id>"). */
export const REVIEW_ACTIONS = { accept: "first_move_accept", reject: "first_move_reject" } as const;

export function reviewValue(drillId: number, userId: string): string {
  return `${drillId}:${userId}`;
}

export function parseReviewValue(value: string | undefined): { drillId: number; userId: string } | null {
  const match = /^(\d+):(.+)$/.exec(value ?? "");
  return match ? { drillId: Number(match[1]), userId: match[2] ?? "" } : null;
}

export function clarityText(d: Debrief): string {
  return clarityPhrase(d, { mark: (verdict) => CLARITY_MARK[verdict] });
}

function verdictText(r: ResponderDebrief): string {
  if (r.correct === null) return "no first move";
  const review = r.needsReview && !r.override ? " · ⚠️ *needs review*" : "";
  return `${r.correct ? "✅" : "❌"} ${verdictPhrase(r, escapeUserText)}${review}`;
}

export function responderLine(r: ResponderDebrief, _scenario?: Scenario): string {
  const lines = [
    `*${responderName(r, escapeUserText)}* — ack ${clock(r.timeToAckMs)} · first move ${clock(r.timeToFirstMoveMs)}${r.afterHint ? " (after the hint)" : ""} · ${verdictText(r)}`,
  ];
  if (r.answer !== null) lines.push(`> ${escapeUserText(truncate(r.answer, 600).replace(/\s+/g, " "))}`);
  // The reason quotes the answer: user text, so it cannot style itself either.
  if (r.reason) lines.push(`_${escapeUserText(truncate(r.reason, 400).replace(/\s+/g, " "))}_`);
  if (r.path.length > 0) {
    const path = r.path.map((p) => `${escapeMrkdwn(p.optionLabel)} (${formatClock(p.timeMs)})${p.onExpectedPath ? "" : " ✗"}`).join(" → ");
    lines.push(`Path: ${path}${r.outcome ? ` ⇒ *${escapeMrkdwn(r.outcome.title)}*` : ""} — ${pathVerdict(r)}`);
  }
  return lines.join("\n");
}

/** Accept / Reject for one answer. */
function reviewBlock(d: Debrief, r: ResponderDebrief): Block {
  const value = reviewValue(d.drillId, r.user.id);
  return {
    type: "actions",
    block_id: truncate(`review:${r.user.id}`, 255, ""),
    elements: [
      { type: "button", action_id: REVIEW_ACTIONS.accept, text: { type: "plain_text", text: "Accept" }, value, style: "primary" },
      { type: "button", action_id: REVIEW_ACTIONS.reject, text: { type: "plain_text", text: "Reject" }, value, style: "danger" },
    ],
  };
}

/** Splits blocks into messages of at most 50, never separating an answer from its buttons. */
function chunkGroups(groups: Block[][], size: number = LIMITS.messageBlocks): Block[][] {
  const messages: Block[][] = [];
  let current: Block[] = [];
  for (const group of groups) {
    if (current.length + group.length > size && current.length > 0) {
      messages.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) messages.push(current);
  return messages;
}

export interface DebriefRenderOptions {
  /** Accept / Reject buttons on every answer (the debrief in the drill's thread). */
  reviewControls?: boolean;
}

/** The full debrief as a list of messages, each within Slack's block limits. */
export function renderDebriefMessages(d: Debrief, scenario?: Scenario, extra: Block[] = [], options: DebriefRenderOptions = {}): Block[][] {
  const how = endPhrase(d);
  const blocks: Block[] = [
    { type: "header", text: { type: "plain_text", text: truncate(cleanPlain(`Debrief · ${d.scenarioTitle}`), LIMITS.headerText, "…") } },
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: truncate(
          [
            `*Team:* ${teamPhrase(d)}`,
            `*Runbook clarity:* ${clarityText(d)}`,
            `*Median time to first move:* ${clock(d.team.medianTimeToFirstMoveMs)} · ${d.team.acked} acked · ${d.team.answered} answered · ran ${clock(d.durationMs)}, ${how} · ${d.quick ? "quick drill" : `injects ${d.injectsPosted}/${d.injectsTotal}`}`,
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
          `*Expected first move:* ${escapeMrkdwn(d.expectedFirstMove)}${d.roleExpectations.map((e) => `\n*Expected of ${escapeMrkdwn(e.name)}:* ${escapeMrkdwn(e.expected)}`).join("")}\n${d.quick ? `_${QUICK_DRILL_NOTE}_` : `*Expected path:* ${d.expectedPath.map(escapeMrkdwn).join(" → ")}`}`,
          LIMITS.sectionText,
        ),
      },
    },
    { type: "divider" },
  ];
  const groups: Block[][] = blocks.map((b) => [b]);
  // Answers the rubric was unsure of first. With review controls each answer is its own section
  // with its buttons; otherwise several responders share a section (each under 3000 characters).
  let current = "";
  const flush = () => {
    if (current) groups.push([{ type: "section", text: { type: "mrkdwn", text: current } }]);
    current = "";
  };
  for (const r of reviewOrder(d.responders)) {
    const line = truncate(responderLine(r, scenario), LIMITS.sectionText - 10);
    if (options.reviewControls && r.answer !== null) {
      flush();
      groups.push([{ type: "section", text: { type: "mrkdwn", text: line } }, reviewBlock(d, r)]);
      continue;
    }
    if (current.length + line.length + 2 > LIMITS.sectionText) flush();
    current = current ? `${current}\n\n${line}` : line;
  }
  flush();
  if (d.responders.length === 0) groups.push([{ type: "section", text: { type: "mrkdwn", text: "_Nobody responded._" } }]);
  if (options.reviewControls && d.responders.some((r) => r.answer !== null)) {
    groups.push([
      {
        type: "context",
        elements: [
          {
            type: "mrkdwn",
            text: "Facilitators: *Accept* or *Reject* an answer to override the rubric; every figure follows your decision. Answers marked ⚠️ are the ones the rubric was unsure of.",
          },
        ],
      },
    ]);
  }
  const tail: Block[] = [];
  if (d.timeline.some((e) => e.kind !== "inject" || e.early)) {
    // Only when facilitators did something: a plain run's injects are in the thread already.
    tail.push({ type: "divider" });
    tail.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: truncate(`*Timeline*\n${d.timeline.map((e) => timelinePhrase(e, escapeUserText)).join("\n")}`, LIMITS.sectionText),
      },
    });
  }
  if (d.hiddenFacts.length) {
    tail.push({ type: "divider" });
    tail.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: truncate(`*What was really going on*\n${d.hiddenFacts.map((f) => `• ${escapeMrkdwn(f)}`).join("\n")}`, LIMITS.sectionText),
      },
    });
  }
  if (d.runbookFindings.length) {
    const shown = d.runbookFindings
      .slice(0, 15)
      .map((f) => `• line ${f.line}, ${escapeMrkdwn(findingPartName(f))}: ${escapeMrkdwn(f.message)}`);
    const more = d.runbookFindings.length - shown.length;
    tail.push({ type: "divider" });
    tail.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: truncate(
          `*Runbook findings* in \`${escapeMrkdwn(d.runbook)}\` — kept as action items (\`/drill actions\`)\n${shown.join("\n")}${more > 0 ? `\n…and ${more} more (\`drillbot lint\`)` : ""}`,
          LIMITS.sectionText,
        ),
      },
    });
  }
  if (extra.length) tail.push({ type: "divider" }, ...extra);
  tail.push({
    type: "context",
    elements: [{ type: "mrkdwn", text: `Drill #${d.drillId} · full export: \`drillbot debrief ${d.drillId} --format md\`` }],
  });
  groups.push(...tail.map((b) => [b]));

  const messages = chunkGroups(groups);
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
  return `Drill *${escapeMrkdwn(d.scenarioTitle)}* is over: ${teamPhrase(d)}. Runbook clarity: ${clarityText(d)}. The debrief is in the thread.`;
}
