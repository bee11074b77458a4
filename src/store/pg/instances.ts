import type pg from "pg";
import type { InstanceIdentity, InstanceRegistry } from "../instances.js";

// The app processes on one PostgreSQL database (migrations/pg/006_hardening.sql), as
// src/store/instances.ts does it on SQLite: each beats every few seconds, and an outbox lease
// held by a process that stopped beating is free at once.

export class PgInstanceRegistry implements InstanceRegistry {
  constructor(private readonly pool: pg.Pool) {}

  async register(me: InstanceIdentity, now: number, isAlive: (pid: number) => boolean): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string; pid: number }>("SELECT id, pid FROM instances WHERE host = $1 AND id <> $2", [
      me.host,
      me.id,
    ]);
    // A row with our own pid may be a sibling in this very process (tests), so only a pid that
    // no longer exists proves a process dead; anything else ages out by its heartbeat. Each
    // delete stands alone: forgetting a dead process twice (two starting at once) is harmless.
    const dead = rows.filter((row) => row.pid !== me.pid && !isAlive(row.pid)).map((row) => row.id);
    if (dead.length > 0) await this.pool.query("DELETE FROM instances WHERE id = ANY($1::text[])", [dead]);
    await this.pool.query(
      `INSERT INTO instances (id, host, pid, started_at, heartbeat_at) VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at`,
      [me.id, me.host, me.pid, now],
    );
    return dead;
  }

  async heartbeat(me: InstanceIdentity, now: number): Promise<void> {
    // An upsert: a row another process removed by mistake comes back with the next beat.
    await this.pool.query(
      `INSERT INTO instances (id, host, pid, started_at, heartbeat_at) VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`,
      [me.id, me.host, me.pid, now],
    );
  }

  async unregister(id: string): Promise<void> {
    await this.pool.query("DELETE FROM instances WHERE id = $1", [id]);
  }
}
