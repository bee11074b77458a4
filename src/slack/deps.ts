import type { Logger } from "@slack/logger";
import type { Clock } from "../domain/clock.js";
import type { Person } from "../domain/drillState.js";
import type { Scenario } from "../domain/scenario.js";
import type { Team } from "../domain/team.js";
import type { DrillLifecycle } from "../scheduler/drillLifecycle.js";
import type { GameDays } from "../scheduler/gameDays.js";
import type { DrillService } from "../service/drillService.js";
import type { Insights } from "../service/insights.js";
import type { ActionItemStore, HistoryStore, ScheduleStore } from "../store/history.js";
import type { RateLimiter } from "./rateLimit.js";
import type { SlackDelivery } from "./slackDelivery.js";
import type { WorkTracker } from "./workTracker.js";

/** What every listener gets: the engine's service, the Slack drill runtime and settings, all
 * bound to the workspace the request came from (`team`): the service, lifecycle and stores read
 * and write that workspace's rows only. */
export interface SlackDeps {
  team: Team;
  /** The deps of the workspace a request came from (Bolt's context: team, enterprise). */
  forRequest(context: { teamId?: string | undefined; enterpriseId?: string | undefined }): SlackDeps;
  service: DrillService;
  /** Starts, ends, cancels and controls drills (timers, the time limit). */
  drills: DrillLifecycle;
  /** How drills reach their Slack channel: posts, coalesced updates, notices, debriefs. */
  delivery: SlackDelivery;
  schedules: ScheduleStore;
  actions: ActionItemStore;
  history: HistoryStore;
  insights: Insights;
  /** Shared by every workspace: each schedule carries its own. */
  gameDays: GameDays;
  scenarios: Map<string, Scenario>;
  /** Who may start, end and cancel drills; empty means everyone (DRILLBOT_FACILITATORS). */
  facilitators: Set<string>;
  /** For `/drill random`; tests pass a seeded one. */
  random: () => number;
  clock: Clock;
  logger: Logger;
  work: WorkTracker;
  /** /drill debrief re-posts per person. */
  reposts: RateLimiter;
}

/** The same deps for another workspace (its service, lifecycle, stores and insights; the rest is shared). */
export function depsForTeam(deps: SlackDeps, team: Team, insights: (team: Team) => Insights): SlackDeps {
  if (team.id === deps.team.id) return deps;
  return {
    ...deps,
    team,
    service: deps.service.forTeam(team),
    drills: deps.drills.forTeam(team),
    schedules: deps.schedules.forTeam(team),
    actions: deps.actions.forTeam(team),
    history: deps.history.forTeam(team),
    insights: insights(team),
  };
}

/** A listener made for the workspace of each request: `make(deps)` gets the deps bound to the
 * request's team, so nothing it reads or writes belongs to another workspace. */
export function scoped<A extends { context: { teamId?: string | undefined; enterpriseId?: string | undefined } }>(
  deps: SlackDeps,
  make: (deps: SlackDeps) => (args: A) => Promise<void>,
): (args: A) => Promise<void> {
  // Made once per workspace's deps and kept (a listener holds nothing but its deps), not once
  // per request.
  const made = new WeakMap<SlackDeps, (args: A) => Promise<void>>();
  return (args) => {
    const teamDeps = deps.forRequest(args.context);
    let listener = made.get(teamDeps);
    if (!listener) {
      listener = make(teamDeps);
      made.set(teamDeps, listener);
    }
    return listener(args);
  };
}

/** May start drills and change schedules: a configured facilitator, or anyone when
 * DRILLBOT_FACILITATORS is empty. */
export function isFacilitator(deps: SlackDeps, userId: string): boolean {
  return deps.facilitators.size === 0 || deps.facilitators.has(userId);
}

/** A facilitator named in DRILLBOT_FACILITATORS (an empty list names nobody). Reaching into
 * other channels' data (`all`) needs one. */
export function isConfiguredFacilitator(deps: SlackDeps, userId: string): boolean {
  return deps.facilitators.has(userId);
}

/** May end or cancel a drill: its starter or a configured facilitator (verdicts are decided by facilitators,
 * or the starter when none are named: see mayReview).
 * A drill nobody started by hand (a game day) may be ended by anyone in its channel. */
export function mayControlDrill(deps: SlackDeps, userId: string, startedBy: Person): boolean {
  return startedBy.id === userId || isConfiguredFacilitator(deps, userId) || startedBy.id === SYSTEM_STARTER_ID;
}

/** The starter id of drills drillbot starts itself (game days). */
export const SYSTEM_STARTER_ID = "drillbot";

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
