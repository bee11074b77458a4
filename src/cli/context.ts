import { type Catalog, loadCatalog } from "../catalog/catalog.js";
import type { CatalogConfig } from "../catalog/config.js";
import { systemClock } from "../domain/clock.js";
import { DrillService } from "../service/drillService.js";
import { DEFAULT_DB_PATH } from "../store/sqlite.js";
import type { DrillStore } from "../store/store.js";
import { databaseFromEnv, describeDatabase, openStores, type Stores } from "../store/stores.js";
import type { CliIO } from "./io.js";
import { noteSkipped, skippedReasons } from "./skipped.js";

export { noteSkipped, skippedReasons };

export function dbPathFrom(flag: string | undefined): string {
  return flag ?? process.env.DRILLBOT_DB ?? DEFAULT_DB_PATH;
}

/** The stores a command works with: `--db PATH` when given, else PostgreSQL when DATABASE_URL is
 * set, else DRILLBOT_DB or ./data/drillbot.db. null (and a message) when they cannot be opened. */
export async function openCliStores(dbFlag: string | undefined, io: CliIO, env: NodeJS.ProcessEnv = process.env): Promise<Stores | null> {
  const chosen = databaseFromEnv(env, dbFlag);
  if (!chosen.ok) {
    io.err(`drillbot: ${chosen.problem}`);
    return null;
  }
  try {
    return await openStores(chosen.database, { applicationName: "drillbot cli" });
  } catch (error) {
    io.err(`drillbot: cannot open database ${describeDatabase(chosen.database)}: ${(error as Error).message}`);
    return null;
  }
}

/** The catalog, the stores and the service a CLI command works with. Invalid scenarios are
 * skipped; the command goes on with the valid ones. The caller closes `stores`. */
export async function openService(
  config: CatalogConfig,
  dbFlag: string | undefined,
  io: CliIO,
  options: { quiet?: boolean } = {},
): Promise<{ service: DrillService; store: DrillStore; stores: Stores; catalog: Catalog } | null> {
  const catalog = loadCatalog(config);
  if (!options.quiet) noteSkipped(catalog, io);
  const stores = await openCliStores(dbFlag, io);
  if (!stores) return null;
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
