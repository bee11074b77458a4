import type pg from "pg";
import { FINGERPRINT_TTL_MS, type RequestLog } from "../requestLog.js";

// Fingerprints of signed requests already processed, on PostgreSQL: shared by every instance, so
// a replay that reaches another instance behind the load balancer is refused there too.

export class PgRequestLog implements RequestLog {
  constructor(private readonly pool: pg.Pool) {}

  async firstSeen(fingerprint: string, now: number): Promise<boolean> {
    const result = await this.pool.query(
      "INSERT INTO request_fingerprints (fingerprint, seen_at) VALUES ($1, $2) ON CONFLICT (fingerprint) DO NOTHING",
      [fingerprint, now],
    );
    return result.rowCount === 1;
  }

  async prune(now: number): Promise<number> {
    return (await this.pool.query("DELETE FROM request_fingerprints WHERE seen_at < $1", [now - FINGERPRINT_TTL_MS])).rowCount ?? 0;
  }
}
