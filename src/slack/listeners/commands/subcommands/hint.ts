import { escapeMrkdwn, escapeUserText } from "../../../blocks/text.js";
import { noArguments, subcommand } from "../subcommand.js";
import { afterControl } from "./controlReply.js";

export const hint = subcommand({
  kind: "hint",
  matches: (first) => first === "hint",
  usage: [
    {
      syntax: "/drill hint",
      summary: "post the scenario's hint (or the runbook's immediate verification) in the thread (the starter or a facilitator)",
      details: "once per drill; the debrief marks who answered after it",
    },
  ],
  hint: null,
  permission: "drill-controller",
  parse: noArguments("hint"),
  async handle(deps, ctx) {
    const result = await deps.drills.control(ctx.drill.state.id, (drill) => drill.hint(ctx.user));
    await afterControl(deps, ctx, result, (drill) => ({
      key: `drill:${drill.state.id}:hint`,
      text: `💡 *Hint* from ${escapeUserText(ctx.user.name)}:\n${escapeMrkdwn(result.ok ? result.text : "")}`,
      confirm: "Hint posted in the thread.",
    }));
  },
});
