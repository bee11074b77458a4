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

/** Settings of drillbot's own sessions, sent when each connection opens (the server's defaults
 * for every other client are untouched). JIT compilation off: drillbot's queries are short and
 * index-led, and JIT pays off only for long analytic ones. It starts once a plan's estimated cost
 * passes jit_above_cost, which counting a large workspace's history can: EXPLAIN ANALYZE of
 * /drill stats coverage at 100,000 drills showed 20–40 ms of compiling for a 14-row answer. */
export const SESSION_OPTIONS = "-c jit=off";

/** The connection string with SESSION_OPTIONS among its `options`, before any given there (a
 * search_path, say), so an operator's own `-c jit=on` still wins. node-postgres takes `options`
 * from the URL over its config, so it has to go into the URL itself. */
export function withSessionOptions(connectionString: string): string {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return connectionString; // not a URL: node-postgres reports it as it would have
  }
  const given = url.searchParams.get("options");
  url.searchParams.set("options", given ? `${SESSION_OPTIONS} ${given}` : SESSION_OPTIONS);
  return url.toString();
}

export function createPgPool(connectionString: string, options: PgPoolOptions = {}): pg.Pool {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, parseInt8);
  const pool = new pg.Pool({
    connectionString: withSessionOptions(connectionString),
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
