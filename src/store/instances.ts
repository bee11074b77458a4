import type Database from "better-sqlite3";

// The app processes working on one database. Each beats every few seconds; a send lease held by
// a process that stopped beating (or, on the same host, whose pid is gone) is free at once, so
// a crash does not leave a channel's messages waiting out a lease nobody will finish.

export interface InstanceIdentity {
  id: string;
  host: string;
  pid: number;
}

export interface InstanceRegistry {
  /** Registers this process and forgets any process on this host that no longer exists. */
  register(me: InstanceIdentity, now: number, isAlive: (pid: number) => boolean): Promise<string[]>;
  heartbeat(me: InstanceIdentity, now: number): Promise<void>;
  unregister(id: string): Promise<void>;
}

export class SqliteInstanceRegistry implements InstanceRegistry {
  constructor(private readonly db: Database.Database) {}

  async register(me: InstanceIdentity, now: number, isAlive: (pid: number) => boolean): Promise<string[]> {
    return this.db.transaction(() => {
      const sameHost = this.db.prepare("SELECT id, pid FROM instances WHERE host = ? AND id <> ?").all(me.host, me.id) as {
        id: string;
        pid: number;
      }[];
      // A row with our own pid may be a sibling in this very process (tests), so only a pid
      // that no longer exists proves a process dead; anything else ages out by its heartbeat.
      const dead = sameHost.filter((row) => row.pid !== me.pid && !isAlive(row.pid)).map((row) => row.id);
      const forget = this.db.prepare("DELETE FROM instances WHERE id = ?");
      for (const id of dead) forget.run(id);
      this.db
        .prepare("INSERT OR REPLACE INTO instances (id, host, pid, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)")
        .run(me.id, me.host, me.pid, now, now);
      return dead;
    })();
  }

  async heartbeat(me: InstanceIdentity, now: number): Promise<void> {
    // An upsert: a row another process removed by mistake comes back with the next beat.
    this.db
      .prepare(
        "INSERT INTO instances (id, host, pid, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at",
      )
      .run(me.id, me.host, me.pid, now, now);
  }

  async unregister(id: string): Promise<void> {
    this.db.prepare("DELETE FROM instances WHERE id = ?").run(id);
  }
}

/** Whether a process with this pid exists on this host (signal 0 only checks). */
export function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
