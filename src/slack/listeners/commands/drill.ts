import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import type { Block } from "../../blocks/limits.js";
import type { SlackDeps } from "../../deps.js";
import type { CommandContext } from "./context.js";
import { runDrillCommand } from "./runDrillCommand.js";
import { usageLines } from "./subcommands/index.js";

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** `/drill …`: ack, then run the subcommand. Every reply about the command is ephemeral; the
 * drill itself is public. */
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
    await runDrillCommand(deps, ctx, command.text ?? "");
  };
}
