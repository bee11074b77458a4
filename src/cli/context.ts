import { type Catalog, loadCatalog } from "../catalog/catalog.js";
import type { CatalogConfig } from "../catalog/config.js";
import { systemClock } from "../domain/clock.js";
import { DrillService } from "../service/drillService.js";
import { DEFAULT_DB_PATH, openSqliteStores, type SqliteDrillStore, type SqliteStores } from "../store/sqlite.js";
import type { CliIO } from "./io.js";
import { noteSkipped, skippedReasons } from "./skipped.js";

export { noteSkipped, skippedReasons };

export function dbPathFrom(flag: string | undefined): string {
  return flag ?? process.env.DRILLBOT_DB ?? DEFAULT_DB_PATH;
}

/** The catalog, the store and the service a CLI command works with. Invalid scenarios are
 * skipped; the command goes on with the valid ones. */
export function openService(
  config: CatalogConfig,
  dbPath: string,
  io: CliIO,
  options: { quiet?: boolean } = {},
): { service: DrillService; store: SqliteDrillStore; stores: SqliteStores; catalog: Catalog } | null {
  const catalog = loadCatalog(config);
  if (!options.quiet) noteSkipped(catalog, io);
  let stores: SqliteStores;
  try {
    stores = openSqliteStores(dbPath);
  } catch (error) {
    io.err(`drillbot: cannot open database ${dbPath}: ${(error as Error).message}`);
    return null;
  }
  return {
    service: new DrillService(stores.drills, catalog.scenarios, systemClock, {
      skipped: skippedReasons(catalog),
      actions: stores.actions,
      lexicon: catalog.lexicon,
    }),
    store: stores.drills,
    stores,
    catalog,
  };
}
