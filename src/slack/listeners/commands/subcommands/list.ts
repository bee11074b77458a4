import { listBlocks } from "../../../blocks/helpBlocks.js";
import { sortedScenarios } from "../../../deps.js";
import { fail, ok, subcommand } from "../subcommand.js";

export const list = subcommand({
  kind: "list",
  matches: (first) => first === "list",
  usage: [{ syntax: "/drill list [tag]", summary: "the scenarios", details: "optionally only those with a tag (`/drill list security`)" }],
  hint: "list [tag]",
  permission: "anyone",
  parse(words, { tags }) {
    if (words.lower.length > 1) return fail("`/drill list [tag]` takes at most one tag.");
    const tag = words.lower[0];
    if (tag !== undefined && !tags.includes(tag))
      return fail(`No scenario has the tag \`${tag}\`. Tags: ${tags.map((t) => `\`${t}\``).join(", ")}.`);
    return ok(tag === undefined ? {} : { tag });
  },
  async handle(deps, ctx, args: { tag?: string }) {
    const scenarios = sortedScenarios(deps, args.tag);
    await ctx.reply(`${scenarios.length} scenarios`, listBlocks(scenarios, args.tag));
  },
});
