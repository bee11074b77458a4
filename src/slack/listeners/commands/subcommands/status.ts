import { formatClock } from "../../../../domain/duration.js";
import { slackTime } from "../../../blocks/drillBlocks.js";
import { escapeMrkdwn, escapeUserText } from "../../../blocks/text.js";
import { noArguments, subcommand } from "../subcommand.js";

export const status = subcommand({
  kind: "status",
  matches: (first) => first === "status",
  usage: [
    { syntax: "/drill status", summary: "the drill running here", details: "elapsed, who is on it, how many answered, when it ends" },
  ],
  hint: "status",
  permission: "anyone",
  parse: noArguments("status"),
  async handle(deps, ctx) {
    const drill = await deps.service.runningIn(ctx.channel);
    if (!drill) {
      await ctx.reply("No drill is running in this channel. Start one with `/drill <scenario>` (`/drill list` shows them).");
      return;
    }
    const p = drill.progress();
    const elapsed = formatClock(deps.clock.now() - drill.state.startedAt);
    await ctx.reply(
      `*${escapeMrkdwn(drill.scenario.title)}* (\`${drill.scenario.id}\`, drill #${drill.state.id}, mode ${drill.state.mode}) — started ${elapsed} ago by ${escapeUserText(drill.state.startedBy.name)}; ${p.acked} on it, ${p.answered} first move(s); ends ${slackTime(drill.endsAt)}.`,
    );
  },
});
