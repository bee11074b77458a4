import { loadCatalog } from "../catalog/catalog.js";
import { formatProblem, isError } from "../catalog/problems.js";
import { systemClock } from "../domain/clock.js";
import { DrillService } from "../service/drillService.js";
import { DEFAULT_DB_PATH, openSqliteStores, type SqliteDrillStore, type SqliteStores } from "../store/sqlite.js";
import type { CliIO } from "./io.js";

export function dbPathFrom(flag: string | undefined): string {
  return flag ?? process.env.DRILLBOT_DB ?? DEFAULT_DB_PATH;
}

/** The catalog, the store and the service a CLI command works with. Invalid scenarios are
 * reported and skipped; the command goes on with the valid ones. */
export function openService(
  root: string,
  dbPath: string,
  io: CliIO,
): { service: DrillService; store: SqliteDrillStore; stores: SqliteStores } | null {
  const catalog = loadCatalog(root);
  for (const problem of catalog.problems) io.err(`${isError(problem) ? "skipped: " : ""}${formatProblem(problem)}`);
  let stores: SqliteStores;
  try {
    stores = openSqliteStores(dbPath);
  } catch (error) {
    io.err(`drillbot: cannot open database ${dbPath}: ${(error as Error).message}`);
    return null;
  }
  return { service: new DrillService(stores.drills, catalog.scenarios, systemClock, catalog.lexicon), store: stores.drills, stores };
}
