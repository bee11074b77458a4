import type { RunbookPart } from "../domain/scenario.js";
import type { Team } from "../domain/team.js";
import type { TeamScoped } from "./store.js";

// Game days, action items and results history: the stores behind schedules, flags, trends,
// stats, mastery and exports. Async at the boundary like DrillStore.

export interface Schedule {
  id: number;
  /** The workspace it posts in (whose bot token game days use). */
  team: Team;
  channel: string;
  cron: string;
  timezone: string;
  /** A scenario id, "random", or "random:<tag>". */
  scenario: string;
  mode: "read" | "blind";
  headsUp: boolean;
  createdBy: string;
  createdAt: number;
  active: boolean;
}

export type ScheduleRunKind = "drill" | "heads_up";
export type ScheduleRunStatus = "fired" | "missed" | "failed";

export interface ScheduleRun {
  scheduleId: number;
  period: number;
  kind: ScheduleRunKind;
  status: ScheduleRunStatus;
  drillId: number | null;
  detail: string | null;
  recordedAt: number;
}

export interface ScheduleStore extends TeamScoped<ScheduleStore> {
  createSchedule(schedule: Omit<Schedule, "id" | "active" | "team">): Promise<Schedule>;
  /** Active schedules of every workspace, each with its team: only for arming game days at start. */
  listActiveSchedulesOfEveryTeam(): Promise<Schedule[]>;
  listSchedules(filter?: { channel?: string; active?: boolean }): Promise<Schedule[]>;
  getSchedule(id: number): Promise<Schedule | null>;
  deactivateSchedule(id: number): Promise<boolean>;
  /** Claims a period: false when that schedule, period and kind was already recorded. */
  claimScheduleRun(run: Omit<ScheduleRun, "drillId" | "detail"> & { drillId?: number | null; detail?: string | null }): Promise<boolean>;
  completeScheduleRun(
    scheduleId: number,
    period: number,
    kind: ScheduleRunKind,
    outcome: { status: ScheduleRunStatus; drillId?: number | null; detail?: string | null },
  ): Promise<void>;
  listScheduleRuns(scheduleId: number, limit?: number): Promise<ScheduleRun[]>;
  /** Takes over a drill run whose claimer never finished it (it died between claiming the
   * period and recording the drill): true when the run is still "fired" with no drill and no
   * detail and was claimed before `claimedBefore`; it is then claimed again at `now`, so of
   * several instances trying, one takes it. */
  retakeScheduleRun(scheduleId: number, period: number, claimedBefore: number, now: number): Promise<boolean>;
  /** Drill runs of every workspace that look abandoned: still "fired" with no drill and no
   * detail, for a period from `since` to `until`, claimed before `claimedBefore`, and the latest
   * drill run of their schedule. One read for all schedules (instances look every 2 s); each is
   * then taken with retakeScheduleRun, which decides between racing instances. */
  listUnfinishedDrillRuns(window: { since: number; until: number; claimedBefore: number }): Promise<ScheduleRun[]>;
}

export interface ActionItem {
  id: number;
  drillId: number;
  scenarioId: string;
  runbook: string;
  part: RunbookPart;
  kind: "wrong" | "unclear";
  text: string;
  raisedBy: { id: string; name: string };
  raisedAt: number;
  status: "open" | "done";
  doneBy: string | null;
  doneAt: number | null;
  /** Where the drill it was raised in ran (a Slack channel id, or "terminal"). */
  venue: string;
}

/** Who raises the action items that come from runbook findings (not a person's flag). */
export const FINDINGS_RAISER = { id: "drillbot", name: "drillbot" } as const;

/** Items people flagged, without those from runbook findings (a debrief lists those apart). */
export const flaggedByPeople = (items: ActionItem[]) => items.filter((i) => i.raisedBy.id !== FINDINGS_RAISER.id);

export interface ActionItemStore extends TeamScoped<ActionItemStore> {
  addActionItem(item: Omit<ActionItem, "id" | "status" | "doneBy" | "doneAt" | "venue">): Promise<ActionItem>;
  /** Adds the item unless an open one with the same runbook, part and text exists in drills of the same venue (null then). */
  addActionItemUnlessOpen(item: Omit<ActionItem, "id" | "status" | "doneBy" | "doneAt" | "venue">): Promise<ActionItem | null>;
  listActionItems(filter?: {
    status?: "open" | "done";
    drillId?: number;
    scenarioId?: string;
    /** Only items raised in drills that ran here. */
    venue?: string;
    limit?: number;
  }): Promise<ActionItem[]>;
  getActionItem(id: number): Promise<ActionItem | null>;
  markActionItemDone(id: number, by: string, at: number): Promise<boolean>;
}

/** One ended drill, summarised. */
export interface DrillResult {
  drillId: number;
  scenarioId: string;
  venue: string;
  mode: "read" | "blind";
  endedAt: number;
  responders: number;
  answered: number;
  correctInWindow: number;
  medianFirstMoveMs: number | null;
}

/** One responder of one ended drill. */
export interface ResponderResult {
  drillId: number;
  userId: string;
  userName: string;
  scenarioId: string;
  venue: string;
  endedAt: number;
  answered: boolean;
  correct: boolean;
  correctInWindow: boolean;
  timeToFirstMoveMs: number | null;
  /** The incident role held in that drill, if any. */
  role: string | null;
}

export interface ScenarioCoverage {
  scenarioId: string;
  drills: number;
  lastPractisedAt: number | null;
  /** Share correct inside the read window, latest drill. */
  lastShare: number | null;
  /** Read-mode drills only: the share over the latest (up to 5) such drills. */
  clarity: number | null;
}

export interface ExportFilter {
  since?: number;
  scenarioId?: string;
}

export interface HistoryStore extends TeamScoped<HistoryStore> {
  /** The latest `limit` ended drills of a scenario (any channel), oldest first. */
  scenarioResults(scenarioId: string, limit: number): Promise<DrillResult[]>;
  /** One person's results, oldest first (optionally one scenario). */
  personResults(userId: string, scenarioId?: string, limit?: number): Promise<ResponderResult[]>;
  /** Results of several people on one scenario, oldest first: for mastery in a debrief. */
  resultsFor(scenarioId: string, userIds: string[]): Promise<ResponderResult[]>;
  coverage(venue?: string): Promise<ScenarioCoverage[]>;
  /** People who took part in at least 2 of the venue's latest 10 drills. */
  regulars(venue: string): Promise<string[]>;
  /** The scenario of the latest drill in a venue. */
  lastScenarioIn(venue: string): Promise<string | null>;
  /** Drill results over time for the whole team (or one venue), oldest first. */
  recentResults(limit: number, venue?: string): Promise<DrillResult[]>;
}
