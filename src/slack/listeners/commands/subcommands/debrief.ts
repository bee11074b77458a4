import { fail, ok, subcommand } from "../subcommand.js";

/** Identical re-posts of one debrief in one channel within this window become one post. */
export const REPOST_WINDOW_MS = 5 * 60_000;

export const debrief = subcommand({
  kind: "debrief",
  matches: (first) => first === "debrief",
  usage: [
    {
      syntax: "/drill debrief [last|<id>]",
      summary: "post a drill's full debrief here",
      details:
        "a drill of this channel, with its trend, mastery and action items. Refused while the same scenario is being drilled here (or blind anywhere): it would give the answer away. Several asks within 5 minutes make one post; each person may ask for 3 in 10 minutes",
    },
  ],
  hint: null,
  permission: "anyone",
  parse(words) {
    const which = words.lower[0] ?? "last";
    const id = Number(which.replace(/^#/, ""));
    if (words.lower.length > 1 || (which !== "last" && (!Number.isInteger(id) || id <= 0))) {
      return fail("Say which drill: `/drill debrief last` or `/drill debrief 12`.");
    }
    return ok({ which: which === "last" ? ("last" as const) : id });
  },
  /** The full debrief, posted in the channel for everyone, behind every running drill's own
   * messages. */
  async handle(deps, ctx, args: { which: "last" | number }) {
    const which = args.which;
    const id = which === "last" ? (await deps.service.listDrills({ venue: ctx.channel, status: "ended", limit: 1 }))[0]?.id : which;
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
    const running = await deps.service.listDrills({ status: "running", scenarioId: drill.scenario.id, limit: 100 });
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
    const earlier = await deps.delivery.queued(firstKey);
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
    const messages = await deps.delivery.debriefMessages(debrief, drill);
    for (const [i, blocks] of messages.entries()) {
      await deps.delivery.repostInChannel(
        deps.team,
        ctx.channel,
        `debrief-repost:${drill.state.id}:${ctx.channel}:${window}:${i}`,
        `Debrief: ${drill.scenario.title}`,
        blocks,
      );
    }
  },
});
