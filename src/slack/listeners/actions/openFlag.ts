import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { noticeModal } from "../../blocks/drillBlocks.js";
import { flagModal } from "../../blocks/historyBlocks.js";
import type { SlackDeps } from "../../deps.js";

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** "🚩 Flag runbook": a modal to say which runbook part is wrong or unclear. */
export function openFlag(deps: SlackDeps) {
  return async ({ ack, action, body, client }: Args): Promise<void> => {
    await ack();
    const drill = await deps.service.load(Number(action.value));
    const view = drill ? flagModal(drill.state.id, drill.scenario.title) : noticeModal("Flag the runbook", "This drill no longer exists.");
    await client.views.open({ trigger_id: body.trigger_id, view });
  };
}
