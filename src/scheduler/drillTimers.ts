import type { Clock } from "../domain/clock.js";
import type { Drill } from "../domain/drill.js";
import type { TimerHandle, TimerHost } from "./timers.js";

// Timers for running drills: each inject at its offset and the time limit. Nothing here is
// the source of truth: due times come from the drill's start time and the scenario version it
// ran, both in SQLite, so `arm` after a restart re-creates exactly the timers that were lost.
// An overdue inject or limit fires at once.

export interface DrillTimerHandlers {
  onInjectDue(drillId: number): Promise<void>;
  onTimeLimit(drillId: number): Promise<void>;
}

export class DrillTimers {
  private readonly armed = new Map<number, TimerHandle[]>();

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
    const handles: TimerHandle[] = [];
    // While the drill is paused nothing is due (due times are null, the limit is Infinity): a
    // resume arms it again.
    const dueTimes = [...new Set(drill.pendingInjects().flatMap((d) => (d.dueAt === null ? [] : [d.dueAt])))].filter(
      (at) => at < drill.endsAt,
    );
    for (const at of dueTimes) {
      handles.push(this.timers.set(() => this.fire(id, () => this.handlers.onInjectDue(id)), Math.max(0, at - now)));
    }
    if (Number.isFinite(drill.endsAt)) {
      handles.push(this.timers.set(() => this.fire(id, () => this.handlers.onTimeLimit(id)), Math.max(0, drill.endsAt - now)));
    }
    this.armed.set(id, handles);
  }

  private fire(id: number, work: () => Promise<void>): void {
    work().catch((error: unknown) => this.onError(id, error));
  }

  disarm(drillId: number): void {
    for (const handle of this.armed.get(drillId) ?? []) this.timers.clear(handle);
    this.armed.delete(drillId);
  }

  disarmAll(): void {
    for (const id of [...this.armed.keys()]) this.disarm(id);
  }

  armedDrills(): number[] {
    return [...this.armed.keys()];
  }
}
