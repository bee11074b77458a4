import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import type { CatalogConfig } from "../catalog/config.js";
import type { DrillMode } from "../domain/drillState.js";
import { openService } from "./context.js";
import type { CliIO } from "./io.js";
import { runTerminalDrill } from "./terminalDrill.js";

/** `drillbot drill <id> [--mode read|blind] [--user NAME] [--role ROLE] [--db PATH]` */
export async function drillCommand(args: string[], config: CatalogConfig, io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { mode: { type: "string", default: "read" }, user: { type: "string" }, role: { type: "string" }, db: { type: "string" } },
  });
  const scenarioId = positionals[0];
  if (!scenarioId || positionals.length > 1) {
    io.err(
      "usage: drillbot drill <scenario> [--mode read|blind] [--user NAME] [--role ROLE] [--db PATH]   (drillbot list shows the scenarios)",
    );
    return 2;
  }
  if (values.mode !== "read" && values.mode !== "blind") {
    io.err(`--mode must be read (runbook shown at once) or blind (runbook after your first move), not "${values.mode}"`);
    return 2;
  }
  // Other scenarios' problems are not this drill's business; its own are said if it cannot run.
  const opened = await openService(config, values.db, io, { quiet: true });
  if (!opened) return 1;
  const name = values.user ?? process.env.USER ?? safeUsername();
  try {
    return await runTerminalDrill({
      service: opened.service,
      scenarioId,
      mode: values.mode as DrillMode,
      user: { id: `terminal:${name}`, name },
      ...(values.role !== undefined ? { role: values.role.toLowerCase() } : {}),
      input: process.stdin,
      io,
      interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
      dbPath: opened.stores.location,
    });
  } finally {
    await opened.stores.close();
  }
}

function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return "responder";
  }
}
