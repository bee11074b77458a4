import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { REFUSAL_TEXT } from "../../../domain/refusals.js";
import { parseReviewValue, REVIEW_ACTIONS } from "../../blocks/debriefBlocks.js";
import { escapeMrkdwn } from "../../blocks/text.js";
import { isConfiguredFacilitator, personFrom, type SlackDeps } from "../../deps.js";
import { GAME_DAY_STARTER } from "../../gameDaySlack.js";

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** Who may accept or reject answers: the facilitators, or, when none are configured, the person
 * who started the drill (not everyone: a verdict is not a vote). */
export function mayReview(deps: SlackDeps, userId: string, startedById: string): boolean {
  return deps.facilitators.size > 0 ? deps.facilitators.has(userId) : userId === startedById;
}

/** Accept / Reject on an answer in the debrief: recorded (who, when, before and after), then the
 * debrief and the channel summary are redrawn in place with every figure following the decision. */
export function reviewFirstMove(deps: SlackDeps) {
  return async ({ ack, action, body, respond }: Args): Promise<void> => {
    await ack();
    const person = personFrom(body.user);
    const target = parseReviewValue(action.value);
    const reply = (text: string) => respond({ response_type: "ephemeral", replace_original: false, text });
    const drill = target ? await deps.service.load(target.drillId) : null;
    if (!target || !drill) {
      await reply("That drill is no longer in the database.");
      return;
    }
    // Decided where the drill ran (its debrief thread); elsewhere only by a named facilitator.
    const channel = body.channel?.id;
    if (channel !== undefined && channel !== drill.state.venue && !isConfiguredFacilitator(deps, person.id)) {
      await reply("Decide on answers in the drill's own debrief thread.");
      return;
    }
    if (!mayReview(deps, person.id, drill.state.startedBy.id)) {
      await reply(
        deps.facilitators.size > 0
          ? "Only facilitators (DRILLBOT_FACILITATORS) can accept or reject answers."
          : drill.state.startedBy.id === GAME_DAY_STARTER.id
            ? `This game-day drill was started by drillbot, and no facilitators are configured: set DRILLBOT_FACILITATORS, or decide at a terminal with \`drillbot review ${drill.state.id}\`.`
            : `Only ${escapeMrkdwn(drill.state.startedBy.name)}, who started this drill, can accept or reject answers (no facilitators are configured).`,
      );
      return;
    }
    const correct = action.action_id === REVIEW_ACTIONS.accept;
    const result = await deps.service.overrideScore(target.drillId, target.userId, correct, person, "slack");
    if (!result.ok) {
      await reply(REFUSAL_TEXT[result.reason]);
      return;
    }
    const name = drill.responder(target.userId)?.user.name ?? target.userId;
    try {
      await deps.delivery.refreshDebrief(deps.team, target.drillId);
    } catch (error) {
      deps.logger.warn(`debrief of drill #${target.drillId} not redrawn after a review:`, error);
      await reply(`Recorded, but the debrief could not be redrawn just now: \`drillbot debrief ${target.drillId}\` shows it.`);
      return;
    }
    const change = result.before === correct ? "confirmed" : "changed";
    await reply(`${correct ? "Accepted" : "Rejected"} ${escapeMrkdwn(name)}'s first move (${change}); the debrief is updated.`);
  };
}
