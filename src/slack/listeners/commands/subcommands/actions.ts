import { actionItemsBlocks } from "../../../blocks/historyBlocks.js";
import { isConfiguredFacilitator } from "../../../deps.js";
import { fail, ok, subcommand } from "../subcommand.js";
import { EVERY_CHANNEL_NEEDS_FACILITATOR } from "./permissions.js";

const WORDS = new Set(["all", "done"]);

export const actions = subcommand({
  kind: "actions",
  matches: (first) => first === "actions",
  usage: [
    {
      syntax: "/drill actions [done] [all]",
      summary: "runbook fixes flagged in this channel's drills (`done`: include done ones; `all`: every channel, facilitators)",
      details: "each open one with a *Mark done* button (facilitators); `all` is for facilitators named in `DRILLBOT_FACILITATORS`",
    },
  ],
  hint: null,
  permission: "anyone",
  parse(words) {
    if (words.lower.length > 2 || words.lower.some((w) => !WORDS.has(w))) {
      return fail(
        "`/drill actions` lists the open action items of this channel's drills; add `done` to include done ones, `all` for every channel (facilitators).",
      );
    }
    return ok({ all: words.lower.includes("all"), done: words.lower.includes("done") });
  },
  /** Flagged runbook steps, each open one with a Mark done button. */
  async handle(deps, ctx, ask: { all: boolean; done: boolean }) {
    if (ask.all && !isConfiguredFacilitator(deps, ctx.user.id)) {
      await ctx.reply(EVERY_CHANNEL_NEEDS_FACILITATOR("`/drill actions all`"));
      return;
    }
    const items = await deps.actions.listActionItems({
      ...(ask.done ? {} : { status: "open" as const }),
      ...(ask.all ? {} : { venue: ctx.channel }),
    });
    await ctx.reply(`${items.length} action item(s)`, actionItemsBlocks(items, { done: ask.done, everywhere: ask.all }));
  },
});
