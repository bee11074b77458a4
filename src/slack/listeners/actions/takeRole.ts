import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs, StaticSelectAction } from "@slack/bolt";
import { REFUSAL_TEXT } from "../../../domain/refusals.js";
import { escapeMrkdwn } from "../../blocks/text.js";
import { personFrom, type SlackDeps } from "../../deps.js";

type Args = SlackActionMiddlewareArgs<BlockAction<StaticSelectAction>> & AllMiddlewareArgs;

/** "🎭 Take a role" on the trigger message: one person per role, changeable until the first move.
 * The trigger message shows who holds which (coalesced update). */
export function takeRole(deps: SlackDeps) {
  return async ({ ack, action, body, respond }: Args): Promise<void> => {
    await ack();
    const [roleId = "", drillId = ""] = action.selected_option.value.split(":");
    const person = personFrom(body.user);
    const result = await deps.service.takeRole(Number(drillId), person, roleId === "-" ? null : roleId, body.channel?.id);
    const reply = (text: string) => respond({ response_type: "ephemeral", replace_original: false, text });
    if (!result.ok) {
      await reply(REFUSAL_TEXT[result.reason]);
      return;
    }
    deps.delivery.changed(result.drill);
    await reply(
      result.role
        ? `You are *${escapeMrkdwn(result.role.name)}* in this drill. Your first move is judged as theirs; you can change role until you state it.`
        : "You hold no role in this drill.",
    );
  };
}
