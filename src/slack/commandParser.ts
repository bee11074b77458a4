import { closestId } from "../catalog/catalog.js";
import type { DrillMode } from "../domain/drillState.js";

// `/drill …` text → what the user asked for. Pure, so every odd input is easy to test.

export type DrillCommand =
  | { kind: "help" }
  | { kind: "list"; tag?: string }
  | { kind: "start"; scenarioId: string; mode: DrillMode }
  | { kind: "random"; tag?: string; mode: DrillMode }
  | { kind: "status" }
  | { kind: "end" }
  | { kind: "cancel" }
  | { kind: "invalid"; message: string };

export const SUBCOMMANDS = ["help", "list", "random", "status", "end", "cancel"] as const;

export const USAGE_LINES = [
  "`/drill <scenario> [read|blind]` — start a drill in this channel (read: runbook open at once; blind: runbook after your first move)",
  "`/drill random [tag] [read|blind]` — start a drill on a random scenario, optionally with a tag such as `security`",
  "`/drill list [tag]` — the scenarios",
  "`/drill status` — the drill running here",
  "`/drill end` — end the drill and post the debrief (the starter or a facilitator)",
  "`/drill cancel` — stop the drill with no debrief",
  "`/drill help` — this help",
];

const MODES = new Set(["read", "blind"]);

export function parseDrillCommand(text: string, scenarioIds: readonly string[], tags: readonly string[]): DrillCommand {
  const words = text
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  const [first, ...rest] = words;
  if (first === undefined || first === "help") return { kind: "help" };

  const noArgs = (kind: "status" | "end" | "cancel"): DrillCommand =>
    rest.length === 0 ? { kind } : { kind: "invalid", message: `\`/drill ${kind}\` takes no arguments.` };

  switch (first) {
    case "list": {
      if (rest.length > 1) return { kind: "invalid", message: "`/drill list [tag]` takes at most one tag." };
      const tag = rest[0];
      if (tag !== undefined && !tags.includes(tag))
        return { kind: "invalid", message: `No scenario has the tag \`${tag}\`. Tags: ${tags.map((t) => `\`${t}\``).join(", ")}.` };
      return tag === undefined ? { kind: "list" } : { kind: "list", tag };
    }
    case "random": {
      let mode: DrillMode = "read";
      let tag: string | undefined;
      for (const word of rest) {
        if (MODES.has(word)) mode = word as DrillMode;
        else if (tag === undefined && tags.includes(word)) tag = word;
        else
          return {
            kind: "invalid",
            message: `\`${word}\` is neither a tag nor a mode. Try \`/drill random ${tags[0] ?? "sre"} blind\`; tags: ${tags.map((t) => `\`${t}\``).join(", ")}.`,
          };
      }
      return tag === undefined ? { kind: "random", mode } : { kind: "random", tag, mode };
    }
    case "status":
    case "end":
    case "cancel":
      return noArgs(first);
  }

  if (scenarioIds.includes(first)) {
    if (rest.length > 1 || (rest[0] !== undefined && !MODES.has(rest[0]))) {
      return { kind: "invalid", message: `The mode is \`read\` or \`blind\`: try \`/drill ${first} blind\`.` };
    }
    return { kind: "start", scenarioId: first, mode: (rest[0] as DrillMode | undefined) ?? "read" };
  }

  const closest = closestId(first, [...scenarioIds, ...SUBCOMMANDS]);
  const suggestion = closest ? ` Did you mean \`/drill ${closest}\`?` : "";
  return { kind: "invalid", message: `There is no scenario or command \`${first}\`.${suggestion} \`/drill list\` shows the scenarios.` };
}
