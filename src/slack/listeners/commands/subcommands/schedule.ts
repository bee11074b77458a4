import { closestId } from "../../../../domain/closest.js";
import type { DrillMode } from "../../../../domain/drillState.js";
import { cronProblems, isValidTimeZone, weeklyCron } from "../../../../scheduler/cronTime.js";
import { describeSchedule } from "../../../blocks/historyBlocks.js";
import { fail, isMode, ok, type ParseResult, subcommand } from "../subcommand.js";

export interface ScheduleArgs {
  cron: string;
  timezone: string;
  scenario: string;
  mode: DrillMode;
  headsUp: boolean;
}

const EXAMPLE = "`/drill schedule weekly mon 10:00 random Europe/Berlin`";

function parseSchedule(raw: string[], scenarioIds: readonly string[], tags: readonly string[]): ParseResult<ScheduleArgs> {
  const [cadence, ...args] = raw;
  let cron: string;
  let options: string[];
  if (cadence?.toLowerCase() === "weekly") {
    const [day, time, ...more] = args;
    if (!day || !time) return fail(`Say the day and time: ${EXAMPLE}.`);
    const weekly = weeklyCron(day, time);
    if ("problem" in weekly) return fail(`${weekly.problem}. For example ${EXAMPLE}.`);
    cron = weekly.cron;
    options = more;
  } else if (cadence?.toLowerCase() === "cron") {
    const [expression, ...more] = args;
    // Bounded: every field is checked against its range before anything is expanded.
    const problems = expression ? cronProblems(expression) : ["add the expression in quotes"];
    if (!expression || problems.length > 0) {
      return fail(
        `The cron expression needs fixing: ${problems.join("; ")}. For example \`/drill schedule cron "0 10 * * 1-5" random UTC\`.`,
      );
    }
    cron = expression.trim().split(/\s+/).join(" ");
    options = more;
  } else {
    return fail(`Schedules are \`weekly\` or \`cron\`: ${EXAMPLE}.`);
  }
  let scenario = "random";
  let timezone = "UTC";
  let mode: DrillMode = "read";
  let headsUp = false;
  for (const arg of options) {
    const word = arg.toLowerCase();
    if (isMode(word)) mode = word;
    else if (["heads-up", "headsup", "heads_up"].includes(word)) headsUp = true;
    else if (word === "random") scenario = "random";
    else if (word.startsWith("random:") && tags.includes(word.slice(7))) scenario = word;
    else if (scenarioIds.includes(word)) scenario = word;
    else if (/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(arg) && isValidTimeZone(arg)) timezone = arg;
    else {
      const closest = closestId(word, scenarioIds);
      return fail(
        `\`${arg}\` is not a scenario, \`random\`, \`random:<tag>\`, a time zone (e.g. \`Europe/Berlin\`), a mode or \`heads-up\`.${closest ? ` Did you mean \`${closest}\`?` : ""}`,
      );
    }
  }
  return ok({ cron, timezone, scenario, mode, headsUp });
}

export const schedule = subcommand({
  kind: "schedule",
  matches: (first) => first === "schedule",
  usage: [
    {
      syntax: "/drill schedule weekly <day> <HH:MM> [scenario|random|random:<tag>] [time zone] [read|blind] [heads-up]",
      summary: "a weekly game day in this channel (facilitators)",
      details: "e.g. `/drill schedule weekly mon 10:00 random Europe/Berlin heads-up`",
    },
    {
      syntax: '/drill schedule cron "<min hour day month weekday>" [scenario|random] [time zone] …',
      summary: "any other cadence",
      details:
        'e.g. `/drill schedule cron "0 9 * * 1-5" cache-miss UTC`; each field is checked against its range (minute 0–59, hour 0–23…)',
    },
  ],
  hint: null,
  permission: "facilitator",
  parse: (words, { scenarioIds, tags }) => parseSchedule(words.raw, scenarioIds, tags),
  /** Stored, armed in its time zone, confirmed with the next run. */
  async handle(deps, ctx, args: ScheduleArgs) {
    const created = await deps.schedules.createSchedule({
      channel: ctx.channel,
      cron: args.cron,
      timezone: args.timezone,
      scenario: args.scenario,
      mode: args.mode,
      headsUp: args.headsUp,
      createdBy: ctx.user.id,
      createdAt: deps.clock.now(),
    });
    deps.gameDays.arm(created);
    await ctx.reply(
      `Scheduled: ${describeSchedule(created, deps.gameDays.nextRun(created))}. Remove it with \`/drill unschedule ${created.id}\`.`,
    );
  },
});
