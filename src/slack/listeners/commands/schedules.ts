import { describeSchedule, schedulesBlocks } from "../../blocks/historyBlocks.js";
import type { DrillCommand } from "../../commandParser.js";
import { isFacilitator, type SlackDeps } from "../../deps.js";
import type { CommandContext } from "./context.js";

const FACILITATORS_ONLY = "Only facilitators can change game-day schedules in this workspace (DRILLBOT_FACILITATORS).";

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

/** `/drill schedules`: every active game day, with its next run in the reader's local time. */
export async function listSchedules(deps: SlackDeps, ctx: CommandContext): Promise<void> {
  const schedules = await deps.schedules.listSchedules({ active: true });
  await ctx.reply(
    `${schedules.length} game day(s)`,
    schedulesBlocks(schedules.map((schedule) => ({ schedule, nextRun: deps.gameDays.nextRun(schedule) }))),
  );
}

export async function unscheduleGameDay(deps: SlackDeps, ctx: CommandContext, id: number): Promise<void> {
  if (!isFacilitator(deps, ctx.user.id)) {
    await ctx.reply(FACILITATORS_ONLY);
    return;
  }
  const schedule = await deps.schedules.getSchedule(id);
  if (!schedule?.active || !(await deps.schedules.deactivateSchedule(id))) {
    await ctx.reply(`There is no active game day #${id}. \`/drill schedules\` lists them.`);
    return;
  }
  deps.gameDays.disarm(id);
  await ctx.reply(`Game day #${id} is unscheduled; its history is kept.`);
}
