import type { types } from "@slack/bolt";
import type { CatalogCoverage, PersonStats } from "../../service/insights.js";
import type { Schedule } from "../../store/history.js";
import type { DrillSummary } from "../../store/store.js";
import { slackTime } from "./drillBlocks.js";
import { packLines } from "./helpBlocks.js";
import { coverageLines, describeSchedule, personStatsLines } from "./historyBlocks.js";
import { type Block, LIMITS } from "./limits.js";

// The App Home tab: your own trend and mastery, upcoming game days, drills running and recent
// (with links to their threads), and the catalog with when each scenario was last practised.
// Each part is capped so the whole view stays under Slack's 100 blocks however long the history.

export interface HomeData {
  you: PersonStats;
  upcoming: { schedule: Schedule; nextRun: number | null }[];
  running: DrillSummary[];
  recent: DrillSummary[];
  coverage: CatalogCoverage[];
}

const header = (text: string): Block => ({ type: "header", text: { type: "plain_text", text } });
const note = (text: string): Block => ({ type: "context", elements: [{ type: "mrkdwn", text }] });

function drillLine(d: DrillSummary): string {
  const when = slackTime(d.startedAt, "{date_short_pretty} {time}");
  const link = d.venueLink ? `<${d.venueLink}|thread>` : `<#${d.venue}>`;
  return `• #${d.id} \`${d.scenarioId}\` — ${d.status}, ${d.responders} responder(s), ${when} · ${link}`;
}

/** At most `max` sections of lines; the rest is summarised in one note. */
function capped(lines: string[], max: number, more: string): Block[] {
  const blocks = packLines(lines);
  return blocks.length <= max ? blocks : [...blocks.slice(0, max), note(more)];
}

export function homeView(data: HomeData): types.HomeView {
  const blocks: Block[] = [
    header("drillbot"),
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: "Tabletop incident drills: `/drill <scenario>` posts a practice alert (nobody is paged); everyone states their first move in one sentence; the debrief shows who knew, and whether the runbook made it clear.",
      },
    },
    header("Your progress"),
    ...(data.you.drills
      ? capped(personStatsLines(data.you), 4, "More in `/drill stats @you`.")
      : [note("_No drills yet: join the next one with *I'm on it*._")]),
    header("Upcoming game days"),
    ...(data.upcoming.length
      ? capped(
          data.upcoming.slice(0, 30).map((u) => `• ${describeSchedule(u.schedule, u.nextRun)}`),
          3,
          "More in `/drill schedules`.",
        )
      : [note("_None scheduled: `/drill schedule weekly mon 10:00 random Europe/Berlin`._")]),
    header("Running now"),
    ...(data.running.length ? capped(data.running.slice(0, 20).map(drillLine), 2, "More running.") : [note("_No drill is running._")]),
    header("Recent drills"),
    ...(data.recent.length
      ? capped(data.recent.slice(0, 20).map(drillLine), 3, "Older drills: `drillbot export`.")
      : [note("_No drills yet._")]),
    header("Scenarios"),
    ...capped(coverageLines(data.coverage), 20, "More in `/drill stats`."),
  ];
  const safe =
    blocks.length > LIMITS.viewBlocks ? [...blocks.slice(0, LIMITS.viewBlocks - 1), note("_Trimmed to Slack's limit._")] : blocks;
  return { type: "home", blocks: safe };
}
