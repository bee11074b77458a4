import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import { formatClock } from "../../../domain/duration.js";
import { REFUSAL_TEXT } from "../../../domain/refusals.js";
import { FIRST_MOVE_BLOCK, FIRST_MOVE_INPUT, noticeModal, runbookModal, viewRef } from "../../blocks/drillBlocks.js";
import { personFrom, type SlackDeps } from "../../deps.js";

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** The first-move modal's submit. The answer is written to SQLite before the ack, because the ack
 * itself says whether it was accepted (inline errors); that write takes well under a millisecond. */
export function firstMoveSubmission(deps: SlackDeps) {
  return async ({ ack, view, body }: Args): Promise<void> => {
    const ref = viewRef(view.private_metadata);
    if (ref === null) {
      await ack({
        response_action: "errors",
        errors: { [FIRST_MOVE_BLOCK]: "This form is out of date: open First move again from the drill message." },
      });
      return;
    }
    const text = view.state.values[FIRST_MOVE_BLOCK]?.[FIRST_MOVE_INPUT]?.value ?? "";
    const person = personFrom(body.user);
    const result = await deps.service.submitFirstMove(ref.drillId, person, text, ref.channel);
    if (!result.ok) {
      await ack({ response_action: "errors", errors: { [FIRST_MOVE_BLOCK]: REFUSAL_TEXT[result.reason] } });
      return;
    }
    const drill = result.drill;
    const elapsed = result.firstMove.at - drill.state.startedAt;
    const recorded = `✅ Recorded at *${formatClock(elapsed)}*${elapsed <= drill.state.readWindowMs ? " — inside the read window" : ""}. Nobody sees it until the debrief.`;
    // A quick drill has no tree: the first move is the whole drill.
    const then = drill.scenario.quick
      ? "This is a quick drill: the debrief follows when the drill ends."
      : "Next: walk the 🌳 *Decision tree* from the drill message.";
    const next =
      drill.state.mode === "blind"
        ? runbookModal(drill.scenario, `${recorded}\nHere is the runbook. ${then}`)
        : noticeModal("First move", `${recorded}\n${then}`);
    await ack({ response_action: "update", view: next });
    deps.delivery.noteFirstMove(drill);
  };
}
