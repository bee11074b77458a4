import { closestId } from "../../../../domain/closest.js";
import type { Drill } from "../../../../domain/drill.js";
import type { SlackDeps } from "../../../deps.js";
import type { CommandContext } from "../context.js";
import { type ContextFor, type ParseContext, type Permission, type Subcommand, tokenize } from "../subcommand.js";
import { actions } from "./actions.js";
import { cancel } from "./cancel.js";
import { debrief } from "./debrief.js";
import { end } from "./end.js";
import { extend } from "./extend.js";
import { help } from "./help.js";
import { hint } from "./hint.js";
import { inject } from "./inject.js";
import { list } from "./list.js";
import { pause } from "./pause.js";
import { random } from "./random.js";
import { resume } from "./resume.js";
import { schedule } from "./schedule.js";
import { schedules } from "./schedules.js";
import { start } from "./start.js";
import { stats } from "./stats.js";
import { status } from "./status.js";
import { unschedule } from "./unschedule.js";

// Every `/drill` subcommand, in the order help lists them. Adding one is adding a file and a
// line here: the parser, /drill help, the manifest's usage_hint (test/slack/manifest.test.ts) and
// the README's command table (test/slack/manifest.test.ts) follow from this list.

export const SUBCOMMANDS = [
  start,
  random,
  list,
  status,
  end,
  cancel,
  extend,
  pause,
  resume,
  inject,
  hint,
  schedule,
  schedules,
  unschedule,
  debrief,
  actions,
  stats,
  help,
] as const;

export type AnySubcommand = (typeof SUBCOMMANDS)[number];

// biome-ignore lint/suspicious/noExplicitAny: matching any subcommand's argument type, only to infer it
type CommandOf<S> = S extends Subcommand<infer K, infer A, any> ? { kind: K } & A : never;

/** What a /drill text asks for: one subcommand with its arguments, or why it cannot be read. */
export type DrillCommand = CommandOf<AnySubcommand> | { kind: "invalid"; message: string };

/** A parsed command together with the subcommand that runs it (so the pair cannot mismatch). */
export interface ResolvedCommand {
  command: DrillCommand;
  permission: Permission;
  /** Runs it; for a drill-controller subcommand the context must carry the running drill. */
  run?: (deps: SlackDeps, ctx: CommandContext & { drill?: Drill }) => Promise<void>;
}

/** The subcommand a text selects, from its first word only (permission is checked on that). */
export function selectSubcommand(text: string, ctx: ParseContext): AnySubcommand | null {
  const first = tokenize(text.trim())[0]?.toLowerCase();
  if (first === undefined) return help;
  // Fixed words first, so a scenario can never shadow a subcommand.
  return SUBCOMMANDS.find((s) => s !== start && s.matches(first, ctx)) ?? (start.matches(first, ctx) ? start : null);
}

function resolveWith<K extends string, A extends object, P extends Permission>(
  sub: Subcommand<K, A, P>,
  text: string,
  ctx: ParseContext,
): Omit<ResolvedCommand, "permission"> {
  const raw = tokenize(text.trim());
  // The start subcommand is selected by the scenario id, which is its first argument.
  const rest = sub.kind === start.kind ? raw : raw.slice(1);
  const parsed = sub.parse({ raw: rest, lower: rest.map((w) => w.toLowerCase()) }, ctx);
  if (!parsed.ok) return { command: { kind: "invalid", message: parsed.message } };
  const args = parsed.args;
  return {
    command: { kind: sub.kind, ...args } as DrillCommand,
    // The dispatcher gives a drill-controller subcommand the running drill (see drill.ts).
    run: (deps, c) => sub.handle(deps, c as ContextFor<P>, args),
  };
}

/** Parses a /drill text into one subcommand and its runner, or an invalid command with a message
 * that says what would work. */
export function resolveDrillCommand(text: string, ctx: ParseContext): ResolvedCommand {
  const sub = selectSubcommand(text, ctx);
  if (!sub) {
    const first = tokenize(text.trim())[0]?.toLowerCase() ?? "";
    const closest = closestId(first, [...ctx.scenarioIds, ...SUBCOMMANDS.filter((s) => s !== start).map((s) => s.kind)]);
    const suggestion = closest ? ` Did you mean \`/drill ${closest}\`?` : "";
    return {
      command: {
        kind: "invalid",
        message: `There is no scenario or command \`${first}\`.${suggestion} \`/drill list\` shows the scenarios.`,
      },
      permission: "anyone",
    };
  }
  const resolved = resolveWith(sub as Subcommand<string, object, Permission>, text, ctx);
  return { ...resolved, permission: sub.permission };
}

/** `/drill …` text → what the user asked for. Pure, so every odd input is easy to test. */
export function parseDrillCommand(text: string, scenarioIds: readonly string[], tags: readonly string[]): DrillCommand {
  return resolveDrillCommand(text, { scenarioIds, tags }).command;
}

/** Usage lines for /drill help, in registry order. */
export function usageLines(): string[] {
  return SUBCOMMANDS.flatMap((s) => s.usage.map((u) => `\`${u.syntax}\` — ${u.summary}`));
}

/** The README's command table (test/slack/manifest.test.ts keeps the README in step with it). */
export function commandTableMarkdown(): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const rows = SUBCOMMANDS.flatMap((s) =>
    s.usage.map((u) => {
      const what = `${u.summary.charAt(0).toUpperCase()}${u.summary.slice(1)}${u.details ? `; ${u.details}` : ""}`;
      return `| \`${cell(u.syntax)}\` | ${cell(what)} |`;
    }),
  );
  return ["| Command | What it does |", "| --- | --- |", ...rows].join("\n");
}

/** The manifest's one-line usage_hint. */
export function usageHint(): string {
  return SUBCOMMANDS.flatMap((s) => (s.hint ? [s.hint] : [])).join(" | ");
}
