import type { Catalog } from "../catalog/catalog.js";
import { formatProblem } from "../catalog/problems.js";
import type { CliIO } from "./io.js";

// Apart from context.ts (which opens the store and the service) so that commands that only read
// the catalog, such as `drillbot list`, load nothing of the database.

/** Why each skipped scenario was skipped, as lint lines, by id. */
export function skippedReasons(catalog: Catalog): Map<string, string[]> {
  return new Map([...catalog.skipped].map(([id, problems]) => [id, problems.map(formatProblem)]));
}

/** One line about scenarios that could not be loaded (the details: drillbot lint, or drill <id>). */
export function noteSkipped(catalog: Catalog, io: CliIO): void {
  const ids = [...catalog.skipped.keys()];
  if (ids.length > 0) io.err(`note: ${ids.length} scenario(s) skipped (${ids.join(", ")}); drillbot lint says why`);
  for (const problem of catalog.config.problems) io.err(formatProblem(problem));
}
