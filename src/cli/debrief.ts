import { parseArgs } from "node:util";
import type { CatalogConfig } from "../catalog/config.js";
import { responseRows, rowsToCsv } from "../service/exports.js";
import { flaggedByPeople } from "../store/history.js";
import { openService } from "./context.js";
import type { CliIO } from "./io.js";
import { renderDebriefJson, renderDebriefMarkdown, renderDebriefText } from "./renderDebrief.js";

/** `drillbot debrief <drill-id|last> [--db PATH] [--format text|md|json|csv]` */
export async function debriefCommand(args: string[], config: CatalogConfig, io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { db: { type: "string" }, format: { type: "string", default: "text" } },
  });
  const which = positionals[0] ?? "last";
  const format = values.format ?? "text";
  if (!["text", "md", "json", "csv"].includes(format)) {
    io.err(`--format must be text, md, json or csv, not "${format}"`);
    return 2;
  }
  if (which !== "last" && !/^\d+$/.test(which)) {
    io.err(`usage: drillbot debrief <drill-id|last> [--db PATH] [--format text|md|json|csv] ("${which}" is not a drill id)`);
    return 2;
  }
  const opened = await openService(config, values.db, io);
  if (!opened) return 1;
  try {
    const id = which === "last" ? (await opened.store.listDrills({ limit: 1 }))[0]?.id : Number(which);
    if (id === undefined) {
      io.err("no drills recorded yet: run one with drillbot drill <scenario>");
      return 1;
    }
    const drill = await opened.service.load(id);
    if (!drill) {
      const recent = (await opened.store.listDrills({ limit: 5 })).map((d) => `#${d.id} ${d.scenarioId}`);
      io.err(`no drill #${id}${recent.length ? `; recent: ${recent.join(", ")}` : ""}`);
      return 1;
    }
    const debrief = await opened.service.debrief(id);
    if (!debrief) return 1;
    if (format === "json") io.out(renderDebriefJson(debrief));
    else if (format === "csv") io.out(rowsToCsv(responseRows(debrief, drill.state.venue)).trimEnd());
    else if (format === "md")
      io.out(renderDebriefMarkdown(debrief, drill.scenario, flaggedByPeople(await opened.stores.actions.listActionItems({ drillId: id }))));
    else io.out(renderDebriefText(debrief, drill.scenario));
    return 0;
  } finally {
    await opened.stores.close();
  }
}
