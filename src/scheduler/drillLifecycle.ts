import type { Logger } from "@slack/logger";
import type { Clock } from "../domain/clock.js";
import type { Debrief } from "../domain/debrief.js";
import { type Changed, type Drill, type DueInject, LATE_AFTER_MS, type Result } from "../domain/drill.js";
import type { DrillMode, Person } from "../domain/drillState.js";
import type { Team } from "../domain/team.js";
import type { DrillService, StartResult } from "../service/drillService.js";
import { DrillTimers } from "./drillTimers.js";
import type { TimerHost } from "./timers.js";

// What happens to a running drill over time, whatever front end shows it: it starts and is
// announced, its injects fall due, it is paused, extended or ended by a facilitator or by its
// time limit. The decisions are made here (from the drill as stored, so a second instance or a
// restart decides the same); how each step reaches people is the venue's job (DrillVenue).

/** Where a drill is shown: posts and updates for one front end (Slack: SlackDelivery). */
export interface DrillVenue {
  /** Shows a new drill; a permanent refusal (the bot is not in the channel) is an error. */
  announce(drill: Drill): Promise<{ ok: true; delayed: boolean } | { ok: false; error: string }>;
  /** Posts an inject in the drill's thread, marked late (the app was down) or early (by whom). */
  postInject(drill: Drill, due: DueInject, how: { late: boolean; early?: Person }): Promise<void>;
  /** The drill changed (a responder, a control): refresh what shows it (coalesced). */
  changed(drill: Drill): void;
  /** A line in the drill's thread, once per key. */
  note(drill: Drill, key: string, text: string): Promise<void>;
  ended(drill: Drill, debrief: Debrief): Promise<void>;
  cancelled(drill: Drill, by: Person): Promise<void>;
  /** The drill stopped running on another instance, which may have died before it queued the
   * closing messages: queue whatever is still owed (a no-op when everything is). */
  settle(team: Team, drillId: number): Promise<void>;
}

export type LifecycleStartResult = StartResult | { ok: false; reason: "post_failed"; error: string };

/** The starter id of drills drillbot ends itself, at their time limit. */
export const LIMIT_ENDER = "drillbot";
/** A failed end at the time limit (a busy database) is tried again after this. */
const RETRY_END_MS = 30_000;
/** A drill that stopped running elsewhere gets its closing messages checked after this: the
 * instance that ended it queues them within milliseconds unless it died doing so. */
export const SETTLE_AFTER_MS = 3_000;

export interface DrillLifecycleOptions {
  service: DrillService;
  venue: DrillVenue;
  clock: Clock;
  timers: TimerHost;
  logger: Logger;
  /** Work started by a timer, so shutdown and tests can wait for it. */
  track: <T>(work: Promise<T>) => Promise<T>;
  /** The workspaces whose running drills this app times (default: every one). OAuth mode leaves
   * out 'local': nobody can post for it until `drillbot adopt-workspace`. */
  serves?: (team: Team) => boolean;
}

/** Bound to one workspace like its service; forTeam gives another workspace's, sharing the
 * timers (a timer fires for its drill's workspace). */
export class DrillLifecycle {
  readonly timers: DrillTimers;
  /** The workspace of each armed drill, so its timers act in that workspace. */
  private readonly armedTeams: Map<number, Team>;
  private readonly views: Map<string, DrillLifecycle>;
  /** Drills seen running here that stopped running elsewhere, and when that was noticed (with
   * their workspace). Shared by every workspace's view. */
  private readonly stoppedElsewhere: Map<number, { since: number; team: Team }>;

  constructor(
    private readonly o: DrillLifecycleOptions,
    shared?: {
      timers: DrillTimers;
      armedTeams: Map<number, Team>;
      views: Map<string, DrillLifecycle>;
      stoppedElsewhere: Map<number, { since: number; team: Team }>;
    },
  ) {
    this.armedTeams = shared?.armedTeams ?? new Map();
    this.stoppedElsewhere = shared?.stoppedElsewhere ?? new Map();
    this.views = shared?.views ?? new Map();
    this.views.set(o.service.team.id, this);
    this.timers =
      shared?.timers ??
      new DrillTimers(
        o.timers,
        o.clock,
        {
          onInjectDue: (id) => o.track(this.forDrill(id).injectsDue(id)),
          onTimeLimit: (id) => o.track(this.forDrill(id).limitReached(id)),
        },
        (id, error) => o.logger.error(`timer for drill #${id} failed:`, error),
      );
  }

  get team(): Team {
    return this.o.service.team;
  }

  forTeam(team: Team): DrillLifecycle {
    return (
      this.views.get(team.id) ??
      new DrillLifecycle(
        { ...this.o, service: this.o.service.forTeam(team) },
        {
          timers: this.timers,
          armedTeams: this.armedTeams,
          views: this.views,
          stoppedElsewhere: this.stoppedElsewhere,
        },
      )
    );
  }

  private forDrill(drillId: number): DrillLifecycle {
    const team = this.armedTeams.get(drillId);
    return team ? this.forTeam(team) : this;
  }

  private arm(drill: Drill): void {
    this.armedTeams.set(drill.state.id, drill.state.team);
    this.timers.arm(drill);
  }

  private disarm(drillId: number): void {
    this.timers.disarm(drillId);
    this.armedTeams.delete(drillId);
  }

  /** Records a new drill, announces it and arms its timers. A permanent refusal to announce it
   * cancels it; a slow venue does not. */
  async start(options: {
    scenarioId: string;
    mode: DrillMode;
    user: Person;
    venue: string;
  }): Promise<LifecycleStartResult & { delayed?: boolean }> {
    const started = await this.o.service.start({
      scenarioId: options.scenarioId,
      mode: options.mode,
      startedBy: options.user,
      venue: options.venue,
      surface: "slack",
    });
    if (!started.ok) return started;
    const announced = await this.o.venue.announce(started.drill);
    if (!announced.ok) {
      await this.o.service.cancel(started.drill.state.id, LIMIT_ENDER);
      return { ok: false, reason: "post_failed", error: announced.error };
    }
    const drill = (await this.o.service.load(started.drill.state.id)) ?? started.drill;
    this.arm(drill);
    return { ...started, drill, delayed: announced.delayed };
  }

  /** After a restart: timers for every running drill of every workspace (overdue ones fire at once). */
  async rearm(): Promise<number> {
    const running = await this.runningOfServedTeams();
    for (const summary of running) {
      const drill = await this.o.service.forTeam(summary.team).load(summary.id);
      if (drill) this.arm(drill);
    }
    return running.length;
  }

  /** Several instances on one database: every few seconds each one arms the timers of drills
   * started (or extended, paused, resumed) on another, so the injects and the time limit happen
   * even if that instance dies; and a drill another instance ended gets its closing messages
   * checked, in case that instance died before queuing them. */
  async follow(): Promise<void> {
    const running = await this.runningOfServedTeams();
    const now = this.o.clock.now();
    const ids = new Set(running.map((d) => d.id));
    for (const id of this.timers.armedDrills()) {
      if (ids.has(id)) continue;
      const team = this.armedTeams.get(id) ?? this.team;
      this.disarm(id);
      this.stoppedElsewhere.set(id, { since: now, team });
    }
    for (const summary of running) {
      const drill = await this.o.service.forTeam(summary.team).loadForTimers(summary.id);
      if (!drill) continue;
      this.armedTeams.set(drill.state.id, drill.state.team);
      this.timers.follow(drill);
    }
    for (const [id, { since, team }] of this.stoppedElsewhere) {
      if (now - since < SETTLE_AFTER_MS) continue;
      this.stoppedElsewhere.delete(id);
      await this.o.venue.settle(team, id);
    }
  }

  private async runningOfServedTeams() {
    const running = await this.o.service.listDrillsOfEveryTeam({ status: "running", surface: "slack", limit: 10_000 });
    const serves = this.o.serves;
    return serves ? running.filter((summary) => serves(summary.team)) : running;
  }

  stop(): void {
    this.timers.disarmAll();
    this.armedTeams.clear();
  }

  /** A facilitator's control on a running drill (extend, pause, resume, inject now, hint…): the
   * engine decides and the change is stored; timers follow the drill's new clock and the venue
   * shows it. */
  async control<T>(drillId: number, operation: (drill: Drill) => Result<Changed<T>>) {
    const result = await this.o.service.control(drillId, operation);
    if (result.ok) {
      this.arm(result.drill);
      this.o.venue.changed(result.drill);
    }
    return result;
  }

  /** Posts every inject that is due, in order, recording each as posted first: the record (and
   * the venue's own key) make a second attempt (a restart, another instance) a no-op. */
  async injectsDue(drillId: number, drill?: Drill): Promise<void> {
    const current = drill ?? (await this.o.service.load(drillId));
    if (!current) return;
    for (const due of current.dueInjects()) {
      const late = this.o.clock.now() - (due.dueAt ?? this.o.clock.now()) > LATE_AFTER_MS;
      await this.o.venue.postInject(current, due, { late });
      await this.o.service.markInjectPosted(drillId, due.index);
    }
  }

  /** The time limit's timer fired: end the drill if it really is over (it may have been
   * extended or paused meanwhile, here or by another instance); if ending fails (a busy
   * database), try again shortly, so a channel is never left blocked until a restart. */
  private async limitReached(drillId: number): Promise<void> {
    const drill = await this.o.service.load(drillId);
    if (drill?.state.status !== "running") return;
    if (!drill.isOverdue) {
      this.arm(drill);
      return;
    }
    try {
      await this.finish(drillId, LIMIT_ENDER, "time_limit", drill);
    } catch (error) {
      this.o.logger.error(`ending drill #${drillId} at its time limit failed; retrying in 30 s:`, error);
      this.o.timers.set(() => void this.o.track(this.limitReached(drillId)), RETRY_END_MS);
    }
  }

  /** Ends a drill (by hand or at the time limit), then the venue posts its debrief. */
  async finish(
    drillId: number,
    by: string,
    reason: "manual" | "time_limit",
    loaded?: Drill,
  ): Promise<{ ok: true; debrief: Debrief } | { ok: false }> {
    if (reason === "time_limit") await this.injectsDue(drillId, loaded);
    const ended = await this.o.service.end(drillId, by, reason);
    if (!ended.ok) return { ok: false };
    this.disarm(drillId);
    await this.o.venue.ended(ended.drill, ended.debrief);
    return { ok: true, debrief: ended.debrief };
  }

  async cancel(drillId: number, by: Person): Promise<boolean> {
    const cancelled = await this.o.service.cancel(drillId, by.id);
    if (!cancelled.ok) return false;
    this.disarm(drillId);
    await this.o.venue.cancelled(cancelled.drill, by);
    return true;
  }
}
