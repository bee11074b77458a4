import { buildScenario, deferredRubricErrors } from "../catalog/catalog.js";
import { formatProblem } from "../catalog/problems.js";
import type { Clock } from "../domain/clock.js";
import { closestId } from "../domain/closest.js";
import { computeDebrief, type Debrief } from "../domain/debrief.js";
import { type Changed, Drill, type DueInject, type Result } from "../domain/drill.js";
import type { DrillMode, Person } from "../domain/drillState.js";
import type { CompiledLexicon } from "../domain/lexicon.js";
import type { HeadingMap } from "../domain/runbook.js";
import type { RunbookFinding } from "../domain/runbookFindings.js";
import type { RunbookPart, Scenario, ScenarioFile } from "../domain/scenario.js";
import type { Team } from "../domain/team.js";
import { isStoreError } from "../store/errors.js";
import { type ActionItemStore, FINDINGS_RAISER } from "../store/history.js";
import type { DrillFilter, DrillResults, DrillStore, DrillSummary, ReviewRecord, Surface } from "../store/store.js";

// Runs the pure engine against the store: load the drill, apply one operation, record what
// changed. Both front ends (terminal and Slack) go through here, so they share every rule.
// What a user did is written to the store before the caller tells anyone about it.

export type StartResult =
  | { ok: true; drill: Drill }
  | { ok: false; reason: "unknown_scenario"; closest: string | null }
  | { ok: false; reason: "skipped_scenario"; problems: string[] }
  | { ok: false; reason: "already_running"; runningDrillId: number | null; runningScenarioId: string | null };

interface DrillServiceOptions {
  skipped?: Map<string, string[]>;
  actions?: ActionItemStore;
  /** The catalog's lexicon (the built-in one when not given), for scenario versions read back from the store. */
  lexicon?: CompiledLexicon;
}

/** Bound to one workspace, as its store is (`team`): a drill id of another workspace is an
 * unknown drill here. forTeam gives the service of another workspace, sharing the catalog. */
export class DrillService {
  private readonly versions: Map<string, Scenario>;

  private readonly skipped: Map<string, string[]>;
  private readonly actions: ActionItemStore | null;
  private readonly lexicon: CompiledLexicon | undefined;
  private readonly teams: Map<string, DrillService>;

  constructor(
    private readonly store: DrillStore,
    private readonly scenarios: Map<string, Scenario>,
    readonly clock: Clock,
    private readonly options: DrillServiceOptions = {},
    shared?: { versions: Map<string, Scenario>; teams: Map<string, DrillService> },
  ) {
    this.skipped = options.skipped ?? new Map();
    this.actions = options.actions ?? null;
    this.lexicon = options.lexicon;
    this.versions = shared?.versions ?? new Map();
    this.teams = shared?.teams ?? new Map();
    this.teams.set(store.team.id, this);
  }

  get team(): Team {
    return this.store.team;
  }

  /** The same service for another workspace (one per workspace, kept). */
  forTeam(team: Team): DrillService {
    const known = this.teams.get(team.id);
    if (known) return known;
    const { actions, ...rest } = this.options;
    return new DrillService(
      this.store.forTeam(team),
      this.scenarios,
      this.clock,
      { ...rest, ...(actions ? { actions: actions.forTeam(team) } : {}) },
      { versions: this.versions, teams: this.teams },
    );
  }

  /** Drills of every workspace, each with its team: for re-arming timers and re-queuing debriefs
   * after a restart only (then forTeam(summary.team) for anything else). */
  listDrillsOfEveryTeam(filter: Parameters<DrillStore["listDrillsOfEveryTeam"]>[0]): Promise<DrillSummary[]> {
    return this.store.listDrillsOfEveryTeam(filter);
  }

  /** Drills as summaries (newest first), for lists, recovery after a restart and exports. */
  listDrills(filter?: DrillFilter): Promise<DrillSummary[]> {
    return this.store.listDrills(filter);
  }

  /** Where a drill's trigger message is (a Slack message ts), once posted. */
  async venueRefOf(drillId: number): Promise<string | null> {
    return (await this.store.loadDrill(drillId, ""))?.venueRef ?? null;
  }

  /** Remembers where the drill's trigger message is, and a link to its thread. */
  setVenueRef(drillId: number, ref: string): Promise<void> {
    return this.store.setVenueRef(drillId, ref);
  }

  setVenueLink(drillId: number, link: string): Promise<void> {
    return this.store.setVenueLink(drillId, link);
  }

  /** Every decision on a drill's answers, oldest first. */
  listReviews(drillId: number): Promise<ReviewRecord[]> {
    return this.store.listReviews(drillId);
  }

  /** Why a scenario that exists as a file was not loaded (lint lines), or null. */
  whySkipped(id: string): string[] | null {
    return this.scenarios.has(id) ? null : (this.skipped.get(id) ?? null);
  }

  scenario(id: string): Scenario | undefined {
    return this.scenarios.get(id);
  }

  scenarioIds(): string[] {
    return [...this.scenarios.keys()].sort();
  }

  async start(options: { scenarioId: string; mode?: DrillMode; startedBy: Person; venue: string; surface: Surface }): Promise<StartResult> {
    const scenario = this.scenarios.get(options.scenarioId);
    if (!scenario) {
      const problems = this.whySkipped(options.scenarioId);
      if (problems) return { ok: false, reason: "skipped_scenario", problems };
      return { ok: false, reason: "unknown_scenario", closest: closestId(options.scenarioId, this.scenarios.keys()) };
    }
    // Rubric errors a catalog load leaves to the first start (lint reports them up front).
    const rubricErrors = deferredRubricErrors(scenario);
    if (rubricErrors.length > 0) return { ok: false, reason: "skipped_scenario", problems: rubricErrors.map(formatProblem) };
    if (options.surface === "slack") {
      const running = await this.store.findRunningDrill(options.venue);
      if (running) return { ok: false, reason: "already_running", runningDrillId: running.id, runningScenarioId: running.scenarioId };
    }
    await this.store.saveScenarioVersion(scenario);
    const drill = Drill.start({
      scenario,
      mode: options.mode ?? "read",
      startedBy: options.startedBy,
      venue: options.venue,
      clock: this.clock,
      team: this.store.team,
    });
    try {
      drill.state.id = await this.store.createDrill(drill.state, options.surface);
    } catch (error) {
      if (isStoreError(error, "drill_already_running")) {
        const running = await this.store.findRunningDrill(options.venue);
        return {
          ok: false,
          reason: "already_running",
          runningDrillId: running?.id ?? null,
          runningScenarioId: running?.scenarioId ?? null,
        };
      }
      throw error;
    }
    this.versions.set(scenario.hash, scenario);
    return { ok: true, drill };
  }

  /** The drill as recorded, on the scenario version it ran (not the file as it is today). */
  async load(drillId: number, onlyUserId?: string): Promise<Drill | null> {
    const state = await this.store.loadDrill(drillId, onlyUserId);
    if (!state) return null;
    return Drill.restore(state, await this.versionOf(state.scenarioHash), this.clock);
  }

  /** The drill's clock, injects and status without anyone's answers (no Slack user id is
   * empty): what its timers need, at the same cost at 5 or 500 responders. */
  loadForTimers(drillId: number): Promise<Drill | null> {
    return this.load(drillId, "");
  }

  async runningIn(venue: string): Promise<Drill | null> {
    const state = await this.store.findRunningDrill(venue);
    return state ? Drill.restore(state, await this.versionOf(state.scenarioHash), this.clock) : null;
  }

  private async versionOf(hash: string): Promise<Scenario> {
    const cached = this.versions.get(hash) ?? [...this.scenarios.values()].find((s) => s.hash === hash);
    if (cached) return cached;
    const stored = await this.store.getScenarioVersion(hash);
    if (!stored) throw new Error(`scenario version ${hash.slice(0, 12)} is missing from the database`);
    const {
      "x-runbook-headings": headings,
      "x-runbook-ref": runbookRef,
      ...content
    } = stored.content as ScenarioFile & { "x-runbook-headings"?: HeadingMap; "x-runbook-ref"?: string };
    // An older version: its rubric is compiled with the catalog's lexicon as it is now, and its
    // answers are judged with the precedents the catalog has now for its id.
    const current = this.scenarios.get(content.id);
    const scenario = buildScenario(content, stored.runbook, {
      ...(headings ? { headings } : {}),
      ...(runbookRef ? { runbookRef } : {}),
      ...(this.lexicon ? { lexicon: this.lexicon } : {}),
      precedents: () => current?.precedents ?? [],
    });
    // The hash it was stored under (its own lazily computed one is left unread).
    scenario.hash = hash;
    this.versions.set(hash, scenario);
    return scenario;
  }

  /** Loads the drill (with only `userId`'s records when given: one person's click needs no one
   * else's), runs one engine operation on it, and persists what it changed in one transaction.
   * The result carries the drill and, per change, whether it took effect (a repeat or another
   * instance first makes it false). */
  private async run<T>(
    drillId: number,
    operation: (drill: Drill) => Result<Changed<T>>,
    options: { userId?: string; venue?: string; derive?: (drill: Drill) => { results?: DrillResults } } = {},
  ): Promise<Result<Changed<T> & { drill: Drill; applied: boolean[] }>> {
    const drill = await this.load(drillId, options.userId);
    if (!drill) return { ok: false, reason: "not_running" };
    // A button or form names its drill; it must be the drill of the channel it came from.
    if (options.venue !== undefined && drill.state.venue !== options.venue) return { ok: false, reason: "wrong_venue" };
    const result = operation(drill);
    if (!result.ok) return result;
    const applied = result.changes.length > 0 ? await this.store.apply(drillId, result.changes, options.derive?.(drill)) : [];
    return { ...result, drill, applied };
  }

  /** Any facilitator control (extend, pause, resume, inject now, hint…): the engine decides, the
   * store appends what it changed. A new control needs no service method of its own. */
  async control<T>(drillId: number, operation: (drill: Drill) => Result<Changed<T>>) {
    return this.run(drillId, operation);
  }

  /** `venue`: where the click came from, when the front end knows it (checked against the drill's). */
  async ack(drillId: number, user: Person, venue?: string) {
    const result = await this.run(drillId, (drill) => drill.ack(user), { userId: user.id, ...(venue !== undefined ? { venue } : {}) });
    return result.ok && result.first ? { ...result, first: result.applied[0] === true } : result;
  }

  async submitFirstMove(drillId: number, user: Person, text: string, venue?: string) {
    const result = await this.run(drillId, (drill) => drill.submitFirstMove(user, text), {
      userId: user.id,
      ...(venue !== undefined ? { venue } : {}),
    });
    // Another instance (or a retried request) recorded this person's answer first.
    return result.ok && !result.applied[0] ? ({ ok: false, reason: "already_answered" } as const) : result;
  }

  async position(drillId: number, user: Person, venue?: string) {
    return this.run(drillId, (drill) => drill.position(user.id), { userId: user.id, ...(venue !== undefined ? { venue } : {}) });
  }

  async choose(drillId: number, user: Person, nodeId: string, optionId: string, venue?: string) {
    const result = await this.run(drillId, (drill) => drill.choose(user.id, nodeId, optionId), {
      userId: user.id,
      ...(venue !== undefined ? { venue } : {}),
    });
    // The step is the last change; false when this step was already taken (a double click).
    return result.ok && !result.applied.at(-1) ? ({ ok: false, reason: "stale_node" } as const) : result;
  }

  /** Takes an incident role (null gives it up); refused when someone else holds it. */
  async takeRole(drillId: number, user: Person, roleId: string | null, venue?: string) {
    const result = await this.run(drillId, (drill) => drill.takeRole(user, roleId), {
      userId: user.id,
      ...(venue !== undefined ? { venue } : {}),
    });
    return result.ok && result.changes.length > 0 && !result.applied[0] ? ({ ok: false, reason: "role_taken" } as const) : result;
  }

  /** Records a due inject as posted; refused when it was already (by a retry or another instance). */
  async markInjectPosted(drillId: number, index: number) {
    const result = await this.run(drillId, (drill) => drill.markInjectPosted(index));
    return result.ok && !result.applied[0] ? ({ ok: false, reason: "inject_already_posted" } as const) : result;
  }

  async dueInjects(drillId: number): Promise<DueInject[]> {
    return (await this.load(drillId))?.dueInjects() ?? [];
  }

  /** Ends the drill and records its results in the same transaction. The debrief and the drill
   * as it ended come back, so nothing needs loading again. */
  async end(drillId: number, by: string, reason: "manual" | "time_limit"): Promise<Result<{ debrief: Debrief; drill: Drill }>> {
    let debrief: Debrief | null = null;
    const result = await this.run(drillId, (drill) => drill.end(by, reason), {
      derive: (drill) => {
        debrief = computeDebrief(drill.state, drill.scenario);
        return { results: resultsOf(debrief, drill.state.venue) };
      },
    });
    if (!result.ok) return result;
    if (!result.applied[0] || !debrief) return { ok: false, reason: "not_running" };
    await this.recordFindings(result.drill);
    return { ok: true, debrief, drill: result.drill };
  }

  /** The runbook's findings become action items (once: an open item is not repeated). */
  private async recordFindings(drill: Drill): Promise<void> {
    if (!this.actions) return;
    const { scenario } = drill;
    for (const finding of scenario.runbookFindings) {
      await this.actions.addActionItemUnlessOpen({
        drillId: drill.state.id,
        scenarioId: scenario.id,
        runbook: scenario.runbookRef,
        part: findingPart(finding, scenario),
        kind: "unclear",
        text: `Runbook finding (line ${finding.line}): ${finding.message}`,
        raisedBy: { ...FINDINGS_RAISER },
        raisedAt: this.clock.now(),
      });
    }
  }

  async cancel(drillId: number, by: string): Promise<Result<{ drill: Drill }>> {
    const result = await this.run(drillId, (drill) => drill.cancel(by));
    if (!result.ok) return result;
    return result.applied[0] ? { ok: true, drill: result.drill } : { ok: false, reason: "not_running" };
  }

  /** A facilitator's Accept (correct) or Reject on one answer, from Slack or the terminal. On an
   * ended drill the results trends and mastery read are rewritten in the same transaction. */
  async overrideScore(drillId: number, userId: string, correct: boolean, by: Person, via: "slack" | "terminal" = "terminal") {
    return this.run(drillId, (drill) => drill.overrideScore(userId, correct, by, via), {
      derive: (drill) =>
        drill.state.status === "ended" ? { results: resultsOf(computeDebrief(drill.state, drill.scenario), drill.state.venue) } : {},
    });
  }

  async debrief(drillId: number): Promise<Debrief | null> {
    const drill = await this.load(drillId);
    return drill ? computeDebrief(drill.state, drill.scenario) : null;
  }
}

/** The rows trends, stats and mastery read, from a finished drill's debrief. */
export function resultsOf(debrief: Debrief, venue: string): DrillResults {
  const endedAt = debrief.endedAt ?? debrief.startedAt;
  return {
    drill: {
      drillId: debrief.drillId,
      scenarioId: debrief.scenarioId,
      venue,
      mode: debrief.mode,
      endedAt,
      responders: debrief.team.responders,
      answered: debrief.team.answered,
      correctInWindow: debrief.team.correctInReadWindow,
      medianFirstMoveMs: debrief.team.medianTimeToFirstMoveMs === null ? null : Math.round(debrief.team.medianTimeToFirstMoveMs),
    },
    responders: debrief.responders.map((r) => ({
      drillId: debrief.drillId,
      userId: r.user.id,
      userName: r.user.name,
      scenarioId: debrief.scenarioId,
      venue,
      endedAt,
      answered: r.answer !== null,
      correct: r.correct === true,
      correctInWindow: r.correctInReadWindow,
      timeToFirstMoveMs: r.timeToFirstMoveMs,
      role: r.role?.id ?? null,
    })),
  };
}

/** The part a finding belongs to; a document-wide one (title, a code fence) to the part it sits in. */
function findingPart(finding: RunbookFinding, scenario: Scenario): RunbookPart {
  if (finding.field !== "title" && finding.field !== "markdown") return finding.field;
  const sections = Object.values(scenario.runbookDoc.sections).sort((a, b) => b.line - a.line);
  return sections.find((s) => s.line <= finding.line)?.part ?? "trigger";
}
