import { helpBlocks } from "../../../blocks/helpBlocks.js";
import { sortedScenarios } from "../../../deps.js";
import { ok, subcommand } from "../subcommand.js";

export const help = subcommand({
  kind: "help",
  matches: (first) => first === "help",
  usage: [{ syntax: "/drill help", summary: "this help: usage and the scenario list (only you see it; `/drill` alone does the same)" }],
  hint: "help",
  permission: "anyone",
  parse: () => ok({}),
  async handle(deps, ctx) {
    await ctx.reply(
      "drillbot: /drill <scenario> [read|blind] · list · random · status · end · cancel",
      helpBlocks(sortedScenarios(deps), ctx.usage),
    );
  },
});
