import { MAX_EXTENSION_MINUTES } from "../../../../domain/drill.js";
import { drillEndsPhrase } from "../../../blocks/drillBlocks.js";
import { escapeUserText } from "../../../blocks/text.js";
import { fail, ok, subcommand } from "../subcommand.js";
import { afterControl } from "./controlReply.js";

export const extend = subcommand({
  kind: "extend",
  matches: (first) => first === "extend",
  usage: [
    {
      syntax: "/drill extend <minutes>",
      summary: "give the running drill more time (1–60 minutes; the starter or a facilitator)",
      details: "its time limit moves, its timers follow, and the thread says so",
    },
  ],
  hint: null,
  permission: "drill-controller",
  parse(words) {
    const minutes = Number(words.lower[0]?.replace(/m(in(utes?)?)?$/, ""));
    if (words.lower.length !== 1 || !Number.isInteger(minutes) || minutes < 1 || minutes > MAX_EXTENSION_MINUTES) {
      return fail(`Say how many minutes, 1 to ${MAX_EXTENSION_MINUTES}: \`/drill extend 10\`.`);
    }
    return ok({ minutes });
  },
  async handle(deps, ctx, args: { minutes: number }) {
    const result = await deps.drills.control(ctx.drill.state.id, (drill) => drill.extend(ctx.user, args.minutes));
    await afterControl(deps, ctx, result, (drill) => ({
      // One thread line per timeline event (two controls in the same millisecond are still two lines).
      key: `drill:${drill.state.id}:extended:${drill.state.events.length}`,
      text: `⏳ ${escapeUserText(ctx.user.name)} gave the drill ${args.minutes} more minute(s): ${drillEndsPhrase(drill, true)}.`,
      confirm: `Extended by ${args.minutes} min.`,
    }));
  },
});
