import type { StoredScore } from "./scoring.js";
import type { Team } from "./team.js";

// Plain data for one drill: what the store saves and loads, and what the engine works on.
// Times are milliseconds since the epoch.

export type DrillMode = "read" | "blind";
export type DrillStatus = "running" | "ended" | "cancelled";
export type EndReason = "manual" | "time_limit" | "cancelled";

export interface Person {
  /** Slack user id, or the terminal user's name. */
  id: string;
  name: string;
}

export interface FirstMoveRecord {
  text: string;
  at: number;
  /** The rubric's verdict when it was given (v1 scores of older drills load as they were). */
  score: StoredScore;
  /** A facilitator's judgement, which wins over the rubric. `by` is the name shown, `byId` who it was. */
  override: { correct: boolean; by: string; byId?: string; at: number } | null;
}

export interface DecisionStepRecord {
  seq: number;
  nodeId: string;
  optionId: string;
  nextId: string;
  enteredAt: number;
  chosenAt: number;
}

export interface ResponderRecord {
  user: Person;
  joinedAt: number;
  /** The incident role they hold (a role id of the scenario), or null. */
  role: string | null;
  ackAt: number | null;
  firstMove: FirstMoveRecord | null;
  walkStartedAt: number | null;
  steps: DecisionStepRecord[];
}

export interface InjectPostRecord {
  index: number;
  dueAt: number;
  postedAt: number;
}

export interface DrillState {
  id: number;
  /** The workspace it runs in (LOCAL_TEAM in the terminal and a single-workspace install). */
  team: Team;
  scenarioId: string;
  scenarioHash: string;
  mode: DrillMode;
  startedBy: Person;
  /** Where it runs: "terminal", or a Slack channel id. */
  venue: string;
  /** The venue's handle on the drill's trigger message (a Slack message ts), once posted. */
  venueRef: string | null;
  startedAt: number;
  readWindowMs: number;
  timeLimitMs: number;
  status: DrillStatus;
  endedAt: number | null;
  endReason: EndReason | null;
  endedBy: string | null;
  responders: ResponderRecord[];
  injects: InjectPostRecord[];
  /** What facilitators did to the running drill, oldest first. */
  events: DrillEvent[];
}

/** One entry of a drill's timeline: who did what to the drill, and when. */
export type DrillEvent = { by: Person; at: number } & (
  | { kind: "extended"; minutes: number }
  | { kind: "paused" }
  | { kind: "resumed" }
  | { kind: "inject_now"; index: number }
  | { kind: "hint"; text: string }
);

export type DrillEventKind = DrillEvent["kind"];
