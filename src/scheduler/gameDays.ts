import { createRequire } from "node:module";
import type { Clock } from "../domain/clock.js";
import type { Team } from "../domain/team.js";
import type { Schedule, ScheduleStore } from "../store/history.js";
import { cronMatcher, nextOccurrence, previousOccurrence } from "./cronTime.js";
import type { TimerHandle, TimerHost } from "./timers.js";

// Game-day schedules: armed in their own time zone, caught up once after downtime, and never
// fired twice for one period. The database decides "twice": a run is claimed by inserting
// (schedule, period, kind) before anything is posted, so a restart or a second instance racing
// on the same database finds the claim and stands down. A claim whose instance died before it
// started the drill is taken over by another instance (RETAKE_AFTER_MS), so a period is not lost
// either.

export const DEFAULT_GRACE_MS = 6 * 60 * 60 * 1000;
/** A period claimed this long ago with no drill recorded was abandoned: its instance died between
 * claiming it and starting the drill (which takes well under a second), and another takes over. */
export const RETAKE_AFTER_MS = 30_000;
const DAY = 24 * 60 * 60 * 1000;

/** Calls `fire(occurrence)` at each occurrence of a cron expression in a time zone. */
export interface CronArmer {
  arm(expression: string, timezone: string, fire: (occurrence: number) => void): { stop(): void };
}

/** node-cron, required when the first game day is armed: most installations schedule none, and
 * a process that never arms one need not load it. */
let nodeCron: typeof import("node-cron").default | null = null;
const cronModule = () => {
  nodeCron ??= createRequire(import.meta.url)("node-cron") as typeof import("node-cron").default;
  return nodeCron;
};

/** Production: node-cron, in the schedule's zone. */
export const nodeCronArmer: CronArmer = {
  arm(expression, timezone, fire) {
    const task = cronModule().schedule(expression, (context) => fire(Math.floor(context.date.getTime() / 60_000) * 60_000), {
      timezone,
      noOverlap: false,
    });
    return { stop: () => void task.destroy() };
  },
};

/** Tests (and anything on a fake clock): the same occurrences, on a TimerHost. */
export function timerCronArmer(timers: TimerHost, clock: Clock): CronArmer {
  return {
    arm(expression, timezone, fire) {
      let handle: TimerHandle | null = null;
      let stopped = false;
      const matcher = cronMatcher(expression, timezone);
      const schedule = () => {
        const next = nextOccurrence(matcher, clock.now());
        if (next === null || stopped) return;
        handle = timers.set(() => {
          fire(next);
          schedule();
        }, next - clock.now());
      };
      schedule();
      return {
        stop() {
          stopped = true;
          if (handle) timers.clear(handle);
        },
      };
    },
  };
}

export interface GameDayHandlers {
  /** Starts the scheduled drill; returns its id, or throws / returns a reason it could not. */
  startDrill(schedule: Schedule, period: number, late: boolean): Promise<{ drillId: number } | { problem: string }>;
  headsUp(schedule: Schedule, period: number): Promise<void>;
}

export interface GameDayOptions {
  store: ScheduleStore;
  clock: Clock;
  timers: TimerHost;
  armer: CronArmer;
  handlers: GameDayHandlers;
  graceMs?: number;
  onError?: (scheduleId: number, error: unknown) => void;
  /** Work started by a timer, so callers can wait for it. */
  track?: (work: Promise<unknown>) => void;
  /** The workspaces whose schedules this app fires (default: every one). OAuth mode leaves out
   * 'local': its game days could not be posted until `drillbot adopt-workspace`. */
  serves?: (team: Team) => boolean;
}

export class GameDays {
  private readonly armed = new Map<number, { stop(): void; schedule: Schedule; key: string }>();
  private readonly headsUps = new Map<number, TimerHandle>();
  /** Next runs, computed once per schedule and kept until they pass (App Home asks a lot). */
  private readonly nextRuns = new Map<number, { key: string; at: number | null; computedAt: number }>();
  private readonly graceMs: number;
  /** Schedules armed by start() whose missed run catchUpMissed() has yet to look at. */
  private toCatchUp: Schedule[] = [];
  private stopped = false;

  constructor(private readonly options: GameDayOptions) {
    this.graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  }

  /** On start, before the app listens: arms every active schedule (its next run worked out).
   * What was missed while the app was down is left to catchUpMissed(), once the app answers. */
  async start(): Promise<void> {
    this.stopped = false;
    const active = await this.activeOfServedTeams();
    for (const schedule of active) this.arm(schedule);
    this.toCatchUp = active;
  }

  /** After start(), once the app listens: each armed schedule's latest missed run, started late
   * (or recorded as missed past the grace window), one schedule after another. Every schedule of
   * an every-15-minutes game day across hundreds of channels may be inside its window after a
   * restart: starting those drills takes seconds to minutes, which /healthz, the load balancer
   * and Slack's 3-second acks must not wait for. Each run is claimed in the database first, so
   * several instances catching up at once start it once. Ends early when stop() is called.
   * Returns how many runs this instance started late and recorded as missed. */
  async catchUpMissed(): Promise<{ fired: number; missed: number }> {
    const tally = { fired: 0, missed: 0 };
    const pending = this.toCatchUp;
    this.toCatchUp = [];
    for (const schedule of pending) {
      if (this.stopped) break;
      if (!this.armed.has(schedule.id)) continue; // unscheduled since start
      try {
        const outcome = await this.catchUp(schedule);
        if (outcome !== "none") tally[outcome]++;
      } catch (error) {
        this.options.onError?.(schedule.id, error);
      }
    }
    return tally;
  }

  stop(): void {
    this.stopped = true;
    this.toCatchUp = [];
    for (const id of [...this.armed.keys()]) this.disarm(id);
  }

  private async activeOfServedTeams(): Promise<Schedule[]> {
    const active = await this.options.store.listActiveSchedulesOfEveryTeam();
    const serves = this.options.serves;
    return serves ? active.filter((schedule) => serves(schedule.team)) : active;
  }

  arm(schedule: Schedule): void {
    this.disarm(schedule.id);
    const task = this.options.armer.arm(schedule.cron, schedule.timezone, (occurrence) => {
      this.track(this.fire(schedule, occurrence, false).then(() => this.armHeadsUp(schedule)));
    });
    this.armed.set(schedule.id, { stop: () => task.stop(), schedule, key: JSON.stringify(schedule) });
    // Worked out now, while the app starts and before it listens, so the first App Home open
    // after a restart reads cached next runs instead of computing thousands of them.
    this.nextRun(schedule);
    this.armHeadsUp(schedule);
  }

  /** Several instances on one database: schedules added, changed or removed on another one
   * are armed or disarmed here too (each period is still claimed once, in the database). */
  async follow(): Promise<void> {
    // Every workspace's schedules, as start() armed them (the root store sees one workspace only).
    const active = await this.activeOfServedTeams();
    const byId = new Map(active.map((s) => [s.id, s]));
    for (const id of [...this.armed.keys()]) if (!byId.has(id)) this.disarm(id);
    for (const schedule of active) {
      if (this.armed.get(schedule.id)?.key !== JSON.stringify(schedule)) this.arm(schedule);
    }
    await this.retakeAbandoned(byId);
  }

  /** A drill run an instance claimed and died before starting the drill: claimed again here (one
   * instance wins) and started, late but within the grace window. One read finds them for every
   * schedule (a query per schedule every 2 s grew with the number of game days). */
  private async retakeAbandoned(active: Map<number, Schedule>): Promise<void> {
    const now = this.options.clock.now();
    const abandoned = await this.options.store.listUnfinishedDrillRuns({
      since: now - this.graceMs,
      until: now,
      claimedBefore: now - RETAKE_AFTER_MS,
    });
    for (const run of abandoned) {
      const schedule = active.get(run.scheduleId);
      if (!schedule) continue; // unscheduled, or a workspace this app does not serve
      const store = this.options.store.forTeam(schedule.team);
      if (!(await store.retakeScheduleRun(schedule.id, run.period, now - RETAKE_AFTER_MS, now))) continue;
      await this.startClaimed(schedule, run.period, true);
    }
  }

  disarm(scheduleId: number): void {
    this.nextRuns.delete(scheduleId);
    this.armed.get(scheduleId)?.stop();
    this.armed.delete(scheduleId);
    const heads = this.headsUps.get(scheduleId);
    if (heads) this.options.timers.clear(heads);
    this.headsUps.delete(scheduleId);
  }

  /** A workspace's game days as this app has them armed, soonest first: what App Home lists as
   * upcoming. Read from memory, not the database: the armed set is what will fire, it follows
   * schedules added or removed on other instances within a follow cycle (2 s), and a workspace
   * with thousands of game days would otherwise re-read and re-parse them all on every open. */
  upcoming(team: Team): { schedule: Schedule; nextRun: number | null }[] {
    const found: { schedule: Schedule; nextRun: number | null }[] = [];
    for (const { schedule } of this.armed.values()) {
      if (schedule.team.id === team.id) found.push({ schedule, nextRun: this.nextRun(schedule) });
    }
    return found.sort(
      (a, b) => (a.nextRun ?? Number.MAX_SAFE_INTEGER) - (b.nextRun ?? Number.MAX_SAFE_INTEGER) || a.schedule.id - b.schedule.id,
    );
  }

  nextRun(schedule: Schedule): number | null {
    const now = this.options.clock.now();
    const key = `${schedule.cron}|${schedule.timezone}`;
    const cached = this.nextRuns.get(schedule.id);
    // Valid until it passes; "none within the horizon" is re-checked hourly.
    if (cached?.key === key && (cached.at === null ? now - cached.computedAt < 3_600_000 : now < cached.at)) return cached.at;
    const at = nextOccurrence(cronMatcher(schedule.cron, schedule.timezone), now);
    this.nextRuns.set(schedule.id, { key, at, computedAt: now });
    return at;
  }

  /** The latest occurrence since the schedule was created, if it has no run recorded: fired when
   * still within the grace window, recorded as missed otherwise. */
  async catchUp(schedule: Schedule): Promise<"fired" | "missed" | "none"> {
    const now = this.options.clock.now();
    const matcher = cronMatcher(schedule.cron, schedule.timezone);
    const previous = previousOccurrence(matcher, now);
    if (previous === null || previous < schedule.createdAt) return "none";
    if (now - previous <= this.graceMs) {
      return (await this.fire(schedule, previous, true)) ? "fired" : "none";
    }
    const claimed = await this.options.store.forTeam(schedule.team).claimScheduleRun({
      scheduleId: schedule.id,
      period: previous,
      kind: "drill",
      status: "missed",
      recordedAt: now,
      detail: `the app was down at the scheduled time and came back ${Math.round((now - previous) / 3_600_000)} h later, past the ${Math.round(this.graceMs / 3_600_000)} h grace window`,
    });
    return claimed ? "missed" : "none";
  }

  /** Claims the period, then starts the drill. False when the period was already claimed. */
  async fire(schedule: Schedule, period: number, late: boolean): Promise<boolean> {
    const store = this.options.store.forTeam(schedule.team);
    const claimed = await store.claimScheduleRun({
      scheduleId: schedule.id,
      period,
      kind: "drill",
      status: "fired",
      recordedAt: this.options.clock.now(),
    });
    if (!claimed) return false;
    await this.startClaimed(schedule, period, late);
    return true;
  }

  /** Starts the drill of a period this instance has claimed, and records how that went. */
  private async startClaimed(schedule: Schedule, period: number, late: boolean): Promise<void> {
    const store = this.options.store;
    try {
      const result = await this.options.handlers.startDrill(schedule, period, late);
      if ("drillId" in result) await store.completeScheduleRun(schedule.id, period, "drill", { status: "fired", drillId: result.drillId });
      else await store.completeScheduleRun(schedule.id, period, "drill", { status: "failed", detail: result.problem });
    } catch (error) {
      await store.completeScheduleRun(schedule.id, period, "drill", { status: "failed", detail: (error as Error).message });
      this.options.onError?.(schedule.id, error);
    }
  }

  /** A heads-up the day before the next occurrence, for schedules that asked for one. */
  private armHeadsUp(schedule: Schedule): void {
    const existing = this.headsUps.get(schedule.id);
    if (existing) this.options.timers.clear(existing);
    this.headsUps.delete(schedule.id);
    if (!schedule.headsUp || !this.armed.has(schedule.id)) return;
    const next = this.nextRun(schedule);
    if (next === null) return;
    const at = next - DAY;
    if (at <= this.options.clock.now()) return;
    const handle = this.options.timers.set(() => {
      this.headsUps.delete(schedule.id);
      this.track(this.sendHeadsUp(schedule, next));
    }, at - this.options.clock.now());
    this.headsUps.set(schedule.id, handle);
  }

  private async sendHeadsUp(schedule: Schedule, period: number): Promise<void> {
    const store = this.options.store.forTeam(schedule.team);
    const claimed = await store.claimScheduleRun({
      scheduleId: schedule.id,
      period,
      kind: "heads_up",
      status: "fired",
      recordedAt: this.options.clock.now(),
    });
    if (!claimed) return;
    try {
      await this.options.handlers.headsUp(schedule, period);
    } catch (error) {
      await store.completeScheduleRun(schedule.id, period, "heads_up", { status: "failed", detail: (error as Error).message });
      this.options.onError?.(schedule.id, error);
    }
  }

  private track(work: Promise<unknown>): void {
    const guarded = work.catch((error: unknown) => this.options.onError?.(0, error));
    this.options.track?.(guarded);
  }
}
