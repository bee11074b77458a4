import { schedulesBlocks } from "../../../blocks/historyBlocks.js";
import { isConfiguredFacilitator } from "../../../deps.js";
import { fail, ok, subcommand } from "../subcommand.js";
import { EVERY_CHANNEL_NEEDS_FACILITATOR } from "./permissions.js";

export const schedules = subcommand({
  kind: "schedules",
  matches: (first) => first === "schedules",
  usage: [
    {
      syntax: "/drill schedules [all]",
      summary: "this channel's game days (`all`: every channel, facilitators)",
      details: "with the next run in your local time; `all` is for facilitators named in `DRILLBOT_FACILITATORS`",
    },
  ],
  hint: null,
  permission: "anyone",
  parse(words) {
    if (words.lower.length === 0) return ok({ all: false });
    return words.lower.length === 1 && words.lower[0] === "all"
      ? ok({ all: true })
      : fail("`/drill schedules` lists this channel's game days; `/drill schedules all` lists every channel's (facilitators).");
  },
  /** Active game days with the next run in the reader's local time. */
  async handle(deps, ctx, args: { all: boolean }) {
    if (args.all && !isConfiguredFacilitator(deps, ctx.user.id)) {
      await ctx.reply(EVERY_CHANNEL_NEEDS_FACILITATOR("`/drill schedules all`"));
      return;
    }
    const found = await deps.schedules.listSchedules(args.all ? { active: true } : { active: true, channel: ctx.channel });
    await ctx.reply(
      `${found.length} game day(s)`,
      schedulesBlocks(
        found.map((s) => ({ schedule: s, nextRun: deps.gameDays.nextRun(s) })),
        args.all ? "every channel" : "this channel",
      ),
    );
  },
});
