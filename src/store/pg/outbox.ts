import type pg from "pg";
import type { Team } from "../../domain/team.js";
import {
  DRILL_PRIORITY,
  type OutboxEntry,
  type OutboxEntryInput,
  type OutboxHead,
  type OutboxPayload,
  type OutboxStore,
  OWNER_STALE_MS,
  type UnnoticedFirstMove,
} from "../outbox.js";
import { type OutboxHeadRow, type OutboxRow, toEntry, toHead } from "../rows/outboxRows.js";
import { inTransaction } from "./db.js";

// The outbox on PostgreSQL (migrations/pg/004_outbox.sql, 006_hardening.sql), shared by every app
// instance on the database. A send is claimed with SELECT … FOR UPDATE SKIP LOCKED: of several
// instances reaching for one entry, one takes it and the others move on at once instead of
// queueing behind its row lock. A claim also checks that the entry is still its channel's head,
// so no instance can overtake an earlier message of the same channel, whoever holds it.

const COLUMNS =
  "id, team_id, enterprise_id, dedupe_key, channel, drill_id, in_thread, kind, payload, created_at, due_at, attempts, lease_until, lease_owner, send_started_at, status, last_error, message_ts, priority";

/** COLUMNS of the table or CTE `alias`. */
const prefixed = (alias: string) =>
  COLUMNS.split(", ")
    .map((c) => `${alias}.${c}`)
    .join(", ");

/** A lease that still counts: unexpired, held by an instance whose heartbeat is fresh ($alive).
 * `o` is the outbox row; the placeholders are those of the query using it. */
const leaseHeld = (now: string, alive: string) =>
  `(o.lease_until IS NOT NULL AND o.lease_until >= ${now}
    AND (o.lease_owner IS NULL OR EXISTS (SELECT 1 FROM instances i WHERE i.id = o.lease_owner AND i.heartbeat_at >= ${alive})))`;

/** Something that runs queries: the pool, or one client inside a transaction. */
type Queryable = Pick<pg.Pool, "query">;

export interface PgOutboxOptions {
  /** The workspace of messages that name none and belong to no drill (single-workspace mode:
   * the workspace of the bot token). Messages of a drill belong to the drill's workspace. */
  teamId?: string;
}

export class MissingWorkspaceError extends Error {
  constructor(key: string) {
    super(`outbox entry ${key} names no workspace and belongs to no drill with one; pass teamId`);
    this.name = "MissingWorkspaceError";
  }
}

export class PgOutboxStore implements OutboxStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly options: PgOutboxOptions = {},
  ) {}

  private async enqueueOn(db: Queryable, e: OutboxEntryInput): Promise<OutboxEntry> {
    // Its workspace: the one given, else its drill's, else this deployment's own.
    const inserted = await db
      .query<OutboxRow>(
        `INSERT INTO outbox (team_id, enterprise_id, dedupe_key, channel, drill_id, in_thread, kind, payload, created_at, due_at, priority)
       SELECT coalesce($1, d.team_id, $11), coalesce($2, d.enterprise_id), $3, $4, $5, $6, $7, $8, $9, $9, $10
         FROM (SELECT 1) one LEFT JOIN drills d ON d.id = $5
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING ${COLUMNS}`,
        [
          e.teamId ?? null,
          e.enterpriseId ?? null,
          e.dedupeKey,
          e.channel,
          e.drillId ?? null,
          e.inThread ?? false,
          e.kind,
          JSON.stringify(e.payload),
          e.now,
          e.priority ?? DRILL_PRIORITY,
          this.options.teamId ?? null,
        ],
      )
      .catch((error: unknown) => {
        if ((error as { code?: string; column?: string }).code === "23502") throw new MissingWorkspaceError(e.dedupeKey);
        throw error;
      });
    const row =
      inserted.rows[0] ?? (await db.query<OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE dedupe_key = $1`, [e.dedupeKey])).rows[0];
    if (!row) throw new Error(`outbox entry ${e.dedupeKey} vanished`);
    return toEntry(row);
  }

  enqueue(e: OutboxEntryInput): Promise<OutboxEntry> {
    return this.enqueueOn(this.pool, e);
  }

  async heads(now: number): Promise<OutboxHead[]> {
    // One row per channel of a workspace: its lowest (priority, id) pending entry, with its lease
    // only while its holder is alive (a dead sender's lease is free at once).
    const { rows } = await this.pool.query<OutboxHeadRow>(
      `SELECT id, team_id, enterprise_id, channel, due_at, lease_until FROM (
         SELECT DISTINCT ON (o.team_id, o.channel) o.id, o.team_id, o.enterprise_id, o.channel, o.due_at, o.priority,
                CASE WHEN ${leaseHeld("$1", "$2")} THEN o.lease_until END AS lease_until
           FROM outbox o WHERE o.status = 'pending'
          ORDER BY o.team_id, o.channel, o.priority, o.id) h
        ORDER BY priority, id`,
      [now, now - OWNER_STALE_MS],
    );
    return rows.map(toHead);
  }

  async get(id: number): Promise<OutboxEntry | null> {
    const { rows } = await this.pool.query<OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE id = $1`, [id]);
    return rows[0] ? toEntry(rows[0]) : null;
  }

  async byKey(key: string): Promise<OutboxEntry | null> {
    const { rows } = await this.pool.query<OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE dedupe_key = $1`, [key]);
    return rows[0] ? toEntry(rows[0]) : null;
  }

  async claim(id: number, now: number, leaseMs: number, owner: string): Promise<OutboxEntry | null> {
    // SKIP LOCKED: a row another instance is claiming right now is simply not ours. A row it
    // claimed and committed is re-read by FOR UPDATE, and its fresh lease makes the check fail.
    // RETURNING the row as the locked read saw it: the state this attempt takes over.
    const { rows } = await this.pool.query<OutboxRow>(
      `WITH target AS (
         SELECT ${prefixed("o")} FROM outbox o
          WHERE o.id = $1 AND o.status = 'pending' AND o.due_at <= $2 AND NOT ${leaseHeld("$2", "$3")}
            AND NOT EXISTS (SELECT 1 FROM outbox e
                             WHERE e.team_id = o.team_id AND e.channel = o.channel AND e.status = 'pending'
                               AND (e.priority, e.id) < (o.priority, o.id))
          FOR UPDATE OF o SKIP LOCKED)
       UPDATE outbox SET lease_until = $4, lease_owner = $5,
              send_started_at = CASE WHEN target.lease_owner IS NULL THEN $2 ELSE target.send_started_at END
         FROM target WHERE outbox.id = target.id
       RETURNING ${prefixed("target")}`,
      [id, now, now - OWNER_STALE_MS, now + leaseMs, owner],
    );
    return rows[0] ? toEntry(rows[0]) : null;
  }

  async renewLease(id: number, now: number, leaseMs: number, owner: string): Promise<boolean> {
    const result = await this.pool.query(
      "UPDATE outbox SET lease_until = $1, send_started_at = $4 WHERE id = $2 AND lease_owner = $3 AND status = 'pending'",
      [now + leaseMs, id, owner, now],
    );
    return result.rowCount === 1;
  }

  async markSent(id: number, at: number, ts: string | null): Promise<boolean> {
    const result = await this.pool.query(
      "UPDATE outbox SET status = 'sent', sent_at = $1, message_ts = $2, attempts = attempts + 1, lease_owner = NULL WHERE id = $3 AND status = 'pending'",
      [at, ts, id],
    );
    return result.rowCount === 1;
  }

  async retryLater(id: number, dueAt: number, error: string, owner: string, unresolved = false): Promise<boolean> {
    // lease_owner kept on a pending row: the last attempt's outcome is unknown (see sendUnresolved).
    const result = await this.pool.query(
      "UPDATE outbox SET due_at = $1, attempts = attempts + 1, last_error = $2, lease_until = NULL, lease_owner = CASE WHEN $5 THEN lease_owner END, send_started_at = CASE WHEN $5 THEN send_started_at END WHERE id = $3 AND status = 'pending' AND lease_owner = $4",
      [dueAt, error, id, owner, unresolved],
    );
    return result.rowCount === 1;
  }

  async markFailed(id: number, error: string, owner: string): Promise<boolean> {
    const result = await this.pool.query(
      "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = $1, lease_until = NULL, lease_owner = NULL WHERE id = $2 AND status = 'pending' AND lease_owner = $3",
      [error, id, owner],
    );
    return result.rowCount === 1;
  }

  async releaseLeases(owner: string): Promise<number> {
    const result = await this.pool.query(
      // The holder stays: this row's send was started and never finished (see sendUnresolved).
      "UPDATE outbox SET lease_until = NULL WHERE lease_owner = $1 AND status = 'pending' AND lease_until IS NOT NULL",
      [owner],
    );
    return result.rowCount ?? 0;
  }

  async retryNow(now: number): Promise<number> {
    // Only entries nobody is sending: another instance's live lease is left alone.
    const result = await this.pool.query(
      `UPDATE outbox o SET due_at = $1, lease_until = NULL
        WHERE o.status = 'pending' AND o.due_at > $1 AND coalesce(o.last_error, '') NOT LIKE 'rate limited%'
          AND NOT ${leaseHeld("$1", "$2")}`,
      [now, now - OWNER_STALE_MS],
    );
    return result.rowCount ?? 0;
  }

  async prune(before: number): Promise<number> {
    return (await this.pool.query("DELETE FROM outbox WHERE status <> 'pending' AND created_at < $1", [before])).rowCount ?? 0;
  }

  async enqueueFirstMoveNotices(
    drillId: number,
    channel: string,
    now: number,
    render: (moves: UnnoticedFirstMove[]) => OutboxPayload,
    team?: Team,
  ): Promise<OutboxEntry | null> {
    return inTransaction(this.pool, async (client) => {
      // FOR UPDATE: two instances flushing one drill at once take turns; the second then finds
      // the rows announced and queues nothing.
      const { rows } = await client.query<{ seq: number; user_name: string; answered_at: number }>(
        `SELECT f.rowid AS seq, r.user_name, f.answered_at FROM first_moves f
         JOIN responders r ON r.drill_id = f.drill_id AND r.user_id = f.user_id
         JOIN drills d ON d.id = f.drill_id AND (d.team_id = $2 OR $2::text IS NULL)
        WHERE f.drill_id = $1 AND NOT f.noticed ORDER BY f.answered_at, f.rowid
        FOR UPDATE OF f`,
        [drillId, team?.id ?? null],
      );
      if (rows.length === 0) return null;
      const entry = await this.enqueueOn(client, {
        // The first row's rowid is unique to this batch: a key no other batch can take.
        dedupeKey: `drill:${drillId}:notice:${Math.min(...rows.map((r) => r.seq))}`,
        teamId: team?.id ?? null,
        enterpriseId: team?.enterpriseId ?? null,
        channel,
        drillId,
        inThread: true,
        kind: "notice",
        payload: render(rows.map((r) => ({ userName: r.user_name, answeredAt: r.answered_at }))),
        now,
      });
      await client.query("UPDATE first_moves SET noticed = true WHERE drill_id = $1 AND NOT noticed", [drillId]);
      return entry;
    });
  }

  async counts(): Promise<Record<"pending" | "sent" | "failed", number>> {
    const { rows } = await this.pool.query<{ status: "pending" | "sent" | "failed"; n: number }>(
      "SELECT status, count(*)::int AS n FROM outbox GROUP BY status",
    );
    const counts = { pending: 0, sent: 0, failed: 0 };
    for (const r of rows) counts[r.status] = r.n;
    return counts;
  }
}
