import type { types } from "@slack/bolt";
import { masteryPhrase, percent } from "../../domain/debriefWords.js";
import { formatClock } from "../../domain/duration.js";
import { MASTERY_STREAK } from "../../domain/mastery.js";
import { PART_TITLES } from "../../domain/runbook.js";
import { RUNBOOK_PARTS } from "../../domain/scenario.js";
import { sparkline } from "../../domain/trends.js";
import type { CatalogCoverage, DebriefInsights, PersonStats } from "../../service/insights.js";
import type { ActionItem, Schedule } from "../../store/history.js";
import { slackTime } from "./drillBlocks.js";
import { packLines } from "./helpBlocks.js";
import { type Block, capBlocks, LIMITS } from "./limits.js";
import { cleanPlain, escapeMrkdwn, escapeUserText, truncate } from "./text.js";

// Block Kit for game days, action items, stats and the history parts of a debrief.

export const HISTORY_ACTIONS = { actionDone: "action_item_done" } as const;
export const HISTORY_VIEWS = { flag: "drill_flag_submit" } as const;
export const FLAG_BLOCKS = { part: "flag_part", kind: "flag_kind", text: "flag_text" } as const;

const pct = percent;
const dateOf = (ms: number) => slackTime(ms, "{date_short_pretty} {time}");
const section = (text: string): Block => ({ type: "section", text: { type: "mrkdwn", text: truncate(text, LIMITS.sectionText) } });
const context = (text: string): Block => ({ type: "context", elements: [{ type: "mrkdwn", text: truncate(text, LIMITS.sectionText) }] });

export function describeSchedule(s: Schedule, nextRun: number | null): string {
  const what =
    s.scenario === "random"
      ? "random scenario"
      : s.scenario.startsWith("random:")
        ? `random \`${s.scenario.slice(7)}\` scenario`
        : `\`${s.scenario}\``;
  const next = nextRun === null ? "no upcoming run" : `next ${dateOf(nextRun)}`;
  return `*#${s.id}* in <#${s.channel}> — \`${s.cron}\` (${escapeMrkdwn(s.timezone)}), ${what}, ${s.mode}${s.headsUp ? ", heads-up the day before" : ""} · ${next}`;
}

export function schedulesBlocks(schedules: { schedule: Schedule; nextRun: number | null }[], scope = "this channel"): Block[] {
  if (schedules.length === 0)
    return [section(`No game days are scheduled in ${scope}. Add one: \`/drill schedule weekly mon 10:00 random Europe/Berlin\`.`)];
  return capBlocks(
    [
      section(`*Game days* in ${scope} (${schedules.length})`),
      ...packLines(schedules.map((s) => `• ${describeSchedule(s.schedule, s.nextRun)}`)),
    ],
    LIMITS.messageBlocks,
    "schedules",
  );
}

export function actionItemLine(item: ActionItem): string {
  const state = item.status === "done" ? `~done~ by ${escapeUserText(item.doneBy ?? "")}` : "open";
  return `*#${item.id}* \`${escapeMrkdwn(item.runbook)}\` › ${PART_TITLES[item.part]} — ${item.kind}: “${escapeUserText(truncate(item.text, 500).replace(/\s+/g, " "))}” — raised by ${escapeUserText(item.raisedBy.name)} in drill #${item.drillId} · ${state}`;
}

/** Open items get a "Mark done" button each; at most 45 items, then a note. */
export function actionItemsBlocks(items: ActionItem[], scope: { done: boolean; everywhere: boolean }): Block[] {
  const where = scope.everywhere ? "in any channel" : "from this channel's drills";
  if (items.length === 0)
    return [
      section(
        scope.done
          ? `No action items ${where} yet: flag a runbook step during a drill with 🚩.`
          : `No open action items ${where}. \`/drill actions done\` shows done ones too.`,
      ),
    ];
  const blocks: Block[] = [section(`*Runbook action items* ${where} (${items.length}${scope.done ? "" : " open"})`)];
  for (const item of items.slice(0, 45)) {
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: truncate(actionItemLine(item), LIMITS.sectionText) },
      ...(item.status === "open"
        ? {
            accessory: {
              type: "button",
              action_id: HISTORY_ACTIONS.actionDone,
              text: { type: "plain_text", text: "Mark done" },
              value: String(item.id),
            },
          }
        : {}),
    } as Block);
  }
  if (items.length > 45) blocks.push(context(`${items.length - 45} more not shown: \`drillbot actions\` lists them all.`));
  return blocks;
}

export function flagModal(drillId: number, scenarioTitle: string, channel: string): types.ModalView {
  const options = RUNBOOK_PARTS.map((part) => ({
    text: { type: "plain_text" as const, text: truncate(PART_TITLES[part], 75, "…") },
    value: part,
  }));
  return {
    type: "modal",
    callback_id: HISTORY_VIEWS.flag,
    private_metadata: JSON.stringify({ drillId, channel }),
    title: { type: "plain_text", text: "Flag the runbook" },
    submit: { type: "plain_text", text: "Flag" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      section(
        `*${escapeMrkdwn(scenarioTitle)}*\nWhich step is wrong or unclear? It becomes an action item for the runbook's owner, with your name on it.`,
      ),
      {
        type: "input",
        block_id: FLAG_BLOCKS.part,
        label: { type: "plain_text", text: "Runbook part" },
        element: { type: "static_select", action_id: "value", options },
      },
      {
        type: "input",
        block_id: FLAG_BLOCKS.kind,
        label: { type: "plain_text", text: "What is the problem?" },
        element: {
          type: "radio_buttons",
          action_id: "value",
          initial_option: { text: { type: "plain_text", text: "Unclear" }, value: "unclear" },
          options: [
            { text: { type: "plain_text", text: "Unclear" }, value: "unclear" },
            { text: { type: "plain_text", text: "Wrong" }, value: "wrong" },
          ],
        },
      },
      {
        type: "input",
        block_id: FLAG_BLOCKS.text,
        label: { type: "plain_text", text: "What should it say?" },
        element: { type: "plain_text_input", action_id: "value", multiline: true, max_length: 1000 },
      },
    ],
  };
}

/** Trend, mastery and action items appended to a debrief. */
export function insightBlocks(insights: DebriefInsights): Block[] {
  const lines: string[] = [];
  if (insights.trend) lines.push(`*Trend for this scenario:* ${escapeMrkdwn(insights.trend)}`);
  if (insights.reachedMastery.length)
    lines.push(`🏅 *Reached mastery today* (${MASTERY_STREAK} in a row): ${insights.reachedMastery.map(escapeMrkdwn).join(", ")}`);
  if (insights.slipping.length) lines.push(`↘️ *Slipping* (mastered, missed today): ${insights.slipping.map(escapeMrkdwn).join(", ")}`);
  const blocks: Block[] = lines.length ? [section(lines.join("\n"))] : [];
  if (insights.actionItems.length) {
    blocks.push(
      ...packLines([
        `*Action items flagged in this drill* (${insights.actionItems.length})`,
        ...insights.actionItems.map((i) => `• ${actionItemLine(i)}`),
      ]),
    );
  }
  return blocks;
}

export function coverageLines(coverage: CatalogCoverage[]): string[] {
  return coverage.map((c) => {
    const last = c.lastPractisedAt === null ? "_never practised_" : `last ${dateOf(c.lastPractisedAt)}`;
    return `• \`${c.scenarioId}\` — ${last} · ${c.drills} drill(s) · last ${pct(c.lastShare)} correct · clarity ${pct(c.clarity)}`;
  });
}

export function personStatsLines(stats: PersonStats): string[] {
  const lines = [
    `*${escapeUserText(stats.name ?? stats.userId)}* — ${stats.drills} drill(s), ${stats.correctInWindow} correct inside the read window (${pct(stats.drills ? stats.correctInWindow / stats.drills : null)}), median time to first move ${stats.medianFirstMoveMs === null ? "—" : formatClock(stats.medianFirstMoveMs)}`,
    `Accuracy, latest drills: ${stats.recent.length ? sparkline(stats.recent) : "—"}`,
  ];
  for (const m of stats.mastery) {
    lines.push(`• \`${m.scenarioId}\` — ${masteryPhrase(m.mastery, true)} · ${m.mastery.drills} drill(s)`);
  }
  return lines;
}

export function statsBlocks(title: string, lines: string[]): Block[] {
  return capBlocks([section(`*${escapeMrkdwn(cleanPlain(title))}*`), ...packLines(lines)], LIMITS.messageBlocks, "sections");
}
