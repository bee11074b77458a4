import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { REFUSAL_TEXT } from "../../../domain/refusals.js";
import { noticeModal } from "../../blocks/drillBlocks.js";
import { flagModal } from "../../blocks/historyBlocks.js";
import type { SlackDeps } from "../../deps.js";
import { openView } from "../../views.js";

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export const FLAGS_CLOSED = "This drill is over: runbook flags are taken while a drill runs. Its debrief lists the flags raised during it.";

/** "🚩 Flag runbook": a modal to say which runbook part is wrong or unclear, while the drill runs. */
export function openFlag(deps: SlackDeps) {
  return async ({ ack, action, body, client }: Args): Promise<void> => {
    await ack();
    const drill = await deps.service.load(Number(action.value), body.user.id);
    const view = !drill
      ? noticeModal("Flag the runbook", "This drill no longer exists.")
      : body.channel?.id !== undefined && drill.state.venue !== body.channel.id
        ? noticeModal("Flag the runbook", REFUSAL_TEXT.wrong_venue)
        : drill.state.status !== "running"
          ? noticeModal("Flag the runbook", FLAGS_CLOSED)
          : flagModal(drill.state.id, drill.scenario.title, drill.state.venue);
    await openView(client, body.trigger_id, view);
  };
}
