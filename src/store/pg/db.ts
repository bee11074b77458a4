import type pg from "pg";

// What every PostgreSQL store shares: the workspace its rows belong to, and one transaction helper.

/** The Slack workspace a store's rows belong to: new rows carry it, and every read names it
 * (the indexes of migrations/pg lead with team_id). LOCAL_WORKSPACE is the workspace of a
 * single-workspace install (SLACK_BOT_TOKEN in the environment) and of the terminal. */
export interface PgWorkspace {
  teamId: string;
  enterpriseId: string | null;
}

export const LOCAL_WORKSPACE: PgWorkspace = Object.freeze({ teamId: "local", enterpriseId: null });

/** Runs `work` in one transaction on one connection; rolls back (and rethrows) on any error. A
 * connection whose ROLLBACK failed is closed rather than handed back to the pool. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/** A unique index refused the row (PostgreSQL's unique_violation), optionally a given one. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string };
  return e.code === "23505" && (constraint === undefined || e.constraint === constraint);
}

/** Collects parameters and hands out their $n placeholders, for queries built from filters. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
