import type { Logger } from "@slack/logger";
import type { Clock } from "../domain/clock.js";
import type { Person } from "../domain/drillState.js";
import type { Scenario } from "../domain/scenario.js";
import type { GameDays } from "../scheduler/gameDays.js";
import type { DrillService } from "../service/drillService.js";
import type { Insights } from "../service/insights.js";
import type { ActionItemStore, HistoryStore, ScheduleStore } from "../store/history.js";
import type { SlackDrills } from "./slackDrills.js";
import type { WorkTracker } from "./workTracker.js";

/** What every listener gets: the engine's service, the Slack drill runtime and settings. */
export interface SlackDeps {
  service: DrillService;
  drills: SlackDrills;
  schedules: ScheduleStore;
  actions: ActionItemStore;
  history: HistoryStore;
  insights: Insights;
  gameDays: GameDays;
  scenarios: Map<string, Scenario>;
  /** Who may start, end and cancel drills; empty means everyone (DRILLBOT_FACILITATORS). */
  facilitators: Set<string>;
  /** For `/drill random`; tests pass a seeded one. */
  random: () => number;
  clock: Clock;
  logger: Logger;
  work: WorkTracker;
}

export function isFacilitator(deps: SlackDeps, userId: string): boolean {
  return deps.facilitators.size === 0 || deps.facilitators.has(userId);
}

/** A Slack user as drillbot records them: id plus the name shown in debriefs (never a mention). */
export function personFrom(user: { id: string; name?: string; username?: string }): Person {
  return { id: user.id, name: user.username ?? user.name ?? user.id };
}

export function sortedScenarios(deps: SlackDeps, tag?: string): Scenario[] {
  return [...deps.scenarios.values()].filter((s) => tag === undefined || s.tags.includes(tag)).sort((a, b) => a.id.localeCompare(b.id));
}

export function allTags(deps: SlackDeps): string[] {
  return [...new Set([...deps.scenarios.values()].flatMap((s) => s.tags))].sort();
}
