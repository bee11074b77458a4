import { noArguments, subcommand } from "../subcommand.js";

export const end = subcommand({
  kind: "end",
  matches: (first) => first === "end",
  usage: [
    {
      syntax: "/drill end",
      summary: "end the drill and post the debrief (the starter or a facilitator)",
      details: "anyone in the channel for a game day",
    },
  ],
  hint: "end",
  permission: "drill-controller",
  parse: noArguments("end"),
  async handle(deps, ctx) {
    const ended = await deps.drills.finish(ctx.drill.state.id, ctx.user.name, "manual");
    if (!ended.ok) await ctx.reply("This drill has already ended.");
  },
});
