import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { helpBlocks } from "../../blocks/helpBlocks.js";
import type { Block } from "../../blocks/limits.js";
import { escapeMrkdwn, escapeUserText } from "../../blocks/text.js";
import { allTags, isFacilitator, mayControlDrill, type SlackDeps, sortedScenarios } from "../../deps.js";
import type { CommandContext } from "./context.js";
import { resolveDrillCommand, selectSubcommand, usageLines } from "./subcommands/index.js";
import { FACILITATORS_ONLY_FOR_SCHEDULES, FACILITATORS_ONLY_TO_START } from "./subcommands/permissions.js";
import { skippedText } from "./subcommands/startDrill.js";

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** `/drill …`: ack, check who may run the subcommand (before reading its arguments), parse it,
 * run it. Every reply about the command is ephemeral; the drill itself is public. */
export function drillCommand(deps: SlackDeps) {
  return async ({ ack, command, respond }: Args): Promise<void> => {
    await ack();
    const reply = (text: string, blocks?: Block[]) => respond({ response_type: "ephemeral", text, ...(blocks ? { blocks } : {}) });
    const ctx: CommandContext = {
      user: { id: command.user_id, name: command.user_name },
      channel: command.channel_id,
      reply,
      usage: usageLines(),
    };
    const text = command.text ?? "";
    const parseContext = { scenarioIds: [...deps.scenarios.keys()], tags: allTags(deps) };

    const selected = selectSubcommand(text, parseContext);
    if (selected?.permission === "facilitator" && !isFacilitator(deps, ctx.user.id)) {
      await reply(selected.kind === "start" || selected.kind === "random" ? FACILITATORS_ONLY_TO_START : FACILITATORS_ONLY_FOR_SCHEDULES);
      return;
    }
    const resolved = resolveDrillCommand(text, parseContext);
    // A scenario that exists as a file but failed to load: say exactly why, not "no such scenario".
    const firstWord = text.trim().split(/\s+/)[0] ?? "";
    const why = resolved.command.kind === "invalid" ? deps.service.whySkipped(firstWord) : null;
    if (why) {
      await reply(skippedText(firstWord, why));
      return;
    }
    if (resolved.command.kind === "invalid" || !resolved.run) {
      // The message quotes what the user typed: escaped, so it can never ping or link.
      const message = escapeMrkdwn(resolved.command.kind === "invalid" ? resolved.command.message : "That command cannot run.");
      await reply(message, helpBlocks(sortedScenarios(deps), ctx.usage, `:warning: ${message}`));
      return;
    }
    if (resolved.permission === "drill-controller") {
      const kind = resolved.command.kind;
      const drill = await deps.service.runningIn(ctx.channel);
      if (!drill) {
        await reply(`No drill is running in this channel, so there is nothing to ${kind}.`);
        return;
      }
      // The starter or a named facilitator; a game day (no human starter) anyone here.
      if (!mayControlDrill(deps, ctx.user.id, drill.state.startedBy)) {
        const who = escapeUserText(drill.state.startedBy.name);
        await reply(
          deps.facilitators.size > 0
            ? `Only ${who}, who started this drill, or a facilitator can ${kind} it.`
            : `Only ${who}, who started this drill, can ${kind} it (no facilitators are configured in DRILLBOT_FACILITATORS).`,
        );
        return;
      }
      await resolved.run(deps, { ...ctx, drill });
      return;
    }
    await resolved.run(deps, ctx);
  };
}
