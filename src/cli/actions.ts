import { parseArgs } from "node:util";
import type { CatalogConfig } from "../catalog/config.js";
import { PART_TITLES } from "../domain/runbook.js";
import { openService } from "./context.js";
import type { CliIO } from "./io.js";

/** `drillbot actions [--all] [--done ID] [--by NAME] [--db PATH]`: runbook fixes flagged in drills. */
export async function actionsCommand(args: string[], config: CatalogConfig, io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { all: { type: "boolean", default: false }, done: { type: "string" }, by: { type: "string" }, db: { type: "string" } },
  });
  const opened = await openService(config, values.db, io);
  if (!opened) return 1;
  try {
    const actions = opened.stores.actions;
    if (values.done !== undefined) {
      const id = Number(values.done.replace(/^#/, ""));
      if (!Number.isInteger(id) || id <= 0) {
        io.err(`--done takes an action item id, e.g. --done 4`);
        return 2;
      }
      const by = values.by ?? process.env.USER ?? "terminal";
      if (await actions.markActionItemDone(id, by, Date.now())) {
        io.out(`action item #${id} marked done by ${by}`);
        return 0;
      }
      io.err(`action item #${id} does not exist or is already done`);
      return 1;
    }
    const items = await actions.listActionItems(values.all ? { limit: 100_000 } : { status: "open", limit: 100_000 });
    if (items.length === 0) io.out(values.all ? "no action items yet" : "no open action items (--all shows done ones)");
    for (const item of items) {
      const state = item.status === "done" ? `done by ${item.doneBy}` : "open";
      io.out(
        `#${item.id}  ${item.runbook} › ${PART_TITLES[item.part]}  [${item.kind}, ${state}]  ${item.text.replace(/\s+/g, " ")}  — ${item.raisedBy.name}, drill #${item.drillId}`,
      );
    }
    return 0;
  } finally {
    await opened.stores.close();
  }
}
