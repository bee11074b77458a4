import { parseArgs } from "node:util";
import type { CatalogConfig } from "../catalog/config.js";
import { closestId } from "../domain/closest.js";
import { masteryPhrase, percent } from "../domain/debriefWords.js";
import { formatClock } from "../domain/duration.js";
import { sparkline } from "../domain/trends.js";
import { Insights } from "../service/insights.js";
import { openService } from "./context.js";
import type { CliIO } from "./io.js";

// `drillbot stats`: what `/drill stats` shows in Slack, at a terminal — coverage and the team's
// trend, one scenario's recent drills, or one person's accuracy, speed and mastery.

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** `drillbot stats [--user NAME|U…] [--scenario ID] [--workspace T…] [--db PATH]` */
export async function statsCommand(args: string[], config: CatalogConfig, io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { user: { type: "string" }, scenario: { type: "string" }, workspace: { type: "string" }, db: { type: "string" } },
  });
  if (positionals.length > 0 || (values.user !== undefined && values.scenario !== undefined)) {
    io.err(
      "usage: drillbot stats [--user NAME|U…] [--scenario ID] [--workspace T…] [--db PATH]   (one of --user or --scenario, or neither)",
    );
    return 2;
  }
  const opened = await openService(config, values.db, io, { quiet: true });
  if (!opened) return 1;
  try {
    const team = values.workspace ? { id: values.workspace, enterpriseId: null } : null;
    const history = team ? opened.stores.history.forTeam(team) : opened.stores.history;
    const actions = team ? opened.stores.actions.forTeam(team) : opened.stores.actions;
    const insights = new Insights(history, actions);

    if (values.user !== undefined) {
      // Slack people are U…/W… ids; a terminal responder is the name they drilled under.
      const userId = /^[UW][A-Z0-9]{2,}$/.test(values.user) ? values.user : `terminal:${values.user}`;
      const stats = await insights.personStats(userId);
      if (stats.drills === 0) {
        io.err(`${values.user} has not finished a drill yet.`);
        return 1;
      }
      io.out(
        `${stats.name ?? values.user}: ${stats.drills} drill(s), ${stats.correctInWindow} correct inside the read window (${percent(stats.correctInWindow / stats.drills)}), median time to first move ${stats.medianFirstMoveMs === null ? "—" : formatClock(stats.medianFirstMoveMs)}`,
      );
      io.out(`accuracy, latest drills: ${stats.recent.length ? sparkline(stats.recent) : "—"}`);
      for (const m of stats.mastery) io.out(`  ${m.scenarioId.padEnd(24)} ${masteryPhrase(m.mastery)}, ${m.mastery.drills} drill(s)`);
      return 0;
    }

    if (values.scenario !== undefined) {
      const ids = [...opened.catalog.scenarios.keys()];
      if (!opened.catalog.scenarios.has(values.scenario)) {
        const closest = closestId(values.scenario, ids);
        io.err(`unknown scenario "${values.scenario}"${closest ? ` — did you mean ${closest}?` : ""}`);
        return 2;
      }
      const results = await history.scenarioResults(values.scenario, 20);
      const points = await insights.trendPoints(values.scenario, 20);
      io.out(
        `${values.scenario}: ${results.length} recent drill(s); correct inside the read window: ${points.length ? sparkline(points.map((p) => p.share)) : "—"}`,
      );
      for (const r of [...results].reverse().slice(0, 10)) {
        io.out(
          `  #${r.drillId}  ${day(r.endedAt)}  ${r.correctInWindow}/${r.responders} correct, median first move ${r.medianFirstMoveMs === null ? "—" : formatClock(r.medianFirstMoveMs)}, ${r.mode} mode`,
        );
      }
      return 0;
    }

    const team20 = await history.recentResults(20);
    io.out(
      `team, latest ${team20.length} drill(s): correct inside the read window ${team20.length ? sparkline(team20.map((r) => (r.responders ? r.correctInWindow / r.responders : null))) : "—"}`,
    );
    io.out("coverage (stalest first):");
    for (const c of await insights.coverage(opened.catalog.scenarios.values())) {
      const last = c.lastPractisedAt === null ? "never practised" : `last ${day(c.lastPractisedAt)}`;
      io.out(
        `  ${c.scenarioId.padEnd(24)} ${last.padEnd(16)} ${String(c.drills).padStart(4)} drill(s)  last ${percent(c.lastShare)} correct  clarity ${percent(c.clarity)}`,
      );
    }
    return 0;
  } finally {
    await opened.stores.close();
  }
}
