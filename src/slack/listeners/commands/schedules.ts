import { describeSchedule, schedulesBlocks } from "../../blocks/historyBlocks.js";
import type { DrillCommand } from "../../commandParser.js";
import { isConfiguredFacilitator, isFacilitator, type SlackDeps } from "../../deps.js";
import type { CommandContext } from "./context.js";

export const FACILITATORS_ONLY = "Only facilitators can change game-day schedules in this workspace (DRILLBOT_FACILITATORS).";

/** `/drill schedule …`: stored, armed in its time zone, confirmed with the next run. */
export async function scheduleGameDay(
  deps: SlackDeps,
  ctx: CommandContext,
  command: Extract<DrillCommand, { kind: "schedule" }>,
): Promise<void> {
  if (!isFacilitator(deps, ctx.user.id)) {
    await ctx.reply(FACILITATORS_ONLY);
    return;
  }
  const schedule = await deps.schedules.createSchedule({
    channel: ctx.channel,
    cron: command.cron,
    timezone: command.timezone,
    scenario: command.scenario,
    mode: command.mode,
    headsUp: command.headsUp,
    createdBy: ctx.user.id,
    createdAt: deps.clock.now(),
  });
  deps.gameDays.arm(schedule);
  await ctx.reply(
    `Scheduled: ${describeSchedule(schedule, deps.gameDays.nextRun(schedule))}. Remove it with \`/drill unschedule ${schedule.id}\`.`,
  );
}

/** `/drill schedules [all]`: this channel's active game days (every channel's for a configured
 * facilitator asking for `all`), with the next run in the reader's local time. */
export async function listSchedules(deps: SlackDeps, ctx: CommandContext, all: boolean): Promise<void> {
  if (all && !isConfiguredFacilitator(deps, ctx.user.id)) {
    await ctx.reply(EVERY_CHANNEL_NEEDS_FACILITATOR("`/drill schedules all`"));
    return;
  }
  const schedules = await deps.schedules.listSchedules(all ? { active: true } : { active: true, channel: ctx.channel });
  await ctx.reply(
    `${schedules.length} game day(s)`,
    schedulesBlocks(
      schedules.map((schedule) => ({ schedule, nextRun: deps.gameDays.nextRun(schedule) })),
      all ? "every channel" : "this channel",
    ),
  );
}

/** Refusal for reading other channels' data without a configured facilitator. */
export const EVERY_CHANNEL_NEEDS_FACILITATOR = (what: string) =>
  `${what} shows every channel, private ones included, so it is for the facilitators named in DRILLBOT_FACILITATORS. Without \`all\` you see this channel's.`;

export async function unscheduleGameDay(deps: SlackDeps, ctx: CommandContext, id: number): Promise<void> {
  if (!isFacilitator(deps, ctx.user.id)) {
    await ctx.reply(FACILITATORS_ONLY);
    return;
  }
  const schedule = await deps.schedules.getSchedule(id);
  // Another channel's schedule is only a configured facilitator's to remove.
  const reachable = schedule && (schedule.channel === ctx.channel || isConfiguredFacilitator(deps, ctx.user.id));
  if (!schedule?.active || !reachable || !(await deps.schedules.deactivateSchedule(id))) {
    await ctx.reply(`There is no active game day #${id}. \`/drill schedules\` lists them.`);
    return;
  }
  deps.gameDays.disarm(id);
  await ctx.reply(`Game day #${id} is unscheduled; its history is kept.`);
}
