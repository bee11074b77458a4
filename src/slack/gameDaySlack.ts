import { deferredRubricErrors } from "../catalog/catalog.js";
import type { Team } from "../domain/team.js";
import type { GameDayHandlers } from "../scheduler/gameDays.js";
import type { Schedule } from "../store/history.js";
import { slackTime } from "./blocks/drillBlocks.js";
import { type SlackDeps, SYSTEM_STARTER_ID } from "./deps.js";

// What a game day does in Slack when its time comes: pick the scenario (saying why when it is
// random), start the drill in the channel, and the day before, an optional heads-up.

export const GAME_DAY_STARTER = { id: SYSTEM_STARTER_ID, name: "game day" } as const;

function scenarioPool(deps: SlackDeps, schedule: Schedule) {
  const tag = schedule.scenario.startsWith("random:") ? schedule.scenario.slice(7) : undefined;
  // A scenario whose rubric lint rejects would refuse to start: not one to pick.
  return [...deps.scenarios.values()]
    .filter((s) => (tag === undefined || s.tags.includes(tag)) && deferredRubricErrors(s).length === 0)
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** `deps(team)`: the app's deps for the schedule's workspace. */
export function gameDayHandlers(deps: (team: Team) => SlackDeps): GameDayHandlers {
  return {
    async startDrill(schedule, period, late) {
      const d = deps(schedule.team);
      // This period's drill may exist already (running or over): started by an instance that
      // died before recording it, whose claim another instance has taken over.
      const earlier = (await d.service.listDrills({ venue: schedule.channel, surface: "slack", since: period, limit: 10 })).find(
        (drill) => drill.startedBy.id === GAME_DAY_STARTER.id,
      );
      if (earlier) return { drillId: earlier.id };
      let scenarioId = schedule.scenario;
      let why = `Scheduled game day #${schedule.id}.`;
      if (schedule.scenario.startsWith("random")) {
        const choice = await d.insights.chooseForGameDay(scenarioPool(d, schedule), schedule.channel, d.clock.now(), d.random);
        if (!choice) return { problem: `no scenario matches "${schedule.scenario}"` };
        scenarioId = choice.scenarioId;
        why = `Game day #${schedule.id} picked \`${choice.scenarioId}\`: ${choice.reason}.`;
      } else if (!d.scenarios.has(scenarioId)) {
        return { problem: `scenario ${scenarioId} no longer exists` };
      }
      const started = await d.drills.start({ scenarioId, mode: schedule.mode, user: GAME_DAY_STARTER, venue: schedule.channel });
      if (!started.ok) {
        const problem =
          started.reason === "already_running"
            ? `a drill (#${started.runningDrillId}) was already running in the channel`
            : started.reason === "post_failed"
              ? `Slack refused the post: ${started.error}`
              : started.reason === "skipped_scenario"
                ? `scenario ${scenarioId} cannot run until these problems are fixed: ${started.problems.join("; ")}`
                : `unknown scenario ${scenarioId}`;
        return { problem };
      }
      const drillId = started.drill.state.id;
      const note = `🎲 ${why}${late ? " (started late: the app was down at the scheduled time)" : ""}`;
      await d.delivery.postInThread(d.team, drillId, schedule.channel, `drill:${drillId}:game-day`, note);
      return { drillId: started.drill.state.id };
    },
    async headsUp(schedule, period) {
      const d = deps(schedule.team);
      const what = schedule.scenario.startsWith("random")
        ? "a scenario picked for what this channel has practised least"
        : `\`${schedule.scenario}\``;
      await d.delivery.postInChannel(
        d.team,
        schedule.channel,
        `schedule:${schedule.id}:heads-up:${period}`,
        `📅 Heads-up: a game-day drill runs here tomorrow at ${slackTime(period, "{date_short_pretty} {time}")} — ${what}, ${schedule.mode} mode. It is practice only; nobody is paged.`,
      );
    },
  };
}
