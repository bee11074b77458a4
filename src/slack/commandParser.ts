import { closestId } from "../catalog/catalog.js";
import type { DrillMode } from "../domain/drillState.js";
import { cronProblems, isValidTimeZone, weeklyCron } from "../scheduler/cronTime.js";

// `/drill …` text → what the user asked for. Pure, so every odd input is easy to test.

export type DrillCommand =
  | { kind: "help" }
  | { kind: "list"; tag?: string }
  | { kind: "start"; scenarioId: string; mode: DrillMode }
  | { kind: "random"; tag?: string; mode: DrillMode }
  | { kind: "status" }
  | { kind: "end" }
  | { kind: "cancel" }
  | { kind: "schedule"; cron: string; timezone: string; scenario: string; mode: DrillMode; headsUp: boolean }
  | { kind: "schedules"; all: boolean }
  | { kind: "unschedule"; id: number }
  | { kind: "debrief"; which: "last" | number }
  | { kind: "actions"; all: boolean; done: boolean }
  | { kind: "stats"; userId?: string; scenarioId?: string }
  | { kind: "invalid"; message: string };

export const SUBCOMMANDS = [
  "help",
  "list",
  "random",
  "status",
  "end",
  "cancel",
  "schedule",
  "schedules",
  "unschedule",
  "debrief",
  "actions",
  "stats",
] as const;

export const USAGE_LINES = [
  "`/drill <scenario> [read|blind]` — start a drill in this channel (read: runbook open at once; blind: runbook after your first move)",
  "`/drill random [tag] [read|blind]` — start a drill on a random scenario, optionally with a tag such as `security`",
  "`/drill list [tag]` — the scenarios",
  "`/drill status` — the drill running here",
  "`/drill end` — end the drill and post the debrief (the starter or a facilitator)",
  "`/drill cancel` — stop the drill with no debrief",
  "`/drill schedule weekly <day> <HH:MM> [scenario|random|random:<tag>] [time zone] [read|blind] [heads-up]` — a weekly game day (facilitators)",
  '`/drill schedule cron "<min hour day month weekday>" [scenario|random] [time zone] …` — any other cadence',
  "`/drill schedules [all]` · `/drill unschedule <id>` — this channel's game days (`all`: every channel, facilitators); remove one",
  "`/drill debrief [last|<id>]` — post a drill's full debrief here",
  "`/drill actions [done] [all]` — runbook fixes flagged in this channel's drills (`done`: include done ones; `all`: every channel, facilitators)",
  "`/drill stats [@person|scenario]` — coverage, accuracy, time to first move and mastery",
  "`/drill help` — this help",
];

const MODES = new Set(["read", "blind"]);

/** Words, keeping a quoted part (straight or Slack's curly quotes) as one word. */
function tokenize(text: string): string[] {
  const words: string[] = [];
  const pattern = /["“”]([^"“”]*)["“”]|(\S+)/g;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) words.push(m[1] ?? m[2] ?? "");
  return words;
}

/** A user as Slack escapes it in command text: <@U123|name> or <@U123>. */
const USER_TOKEN = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;

function parseSchedule(rest: string[], scenarioIds: readonly string[], tags: readonly string[]): DrillCommand {
  const example = "`/drill schedule weekly mon 10:00 random Europe/Berlin`";
  const [cadence, ...args] = rest;
  let cron: string;
  let options: string[];
  if (cadence?.toLowerCase() === "weekly") {
    const [day, time, ...more] = args;
    if (!day || !time) return { kind: "invalid", message: `Say the day and time: ${example}.` };
    const weekly = weeklyCron(day, time);
    if ("problem" in weekly) return { kind: "invalid", message: `${weekly.problem}. For example ${example}.` };
    cron = weekly.cron;
    options = more;
  } else if (cadence?.toLowerCase() === "cron") {
    const [expression, ...more] = args;
    const problems = expression ? cronProblems(expression) : ["add the expression in quotes"];
    if (!expression || problems.length > 0) {
      return {
        kind: "invalid",
        message: `The cron expression needs fixing: ${problems.join("; ")}. For example \`/drill schedule cron "0 10 * * 1-5" random UTC\`.`,
      };
    }
    cron = expression.trim().split(/\s+/).join(" ");
    options = more;
  } else {
    return { kind: "invalid", message: `Schedules are \`weekly\` or \`cron\`: ${example}.` };
  }
  let scenario = "random";
  let timezone = "UTC";
  let mode: DrillMode = "read";
  let headsUp = false;
  for (const arg of options) {
    const word = arg.toLowerCase();
    if (MODES.has(word)) mode = word as DrillMode;
    else if (["heads-up", "headsup", "heads_up"].includes(word)) headsUp = true;
    else if (word === "random") scenario = "random";
    else if (word.startsWith("random:") && tags.includes(word.slice(7))) scenario = word;
    else if (scenarioIds.includes(word)) scenario = word;
    else if (/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(arg) && isValidTimeZone(arg)) timezone = arg;
    else {
      const closest = closestId(word, scenarioIds);
      return {
        kind: "invalid",
        message: `\`${arg}\` is not a scenario, \`random\`, \`random:<tag>\`, a time zone (e.g. \`Europe/Berlin\`), a mode or \`heads-up\`.${closest ? ` Did you mean \`${closest}\`?` : ""}`,
      };
    }
  }
  return { kind: "schedule", cron, timezone, scenario, mode, headsUp };
}

function parseMore(
  first: string,
  raw: string[],
  rest: string[],
  scenarioIds: readonly string[],
  tags: readonly string[],
): DrillCommand | null {
  switch (first) {
    case "schedule":
      return parseSchedule(raw.slice(1), scenarioIds, tags);
    case "schedules":
      if (rest.length === 0) return { kind: "schedules", all: false };
      return rest.length === 1 && rest[0] === "all"
        ? { kind: "schedules", all: true }
        : {
            kind: "invalid",
            message: "`/drill schedules` lists this channel's game days; `/drill schedules all` lists every channel's (facilitators).",
          };
    case "unschedule": {
      const id = Number(rest[0]?.replace(/^#/, ""));
      if (rest.length !== 1 || !Number.isInteger(id) || id <= 0) {
        return { kind: "invalid", message: "Say which schedule: `/drill unschedule 3` (`/drill schedules` lists their ids)." };
      }
      return { kind: "unschedule", id };
    }
    case "debrief": {
      const which = rest[0] ?? "last";
      const id = Number(which.replace(/^#/, ""));
      if (rest.length > 1 || (which !== "last" && (!Number.isInteger(id) || id <= 0))) {
        return { kind: "invalid", message: "Say which drill: `/drill debrief last` or `/drill debrief 12`." };
      }
      return { kind: "debrief", which: which === "last" ? "last" : id };
    }
    case "actions": {
      const known = new Set(["all", "done"]);
      if (rest.length > 2 || rest.some((w) => !known.has(w))) {
        return {
          kind: "invalid",
          message:
            "`/drill actions` lists the open action items of this channel's drills; add `done` to include done ones, `all` for every channel (facilitators).",
        };
      }
      return { kind: "actions", all: rest.includes("all"), done: rest.includes("done") };
    }
    case "stats": {
      if (rest.length === 0) return { kind: "stats" };
      const user = USER_TOKEN.exec(raw[1] ?? "");
      if (rest.length === 1 && user?.[1]) return { kind: "stats", userId: user[1] };
      if (rest.length === 1 && scenarioIds.includes(rest[0] ?? "")) return { kind: "stats", scenarioId: rest[0] ?? "" };
      const closest = closestId(rest[0] ?? "", scenarioIds);
      return {
        kind: "invalid",
        message: `\`/drill stats\` takes a person (\`@name\`) or a scenario.${closest ? ` Did you mean \`/drill stats ${closest}\`?` : ""}`,
      };
    }
    default:
      return null;
  }
}

export function parseDrillCommand(text: string, scenarioIds: readonly string[], tags: readonly string[]): DrillCommand {
  const raw = tokenize(text.trim());
  const words = raw.map((w) => w.toLowerCase());
  const [first, ...rest] = words;
  if (first === undefined || first === "help") return { kind: "help" };
  const more = parseMore(first, raw, rest, scenarioIds, tags);
  if (more) return more;

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
