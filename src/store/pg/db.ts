import type pg from "pg";

// What every PostgreSQL store shares: one transaction helper, unique violations, parameters.

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
