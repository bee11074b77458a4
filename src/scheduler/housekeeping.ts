import type { Clock } from "../domain/clock.js";
import type { InstanceIdentity, InstanceRegistry } from "../store/instances.js";
import type { OutboxStore } from "../store/outbox.js";
import type { RequestLog } from "../store/requestLog.js";
import type { TimerHandle, TimerHost } from "./timers.js";

// Background chores of a running app: a heartbeat so other processes know this one is alive
// (and take over its outbox leases when it stops beating), following what other processes on
// the same database did (drills and schedules they started, messages they queued), and pruning
// of what only needs to be kept for a while (sent outbox rows, request fingerprints).

export const HEARTBEAT_MS = 2_000;
/** How often an instance looks at what the others did. A poll rather than PostgreSQL's
 * LISTEN/NOTIFY: it works the same on SQLite, needs no connection held open per instance, and
 * cannot miss an event while a connection is being re-established; at a few cheap queries
 * every two seconds per instance it costs little (docs/deployment.md). */
export const FOLLOW_MS = 2_000;
export const PRUNE_EVERY_MS = 10 * 60_000;
/** Sent and failed outbox rows are kept this long: longer than any window in which a dedupe key
 * still matters (debriefs are re-queued after a restart for drills of the last 24 h). */
export const OUTBOX_RETENTION_MS = 7 * 24 * 60 * 60_000;

export interface HousekeepingOptions {
  me: InstanceIdentity;
  instances: InstanceRegistry;
  outbox: OutboxStore;
  requests: RequestLog;
  clock: Clock;
  timers: TimerHost;
  isAlive: (pid: number) => boolean;
  onError: (what: string, error: unknown) => void;
  /** Catches up with what other instances did (see FOLLOW_MS). */
  follow?: () => Promise<void>;
}

export class Housekeeping {
  private heartbeat: TimerHandle | null = null;
  private pruning: TimerHandle | null = null;
  private following: TimerHandle | null = null;
  private stopped = false;

  constructor(private readonly o: HousekeepingOptions) {}

  /** Registers this process (forgetting dead ones on this host) and starts the chores. */
  async start(): Promise<void> {
    await this.o.instances.register(this.o.me, this.o.clock.now(), this.o.isAlive);
    await this.prune();
    this.beat();
    this.schedulePrune();
    this.scheduleFollow();
  }

  /** Leaves the instance table and lets go of this process's leases. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.heartbeat) this.o.timers.clear(this.heartbeat);
    if (this.pruning) this.o.timers.clear(this.pruning);
    if (this.following) this.o.timers.clear(this.following);
    await this.o.outbox.releaseLeases(this.o.me.id);
    await this.o.instances.unregister(this.o.me.id);
  }

  async prune(): Promise<void> {
    const now = this.o.clock.now();
    await this.o.outbox.prune(now - OUTBOX_RETENTION_MS);
    await this.o.requests.prune(now);
  }

  private beat(): void {
    if (this.stopped) return;
    this.heartbeat = this.o.timers.set(() => {
      this.o.instances.heartbeat(this.o.me, this.o.clock.now()).then(
        () => this.beat(),
        (error: unknown) => {
          this.o.onError("heartbeat", error);
          this.beat();
        },
      );
    }, HEARTBEAT_MS);
  }

  private scheduleFollow(): void {
    const follow = this.o.follow;
    if (this.stopped || !follow) return;
    this.following = this.o.timers.set(() => {
      follow().then(
        () => this.scheduleFollow(),
        (error: unknown) => {
          this.o.onError("following other instances", error);
          this.scheduleFollow();
        },
      );
    }, FOLLOW_MS);
  }

  private schedulePrune(): void {
    if (this.stopped) return;
    this.pruning = this.o.timers.set(() => {
      this.prune().then(
        () => this.schedulePrune(),
        (error: unknown) => {
          this.o.onError("pruning", error);
          this.schedulePrune();
        },
      );
    }, PRUNE_EVERY_MS);
  }
}
