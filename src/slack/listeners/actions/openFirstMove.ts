import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs, types } from "@slack/bolt";
import type { Drill } from "../../../domain/drill.js";
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
    // The drill and the view are made in a helper that has returned by the time the modal is
    // opened, so neither is kept alive until Slack answers: in a game day's stampede hundreds of
    // these calls are in flight at once.
    await openView(client, body.trigger_id, await viewFor(deps, Number(action.value), body.user.id, body.channel?.id));
  };
}

async function viewFor(deps: SlackDeps, drillId: number, userId: string, channelId: string | undefined): Promise<types.View> {
  // Only this person's records: whether they answered is all the modal needs.
  return firstMoveView(await deps.service.load(drillId, userId), userId, channelId);
}

function firstMoveView(drill: Drill | null, userId: string, channelId: string | undefined): types.View {
  if (!drill) return noticeModal("First move", "This drill no longer exists.");
  if (channelId !== undefined && drill.state.venue !== channelId) return noticeModal("First move", REFUSAL_TEXT.wrong_venue);
  if (drill.isPaused) return noticeModal("First move", REFUSAL_TEXT.paused);
  if (!drill.isOpen) return noticeModal("First move", "This drill is over: answers are closed. The debrief is in the thread.");
  const answered = drill.responder(userId)?.firstMove;
  if (answered) {
    return noticeModal(
      "First move",
      `You already stated your first move at ${formatClock(drill.drillTimeAt(answered.at))}. One per person: it stays blind until the debrief. Walk the 🌳 Decision tree next.`,
    );
  }
  return firstMoveModal(drill, userId);
}
