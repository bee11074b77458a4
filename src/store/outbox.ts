import type Database from "better-sqlite3";
import { LOCAL_TEAM, type Team } from "../domain/team.js";
import { fromSqliteOutboxRow, type OutboxHeadRow, type SqliteOutboxRow, toEntry as toEntryOfRow, toHead } from "./rows/outboxRows.js";

// The persisted outbox (see migrations/004_outbox.sql). One outbox for every workspace: each
// entry names its workspace (team), whose bot token sends it, and order is kept per channel of a
// workspace. Dedupe keys are global: they carry drill or schedule ids, which are.

export type OutboxKind = "trigger" | "inject" | "notice" | "debrief" | "summary" | "game_day" | "cancel" | "repost";

/** A drill's own messages go first; re-posts anyone can ask for wait behind them. */
export type OutboxPriority = 0 | 1;
export const DRILL_PRIORITY: OutboxPriority = 0;
export const REPOST_PRIORITY: OutboxPriority = 1;

/** A sender whose heartbeat is older than this is taken for dead, and its leases are free. */
export const OWNER_STALE_MS = 10_000;

export interface OutboxPayload {
  text: string;
  blocks?: unknown[];
}

export interface OutboxEntry {
  id: number;
  team: Team;
  dedupeKey: string;
  channel: string;
  drillId: number | null;
  inThread: boolean;
  kind: OutboxKind;
  payload: OutboxPayload;
  createdAt: number;
  dueAt: number;
  attempts: number;
  /** Another send attempt holds it until then (ms), or null. */
  leaseUntil: number | null;
  /** A send was started and never learned its outcome (its sender died, was stopped, or lost
   * Slack's answer): Slack may have posted it. The next attempt looks for it before posting. */
  sendUnresolved: boolean;
  /** When the latest send was started (ms): where the next attempt looks for it in Slack.
   * Null for a row never sent, or one from before migration 011. */
  sendStartedAt: number | null;
  status: "pending" | "sent" | "failed";
  lastError: string | null;
  messageTs: string | null;
  priority: OutboxPriority;
}

/** What the worker needs to decide what to send next, without reading any payload. */
export interface OutboxHead {
  id: number;
  team: Team;
  channel: string;
  dueAt: number;
  /** Held by a live sender until then, or null (free, or its holder is dead). */
  leaseUntil: number | null;
}

/** A first move whose "stated a first move" line is still owed to the drill's thread. */
export interface UnnoticedFirstMove {
  userName: string;
  answeredAt: number;
}

// SQLite returns in_thread as 0/1 and the payload as text: converted here, then mapped like PostgreSQL's rows.
const toEntry = (r: SqliteOutboxRow): OutboxEntry => toEntryOfRow(fromSqliteOutboxRow(r));

export interface OutboxEntryInput {
  dedupeKey: string;
  channel: string;
  drillId?: number | null;
  inThread?: boolean;
  kind: OutboxKind;
  payload: OutboxPayload;
  now: number;
  priority?: OutboxPriority;
  /** Its Slack workspace, whose bot token sends it; by default the drill's, or the deployment's
   * own ('local' on SQLite: a single-workspace install). */
  teamId?: string | null;
  enterpriseId?: string | null;
}

export interface OutboxStore {
  /** Adds an entry unless one with the same key exists; returns the entry either way. */
  enqueue(entry: OutboxEntryInput): Promise<OutboxEntry>;
  /** The next pending entry of each channel (a drill's own messages first, then in id order). */
  heads(now: number): Promise<OutboxHead[]>;
  get(id: number): Promise<OutboxEntry | null>;
  byKey(key: string): Promise<OutboxEntry | null>;
  /** Takes the entry for one send attempt (from a settled row, the send starts now: see
   * sendStartedAt; an unresolved row keeps the start of the send it waits to hear about): the entry as it stood just before (read in the same
   * statement or transaction as the claim, so its `sendUnresolved` and `attempts` are those of
   * the attempt this one follows, whoever made it). Null when a live sender holds it, when it is
   * waiting out a backoff or Retry-After (`dueAt` later than `now`), or when an earlier entry of
   * its channel is still pending (a channel's messages go out in order). */
  claim(id: number, now: number, leaseMs: number, owner: string): Promise<OutboxEntry | null>;
  /** Extends a send's lease to `now + leaseMs`, only while `owner` still holds it and the entry
   * is pending: false when another sender took it over meanwhile (or it was sent or given up),
   * and then that sender decides. A send that spent part of its lease reading Slack renews it
   * before posting; its send starts now (sendStartedAt). */
  renewLease(id: number, now: number, leaseMs: number, owner: string): Promise<boolean>;
  /** Records a post that reached Slack; false when the entry is no longer pending (another
   * sender recorded it first). Not limited to the lease holder: a sender whose lease was taken
   * over (it stalled) may still have posted, and forgetting that would post it once more. */
  markSent(id: number, at: number, ts: string | null): Promise<boolean>;
  /** Tried again from `dueAt`, only while `owner` holds the lease (false when another sender
   * took it over; that sender decides). `unresolved`: the attempt may have reached Slack (a
   * timeout, a dropped connection), so the next one looks for it before posting (around
   * sendStartedAt, kept); otherwise no send is in doubt and sendStartedAt is cleared. */
  retryLater(id: number, dueAt: number, error: string, owner: string, unresolved?: boolean): Promise<boolean>;
  /** Gives the entry up, only while `owner` holds the lease (claim it first); false otherwise. */
  markFailed(id: number, error: string, owner: string): Promise<boolean>;
  /** Lets go of every lease this sender holds (a clean shutdown); a send still in flight stays
   * marked unresolved (its holder is kept), so whoever sends it next looks for it first. */
  releaseLeases(owner: string): Promise<number>;
  counts(): Promise<Record<"pending" | "sent" | "failed", number>>;
  /** On start: whatever waits on a backoff is tried now (a Retry-After is still honoured). */
  retryNow(now: number): Promise<number>;
  /** Deletes sent and failed entries created before `before`; pending ones are kept. */
  prune(before: number): Promise<number>;
  /** In one transaction: the first moves of a drill not yet announced in its thread become one
   * outbox entry (rendered by `render`) and are marked announced. Null when none were owed. */
  enqueueFirstMoveNotices(
    drillId: number,
    channel: string,
    now: number,
    render: (moves: UnnoticedFirstMove[]) => OutboxPayload,
    /** Given: only a drill of this workspace (another's queues nothing). The entry is the drill's workspace's. */
    team?: Team,
  ): Promise<OutboxEntry | null>;
}

export class SqliteOutboxStore implements OutboxStore {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private enqueueSync(e: OutboxEntryInput): OutboxEntry {
    this.stmt(
      `INSERT OR IGNORE INTO outbox (team_id, enterprise_id, dedupe_key, channel, drill_id, in_thread, kind, payload, created_at, due_at, priority)
       VALUES (coalesce(@teamId, (SELECT team_id FROM drills WHERE id = @drillId), '${LOCAL_TEAM.id}'),
               coalesce(@enterpriseId, (SELECT enterprise_id FROM drills WHERE id = @drillId)),
               @dedupeKey, @channel, @drillId, @inThread, @kind, @payload, @now, @now, @priority)`,
    ).run({
      teamId: e.teamId ?? null,
      enterpriseId: e.enterpriseId ?? null,
      dedupeKey: e.dedupeKey,
      channel: e.channel,
      drillId: e.drillId ?? null,
      inThread: e.inThread ? 1 : 0,
      kind: e.kind,
      payload: JSON.stringify(e.payload),
      now: e.now,
      priority: e.priority ?? DRILL_PRIORITY,
    });
    const row = this.stmt("SELECT * FROM outbox WHERE dedupe_key = ?").get(e.dedupeKey) as SqliteOutboxRow | undefined;
    if (!row) throw new Error(`outbox entry ${e.dedupeKey} vanished`);
    return toEntry(row);
  }

  async enqueue(e: OutboxEntryInput): Promise<OutboxEntry> {
    return this.enqueueSync(e);
  }

  async heads(now: number): Promise<OutboxHead[]> {
    // One row per channel of a workspace: its lowest (priority, id) pending entry. A lease counts
    // only while its holder is alive (a fresh heartbeat); a dead sender's lease is free at once.
    const rows = this.stmt(
      `SELECT o.id, o.team_id, o.enterprise_id, o.channel, o.due_at,
              CASE WHEN o.lease_until IS NULL OR o.lease_until < @now THEN NULL
                   WHEN o.lease_owner IS NOT NULL AND NOT EXISTS
                        (SELECT 1 FROM instances i WHERE i.id = o.lease_owner AND i.heartbeat_at >= @alive) THEN NULL
                   ELSE o.lease_until END AS lease_until
         FROM (SELECT id, row_number() OVER (PARTITION BY team_id, channel ORDER BY priority, id) AS rank
                 FROM outbox WHERE status = 'pending') h
         JOIN outbox o ON o.id = h.id
        WHERE h.rank = 1
        ORDER BY o.priority, o.id`,
    ).all({ now, alive: now - OWNER_STALE_MS }) as OutboxHeadRow[];
    return rows.map(toHead);
  }

  async get(id: number): Promise<OutboxEntry | null> {
    const row = this.stmt("SELECT * FROM outbox WHERE id = ?").get(id) as SqliteOutboxRow | undefined;
    return row ? toEntry(row) : null;
  }

  async byKey(key: string): Promise<OutboxEntry | null> {
    const row = this.stmt("SELECT * FROM outbox WHERE dedupe_key = ?").get(key) as SqliteOutboxRow | undefined;
    return row ? toEntry(row) : null;
  }

  async claim(id: number, now: number, leaseMs: number, owner: string): Promise<OutboxEntry | null> {
    // Read and taken in one transaction: no other sender's attempt can come between the reading
    // this attempt acts on and the claim.
    return this.db
      .transaction((): OutboxEntry | null => {
        const before = this.stmt("SELECT * FROM outbox WHERE id = ?").get(id) as SqliteOutboxRow | undefined;
        const taken =
          this.stmt(
            `UPDATE outbox SET lease_until = @until, lease_owner = @owner,
                send_started_at = CASE WHEN lease_owner IS NULL THEN @now ELSE send_started_at END
          WHERE id = @id AND status = 'pending' AND due_at <= @now
            AND (lease_until IS NULL OR lease_until < @now OR lease_owner IS NULL
                 OR NOT EXISTS (SELECT 1 FROM instances i WHERE i.id = outbox.lease_owner AND i.heartbeat_at >= @alive))
            AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.team_id = outbox.team_id AND e.channel = outbox.channel AND e.status = 'pending'
                             AND (e.priority, e.id) < (outbox.priority, outbox.id))`,
          ).run({ until: now + leaseMs, owner, id, now, alive: now - OWNER_STALE_MS }).changes === 1;
        return taken && before ? toEntry(before) : null;
      })
      .immediate();
  }

  async renewLease(id: number, now: number, leaseMs: number, owner: string): Promise<boolean> {
    return (
      this.stmt("UPDATE outbox SET lease_until = ?, send_started_at = ? WHERE id = ? AND lease_owner = ? AND status = 'pending'").run(
        now + leaseMs,
        now,
        id,
        owner,
      ).changes === 1
    );
  }

  async markSent(id: number, at: number, ts: string | null): Promise<boolean> {
    return (
      this.stmt(
        "UPDATE outbox SET status = 'sent', sent_at = ?, message_ts = ?, attempts = attempts + 1, lease_owner = NULL WHERE id = ? AND status = 'pending'",
      ).run(at, ts, id).changes === 1
    );
  }

  async retryLater(id: number, dueAt: number, error: string, owner: string, unresolved = false): Promise<boolean> {
    // lease_owner kept on a pending row: the last attempt's outcome is unknown (see sendUnresolved).
    return (
      this.stmt(
        "UPDATE outbox SET due_at = @dueAt, attempts = attempts + 1, last_error = @error, lease_until = NULL, lease_owner = CASE WHEN @unresolved THEN lease_owner END, send_started_at = CASE WHEN @unresolved THEN send_started_at END WHERE id = @id AND status = 'pending' AND lease_owner = @owner",
      ).run({ dueAt, error, unresolved: unresolved ? 1 : 0, id, owner }).changes === 1
    );
  }

  async markFailed(id: number, error: string, owner: string): Promise<boolean> {
    return (
      this.stmt(
        "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?, lease_until = NULL, lease_owner = NULL WHERE id = ? AND status = 'pending' AND lease_owner = ?",
      ).run(error, id, owner).changes === 1
    );
  }

  async releaseLeases(owner: string): Promise<number> {
    // The holder stays: this row's send was started and never finished (see sendUnresolved).
    return this.stmt("UPDATE outbox SET lease_until = NULL WHERE lease_owner = ? AND status = 'pending' AND lease_until IS NOT NULL").run(
      owner,
    ).changes;
  }

  async retryNow(now: number): Promise<number> {
    // Only entries nobody is sending: another process's live lease is left alone (as on PostgreSQL).
    return this.stmt(
      `UPDATE outbox SET due_at = @now, lease_until = NULL
        WHERE status = 'pending' AND due_at > @now AND coalesce(last_error, '') NOT LIKE 'rate limited%'
          AND (lease_until IS NULL OR lease_until < @now OR lease_owner IS NULL
               OR NOT EXISTS (SELECT 1 FROM instances i WHERE i.id = outbox.lease_owner AND i.heartbeat_at >= @alive))`,
    ).run({ now, alive: now - OWNER_STALE_MS }).changes;
  }

  async prune(before: number): Promise<number> {
    return this.stmt("DELETE FROM outbox WHERE status <> 'pending' AND created_at < ?").run(before).changes;
  }

  async enqueueFirstMoveNotices(
    drillId: number,
    channel: string,
    now: number,
    render: (moves: UnnoticedFirstMove[]) => OutboxPayload,
    team?: Team,
  ): Promise<OutboxEntry | null> {
    return this.db
      .transaction((): OutboxEntry | null => {
        const rows = this.stmt(
          `SELECT f.rowid AS seq, r.user_name, f.answered_at FROM first_moves f
             JOIN responders r ON r.drill_id = f.drill_id AND r.user_id = f.user_id
             JOIN drills d ON d.id = f.drill_id AND (d.team_id = @team OR @team IS NULL)
            WHERE f.drill_id = @drillId AND f.noticed = 0 ORDER BY f.answered_at, f.rowid`,
        ).all({ team: team?.id ?? null, drillId }) as { seq: number; user_name: string; answered_at: number }[];
        if (rows.length === 0) return null;
        const entry = this.enqueueSync({
          teamId: team?.id ?? null,
          enterpriseId: team?.enterpriseId ?? null,
          // The first row's rowid is unique to this batch: a key no other batch can take.
          dedupeKey: `drill:${drillId}:notice:${Math.min(...rows.map((r) => r.seq))}`,
          channel,
          drillId,
          inThread: true,
          kind: "notice",
          payload: render(rows.map((r) => ({ userName: r.user_name, answeredAt: r.answered_at }))),
          now,
        });
        this.stmt("UPDATE first_moves SET noticed = 1 WHERE drill_id = ? AND noticed = 0").run(drillId);
        return entry;
      })
      .immediate();
  }

  async counts(): Promise<Record<"pending" | "sent" | "failed", number>> {
    const rows = this.stmt("SELECT status, count(*) AS n FROM outbox GROUP BY status").all() as {
      status: "pending" | "sent" | "failed";
      n: number;
    }[];
    const counts = { pending: 0, sent: 0, failed: 0 };
    for (const r of rows) counts[r.status] = r.n;
    return counts;
  }
}
