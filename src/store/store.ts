import type { DrillChange } from "../domain/drillChanges.js";
import type { DrillState, Person } from "../domain/drillState.js";
import type { Scenario, ScenarioFile } from "../domain/scenario.js";
import type { Team } from "../domain/team.js";
import type { DrillResult, ResponderResult } from "./history.js";

// The store as the rest of drillbot sees it. Async at the boundary so a networked store
// (Postgres, for many instances) can implement it later; SQLite is the one we ship.
// Every record* call is idempotent: it returns false when that fact was already recorded,
// which is how double clicks, Slack retries and racing instances are made harmless.

export type Surface = "terminal" | "slack";

export interface StoredScenarioVersion {
  hash: string;
  scenarioId: string;
  content: ScenarioFile;
  runbook: string;
}

export interface DrillSummary {
  id: number;
  team: Team;
  scenarioId: string;
  mode: DrillState["mode"];
  surface: Surface;
  venue: string;
  venueRef: string | null;
  /** A link to the drill's thread, when the venue gave one. */
  venueLink: string | null;
  status: DrillState["status"];
  startedBy: Person;
  startedAt: number;
  endedAt: number | null;
  responders: number;
}

export interface DrillFilter {
  status?: DrillState["status"];
  scenarioId?: string;
  venue?: string;
  surface?: Surface;
  /** Only drills this user took part in. */
  responder?: string;
  /** Only drills started at or after this time (ms). */
  since?: number;
  limit?: number;
}

export interface DrillResults {
  drill: DrillResult;
  responders: ResponderResult[];
}

export interface ReviewDecision {
  correct: boolean;
  by: Person;
  at: number;
  /** The verdict that counted before this decision. */
  before: boolean;
  via: "slack" | "terminal";
}

export interface ReviewRecord extends ReviewDecision {
  drillId: number;
  userId: string;
}

export interface ReviewedAnswer {
  drillId: number;
  userId: string;
  text: string;
  /** The person's verdict. */
  correct: boolean;
  /** The rubric's verdict when the answer was given. */
  rubricCorrect: boolean;
  decidedBy: string;
  decidedAt: number;
  /** The role the responder answered in (null: none): a role with its own first move is judged by its own rubric. */
  role: string | null;
}

/** Every store of workspace data is bound to one workspace (its `team`): each read and write is
 * of that workspace's rows only, and a drill id of another workspace is an unknown drill.
 * `forTeam` gives the same store bound to another workspace. Scenario versions are the catalog's
 * content, shared by every workspace. */
export interface TeamScoped<Self> {
  readonly team: Team;
  forTeam(team: Team): Self;
}

export interface DrillStore extends TeamScoped<DrillStore> {
  saveScenarioVersion(scenario: Scenario): Promise<void>;
  getScenarioVersion(hash: string): Promise<StoredScenarioVersion | null>;

  /** Saves a new running drill and returns its id; refuses a second running drill in one Slack channel. */
  createDrill(state: DrillState, surface: Surface): Promise<number>;
  /** The drill; with `onlyUserId`, its responders are that person alone (enough for their click). */
  loadDrill(id: number, onlyUserId?: string): Promise<DrillState | null>;
  /** Remembers where the drill's trigger message is (a Slack message ts). */
  setVenueRef(drillId: number, ref: string): Promise<void>;
  setVenueLink(drillId: number, link: string): Promise<void>;
  findRunningDrill(venue: string): Promise<DrillState | null>;
  listDrills(filter?: DrillFilter): Promise<DrillSummary[]>;
  /** Drills of every workspace, each with its team: only for work no request started (re-arming
   * timers and re-queuing debriefs after a restart), which then goes on with forTeam(summary.team). */
  listDrillsOfEveryTeam(filter: Pick<DrillFilter, "status" | "surface" | "since" | "limit">): Promise<DrillSummary[]>;

  /** Applies what one engine operation changed, in one transaction; for each change, whether it
   * took effect (false: already recorded, or the drill is no longer running). `derived.results`
   * (the figures trends, stats and mastery read) are rewritten in the same transaction. */
  apply(drillId: number, changes: readonly DrillChange[], derived?: { results?: DrillResults }): Promise<boolean[]>;
  /** Every decision on a drill's answers, oldest first (who, when, before and after). */
  listReviews(drillId: number): Promise<ReviewRecord[]>;
  /** Every answer of a scenario a person has decided on (for `drillbot rubric eval`). */
  reviewedAnswers(scenarioId: string): Promise<ReviewedAnswer[]>;

  close(): Promise<void>;
}

export { DrillAlreadyRunningError } from "./errors.js";
