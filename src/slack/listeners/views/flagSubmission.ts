import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import { REFUSAL_TEXT } from "../../../domain/refusals.js";
import { RUNBOOK_PARTS, type RunbookPart } from "../../../domain/scenario.js";
import { noticeModal, viewRef } from "../../blocks/drillBlocks.js";
import { FLAG_BLOCKS } from "../../blocks/historyBlocks.js";
import { personFrom, type SlackDeps } from "../../deps.js";
import { FLAGS_CLOSED } from "../actions/openFlag.js";

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** A runbook flag becomes an action item, stored before the modal closes. */
export function flagSubmission(deps: SlackDeps) {
  return async ({ ack, view, body }: Args): Promise<void> => {
    const values = view.state.values;
    const part = values[FLAG_BLOCKS.part]?.value?.selected_option?.value as RunbookPart | undefined;
    const kind = values[FLAG_BLOCKS.kind]?.value?.selected_option?.value === "wrong" ? "wrong" : "unclear";
    const text = (values[FLAG_BLOCKS.text]?.value?.value ?? "").trim();
    if (!part || !RUNBOOK_PARTS.includes(part)) {
      await ack({ response_action: "errors", errors: { [FLAG_BLOCKS.part]: "Pick the runbook part." } });
      return;
    }
    if (text.length > 1000) {
      await ack({
        response_action: "errors",
        errors: { [FLAG_BLOCKS.text]: "Keep it under 1000 characters: one step, what is wrong, what it should say." },
      });
      return;
    }
    if (text === "") {
      await ack({ response_action: "errors", errors: { [FLAG_BLOCKS.text]: "Say what is wrong or unclear, in a sentence." } });
      return;
    }
    const ref = viewRef(view.private_metadata);
    if (ref === null) {
      await ack({
        response_action: "errors",
        errors: { [FLAG_BLOCKS.text]: "This form is out of date: flag again from the drill message." },
      });
      return;
    }
    const drillId = ref.drillId;
    const drill = await deps.service.load(drillId, body.user.id);
    if (!drill) {
      await ack({ response_action: "errors", errors: { [FLAG_BLOCKS.text]: "This drill no longer exists." } });
      return;
    }
    if (ref.channel !== undefined && ref.channel !== drill.state.venue) {
      await ack({ response_action: "errors", errors: { [FLAG_BLOCKS.text]: REFUSAL_TEXT.wrong_venue } });
      return;
    }
    if (drill.state.status !== "running") {
      await ack({ response_action: "errors", errors: { [FLAG_BLOCKS.text]: FLAGS_CLOSED } });
      return;
    }
    const item = await deps.actions.addActionItem({
      drillId,
      scenarioId: drill.scenario.id,
      runbook: drill.scenario.runbookRef,
      part,
      kind,
      text,
      raisedBy: personFrom(body.user),
      raisedAt: deps.clock.now(),
    });
    await ack({
      response_action: "update",
      view: noticeModal(
        "Flag the runbook",
        `Thanks: action item *#${item.id}* is recorded for \`${drill.scenario.runbookRef}\`. It is listed in the debrief and in \`/drill actions\`.`,
      ),
    });
  };
}
