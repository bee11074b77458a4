import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { actionItemsBlocks } from "../../blocks/historyBlocks.js";
import { isConfiguredFacilitator, isFacilitator, personFrom, type SlackDeps } from "../../deps.js";

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** "Mark done" on an action item: recorded with who did it; the list is redrawn in place. An
 * item raised in another channel's drill is only a configured facilitator's to close. */
export function markActionDone(deps: SlackDeps) {
  return async ({ ack, action, body, respond }: Args): Promise<void> => {
    await ack();
    const person = personFrom(body.user);
    const refuse = (text: string) => respond({ response_type: "ephemeral", replace_original: false, text });
    if (!isFacilitator(deps, person.id)) {
      await refuse("Only facilitators can mark runbook action items done (DRILLBOT_FACILITATORS).");
      return;
    }
    const channel = body.channel?.id ?? "";
    const item = await deps.actions.getActionItem(Number(action.value));
    if (!item || (item.venue !== channel && !isConfiguredFacilitator(deps, person.id))) {
      await refuse(`There is no action item #${Number(action.value) || "?"} from this channel's drills.`);
      return;
    }
    const done = await deps.actions.markActionItemDone(item.id, person.name, deps.clock.now());
    const everywhere = item.venue !== channel;
    const items = await deps.actions.listActionItems(everywhere ? { status: "open" } : { status: "open", venue: channel });
    await respond({
      response_type: "ephemeral",
      replace_original: true,
      text: done ? `Action item #${item.id} marked done.` : `Action item #${item.id} was already done.`,
      blocks: actionItemsBlocks(items, { done: false, everywhere }),
    });
  };
}
