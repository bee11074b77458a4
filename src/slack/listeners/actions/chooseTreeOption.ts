import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { REFUSAL_TEXT } from "../../../domain/refusals.js";
import { noticeModal, treeView, viewRef } from "../../blocks/drillBlocks.js";
import { personFrom, type SlackDeps } from "../../deps.js";
import { updateView } from "../../views.js";

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** A choice in the decision-tree modal: recorded, then the modal moves to the next node. */
export function chooseTreeOption(deps: SlackDeps) {
  return async ({ ack, action, body, client }: Args): Promise<void> => {
    await ack();
    const viewId = body.view?.id;
    if (!viewId) return;
    let choice: { d: number; n: string; o: string };
    try {
      choice = JSON.parse(action.value ?? "") as { d: number; n: string; o: string };
    } catch {
      return; // not a button we built
    }
    const person = personFrom(body.user);
    // The button must belong to the drill of the modal it sits in, and that drill to its channel.
    const ref = viewRef(body.view?.private_metadata ?? "");
    if (ref && ref.drillId !== Number(choice.d)) return;
    const result = await deps.service.choose(Number(choice.d), person, String(choice.n), String(choice.o), ref?.channel);
    if (result.ok) {
      const step = (result.drill.responder(person.id)?.steps.length ?? 0) + 1;
      await updateView(client, viewId, treeView(result.drill, result.position, step, result.option));
      return;
    }
    // A double click or a stale modal: show where this responder really stands.
    const here = await deps.service.position(Number(choice.d), person);
    const view =
      result.reason === "stale_node" && here.ok
        ? treeView(here.drill, here.position, (here.drill.responder(person.id)?.steps.length ?? 0) + 1)
        : noticeModal("Decision tree", REFUSAL_TEXT[result.reason]);
    await updateView(client, viewId, view);
  };
}
