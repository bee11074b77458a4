import { noArguments, subcommand } from "../subcommand.js";

export const cancel = subcommand({
  kind: "cancel",
  matches: (first) => first === "cancel",
  usage: [
    { syntax: "/drill cancel", summary: "stop the drill with no debrief", details: "recorded as cancelled; the same people as `end`" },
  ],
  hint: "cancel",
  permission: "drill-controller",
  parse: noArguments("cancel"),
  async handle(deps, ctx) {
    if (!(await deps.drills.cancel(ctx.drill.state.id, ctx.user))) await ctx.reply("This drill has already ended.");
  },
});
