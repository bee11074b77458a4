import pg from "pg";

// One place that opens PostgreSQL connections the way drillbot's code expects to read them.

/** BIGINT (int8) columns hold milliseconds since the epoch and ids: node-postgres returns them as
 * strings by default (an int8 can exceed 2^53). drillbot's never come close, so they are numbers
 * here, and one that somehow does is an error rather than a silently rounded value. */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`integer ${text} from PostgreSQL is beyond JavaScript's safe range`);
  return value;
}

export interface PgPoolOptions {
  /** Connections at most (default 10, node-postgres's own default). */
  max?: number;
  /** Shown in pg_stat_activity, so an operator can tell drillbot's connections apart. */
  applicationName?: string;
  /** An idle connection that breaks (server restart, network) is reported here; without a
   * listener node-postgres would throw it as an uncaught error and end the process. */
  onIdleError?: (error: Error) => void;
  /** How long getting a connection may take before the query fails (default: no limit). */
  connectionTimeoutMs?: number;
}

export function createPgPool(connectionString: string, options: PgPoolOptions = {}): pg.Pool {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, parseInt8);
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? "drillbot",
    types,
    ...(options.connectionTimeoutMs !== undefined ? { connectionTimeoutMillis: options.connectionTimeoutMs } : {}),
  });
  pool.on(
    "error",
    options.onIdleError ?? ((error) => process.stderr.write(`drillbot: an idle PostgreSQL connection failed: ${error.message}\n`)),
  );
  return pool;
}
