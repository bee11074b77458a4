import type { Clock } from "../domain/clock.js";
import type { Drill } from "../domain/drill.js";
import type { TimerHandle, TimerHost } from "./timers.js";

// Timers for running drills: each inject at its offset and the time limit. Nothing here is
// the source of truth: due times come from the drill's start time and the scenario version it
// ran, both in SQLite, so `arm` after a restart re-creates exactly the timers that were lost.
// An overdue inject or limit fires at once. With several instances on one database each arms
// every running drill (see DrillLifecycle.follow), so whichever is alive when a timer is due
// acts; the store's transactional apply and the outbox's keys make a second firing a no-op.

export interface DrillTimerHandlers {
  onInjectDue(drillId: number): Promise<void>;
  onTimeLimit(drillId: number): Promise<void>;
}

export class DrillTimers {
  private readonly armed = new Map<number, { handles: TimerHandle[]; plan: string }>();

  constructor(
    private readonly timers: TimerHost,
    private readonly clock: Clock,
    private readonly handlers: DrillTimerHandlers,
    private readonly onError: (drillId: number, error: unknown) => void = () => {},
  ) {}

  arm(drill: Drill): void {
    const id = drill.state.id;
    this.disarm(id);
    if (drill.state.status !== "running") return;
    const now = this.clock.now();
    const { dueTimes, endsAt } = timerPlan(drill);
    const handles: TimerHandle[] = [];
    for (const at of dueTimes) {
      handles.push(this.timers.set(() => this.fire(id, () => this.handlers.onInjectDue(id)), Math.max(0, at - now)));
    }
    if (Number.isFinite(endsAt)) {
      handles.push(this.timers.set(() => this.fire(id, () => this.handlers.onTimeLimit(id)), Math.max(0, endsAt - now)));
    }
    this.armed.set(id, { handles, plan: planKey(drill) });
  }

  /** Arms the drill unless its timers already stand for exactly this plan (another instance
   * may have extended, paused or resumed it meanwhile); true when it (re-)armed. */
  follow(drill: Drill): boolean {
    if (drill.state.status === "running" && this.armed.get(drill.state.id)?.plan === planKey(drill)) return false;
    this.arm(drill);
    return true;
  }

  private fire(id: number, work: () => Promise<void>): void {
    work().catch((error: unknown) => this.onError(id, error));
  }

  disarm(drillId: number): void {
    for (const handle of this.armed.get(drillId)?.handles ?? []) this.timers.clear(handle);
    this.armed.delete(drillId);
  }

  disarmAll(): void {
    for (const id of [...this.armed.keys()]) this.disarm(id);
  }

  armedDrills(): number[] {
    return [...this.armed.keys()];
  }
}

/** When the drill's injects fall due and when it ends: while it is paused nothing is due (due
 * times are null, the limit is Infinity), and a resume arms it again. */
function timerPlan(drill: Drill): { dueTimes: number[]; endsAt: number } {
  const dueTimes = [...new Set(drill.pendingInjects().flatMap((d) => (d.dueAt === null ? [] : [d.dueAt])))].filter(
    (at) => at < drill.endsAt,
  );
  return { dueTimes, endsAt: drill.endsAt };
}

function planKey(drill: Drill): string {
  const { dueTimes, endsAt } = timerPlan(drill);
  return `${dueTimes.join(",")}|${endsAt}`;
}
