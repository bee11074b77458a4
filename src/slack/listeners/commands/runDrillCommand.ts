import { helpBlocks } from "../../blocks/helpBlocks.js";
import { escapeMrkdwn, escapeUserText } from "../../blocks/text.js";
import { allTags, isFacilitator, mayControlDrill, type SlackDeps, sortedScenarios } from "../../deps.js";
import type { CommandContext } from "./context.js";
import { resolveDrillCommand, selectSubcommand } from "./subcommands/index.js";
import { FACILITATORS_ONLY_FOR_SCHEDULES, FACILITATORS_ONLY_TO_START } from "./subcommands/permissions.js";
import { skippedText } from "./subcommands/startDrill.js";

/** Runs `/drill <text>` for a person in a channel: who may run the subcommand is checked before
 * its arguments are read, then it is parsed and run. The slash command and the facilitator panel
 * on the trigger message both come through here. `expectDrillId`: a panel click names its drill,
 * which must still be the one running in the channel. */
export async function runDrillCommand(deps: SlackDeps, ctx: CommandContext, text: string, expectDrillId?: number): Promise<void> {
  const parseContext = { scenarioIds: [...deps.scenarios.keys()], tags: allTags(deps) };
  const selected = selectSubcommand(text, parseContext);
  if (selected?.permission === "facilitator" && !isFacilitator(deps, ctx.user.id)) {
    await ctx.reply(selected.kind === "start" || selected.kind === "random" ? FACILITATORS_ONLY_TO_START : FACILITATORS_ONLY_FOR_SCHEDULES);
    return;
  }
  const resolved = resolveDrillCommand(text, parseContext);
  // A scenario that exists as a file but failed to load: say exactly why, not "no such scenario".
  const firstWord = text.trim().split(/\s+/)[0] ?? "";
  const why = resolved.command.kind === "invalid" ? deps.service.whySkipped(firstWord) : null;
  if (why) {
    await ctx.reply(skippedText(firstWord, why));
    return;
  }
  if (resolved.command.kind === "invalid" || !resolved.run) {
    // The message quotes what the user typed: escaped, so it can never ping or link.
    const message = escapeMrkdwn(resolved.command.kind === "invalid" ? resolved.command.message : "That command cannot run.");
    await ctx.reply(message, helpBlocks(sortedScenarios(deps), ctx.usage, `:warning: ${message}`));
    return;
  }
  if (resolved.permission !== "drill-controller") {
    await resolved.run(deps, ctx);
    return;
  }
  const kind = resolved.command.kind;
  const drill = await deps.service.runningIn(ctx.channel);
  if (!drill || (expectDrillId !== undefined && drill.state.id !== expectDrillId)) {
    await ctx.reply(
      expectDrillId === undefined ? `No drill is running in this channel, so there is nothing to ${kind}.` : "That drill is over.",
    );
    return;
  }
  // The starter or a named facilitator; a game day (no human starter) anyone here.
  if (!mayControlDrill(deps, ctx.user.id, drill.state.startedBy)) {
    const who = escapeUserText(drill.state.startedBy.name);
    await ctx.reply(
      deps.facilitators.size > 0
        ? `Only ${who}, who started this drill, or a facilitator can ${kind} it.`
        : `Only ${who}, who started this drill, can ${kind} it (no facilitators are configured in DRILLBOT_FACILITATORS).`,
    );
    return;
  }
  await resolved.run(deps, { ...ctx, drill });
}
