import type { DrillMode } from "../../../../domain/drillState.js";
import { fail, isMode, ok, subcommand } from "../subcommand.js";
import { startDrill } from "./startDrill.js";

export const start = subcommand({
  kind: "start",
  matches: (first, { scenarioIds }) => scenarioIds.includes(first),
  usage: [
    {
      syntax: "/drill <scenario> [read|blind]",
      summary: "start a drill in this channel (read: runbook open at once; blind: runbook after your first move)",
      details:
        "`read` is the two-minute peer test; `blind` is a cold start where each responder sees the runbook only after stating a first move (facilitators)",
    },
  ],
  hint: "<scenario> [read|blind]",
  permission: "facilitator",
  parse(words, _ctx) {
    // The scenario id is the selecting word itself; the dispatcher passes it as the first word.
    const [scenarioId, mode, ...more] = words.lower;
    if (scenarioId === undefined) return fail("Say which scenario: `/drill list` shows them.");
    if (more.length > 0 || (mode !== undefined && !isMode(mode)))
      return fail(`The mode is \`read\` or \`blind\`: try \`/drill ${scenarioId} blind\`.`);
    return ok({ scenarioId, mode: (mode as DrillMode | undefined) ?? "read" });
  },
  async handle(deps, ctx, args: { scenarioId: string; mode: DrillMode }) {
    await startDrill(deps, ctx, args.scenarioId, args.mode);
  },
});
