import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { REFUSAL_TEXT } from "../../../domain/refusals.js";
import { noticeModal, runbookModal } from "../../blocks/drillBlocks.js";
import type { SlackDeps } from "../../deps.js";
import { openView } from "../../views.js";

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** "Runbook": open at once in read mode; in blind mode only after this person's first move. */
export function openRunbook(deps: SlackDeps) {
  return async ({ ack, action, body, client }: Args): Promise<void> => {
    await ack();
    // Only this person's records: whether they answered is all the modal needs.
    const drill = await deps.service.load(Number(action.value), body.user.id);
    const view = !drill
      ? noticeModal("Runbook", "This drill no longer exists.")
      : body.channel?.id !== undefined && drill.state.venue !== body.channel.id
        ? noticeModal("Runbook", REFUSAL_TEXT.wrong_venue)
        : drill.runbookVisibleTo(body.user.id)
          ? runbookModal(drill.scenario)
          : noticeModal("Runbook", "*Blind mode:* the runbook opens after you state your first move. Use ✍️ *First move* first.");
    await openView(client, body.trigger_id, view);
  };
}
