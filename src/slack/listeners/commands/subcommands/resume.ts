import { formatClock } from "../../../../domain/duration.js";
import { drillEndsPhrase } from "../../../blocks/drillBlocks.js";
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
      // One thread line per timeline event (two controls in the same millisecond are still two lines).
      key: `drill:${drill.state.id}:resumed:${drill.state.events.length}`,
      text: `▶️ ${escapeUserText(ctx.user.name)} resumed the drill${result.ok ? ` after ${formatClock(result.pausedMs)}` : ""}: ${drillEndsPhrase(drill, true)}.`,
      confirm: "Resumed.",
    }));
  },
});
