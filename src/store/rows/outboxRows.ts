import type { OutboxEntry, OutboxHead, OutboxKind, OutboxPayload } from "../outbox.js";

// outbox rows and their domain entries, shared by the SQLite and PostgreSQL outboxes, so a column
// change is made once. The one dialect difference is explicit below.

/** An outbox row as PostgreSQL returns it: a boolean, and the payload's jsonb already parsed. */
export interface OutboxRow {
  id: number;
  team_id: string;
  enterprise_id: string | null;
  dedupe_key: string;
  channel: string;
  drill_id: number | null;
  in_thread: boolean;
  kind: OutboxKind;
  payload: OutboxPayload;
  created_at: number;
  due_at: number;
  attempts: number;
  lease_until: number | null;
  lease_owner: string | null;
  send_started_at: number | null;
  status: "pending" | "sent" | "failed";
  last_error: string | null;
  message_ts: string | null;
  priority: number;
}

/** The same row from SQLite: in_thread as 0/1, the payload as JSON text. */
export type SqliteOutboxRow = Omit<OutboxRow, "in_thread" | "payload"> & { in_thread: number; payload: string };

export const fromSqliteOutboxRow = (r: SqliteOutboxRow): OutboxRow => ({
  ...r,
  in_thread: r.in_thread === 1,
  payload: JSON.parse(r.payload) as OutboxPayload,
});

export const toEntry = (r: OutboxRow): OutboxEntry => ({
  id: r.id,
  team: { id: r.team_id, enterpriseId: r.enterprise_id },
  dedupeKey: r.dedupe_key,
  channel: r.channel,
  drillId: r.drill_id,
  inThread: r.in_thread,
  kind: r.kind,
  payload: r.payload,
  createdAt: r.created_at,
  dueAt: r.due_at,
  attempts: r.attempts,
  leaseUntil: r.lease_until,
  sendUnresolved: r.status === "pending" && r.lease_owner !== null,
  sendStartedAt: r.send_started_at,
  status: r.status,
  lastError: r.last_error,
  messageTs: r.message_ts,
  priority: r.priority === 1 ? 1 : 0,
});

/** A channel's head entry, as both outboxes' heads() select it. */
export interface OutboxHeadRow {
  id: number;
  team_id: string;
  enterprise_id: string | null;
  channel: string;
  due_at: number;
  lease_until: number | null;
}

export const toHead = (r: OutboxHeadRow): OutboxHead => ({
  id: r.id,
  team: { id: r.team_id, enterpriseId: r.enterprise_id },
  channel: r.channel,
  dueAt: r.due_at,
  leaseUntil: r.lease_until,
});
