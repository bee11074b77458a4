import type Database from "better-sqlite3";

// Fingerprints of signed requests already processed. Slack signs a timestamp with each body and
// drillbot refuses one older than five minutes, so remembering a body for ten minutes is enough
// to make a replay of the very same request a no-op. Several instances also use it as a shared
// "first one wins" record for short windows (one trigger message update per 1.5 s across all of
// them, see SlackDelivery); such keys age out with the fingerprints.

export const FINGERPRINT_TTL_MS = 10 * 60_000;

export interface RequestLog {
  /** True the first time a fingerprint is seen; false for a replay. */
  firstSeen(fingerprint: string, now: number): Promise<boolean>;
  /** Forgets fingerprints older than the TTL. */
  prune(now: number): Promise<number>;
}

export class SqliteRequestLog implements RequestLog {
  private readonly insert: Database.Statement;
  private readonly forget: Database.Statement;

  constructor(db: Database.Database) {
    this.insert = db.prepare("INSERT OR IGNORE INTO request_fingerprints (fingerprint, seen_at) VALUES (?, ?)");
    this.forget = db.prepare("DELETE FROM request_fingerprints WHERE seen_at < ?");
  }

  async firstSeen(fingerprint: string, now: number): Promise<boolean> {
    return this.insert.run(fingerprint, now).changes === 1;
  }

  async prune(now: number): Promise<number> {
    return this.forget.run(now - FINGERPRINT_TTL_MS).changes;
  }
}
