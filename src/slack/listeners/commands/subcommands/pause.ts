import { escapeUserText } from "../../../blocks/text.js";
import { noArguments, subcommand } from "../subcommand.js";
import { afterControl } from "./controlReply.js";

export const pause = subcommand({
  kind: "pause",
  matches: (first) => first === "pause",
  usage: [
    {
      syntax: "/drill pause",
      summary: "freeze the running drill's clock: read window, injects and time limit (the starter or a facilitator)",
      details: "responders see it paused and their answers wait; `/drill resume` starts it again",
    },
  ],
  hint: null,
  permission: "drill-controller",
  parse: noArguments("pause"),
  async handle(deps, ctx) {
    const result = await deps.drills.control(ctx.drill.state.id, (drill) => drill.pause(ctx.user));
    await afterControl(deps, ctx, result, (drill) => ({
      // One thread line per timeline event (two controls in the same millisecond are still two lines).
      key: `drill:${drill.state.id}:paused:${drill.state.events.length}`,
      text: `⏸ ${escapeUserText(ctx.user.name)} paused the drill: its clock is stopped (read window, injects, time limit). Answers wait until it resumes.`,
      confirm: "Paused. `/drill resume` starts the clock again.",
    }));
  },
});
