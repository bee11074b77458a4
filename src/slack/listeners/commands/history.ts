import { formatClock } from "../../../domain/duration.js";
import { sparkline } from "../../../domain/trends.js";
import { actionItemsBlocks, coverageLines, personStatsLines, statsBlocks } from "../../blocks/historyBlocks.js";
import { escapeMrkdwn } from "../../blocks/text.js";
import type { SlackDeps } from "../../deps.js";
import type { CommandContext } from "./context.js";

/** `/drill debrief [last|<id>]`: the full debrief, posted in the channel for everyone. */
export async function postDebrief(deps: SlackDeps, ctx: CommandContext, which: "last" | number): Promise<void> {
  const id = which === "last" ? (await deps.service.store.listDrills({ venue: ctx.channel, status: "ended", limit: 1 }))[0]?.id : which;
  const drill = id === undefined ? null : await deps.service.load(id);
  if (drill && drill.state.venue !== ctx.channel) {
    // Answers from another (maybe private) channel are not re-posted here.
    await ctx.reply(
      `Drill #${drill.state.id} ran in another channel: ask for its debrief there, or use \`drillbot debrief ${drill.state.id}\` at a terminal.`,
    );
    return;
  }
  if (drill?.state.status !== "ended") {
    await ctx.reply(which === "last" ? "No drill has ended in this channel yet." : `There is no finished drill #${which}.`);
    return;
  }
  const debrief = await deps.service.debrief(drill.state.id);
  if (!debrief) return;
  // A fresh key per request: asking again posts it again, on purpose.
  const asked = deps.clock.now();
  const messages = await deps.drills.debriefMessages(debrief, drill);
  for (const [i, blocks] of messages.entries()) {
    await deps.drills.postInChannel(
      ctx.channel,
      `debrief-repost:${drill.state.id}:${asked}:${i}`,
      `Debrief: ${drill.scenario.title}`,
      blocks,
    );
  }
}

/** `/drill actions [all]`: flagged runbook steps, each open one with a Mark done button. */
export async function listActionItems(deps: SlackDeps, ctx: CommandContext, all: boolean): Promise<void> {
  const items = await deps.actions.listActionItems(all ? {} : { status: "open" });
  await ctx.reply(`${items.length} action item(s)`, actionItemsBlocks(items, all));
}

/** `/drill stats [@user|scenario]`: coverage, accuracy over time, time to first move, mastery. */
export async function showStats(deps: SlackDeps, ctx: CommandContext, target: { userId?: string; scenarioId?: string }): Promise<void> {
  if (target.userId) {
    const stats = await deps.insights.personStats(target.userId);
    if (stats.drills === 0) {
      await ctx.reply("That person has not finished a drill yet.");
      return;
    }
    await ctx.reply(`Stats for ${escapeMrkdwn(stats.name ?? target.userId)}`, statsBlocks("Drill stats", personStatsLines(stats)));
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
}
