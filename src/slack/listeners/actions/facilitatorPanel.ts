import type { AllMiddlewareArgs, BlockAction, OverflowAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { panelCommand } from "../../blocks/drillBlocks.js";
import type { SlackDeps } from "../../deps.js";
import { runDrillCommand } from "../commands/runDrillCommand.js";
import { usageLines } from "../commands/subcommands/index.js";

type Args = SlackActionMiddlewareArgs<BlockAction<OverflowAction>> & AllMiddlewareArgs;

/** The ⋯ menu on the trigger message: each option runs the /drill subcommand of the same name,
 * with the same permission check (the starter or a facilitator), for the drill it belongs to. */
export function facilitatorPanel(deps: SlackDeps) {
  return async ({ ack, action, body, respond }: Args): Promise<void> => {
    await ack();
    const [operation = "", drillId = ""] = (action.selected_option?.value ?? "").split(":");
    const text = panelCommand(operation);
    const channel = body.channel?.id;
    if (!text || !channel) return; // not an option we built
    const reply = (message: string) => respond({ response_type: "ephemeral", replace_original: false, text: message });
    const user = { id: body.user.id, name: body.user.username ?? body.user.name ?? body.user.id };
    await runDrillCommand(deps, { user, channel, reply, usage: usageLines() }, text, Number(drillId));
  };
}
