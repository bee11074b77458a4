import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { formatClock } from "../../../domain/duration.js";
import { slackTime } from "../../blocks/drillBlocks.js";
import { helpBlocks, listBlocks } from "../../blocks/helpBlocks.js";
import type { Block } from "../../blocks/limits.js";
import { escapeMrkdwn, escapeUserText } from "../../blocks/text.js";
import { parseDrillCommand } from "../../commandParser.js";
import { allTags, isFacilitator, mayControlDrill, type SlackDeps, sortedScenarios } from "../../deps.js";
import type { CommandContext } from "./context.js";
import { listActionItems, postDebrief, showStats } from "./history.js";
import { FACILITATORS_ONLY, listSchedules, scheduleGameDay, unscheduleGameDay } from "./schedules.js";

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** `/drill …`: every reply about the command is ephemeral; the drill itself is public. */
export function drillCommand(deps: SlackDeps) {
  return async ({ ack, command, respond }: Args): Promise<void> => {
    await ack();
    const reply = (text: string, blocks?: Block[]) => respond({ response_type: "ephemeral", text, ...(blocks ? { blocks } : {}) });
    const user = { id: command.user_id, name: command.user_name };
    const channel = command.channel_id;
    // Permission before parsing: what a non-facilitator types after `schedule` is never looked at.
    const firstWord = (command.text ?? "").trimStart().slice(0, 12).split(/\s/)[0]?.toLowerCase();
    if ((firstWord === "schedule" || firstWord === "unschedule") && !isFacilitator(deps, user.id)) {
      await reply(FACILITATORS_ONLY);
      return;
    }
    const parsed = parseDrillCommand(command.text ?? "", [...deps.scenarios.keys()], allTags(deps));

    const ctx: CommandContext = { user, channel, reply };
    switch (parsed.kind) {
      case "schedule":
        await scheduleGameDay(deps, ctx, parsed);
        return;
      case "schedules":
        await listSchedules(deps, ctx, parsed.all);
        return;
      case "unschedule":
        await unscheduleGameDay(deps, ctx, parsed.id);
        return;
      case "debrief":
        await postDebrief(deps, ctx, parsed.which);
        return;
      case "actions":
        await listActionItems(deps, ctx, { all: parsed.all, done: parsed.done });
        return;
      case "stats":
        await showStats(deps, ctx, parsed);
        return;
      case "help":
        await reply("drillbot: /drill <scenario> [read|blind] · list · random · status · end · cancel", helpBlocks(sortedScenarios(deps)));
        return;
      case "list": {
        const scenarios = sortedScenarios(deps, parsed.tag);
        await reply(`${scenarios.length} scenarios`, listBlocks(scenarios, parsed.tag));
        return;
      }
      case "invalid": {
        // The message quotes what the user typed: escaped, so it can never ping or link.
        const message = escapeMrkdwn(parsed.message);
        await reply(message, helpBlocks(sortedScenarios(deps), `:warning: ${message}`));
        return;
      }
      case "status": {
        const drill = await deps.service.runningIn(channel);
        if (!drill) {
          await reply("No drill is running in this channel. Start one with `/drill <scenario>` (`/drill list` shows them).");
          return;
        }
        const p = drill.progress();
        const elapsed = formatClock(deps.clock.now() - drill.state.startedAt);
        await reply(
          `*${escapeMrkdwn(drill.scenario.title)}* (\`${drill.scenario.id}\`, drill #${drill.state.id}, mode ${drill.state.mode}) — started ${elapsed} ago by ${escapeUserText(drill.state.startedBy.name)}; ${p.acked} on it, ${p.answered} first move(s); ends ${slackTime(drill.endsAt)}.`,
        );
        return;
      }
      case "end":
      case "cancel": {
        const drill = await deps.service.runningIn(channel);
        if (!drill) {
          await reply(`No drill is running in this channel, so there is nothing to ${parsed.kind}.`);
          return;
        }
        // The starter or a configured facilitator; a game day (no human starter) anyone here.
        if (!mayControlDrill(deps, user.id, drill.state.startedBy)) {
          const who = escapeUserText(drill.state.startedBy.name);
          await reply(
            deps.facilitators.size > 0
              ? `Only ${who}, who started this drill, or a facilitator can ${parsed.kind} it.`
              : `Only ${who}, who started this drill, can ${parsed.kind} it (no facilitators are configured in DRILLBOT_FACILITATORS).`,
          );
          return;
        }
        if (parsed.kind === "end") {
          const ended = await deps.drills.finish(drill.state.id, user.name, "manual");
          if (!ended.ok) await reply("This drill has already ended.");
        } else if (!(await deps.drills.cancel(drill.state.id, user))) {
          await reply("This drill has already ended.");
        }
        return;
      }
      case "start":
      case "random": {
        if (!isFacilitator(deps, user.id)) {
          await reply("Only facilitators can start drills in this workspace (DRILLBOT_FACILITATORS). Ask one of them to run `/drill`.");
          return;
        }
        let scenarioId: string;
        let lead = "";
        if (parsed.kind === "random") {
          const pool = sortedScenarios(deps, parsed.tag);
          const picked = pool[Math.floor(deps.random() * pool.length)];
          if (!picked) {
            await reply("There is no scenario to pick from.");
            return;
          }
          scenarioId = picked.id;
          lead = `Picked \`${picked.id}\` at random${parsed.tag ? ` from the \`${parsed.tag}\` scenarios` : ""}.`;
        } else {
          scenarioId = parsed.scenarioId;
        }
        const started = await deps.drills.start({ scenarioId, mode: parsed.mode, user, channel });
        if (started.ok) {
          if (lead) await reply(lead);
          if (started.delayed)
            await reply(
              "Slack is slow to take messages right now: the drill is recorded and its message will appear here as soon as Slack accepts it.",
            );
          return;
        }
        if (started.reason === "already_running") {
          await reply(
            `A drill is already running here: \`${started.runningScenarioId ?? "?"}\` (#${started.runningDrillId ?? "?"}). End it with \`/drill end\` (debrief) or \`/drill cancel\` (no debrief), then start another.`,
          );
        } else if (started.reason === "post_failed") {
          await reply(
            `I could not post the drill in this channel (${escapeMrkdwn(started.error)}). Invite me with \`/invite @drillbot\` and try again; nothing was recorded.`,
          );
        } else {
          await reply(
            `There is no scenario \`${escapeMrkdwn(scenarioId)}\`.${started.closest ? ` Did you mean \`${started.closest}\`?` : ""}`,
          );
        }
        return;
      }
    }
  };
}
