import type Database from "better-sqlite3";

// The persisted outbox (see migrations/004_outbox.sql).

export type OutboxKind = "trigger" | "inject" | "notice" | "debrief" | "summary" | "game_day" | "cancel";

export interface OutboxPayload {
  text: string;
  blocks?: unknown[];
}

export interface OutboxEntry {
  id: number;
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
  status: "pending" | "sent" | "failed";
  lastError: string | null;
  messageTs: string | null;
}

interface Row {
  id: number;
  dedupe_key: string;
  channel: string;
  drill_id: number | null;
  in_thread: number;
  kind: OutboxKind;
  payload: string;
  created_at: number;
  due_at: number;
  attempts: number;
  lease_until: number | null;
  status: "pending" | "sent" | "failed";
  last_error: string | null;
  message_ts: string | null;
}

const toEntry = (r: Row): OutboxEntry => ({
  id: r.id,
  dedupeKey: r.dedupe_key,
  channel: r.channel,
  drillId: r.drill_id,
  inThread: r.in_thread === 1,
  kind: r.kind,
  payload: JSON.parse(r.payload) as OutboxPayload,
  createdAt: r.created_at,
  dueAt: r.due_at,
  attempts: r.attempts,
  leaseUntil: r.lease_until,
  status: r.status,
  lastError: r.last_error,
  messageTs: r.message_ts,
});

export interface OutboxStore {
  /** Adds an entry unless one with the same key exists; returns the entry either way. */
  enqueue(entry: {
    dedupeKey: string;
    channel: string;
    drillId?: number | null;
    inThread?: boolean;
    kind: OutboxKind;
    payload: OutboxPayload;
    now: number;
  }): Promise<OutboxEntry>;
  /** The oldest pending entry of each channel, in id order. */
  heads(): Promise<OutboxEntry[]>;
  get(id: number): Promise<OutboxEntry | null>;
  byKey(key: string): Promise<OutboxEntry | null>;
  /** Takes the entry for one send attempt; false when another instance holds it. */
  claim(id: number, now: number, leaseMs: number): Promise<boolean>;
  markSent(id: number, at: number, ts: string | null): Promise<boolean>;
  retryLater(id: number, dueAt: number, error: string): Promise<void>;
  markFailed(id: number, error: string): Promise<void>;
  counts(): Promise<Record<"pending" | "sent" | "failed", number>>;
  /** On start: whatever waits on a backoff is tried now (a Retry-After is still honoured). */
  retryNow(now: number): Promise<number>;
}

export class SqliteOutboxStore implements OutboxStore {
  constructor(private readonly db: Database.Database) {}

  async enqueue(e: {
    dedupeKey: string;
    channel: string;
    drillId?: number | null;
    inThread?: boolean;
    kind: OutboxKind;
    payload: OutboxPayload;
    now: number;
  }): Promise<OutboxEntry> {
    this.db
      .prepare(
        "INSERT OR IGNORE INTO outbox (dedupe_key, channel, drill_id, in_thread, kind, payload, created_at, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .run(e.dedupeKey, e.channel, e.drillId ?? null, e.inThread ? 1 : 0, e.kind, JSON.stringify(e.payload), e.now, e.now);
    const entry = await this.byKey(e.dedupeKey);
    if (!entry) throw new Error(`outbox entry ${e.dedupeKey} vanished`);
    return entry;
  }

  async heads(): Promise<OutboxEntry[]> {
    const rows = this.db
      .prepare(
        "SELECT o.* FROM outbox o WHERE o.id IN (SELECT min(id) FROM outbox WHERE status = 'pending' GROUP BY channel) ORDER BY o.id",
      )
      .all() as Row[];
    return rows.map(toEntry);
  }

  async get(id: number): Promise<OutboxEntry | null> {
    const row = this.db.prepare("SELECT * FROM outbox WHERE id = ?").get(id) as Row | undefined;
    return row ? toEntry(row) : null;
  }

  async byKey(key: string): Promise<OutboxEntry | null> {
    const row = this.db.prepare("SELECT * FROM outbox WHERE dedupe_key = ?").get(key) as Row | undefined;
    return row ? toEntry(row) : null;
  }

  async claim(id: number, now: number, leaseMs: number): Promise<boolean> {
    return (
      this.db
        .prepare("UPDATE outbox SET lease_until = ? WHERE id = ? AND status = 'pending' AND (lease_until IS NULL OR lease_until < ?)")
        .run(now + leaseMs, id, now).changes === 1
    );
  }

  async markSent(id: number, at: number, ts: string | null): Promise<boolean> {
    return (
      this.db
        .prepare(
          "UPDATE outbox SET status = 'sent', sent_at = ?, message_ts = ?, attempts = attempts + 1 WHERE id = ? AND status = 'pending'",
        )
        .run(at, ts, id).changes === 1
    );
  }

  async retryLater(id: number, dueAt: number, error: string): Promise<void> {
    this.db
      .prepare(
        "UPDATE outbox SET due_at = ?, attempts = attempts + 1, last_error = ?, lease_until = NULL WHERE id = ? AND status = 'pending'",
      )
      .run(dueAt, error, id);
  }

  async markFailed(id: number, error: string): Promise<void> {
    this.db
      .prepare("UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ? AND status = 'pending'")
      .run(error, id);
  }

  async retryNow(now: number): Promise<number> {
    return this.db
      .prepare(
        "UPDATE outbox SET due_at = ?, lease_until = NULL WHERE status = 'pending' AND due_at > ? AND coalesce(last_error, '') NOT LIKE 'rate limited%'",
      )
      .run(now, now).changes;
  }

  async counts(): Promise<Record<"pending" | "sent" | "failed", number>> {
    const rows = this.db.prepare("SELECT status, count(*) AS n FROM outbox GROUP BY status").all() as {
      status: "pending" | "sent" | "failed";
      n: number;
    }[];
    const counts = { pending: 0, sent: 0, failed: 0 };
    for (const r of rows) counts[r.status] = r.n;
    return counts;
  }
}
