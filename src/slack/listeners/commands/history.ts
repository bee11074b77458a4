import { formatClock } from "../../../domain/duration.js";
import { sparkline } from "../../../domain/trends.js";
import { actionItemsBlocks, coverageLines, personStatsLines, statsBlocks } from "../../blocks/historyBlocks.js";
import { escapeMrkdwn, escapeUserText } from "../../blocks/text.js";
import { isConfiguredFacilitator, type SlackDeps } from "../../deps.js";
import type { CommandContext } from "./context.js";
import { EVERY_CHANNEL_NEEDS_FACILITATOR } from "./schedules.js";

/** Identical re-posts of one debrief in one channel within this window become one post. */
export const REPOST_WINDOW_MS = 5 * 60_000;

/** `/drill debrief [last|<id>]`: the full debrief, posted in the channel for everyone, behind
 * every running drill's own messages. */
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
  // A debrief carries the expected first move, the expected path and earlier answers: while the
  // same scenario is being drilled here (or blind anywhere) it would hand out the answer.
  const running = await deps.service.store.listDrills({ status: "running", scenarioId: drill.scenario.id, limit: 100 });
  const spoiled = running.find((r) => r.venue === ctx.channel || r.mode === "blind");
  if (spoiled) {
    await ctx.reply(
      spoiled.venue === ctx.channel
        ? `A \`${drill.scenario.id}\` drill (#${spoiled.id}) is running in this channel: its debrief would give the answer away. Ask again after it ends.`
        : `A blind \`${drill.scenario.id}\` drill is running in another channel: this debrief would give its answer away. Ask again after it ends.`,
    );
    return;
  }
  const now = deps.clock.now();
  // One re-post of a debrief per channel per window, however many people ask.
  const window = Math.floor(now / REPOST_WINDOW_MS);
  const firstKey = `debrief-repost:${drill.state.id}:${ctx.channel}:${window}:0`;
  const earlier = await deps.drills.queued(firstKey);
  if (earlier) {
    await ctx.reply(
      `Drill #${drill.state.id}'s debrief was ${earlier.status === "pending" ? "just queued" : "posted"} here a moment ago${earlier.status === "sent" ? ": scroll up" : ""}.`,
    );
    return;
  }
  if (!deps.reposts.take(ctx.user.id)) {
    const wait = Math.max(1, Math.ceil((deps.reposts.retryAt(ctx.user.id) - now) / 60_000));
    await ctx.reply(
      `You have asked for several debriefs in a short time: try again in ${wait} min, or use \`drillbot debrief ${drill.state.id}\` at a terminal.`,
    );
    return;
  }
  const debrief = await deps.service.debrief(drill.state.id);
  if (!debrief) return;
  const messages = await deps.drills.debriefMessages(debrief, drill);
  for (const [i, blocks] of messages.entries()) {
    await deps.drills.repostInChannel(
      ctx.channel,
      `debrief-repost:${drill.state.id}:${ctx.channel}:${window}:${i}`,
      `Debrief: ${drill.scenario.title}`,
      blocks,
    );
  }
}

/** `/drill actions [done] [all]`: flagged runbook steps of this channel's drills (every
 * channel's for a configured facilitator asking for `all`), each open one with a Mark done button. */
export async function listActionItems(deps: SlackDeps, ctx: CommandContext, ask: { all: boolean; done: boolean }): Promise<void> {
  if (ask.all && !isConfiguredFacilitator(deps, ctx.user.id)) {
    await ctx.reply(EVERY_CHANNEL_NEEDS_FACILITATOR("`/drill actions all`"));
    return;
  }
  const items = await deps.actions.listActionItems({
    ...(ask.done ? {} : { status: "open" as const }),
    ...(ask.all ? {} : { venue: ctx.channel }),
  });
  await ctx.reply(`${items.length} action item(s)`, actionItemsBlocks(items, { done: ask.done, everywhere: ask.all }));
}

/** `/drill stats [@user|scenario]`: coverage, accuracy over time, time to first move, mastery. */
export async function showStats(deps: SlackDeps, ctx: CommandContext, target: { userId?: string; scenarioId?: string }): Promise<void> {
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
}
