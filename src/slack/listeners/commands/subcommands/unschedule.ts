import { isConfiguredFacilitator } from "../../../deps.js";
import { fail, ok, subcommand } from "../subcommand.js";

export const unschedule = subcommand({
  kind: "unschedule",
  matches: (first) => first === "unschedule",
  usage: [{ syntax: "/drill unschedule <id>", summary: "remove a game day (facilitators)", details: "its history is kept" }],
  hint: null,
  permission: "facilitator",
  parse(words) {
    const id = Number(words.lower[0]?.replace(/^#/, ""));
    if (words.lower.length !== 1 || !Number.isInteger(id) || id <= 0) {
      return fail("Say which schedule: `/drill unschedule 3` (`/drill schedules` lists their ids).");
    }
    return ok({ id });
  },
  async handle(deps, ctx, args: { id: number }) {
    const schedule = await deps.schedules.getSchedule(args.id);
    // Another channel's schedule is only a named facilitator's to remove.
    const reachable = schedule && (schedule.channel === ctx.channel || isConfiguredFacilitator(deps, ctx.user.id));
    if (!schedule?.active || !reachable || !(await deps.schedules.deactivateSchedule(args.id))) {
      await ctx.reply(`There is no active game day #${args.id}. \`/drill schedules\` lists them.`);
      return;
    }
    deps.gameDays.disarm(args.id);
    await ctx.reply(`Game day #${args.id} is unscheduled; its history is kept.`);
  },
});
