import { formatClock } from "../../../../domain/duration.js";
import { slackTime } from "../../../blocks/drillBlocks.js";
import { escapeUserText } from "../../../blocks/text.js";
import { noArguments, subcommand } from "../subcommand.js";
import { afterControl } from "./controlReply.js";

export const resume = subcommand({
  kind: "resume",
  matches: (first) => first === "resume",
  usage: [{ syntax: "/drill resume", summary: "start a paused drill's clock again where it stopped (the starter or a facilitator)" }],
  hint: null,
  permission: "drill-controller",
  parse: noArguments("resume"),
  async handle(deps, ctx) {
    const result = await deps.drills.control(ctx.drill.state.id, (drill) => drill.resume(ctx.user));
    await afterControl(deps, ctx, result, (drill) => ({
      key: `drill:${drill.state.id}:resumed:${deps.clock.now()}`,
      text: `▶️ ${escapeUserText(ctx.user.name)} resumed the drill${result.ok ? ` after ${formatClock(result.pausedMs)}` : ""}: it now ends at ${slackTime(drill.endsAt)}.`,
      confirm: "Resumed.",
    }));
  },
});
