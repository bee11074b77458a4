import type { DrillMode } from "../../../../domain/drillState.js";
import { escapeMrkdwn } from "../../../blocks/text.js";
import type { SlackDeps } from "../../../deps.js";
import type { CommandContext } from "../context.js";

/** Starts a drill in the channel and tells the starter anything they need to know. */
export async function startDrill(deps: SlackDeps, ctx: CommandContext, scenarioId: string, mode: DrillMode, lead = ""): Promise<void> {
  const started = await deps.drills.start({ scenarioId, mode, user: ctx.user, venue: ctx.channel });
  if (started.ok) {
    if (lead) await ctx.reply(lead);
    if (started.delayed)
      await ctx.reply(
        "Slack is slow to take messages right now: the drill is recorded and its message will appear here as soon as Slack accepts it.",
      );
    return;
  }
  if (started.reason === "already_running") {
    await ctx.reply(
      `A drill is already running here: \`${started.runningScenarioId ?? "?"}\` (#${started.runningDrillId ?? "?"}). End it with \`/drill end\` (debrief) or \`/drill cancel\` (no debrief), then start another.`,
    );
  } else if (started.reason === "post_failed") {
    await ctx.reply(
      `I could not post the drill in this channel (${escapeMrkdwn(started.error)}). Invite me with \`/invite @drillbot\` and try again; nothing was recorded.`,
    );
  } else if (started.reason === "skipped_scenario") {
    await ctx.reply(skippedText(scenarioId, started.problems));
  } else {
    await ctx.reply(
      `There is no scenario \`${escapeMrkdwn(scenarioId)}\`.${started.closest ? ` Did you mean \`${started.closest}\`?` : ""}`,
    );
  }
}

/** A scenario file that exists but cannot run: exactly why, as `drillbot lint` says it. */
export function skippedText(id: string, problems: string[]): string {
  const lines = problems.slice(0, 10).map((p) => `• \`${escapeMrkdwn(p)}\``);
  const more = problems.length > 10 ? `\n…and ${problems.length - 10} more (run \`drillbot lint\`)` : "";
  return `Scenario \`${escapeMrkdwn(id)}\` is in the catalog but cannot run until this is fixed:\n${lines.join("\n")}${more}`;
}
