import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { REFUSAL_TEXT } from "../../../domain/refusals.js";
import { personFrom, type SlackDeps } from "../../deps.js";

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** "I'm on it": recorded once per person; the trigger message shows them (coalesced update). */
export function ackDrill(deps: SlackDeps) {
  return async ({ ack, action, body, respond }: Args): Promise<void> => {
    await ack();
    const result = await deps.service.ack(Number(action.value), personFrom(body.user), body.channel?.id);
    if (!result.ok) {
      await respond({ response_type: "ephemeral", replace_original: false, text: REFUSAL_TEXT[result.reason] });
      return;
    }
    if (result.first) deps.delivery.changed(result.drill);
  };
}
