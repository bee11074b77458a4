import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { REFUSAL_TEXT } from "../../../domain/refusals.js";
import { noticeModal, treeView } from "../../blocks/drillBlocks.js";
import { personFrom, type SlackDeps } from "../../deps.js";
import { openView } from "../../views.js";

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** "Decision tree": opens the walk where this responder stands (the start, or where they left off). */
export function openTree(deps: SlackDeps) {
  return async ({ ack, action, body, client }: Args): Promise<void> => {
    await ack();
    const person = personFrom(body.user);
    const result = await deps.service.position(Number(action.value), person, body.channel?.id);
    const view = result.ok
      ? treeView(result.drill, result.position, (result.drill.responder(person.id)?.steps.length ?? 0) + 1)
      : noticeModal("Decision tree", REFUSAL_TEXT[result.reason]);
    await openView(client, body.trigger_id, view);
  };
}
