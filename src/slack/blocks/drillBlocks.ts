import type { types } from "@slack/bolt";
import { controlStatePhrases } from "../../domain/debriefWords.js";
import type { Drill, TreePosition } from "../../domain/drill.js";
import { formatClock } from "../../domain/duration.js";
import { displayOrder } from "../../domain/optionOrder.js";
import { RUNBOOK_PARTS, type Scenario, type TreeOption } from "../../domain/scenario.js";
import { type Block, capBlocks, LIMITS } from "./limits.js";
import { cleanPlain, escapeMrkdwn, escapeUserText, markdownToMrkdwn, splitMrkdwn, truncate } from "./text.js";

// Block Kit for a running drill: the trigger message, the first-move modal, the runbook and the
// decision-tree walk. Scenario text comes from the repo; names and answers come from users, and
// everything is escaped on the way out.

export const ACTIONS = {
  ack: "drill_ack",
  firstMove: "drill_first_move",
  runbook: "drill_runbook",
  tree: "drill_tree",
  treeChoice: "drill_tree_choice",
  flag: "drill_flag",
  /** The "Take a role" menu. */
  role: "drill_role",
  /** The facilitator's overflow menu: extend, pause/resume, inject now, hint, end. */
  panel: "drill_panel",
} as const;

/** What the facilitator panel's options run, as /drill text (the same subcommands, the same checks). */
export const PANEL_COMMANDS = {
  extend5: "extend 5",
  pause: "pause",
  resume: "resume",
  inject: "inject now",
  hint: "hint",
  end: "end",
} as const satisfies Record<string, string>;

export type PanelOperation = keyof typeof PANEL_COMMANDS;

/** The /drill text a panel option value names, or null for a value we did not build. */
export function panelCommand(operation: string): string | null {
  return Object.hasOwn(PANEL_COMMANDS, operation) ? PANEL_COMMANDS[operation as PanelOperation] : null;
}

/** Option value "<operation>:<drill id>": the drill is checked against the channel's running one. */
export function panelValue(operation: PanelOperation, drillId: number): string {
  return `${operation}:${drillId}`;
}

/** Role menu value "<role id>:<drill id>" ("-" gives a role up). */
export function roleValue(roleId: string | null, drillId: number): string {
  return `${roleId ?? "-"}:${drillId}`;
}

export const VIEWS = { firstMove: "drill_first_move_submit" } as const;
export const FIRST_MOVE_BLOCK = "first_move";
export const FIRST_MOVE_INPUT = "text";

/** `<!date…>` so every reader sees the time in their own zone; the fallback is UTC. */
export function slackTime(ms: number, format = "{time}"): string {
  // A time that does not exist (a paused drill's end is Infinity) must never crash a handler.
  if (!Number.isFinite(ms)) return "(no time yet)";
  const fallback = `${new Date(ms).toISOString().slice(11, 16)} UTC`;
  return `<!date^${Math.floor(ms / 1000)}^${format}|${fallback}>`;
}

/** When a running drill ends: "it ends at 10:45" ("it now ends at" after a change), or while paused
 * "its clock is stopped; it has 12:00 left when it resumes" (a paused drill has no end on the wall clock). */
export function drillEndsPhrase(drill: Pick<Drill, "endsAt" | "timeLimitMs" | "elapsedMs">, changed = false): string {
  if (Number.isFinite(drill.endsAt)) return `it ${changed ? "now " : ""}ends at ${slackTime(drill.endsAt)}`;
  return `its clock is stopped; it has ${formatClock(Math.max(0, drill.timeLimitMs - drill.elapsedMs))} left when it resumes`;
}

const plain = (text: string, max: number): types.PlainTextElement => ({
  type: "plain_text",
  text: truncate(cleanPlain(text), max, "…"),
  emoji: true,
});
const mrkdwnSection = (text: string): Block => ({ type: "section", text: { type: "mrkdwn", text: truncate(text, LIMITS.sectionText) } });
const context = (text: string): Block => ({ type: "context", elements: [{ type: "mrkdwn", text: truncate(text, LIMITS.sectionText) }] });

/** Names for a progress line, capped so 500 responders still fit in one context element. */
export function nameList(names: string[], max = 15): string {
  const shown = names.slice(0, max).map(escapeMrkdwn).join(", ");
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

export function triggerBlocks(drill: Drill): Block[] {
  const { scenario, state } = drill;
  const t = scenario.trigger;
  const blocks: Block[] = [
    { type: "header", text: plain(`🧯 DRILL · ${scenario.title}`, LIMITS.headerText) },
    context(
      `*This is a drill* — practice only, nobody is paged. ${scenario.severity} · mode *${state.mode}* · started by ${escapeUserText(state.startedBy.name)}`,
    ),
    mrkdwnSection(`*${escapeMrkdwn(t.source)}: ${escapeMrkdwn(t.title)}*\n\`\`\`${escapeMrkdwn(t.text.trim())}\`\`\``),
  ];
  const fields = Object.entries(t.fields).map(([k, v]) => ({
    type: "mrkdwn" as const,
    text: truncate(`*${escapeMrkdwn(k)}*\n${escapeMrkdwn(String(v))}`, LIMITS.fieldText),
  }));
  for (let i = 0; i < fields.length; i += LIMITS.sectionFields)
    blocks.push({ type: "section", fields: fields.slice(i, i + LIMITS.sectionFields) });

  const readEnds = drill.readWindowEndsAt;
  const until = (at: number) => (Number.isFinite(at) ? slackTime(at) : "paused");
  const timing =
    state.mode === "read"
      ? `Read the runbook, then state your first move in one sentence. Read window ${formatClock(state.readWindowMs)} (until ${until(readEnds)})`
      : `Blind mode: state your first move cold; the runbook opens after it. Answer within ${formatClock(state.readWindowMs)} (by ${until(readEnds)})`;
  const ends = drillEndsPhrase(drill);
  blocks.push(mrkdwnSection(`${timing} · time limit ${formatClock(drill.timeLimitMs)}, ${ends}`));
  const controls = controlStatePhrases(state, escapeUserText);
  if (state.status === "running" && controls.length) blocks.push(context(`*Facilitator:* ${controls.join(" · ")}`));
  if (scenario.quick) blocks.push(context("_Quick drill: first move only, no decision tree._"));

  const acked = state.responders.filter((r) => r.ackAt !== null).map((r) => r.user.name);
  const answered = state.responders.filter((r) => r.firstMove !== null).length;
  blocks.push(context(`On it: ${acked.length ? nameList(acked) : "nobody yet"} · First moves submitted: *${answered}*`));
  const holders = new Map(state.responders.flatMap((r) => (r.role ? [[r.role, r.user.name] as const] : [])));
  blocks.push(
    context(
      `Roles: ${scenario.roleList.map((role) => `${escapeMrkdwn(role.name)} — ${holders.has(role.id) ? escapeUserText(holders.get(role.id) ?? "") : "_open_"}`).join(" · ")}`,
    ),
  );

  if (state.status === "running") {
    const value = String(state.id);
    blocks.push({
      type: "actions",
      block_id: "drill_actions",
      elements: [
        { type: "button", action_id: ACTIONS.ack, text: plain("🙋 I'm on it", LIMITS.buttonText), value, style: "primary" },
        { type: "button", action_id: ACTIONS.firstMove, text: plain("✍️ First move", LIMITS.buttonText), value },
        { type: "button", action_id: ACTIONS.runbook, text: plain("📖 Runbook", LIMITS.buttonText), value },
        ...(scenario.quick
          ? []
          : [{ type: "button" as const, action_id: ACTIONS.tree, text: plain("🌳 Decision tree", LIMITS.buttonText), value }]),
        { type: "button", action_id: ACTIONS.flag, text: plain("🚩 Flag runbook", LIMITS.buttonText), value },
        {
          type: "static_select",
          action_id: ACTIONS.role,
          placeholder: plain("🎭 Take a role", 150),
          options: [
            ...scenario.roleList.slice(0, 99).map((role) => ({ text: plain(role.name, 75), value: roleValue(role.id, state.id) })),
            { text: plain("No role", 75), value: roleValue(null, state.id) },
          ],
        },
        {
          type: "overflow",
          action_id: ACTIONS.panel,
          options: [
            { text: plain("⏳ Extend by 5 min", 75), value: panelValue("extend5", state.id) },
            drill.isPaused
              ? { text: plain("▶️ Resume", 75), value: panelValue("resume", state.id) }
              : { text: plain("⏸ Pause", 75), value: panelValue("pause", state.id) },
            { text: plain("⏩ Next inject now", 75), value: panelValue("inject", state.id) },
            { text: plain("💡 Post a hint", 75), value: panelValue("hint", state.id) },
            { text: plain("🏁 End and debrief", 75), value: panelValue("end", state.id) },
          ],
        },
      ],
    });
    blocks.push(context("🎛 The ⋯ menu is the facilitator's: extend, pause or resume, an inject now, a hint, the end."));
  } else {
    const how = state.status === "cancelled" ? "Cancelled — no debrief." : "Ended — the debrief is in the thread.";
    blocks.push(context(`*${how}*`));
  }
  return blocks;
}

export function triggerFallbackText(drill: Drill): string {
  return `Drill (practice only): ${cleanPlain(drill.scenario.title)}`;
}

function modal(title: string, blocks: Block[], extra: Partial<types.ModalView> = {}): types.ModalView {
  return {
    type: "modal",
    title: plain(title, LIMITS.modalTitle),
    close: plain("Close", 24),
    blocks: capBlocks(blocks, LIMITS.viewBlocks, "blocks"),
    ...extra,
  };
}

/** What a drill modal carries in its private_metadata: the drill, and the channel it was opened
 * from (checked against the drill's when the modal is used). */
export function viewMetadata(drill: Drill): string {
  return JSON.stringify({ drillId: drill.state.id, channel: drill.state.venue });
}

/** The drill a modal belongs to, from its private_metadata; null when it is not one of ours. */
export function drillIdOfView(privateMetadata: string): number | null {
  return viewRef(privateMetadata)?.drillId ?? null;
}

/** Drill id and channel from a modal's private_metadata (channel undefined in modals opened
 * before it was recorded); null when it is not one of ours. */
export function viewRef(privateMetadata: string): { drillId: number; channel: string | undefined } | null {
  try {
    const meta = JSON.parse(privateMetadata) as { drillId?: unknown; channel?: unknown };
    const id = Number(meta.drillId);
    if (!Number.isInteger(id) || id <= 0) return null;
    return { drillId: id, channel: typeof meta.channel === "string" ? meta.channel : undefined };
  } catch {
    return null;
  }
}

export function firstMoveModal(drill: Drill, userId?: string): types.ModalView {
  const roleId = userId === undefined ? null : (drill.responder(userId)?.role ?? null);
  const role = roleId === null ? null : drill.scenario.roleList.find((r) => r.id === roleId);
  const as = role ? ` You answer as *${escapeMrkdwn(role.name)}*.` : "";
  const hint =
    (drill.state.mode === "blind"
      ? "Blind mode: no runbook yet. What would you do first?"
      : "You have read the runbook: what is the first thing you do?") + as;
  return modal(
    "First move",
    [
      mrkdwnSection(`*${escapeMrkdwn(drill.scenario.title)}*\n${hint} One sentence. Nobody sees your answer until the debrief.`),
      {
        type: "input",
        block_id: FIRST_MOVE_BLOCK,
        label: plain("Your first move", 2000),
        element: {
          type: "plain_text_input",
          action_id: FIRST_MOVE_INPUT,
          multiline: true,
          max_length: 600,
          placeholder: plain("e.g. Check … to confirm … before changing anything", 150),
        },
      },
    ],
    { callback_id: VIEWS.firstMove, submit: plain("Submit", 24), private_metadata: viewMetadata(drill) },
  );
}

export function noticeModal(title: string, text: string): types.ModalView {
  return modal(title, [mrkdwnSection(text)]);
}

/** The runbook's five parts as blocks: a header per part, long parts split at 3000 characters. */
export function runbookBlocks(scenario: Scenario, maxBlocks: number = LIMITS.viewBlocks): Block[] {
  const doc = scenario.runbookDoc;
  const blocks: Block[] = [{ type: "header", text: plain(doc.title || scenario.title, LIMITS.headerText) }];
  for (const part of RUNBOOK_PARTS) {
    const section = doc.sections[part];
    if (!section) continue;
    blocks.push({ type: "header", text: plain(section.heading, LIMITS.headerText) });
    for (const chunk of splitMrkdwn(markdownToMrkdwn(section.body), LIMITS.sectionText)) blocks.push(mrkdwnSection(chunk));
  }
  if (blocks.length > maxBlocks) {
    return [
      ...blocks.slice(0, maxBlocks - 1),
      context(`_The runbook is longer than Slack shows here: read the rest in \`${escapeMrkdwn(scenario.runbookRef)}\`._`),
    ];
  }
  return blocks;
}

export function runbookModal(scenario: Scenario, lead?: string): types.ModalView {
  const head = lead ? [mrkdwnSection(lead), { type: "divider" } as Block] : [];
  return modal("Runbook", [...head, ...runbookBlocks(scenario, LIMITS.viewBlocks - head.length)]);
}

function revealBlocks(option: TreeOption | undefined): Block[] {
  if (!option) return [];
  const blocks: Block[] = [context(`You chose: *${escapeMrkdwn(option.label)}*`)];
  if (option.reveals) {
    for (const chunk of splitMrkdwn(`\`\`\`${escapeMrkdwn(option.reveals.trimEnd())}\`\`\``, LIMITS.sectionText))
      blocks.push(mrkdwnSection(chunk));
  }
  return blocks;
}

/** One node of the walk (question and options), or the outcome at the end. */
export function treeView(drill: Drill, position: TreePosition, step: number, lastChoice?: TreeOption): types.ModalView {
  const meta = viewMetadata(drill);
  if (position.kind === "outcome") {
    const o = position.outcome;
    return modal(
      "Decision tree",
      [
        ...revealBlocks(lastChoice),
        { type: "header", text: plain(`Outcome: ${o.title}`, LIMITS.headerText) },
        mrkdwnSection(`_${o.kind}_\n${markdownToMrkdwn(o.text.trim())}`),
        context("Your path is recorded. The debrief compares it with the expected path."),
      ],
      { private_metadata: meta },
    );
  }
  const options: Block[] = displayOrder(position.node.options, drill.state.id, position.id).map((option) => ({
    type: "section",
    text: { type: "mrkdwn", text: truncate(escapeMrkdwn(option.label), LIMITS.sectionText) },
    accessory: {
      type: "button",
      action_id: ACTIONS.treeChoice,
      text: plain("Choose", LIMITS.buttonText),
      value: JSON.stringify({ d: drill.state.id, n: position.id, o: option.id }),
    },
  }));
  return modal(
    "Decision tree",
    [
      ...revealBlocks(lastChoice),
      ...(lastChoice ? [{ type: "divider" } as Block] : []),
      mrkdwnSection(`*Step ${step}.* ${escapeMrkdwn(position.node.question)}`),
      ...options,
      context("Pick what you would do or what you see. Your choice and the time you took are recorded."),
    ],
    { private_metadata: meta },
  );
}
