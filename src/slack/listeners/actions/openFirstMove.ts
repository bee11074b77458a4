import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { formatClock } from "../../../domain/duration.js";
import { REFUSAL_TEXT } from "../../../domain/refusals.js";
import { firstMoveModal, noticeModal } from "../../blocks/drillBlocks.js";
import type { SlackDeps } from "../../deps.js";
import { openView } from "../../views.js";

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** "First move": the one-sentence modal, or a kind note if this person already answered. */
export function openFirstMove(deps: SlackDeps) {
  return async ({ ack, action, body, client }: Args): Promise<void> => {
    await ack();
    // Only this person's records: whether they answered is all the modal needs.
    const drill = await deps.service.load(Number(action.value), body.user.id);
    let view = drill ? firstMoveModal(drill, body.user.id) : noticeModal("First move", "This drill no longer exists.");
    if (drill && body.channel?.id !== undefined && drill.state.venue !== body.channel.id) {
      view = noticeModal("First move", REFUSAL_TEXT.wrong_venue);
      await openView(client, body.trigger_id, view);
      return;
    }
    const answered = drill?.responder(body.user.id)?.firstMove;
    if (drill?.isPaused) view = noticeModal("First move", REFUSAL_TEXT.paused);
    else if (drill && !drill.isOpen)
      view = noticeModal("First move", "This drill is over: answers are closed. The debrief is in the thread.");
    else if (drill && answered) {
      view = noticeModal(
        "First move",
        `You already stated your first move at ${formatClock(drill.drillTimeAt(answered.at))}. One per person: it stays blind until the debrief. Walk the 🌳 Decision tree next.`,
      );
    }
    await openView(client, body.trigger_id, view);
  };
}
