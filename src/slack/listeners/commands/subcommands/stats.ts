import { closestId } from "../../../../domain/closest.js";
import { formatClock } from "../../../../domain/duration.js";
import { sparkline } from "../../../../domain/trends.js";
import { coverageLines, personStatsLines, statsBlocks } from "../../../blocks/historyBlocks.js";
import { escapeMrkdwn, escapeUserText } from "../../../blocks/text.js";
import { fail, ok, subcommand } from "../subcommand.js";

/** A user as Slack escapes it in command text: <@U123|name> or <@U123>. */
const USER_TOKEN = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;

export const stats = subcommand({
  kind: "stats",
  matches: (first) => first === "stats",
  usage: [
    {
      syntax: "/drill stats [@person|scenario]",
      summary: "coverage, accuracy, time to first move and mastery",
      details: "coverage lists each scenario and when it was last practised",
    },
  ],
  hint: null,
  permission: "anyone",
  parse(words, { scenarioIds }) {
    if (words.lower.length === 0) return ok({});
    const user = USER_TOKEN.exec(words.raw[0] ?? "");
    if (words.lower.length === 1 && user?.[1]) return ok({ userId: user[1] });
    if (words.lower.length === 1 && scenarioIds.includes(words.lower[0] ?? "")) return ok({ scenarioId: words.lower[0] ?? "" });
    const closest = closestId(words.lower[0] ?? "", scenarioIds);
    return fail(`\`/drill stats\` takes a person (\`@name\`) or a scenario.${closest ? ` Did you mean \`/drill stats ${closest}\`?` : ""}`);
  },
  async handle(deps, ctx, target: { userId?: string; scenarioId?: string }) {
    if (target.userId) {
      const stats = await deps.insights.personStats(target.userId);
      if (stats.drills === 0) {
        await ctx.reply("That person has not finished a drill yet.");
        return;
      }
      await ctx.reply(`Stats for ${escapeUserText(stats.name ?? target.userId)}`, statsBlocks("Drill stats", personStatsLines(stats)));
      return;
    }
    if (target.scenarioId) {
      const scenario = deps.scenarios.get(target.scenarioId);
      const points = await deps.insights.trendPoints(target.scenarioId, 20);
      const results = await deps.history.scenarioResults(target.scenarioId, 20);
      const lines = [
        `${results.length} recent drill(s). Correct inside the read window: ${points.length ? sparkline(points.map((p) => p.share)) : "—"}`,
        ...results
          .slice(-10)
          .reverse()
          .map(
            (r) =>
              `• #${r.drillId} — ${r.correctInWindow}/${r.responders} correct, median first move ${r.medianFirstMoveMs === null ? "—" : formatClock(r.medianFirstMoveMs)}, ${r.mode} mode`,
          ),
      ];
      await ctx.reply(`Stats for ${target.scenarioId}`, statsBlocks(`${escapeMrkdwn(scenario?.title ?? target.scenarioId)}`, lines));
      return;
    }
    const coverage = await deps.insights.coverage(deps.scenarios.values());
    const team = await deps.history.recentResults(20);
    const lines = [
      `Team, latest ${team.length} drill(s): correct inside the read window ${team.length ? sparkline(team.map((r) => (r.responders ? r.correctInWindow / r.responders : null))) : "—"}`,
      "*Coverage* (stalest first)",
      ...coverageLines(coverage),
    ];
    await ctx.reply("Drill stats", statsBlocks("Drill stats", lines));
  },
});
