import { parseArgs } from "node:util";
import { loadCatalog } from "../catalog/catalog.js";
import type { CatalogConfig } from "../catalog/config.js";
import type { Scenario } from "../domain/scenario.js";
import type { CliIO } from "./io.js";
import { noteSkipped } from "./skipped.js";

export function scenariosWithTag(scenarios: Iterable<Scenario>, tag?: string): Scenario[] {
  return [...scenarios].filter((s) => tag === undefined || s.tags.includes(tag)).sort((a, b) => a.id.localeCompare(b.id));
}

/** `drillbot list [--tag TAG]`: one line per scenario on stdout; notes on stderr. */
export function listCommand(args: string[], config: CatalogConfig, io: CliIO): number {
  const { values } = parseArgs({ args, options: { tag: { type: "string" } }, strict: true });
  const catalog = loadCatalog(config);
  noteSkipped(catalog, io);
  const shown = scenariosWithTag(catalog.scenarios.values(), values.tag);
  if (shown.length === 0) {
    const tags = [...new Set([...catalog.scenarios.values()].flatMap((s) => s.tags))].sort();
    io.err(values.tag ? `no scenario has the tag "${values.tag}"; tags: ${tags.join(", ")}` : "no valid scenarios found");
    return 1;
  }
  const width = Math.max(...shown.map((s) => s.id.length));
  for (const s of shown)
    io.out(`${s.id.padEnd(width)}  ${s.severity}  ${s.title}  [${s.tags.join(", ")}]${s.quick ? "  (quick drill)" : ""}`);
  return 0;
}
