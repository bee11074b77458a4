import { deferredRubricErrors } from "../../../../catalog/catalog.js";
import type { DrillMode } from "../../../../domain/drillState.js";
import { sortedScenarios } from "../../../deps.js";
import { fail, isMode, ok, subcommand } from "../subcommand.js";
import { startDrill } from "./startDrill.js";

export const random = subcommand({
  kind: "random",
  matches: (first) => first === "random",
  usage: [
    { syntax: "/drill random [tag] [read|blind]", summary: "start a drill on a random scenario, optionally with a tag such as `security`" },
  ],
  hint: "random [tag]",
  permission: "facilitator",
  parse(words, { tags }) {
    let mode: DrillMode = "read";
    let tag: string | undefined;
    for (const word of words.lower) {
      if (isMode(word)) mode = word;
      else if (tag === undefined && tags.includes(word)) tag = word;
      else
        return fail(
          `\`${word}\` is neither a tag nor a mode. Try \`/drill random ${tags[0] ?? "sre"} blind\`; tags: ${tags.map((t) => `\`${t}\``).join(", ")}.`,
        );
    }
    return ok(tag === undefined ? { mode } : { tag, mode });
  },
  async handle(deps, ctx, args: { tag?: string; mode: DrillMode }) {
    // A scenario whose rubric lint rejects would refuse to start: not one to pick.
    const pool = sortedScenarios(deps, args.tag).filter((s) => deferredRubricErrors(s).length === 0);
    const picked = pool[Math.floor(deps.random() * pool.length)];
    if (!picked) {
      await ctx.reply("There is no scenario to pick from.");
      return;
    }
    await startDrill(
      deps,
      ctx,
      picked.id,
      args.mode,
      `Picked \`${picked.id}\` at random${args.tag ? ` from the \`${args.tag}\` scenarios` : ""}.`,
    );
  },
});
