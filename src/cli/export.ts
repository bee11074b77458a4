import { parseArgs } from "node:util";
import type { CatalogConfig } from "../catalog/config.js";
import { exportResponses, rowsToCsv } from "../service/exports.js";
import { openService } from "./context.js";
import type { CliIO } from "./io.js";

/** `drillbot export [--since DATE] [--scenario ID] [--format csv|json] [--workspace TEAM_ID] [--db PATH]` */
export async function exportCommand(args: string[], config: CatalogConfig, io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      since: { type: "string" },
      scenario: { type: "string" },
      format: { type: "string", default: "csv" },
      db: { type: "string" },
      workspace: { type: "string" },
    },
  });
  const format = values.format ?? "csv";
  if (format !== "csv" && format !== "json") {
    io.err(`--format must be csv or json, not "${format}"`);
    return 2;
  }
  let since: number | undefined;
  if (values.since !== undefined) {
    since = Date.parse(values.since);
    if (Number.isNaN(since)) {
      io.err(`--since takes a date like 2026-01-31 or 2026-01-31T09:00Z, not "${values.since}"`);
      return 2;
    }
  }
  const opened = await openService(config, values.db, io);
  if (!opened) return 1;
  try {
    // One workspace's drills only: the terminal's and a single-workspace install's by default.
    const service = values.workspace ? opened.service.forTeam({ id: values.workspace, enterpriseId: null }) : opened.service;
    const rows = await exportResponses(service, {
      ...(since !== undefined ? { since } : {}),
      ...(values.scenario ? { scenarioId: values.scenario } : {}),
    });
    io.out(format === "json" ? JSON.stringify(rows, null, 2) : rowsToCsv(rows).trimEnd());
    return 0;
  } finally {
    await opened.stores.close();
  }
}
