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
  // drillbot's queries are short, index-led reads and writes; PostgreSQL's JIT compiler only
  // pays off for long analytic ones. It starts once a plan's estimated cost passes
  // jit_above_cost, which counting a large workspace's history can, and then spent 20–40 ms
  // compiling for a 14-row answer (EXPLAIN ANALYZE of /drill stats coverage at 100,000 drills).
  // Off for drillbot's own sessions only; the server's setting for everyone else is untouched.
  // Run first on each new connection: node-postgres queues a client's queries in order.
  pool.on("connect", (client) => {
    client.query("SET jit = off").catch((error: Error) => process.stderr.write(`drillbot: could not turn off JIT: ${error.message}\n`));
  });
  pool.on(
    "error",
    options.onIdleError ?? ((error) => process.stderr.write(`drillbot: an idle PostgreSQL connection failed: ${error.message}\n`)),
  );
  return pool;
}
