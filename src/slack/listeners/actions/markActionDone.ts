import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { actionItemsBlocks } from "../../blocks/historyBlocks.js";
import { isFacilitator, personFrom, type SlackDeps } from "../../deps.js";

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** "Mark done" on an action item: recorded with who did it; the list is redrawn in place. */
export function markActionDone(deps: SlackDeps) {
  return async ({ ack, action, body, respond }: Args): Promise<void> => {
    await ack();
    const person = personFrom(body.user);
    if (!isFacilitator(deps, person.id)) {
      await respond({
        response_type: "ephemeral",
        replace_original: false,
        text: "Only facilitators can mark runbook action items done (DRILLBOT_FACILITATORS).",
      });
      return;
    }
    const done = await deps.actions.markActionItemDone(Number(action.value), person.name, deps.clock.now());
    const items = await deps.actions.listActionItems({ status: "open" });
    await respond({
      response_type: "ephemeral",
      replace_original: true,
      text: done ? `Action item #${action.value} marked done.` : `Action item #${action.value} was already done.`,
      blocks: actionItemsBlocks(items, false),
    });
  };
}
