import { controlStatePhrases } from "../../../../domain/debriefWords.js";
import { formatClock } from "../../../../domain/duration.js";
import { drillEndsPhrase } from "../../../blocks/drillBlocks.js";
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
    const ends = drillEndsPhrase(drill);
    const controls = controlStatePhrases(drill.state, escapeUserText);
    const roles = drill.scenario.roleList.flatMap((role) => {
      const holder = drill.state.responders.find((r) => r.role === role.id);
      return holder ? [`${escapeMrkdwn(role.name)}: ${escapeUserText(holder.user.name)}`] : [];
    });
    await ctx.reply(
      `*${escapeMrkdwn(drill.scenario.title)}* (\`${drill.scenario.id}\`, drill #${drill.state.id}, mode ${drill.state.mode}) — started ${elapsed} ago by ${escapeUserText(drill.state.startedBy.name)}; ${p.acked} on it, ${p.answered} first move(s); ${ends}${drill.timeLimitMs === drill.scenario.timeLimitMs ? "" : ` (time limit now ${formatClock(drill.timeLimitMs)})`}.${controls.length ? ` Facilitator: ${controls.join(", ")}.` : ""}${roles.length ? ` Roles: ${roles.join(", ")}.` : ""}`,
    );
  },
});
